"""The hooks registry: what runs after a dossier action, in which order."""

from __future__ import annotations

import pytest

from procedures import hooks


def test_event_hooks_run_in_the_registered_order():
    assert [hook.name for hook in hooks.event_hooks()] == [
        "dashboard.stats",
        "payments.requests",
        "notifications.outbox",
    ]


def test_document_hooks_are_listed():
    assert [hook.name for hook in hooks.document_hooks()] == ["dashboard.stats"]


def test_a_name_cannot_be_taken_by_another_function():
    with pytest.raises(ValueError):
        hooks.register_event_hook("dashboard.stats", lambda **kw: None, order=10)
