"""Helpers shared by the test packages: one way to perform a dossier action."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from procedures.models import Dossier
from procedures.services.dossiers import dossier_perform_action
from procedures.workflow import Action


def act(dossier: Dossier | Any, action: Action | str, actor, now: datetime | None = None, **payload) -> Dossier:
    """Perform `action` as `actor` through the service, with the dossier's current version, at `now` (default: the
    real clock). A Dossier passed in is refreshed first, so it shows the state the action started from."""
    if isinstance(dossier, Dossier):
        dossier.refresh_from_db()
        pk, version = dossier.pk, dossier.version
    else:
        pk = dossier
        version = Dossier.objects.values_list("version", flat=True).get(pk=pk)
    return dossier_perform_action(dossier_id=pk, action=action, actor=actor, version=version, payload=payload, now=now)


def replace_event_hook(monkeypatch, name: str, run) -> None:
    """Swap the function a registered event hook runs (same name and order) for the length of a test."""
    from procedures import hooks

    current = hooks._EVENT_HOOKS[name]
    monkeypatch.setitem(hooks._EVENT_HOOKS, name, hooks.Hook(name=name, order=current.order, run=run))
