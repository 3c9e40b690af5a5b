"""The hooks registry: what runs after a dossier action, in which order."""

from __future__ import annotations

import pytest

from procedures import hooks


def test_event_hooks_run_in_the_registered_order():
    # records first: the signed result is part of completing, so a signing failure rolls back before anything counts.
    assert [hook.name for hook in hooks.event_hooks()] == [
        "records.results",
        "dashboard.stats",
        "payments.requests",
        "notifications.outbox",
    ]


def test_document_hooks_are_listed():
    assert [hook.name for hook in hooks.document_hooks()] == ["records.origins", "dashboard.stats"]


def test_document_sources_are_listed():
    assert [hook.name for hook in hooks.document_sources()] == ["from_store"]
    assert [hook.name for hook in hooks.document_offer_hooks()] == ["records.store"]


def test_a_name_cannot_be_taken_by_another_function():
    with pytest.raises(ValueError):
        hooks.register_event_hook("dashboard.stats", lambda **kw: None, order=10)
