"""Routing wired into the workflow service for tests, until the lead adds it to procedures/services/dossiers.py.

Once `_enter_step` calls `routing.dossier_route` (see the integration notes), `routing_wired` does nothing; until then
it wraps the service's step entry and the effects of accept, forward and send_back so routing runs exactly where it
will run then: while the action enters its step, with the action's `now`, its record merged into the action's event.
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
_record: contextvars.ContextVar = contextvars.ContextVar("routing_record", default=None)


@pytest.fixture
def routing_wired(monkeypatch):
    if HOOK_WIRED:
        yield
        return
    original_enter = dossier_services._enter_step

    def enter_step(dossier, steps, position, assignee=None, **kwargs):
        original_enter(dossier, steps, position, assignee=assignee)
        decision = routing.dossier_route(dossier=dossier, step=steps[position - 1], now=_now.get(), assignee=assignee)
        _record.set(routing.routing_apply(dossier=dossier, decision=decision))

    def with_routing(effect):
        def wrapped(dossier, **kwargs):
            now_token, record_token = _now.set(kwargs.get("now")), _record.set(None)
            try:
                payload = effect(dossier, **kwargs)
                return {**payload, **(_record.get() or {})}
            finally:
                _now.reset(now_token)
                _record.reset(record_token)

        return wrapped

    monkeypatch.setattr(dossier_services, "_enter_step", enter_step)
    for action in (Action.ACCEPT, Action.FORWARD, Action.SEND_BACK):
        monkeypatch.setitem(dossier_services._EFFECTS, action, with_routing(dossier_services._EFFECTS[action]))
    yield
