"""Typed event payloads: what the services write is what `procedures.events` reads, key for key."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from procedures import events
from procedures.models import DossierEvent
from procedures.workflow import Action
from tests.procedures.dossier_flow import STATES, T0, act, drive, system_pay

pytestmark = pytest.mark.django_db

ASSIGNMENT_KEYS = {"assignee", "assignee_name", "routing"}


def readable_keys(cls) -> set[str]:
    names = {f.name for f in dataclasses.fields(cls)}
    return (names - {"assignment"}) | ASSIGNMENT_KEYS if "assignment" in names else names


def test_every_payload_the_services_write_is_read_by_its_action_class(world):
    dossiers = [drive(world, state) for state in STATES]
    processing = drive(world, "processing@1")
    act(processing, Action.EXTEND, world.leader, now=T0 + timedelta(days=1), due_at="2026-12-01", reason="Chờ")
    act(processing, Action.ASSIGN, world.leader, now=T0 + timedelta(days=1), assignee=world.specialist.pk)
    by_state = dict(zip(STATES, dossiers, strict=True))
    later = T0 + timedelta(days=2)
    act(by_state["processing@3"], Action.SEND_BACK, world.leader, now=later, reason="Thiếu ý kiến")
    system_pay(by_state["awaiting_payment"], now=later, reference="REF-1", provider="vnpay")
    act(by_state["supplement_requested@processing"], Action.SUPPLEMENT, world.citizen, now=later)
    act(by_state["withdrawal_requested"], Action.APPROVE_WITHDRAWAL, world.reception, now=later)
    seen = set()
    for event in DossierEvent.objects.filter(dossier__in=[*dossiers, processing]):
        typed = events.read(event.action, event.payload)
        assert type(typed) is events.PAYLOADS.get(event.action, events.Payload), event.action
        assert set(event.payload) <= readable_keys(type(typed)), (event.action, event.payload)
        seen.add(event.action)
    assert seen >= {a.value for a in Action} - {Action.COMMENT, Action.REJECT_WITHDRAWAL}


def test_readers_type_the_values(world):
    processing = drive(world, "processing@1")
    accept = processing.events.get(action=Action.ACCEPT)
    typed = events.read(accept.action, accept.payload)
    assert typed.due_at == processing.due_at and typed.due_at.tzinfo is not None
    assert events.due_at_of(typed) == processing.due_at
    assignment = events.assignment_of(typed)
    assert assignment.assignee == processing.assignee_id
    assert assignment.assignee_name == str(processing.assignee)


def test_old_or_odd_payloads_read_with_defaults():
    assert events.read("extend", None) == events.Extended()
    assert events.read("supplement", {"paused_working_days": "x", "due_at": "not a date"}) == events.Supplemented()
    assert events.read("create", {"anything": 1}) == events.Payload()
    assert events.assignment_of(events.read("assign", {"routing": {"unrouted": True, "reason": "r"}})).unrouted
