"""Routing wired into the workflow service for tests, until the lead adds it to procedures/services/dossiers.py.

Once `_enter_step` calls `routing.dossier_route` (see the integration notes), `routing_wired` does nothing; until then
it wraps the service's step entry and event writer so routing runs exactly where it will run then: while the action
enters its step (accept, forward, send_back), and its `assign` event is written right after the action's own event,
in the same transaction.
"""

from __future__ import annotations

import contextvars
import inspect

import pytest

from procedures.services import dossiers as dossier_services
from procedures.services import routing
from procedures.workflow import Action

HOOK_WIRED = "routing" in inspect.getsource(dossier_services._enter_step)
_now: contextvars.ContextVar = contextvars.ContextVar("routing_now", default=None)


@pytest.fixture
def routing_wired(monkeypatch):
    if HOOK_WIRED:
        yield
        return
    original_enter = dossier_services._enter_step
    original_record = dossier_services._record

    def enter_step(dossier, steps, position, assignee=None, **kwargs):
        original_enter(dossier, steps, position, assignee=assignee)
        decision = routing.dossier_route(dossier=dossier, step=steps[position - 1], now=_now.get(), assignee=assignee)
        routing.routing_apply(dossier=dossier, decision=decision)

    def record(dossier, **kwargs):
        event = original_record(dossier, **kwargs)
        routing.routing_record(dossier=dossier, cause=event, now=event.at)
        return event

    def with_now(effect):
        def wrapped(dossier, **kwargs):
            token = _now.set(kwargs.get("now"))
            try:
                return effect(dossier, **kwargs)
            finally:
                _now.reset(token)

        return wrapped

    monkeypatch.setattr(dossier_services, "_enter_step", enter_step)
    monkeypatch.setattr(dossier_services, "_record", record)
    for action in (Action.ACCEPT, Action.FORWARD, Action.SEND_BACK):
        monkeypatch.setitem(dossier_services._EFFECTS, action, with_now(dossier_services._EFFECTS[action]))
    yield
