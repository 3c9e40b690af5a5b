"""Routing and automatic assignment (procedures.services.routing), through the real workflow service."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection

from citizens.models import StaffMembership
from citizens.roles import Role
from notifications.models import Kind, Notification
from procedures.models import Department, Dossier, DossierEvent, Status
from procedures.services.catalogue import procedure_import
from procedures.services.routing import (
    ASSIGNING_ACTIONS,
    RoutingDecision,
    condition_matches,
    coordination_queue,
    dossier_route,
    routing_rules_problems,
)
from tests.conftest import VALID_DATA, at, make_user, procedure_template
from tests.notifications.helpers import act, draft
from tests.notifications.routing_hook import routing_wired  # noqa: F401 - fixture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("routing_wired")]

T0 = at(2026, 3, 2, 9, 0)  # Monday


def later(minutes: int):
    return T0 + timedelta(minutes=minutes)


def specialist(world, email: str, *, department="justice", active=True, user_active=True):
    user = make_user(email, is_active=user_active)
    StaffMembership.objects.create(
        user=user,
        agency=world.agency,
        department=world.agency.departments.get(code=department),
        role=Role.SPECIALIST,
        is_active=active,
    )
    return user


def accepted_at(world, minute: int, *, procedure=None, data=None, applicant=None) -> Dossier:
    applicant = applicant or world.citizen
    dossier = draft(world, applicant, procedure=procedure, data=data)
    act(dossier, "submit", applicant, now=later(minute))
    return act(dossier, "accept", world.reception, now=later(minute + 1))


def forwarded(world, minute: int, **kwargs) -> Dossier:
    dossier = accepted_at(world, minute, **kwargs)
    return act(dossier, "forward", world.reception, now=later(minute + 2))


def assign_events(dossier) -> list[DossierEvent]:
    """The events that gave the dossier to someone: step entries (accept, forward, send_back) and reassignments."""
    return list(DossierEvent.objects.filter(dossier=dossier, action__in=ASSIGNING_ACTIONS).order_by("at", "id"))


# --- assignment -----------------------------------------------------------------------------------------------


def test_acceptance_keeps_the_accepting_officer_and_records_it_in_the_event(world):
    dossier = accepted_at(world, 0)
    assert dossier.assignee == world.reception
    assert dossier.department.code == "one-stop"
    [event] = assign_events(dossier)
    assert (event.action, event.actor, event.step) == ("accept", world.reception, 1)
    assert event.payload["assignee"] == world.reception.pk and "due_at" in event.payload
    assert event.payload["routing"] == {
        "rule": "explicit",
        "source": "step",
        "automatic": False,
        "agency": world.agency.identity_code,
        "department": "one-stop",
    }
    # Nobody is told they were assigned what they took themselves.
    assert not Notification.objects.filter(event=event, kind=Kind.ASSIGNED).exists()


def test_forward_assigns_the_least_loaded_specialist(world):
    busy = world.specialist
    quiet = specialist(world, "quiet@example.org")
    idle = specialist(world, "idle@example.org")
    # Load: busy 2, quiet 1, idle 0 (open dossiers assigned to each).
    for minute, officer in ((0, busy), (10, busy), (20, quiet)):
        Dossier.objects.filter(pk=accepted_at(world, minute).pk).update(assignee=officer)

    dossier = forwarded(world, 30)
    assert (dossier.current_step, dossier.assignee, dossier.department.code) == (2, idle, "justice")
    event = assign_events(dossier)[-1]
    assert (event.action, event.actor, event.step) == ("forward", world.reception, 2)
    assert event.payload["assignee"] == idle.pk and event.payload["from_step"] == 1
    expected = {"rule": "least_loaded", "automatic": True, "load": 0, "department": "justice"}
    assert {key: event.payload["routing"][key] for key in expected} == expected
    # The officer hears of it: "assigned to you", once per channel they chose.
    rows = Notification.objects.filter(event=event)
    assert {(row.recipient, row.kind, row.channel) for row in rows} == {
        (idle, Kind.ASSIGNED, "email"),
        (idle, Kind.ASSIGNED, "inapp"),
    }
    assert dossier.code in rows.get(channel="email").subject


def test_ties_go_round_robin_to_whoever_was_assigned_least_recently(world):
    second = specialist(world, "second@example.org")
    third = specialist(world, "third@example.org")
    first = world.specialist  # lowest id
    order = [forwarded(world, minute).assignee for minute in (0, 10, 20)]
    assert order == [first, second, third]  # never assigned: by id
    # All three hold one dossier now. A leader hands `first` another and takes one from `third`: loads 2, 1, 0.
    extra = accepted_at(world, 30)
    act(extra, "assign", world.leader, now=later(35), assignee=first.pk)
    Dossier.objects.filter(assignee=third).update(status=Status.COMPLETED)
    assert forwarded(world, 40).assignee == third  # least loaded
    # Loads 2, 1, 1: second and third tie; third was given one more recently (minute 42), so second.
    assert forwarded(world, 50).assignee == second
    # Loads 2, 2, 1 -> third. Then 2, 2, 2: `first` was given a dossier longest ago (minute 35), whatever its id.
    assert forwarded(world, 60).assignee == third
    Dossier.objects.filter(pk=extra.pk).update(assignee=None, status=Status.COMPLETED)  # first back to 1: 1, 2, 2
    assert forwarded(world, 70).assignee == first
    # 2, 2, 2 again; last given: first 72, second 52, third 62 -> second, then third.
    assert [forwarded(world, minute).assignee for minute in (80, 90)] == [second, third]


def test_closed_dossiers_do_not_count_as_load(world):
    other = specialist(world, "other@example.org")
    held = forwarded(world, 0)
    assert held.assignee == world.specialist
    Dossier.objects.filter(pk=held.pk).update(status=Status.COMPLETED)
    # world.specialist holds nothing open now and was assigned more recently than `other` (never): `other` wins the
    # tie on load, showing recency only breaks ties.
    assert forwarded(world, 10).assignee == other
    assert forwarded(world, 20).assignee == world.specialist


@pytest.mark.parametrize("inactive", ["membership", "user"])
def test_inactive_officers_are_skipped(world, inactive):
    asleep = specialist(
        world,
        "asleep@example.org",
        active=inactive != "membership",
        user_active=inactive != "user",
    )
    assert asleep.pk > world.specialist.pk
    Dossier.objects.filter(pk=accepted_at(world, 0).pk).update(assignee=world.specialist)  # load 1 vs 0
    assert forwarded(world, 10).assignee == world.specialist


def test_officers_of_another_department_are_not_candidates(world):
    Department.objects.create(agency=world.agency, code="economy", name="Kinh tế")
    specialist(world, "economy@example.org", department="economy")
    Dossier.objects.filter(pk=accepted_at(world, 0).pk).update(assignee=world.specialist)
    assert forwarded(world, 10).assignee == world.specialist  # busier, but the only one in "justice"


def test_a_forward_naming_the_officer_is_kept(world):
    chosen = specialist(world, "chosen@example.org")
    Dossier.objects.filter(pk=accepted_at(world, 0).pk).update(assignee=chosen)  # busier than world.specialist
    dossier = accepted_at(world, 10)
    dossier = act(dossier, "forward", world.reception, now=later(12), assignee=chosen.pk)
    assert dossier.assignee == chosen
    event = assign_events(dossier)[-1]
    assert (event.payload["routing"]["rule"], event.actor) == ("explicit", world.reception)
    assert Notification.objects.filter(event=event, recipient=chosen, kind=Kind.ASSIGNED).exists()


def test_send_back_returns_the_dossier_to_who_held_that_step(world):
    other = specialist(world, "other@example.org")
    dossier = forwarded(world, 0)
    holder = dossier.assignee
    assert holder == world.specialist
    dossier = act(dossier, "forward", holder, now=later(5))
    assert dossier.assignee == world.leader
    # Meanwhile `other` is idle and `holder` busy: load alone would pick `other`.
    for minute in (10, 20):
        Dossier.objects.filter(pk=accepted_at(world, minute).pk).update(assignee=holder)
    dossier = act(dossier, "send_back", world.leader, now=later(30), reason="Bổ sung thẩm định")
    assert (dossier.current_step, dossier.assignee) == (2, holder)
    event = assign_events(dossier)[-1]
    assert event.action == "send_back" and event.payload["routing"]["rule"] == "previous"
    assert other != holder
    # The officer hears why it came back.
    email = Notification.objects.get(event=event, recipient=holder, channel="email")
    assert email.kind == Kind.ASSIGNED and "Ghi chú: Bổ sung thẩm định" in email.body_text


# --- routing rules --------------------------------------------------------------------------------------------


def rule_procedure(world, code: str, rules: list, *, address=False):
    fields = procedure_template()["version"]["fields"]
    if address:
        fields = [*fields, {"key": "residence", "type": "address", "label": "Nơi cư trú", "label_en": "Residence"}]
    return procedure_import(
        template=procedure_template(code, version={"routing_rules": rules, "fields": fields}), agency=world.agency
    )


def test_a_rule_on_a_form_answer_picks_the_department(world):
    economy = Department.objects.create(agency=world.agency, code="economy", name="Kinh tế")
    economist = specialist(world, "economist@example.org", department="economy")
    procedure = rule_procedure(
        world,
        "T.0101",
        [{"name": "Nhiều bản sao", "steps": [2], "when": {"field": "copies", "in": [5, 6]}, "department": "economy"}],
    )
    routed = forwarded(world, 0, procedure=procedure, data={**VALID_DATA, "copies": 5})
    assert (routed.department, routed.assignee) == (economy, economist)
    routing = assign_events(routed)[-1].payload["routing"]
    assert routing["source"] == "rule 1: Nhiều bản sao" and routing["department"] == "economy"
    # Another answer: no rule applies, the step's own department.
    plain = forwarded(world, 10, procedure=procedure, data={**VALID_DATA, "copies": 1})
    assert (plain.department.code, plain.assignee) == ("justice", world.specialist)


def test_a_rule_on_the_applicants_commune_sends_the_dossier_to_another_agency(world):
    procedure = rule_procedure(
        world,
        "T.0102",
        [{"steps": [2, 3], "when": {"commune": ["00004", "00008"]}, "agency": world.other_agency.identity_code}],
        address=True,
    )
    residence = {"province": "01", "commune": "00004", "street": "1 Điện Biên Phủ"}
    routed = forwarded(world, 0, procedure=procedure, data={**VALID_DATA, "residence": residence})
    assert routed.agency == world.other_agency
    assert routed.department == world.other_agency.departments.get(code="justice")
    assert routed.assignee == world.other_specialist
    # The receiving agency's staff see it now; the first agency's no longer do.
    assert Dossier.objects.visible_to(world.other_specialist).filter(pk=routed.pk).exists()
    assert not Dossier.objects.visible_to(world.specialist).filter(pk=routed.pk).exists()
    elsewhere = {"province": "01", "commune": "00277", "street": "2 Bạch Mai"}
    local = forwarded(world, 10, procedure=procedure, data={**VALID_DATA, "residence": elsewhere})
    assert (local.agency, local.assignee) == (world.agency, world.specialist)


def test_conditions():
    fields = [
        {"key": "home", "type": "address"},
        {"key": "kind", "type": "select"},
        {"key": "tags", "type": "multiselect"},
    ]
    data = {"home": {"province": "01", "commune": "00004"}, "kind": "land", "tags": ["a", "b"], "n": 5}
    assert condition_matches({"commune": "00004"}, data, fields)
    assert condition_matches({"province": ["01", "79"]}, data, fields)
    assert not condition_matches({"commune": "00004", "field": "other"}, data, fields)
    assert condition_matches({"field": "kind", "equals": "land"}, data, fields)
    assert condition_matches({"field": "tags", "equals": "b"}, data, fields)  # a multi-select contains it
    assert condition_matches({"field": "n", "equals": "5"}, data, fields)
    assert not condition_matches({"field": "missing", "equals": None}, data, fields)
    assert condition_matches(
        {"all": [{"field": "kind", "equals": "land"}, {"not": {"field": "n", "in": [1]}}]}, data, fields
    )
    assert condition_matches({"any": [{"field": "kind", "equals": "x"}, {"province": "01"}]}, data, fields)
    assert not condition_matches("nonsense", data, fields)
    assert condition_matches(None, data, fields)


def test_malformed_rules_are_named():
    assert routing_rules_problems([]) == []
    assert routing_rules_problems([{"when": {"field": "a", "equals": 1}, "department": "x"}]) == []
    problems = routing_rules_problems(
        [{"when": {"field": "a"}}, "x", {"department": "d", "steps": "2"}, {"agency": "a", "when": {"any": 1}}]
    )
    assert len(problems) == 5 and all(p.startswith("Quy tắc điều phối") for p in problems)
    assert routing_rules_problems({"department": "x"}) == ["routing_rules phải là một danh sách."]


# --- nowhere to go: the coordination queue --------------------------------------------------------------------


def test_a_dossier_nobody_can_take_waits_in_the_coordination_queue(world):
    StaffMembership.objects.filter(user=world.specialist).update(is_active=False)
    dossier = forwarded(world, 0)
    # The department is known, nobody in it can take the step.
    assert (dossier.status, dossier.current_step, dossier.department.code, dossier.assignee) == (
        Status.PROCESSING,
        2,
        "justice",
        None,
    )
    event = assign_events(dossier)[-1]
    assert event.action == "forward" and event.payload["assignee"] is None
    assert event.payload["routing"]["unrouted"] is True and "Chuyên viên" in event.payload["routing"]["reason"]
    assert list(coordination_queue(agency_ids=[world.agency.pk])) == [dossier]
    assert list(coordination_queue(agency_ids=[world.other_agency.pk])) == []
    # The agency's leaders and reception are told, so it is never nowhere (not the officer who just forwarded it).
    told = Notification.objects.filter(event=event, kind=Kind.UNROUTED, channel="email")
    assert {row.recipient for row in told} == {world.leader}
    assert event.actor == world.reception
    assert "Lý do:" in told.first().body_text

    # A leader assigns it by hand; it leaves the queue.
    dossier = act(dossier, "assign", world.leader, now=later(10), assignee=world.leader.pk)
    assert list(coordination_queue(agency_ids=[world.agency.pk])) == []


def test_a_rule_whose_department_or_agency_went_away_is_unrouted(world):
    # Valid when published; the department is closed and the agency deactivated afterwards.
    economy = Department.objects.create(agency=world.agency, code="economy", name="Kinh tế")
    procedure = rule_procedure(
        world,
        "T.0103",
        [{"steps": [2], "department": "economy"}, {"steps": [3], "agency": world.other_agency.identity_code}],
    )
    economy.delete()
    world.other_agency.is_active = False
    world.other_agency.save()
    dossier = forwarded(world, 0, procedure=procedure)
    assert (dossier.department, dossier.assignee) == (None, None)
    assert "economy" in assign_events(dossier)[-1].payload["routing"]["reason"]
    dossier = act(dossier, "assign", world.leader, now=later(5), assignee=world.specialist.pk)
    dossier = act(dossier, "forward", world.specialist, now=later(6))
    assert dossier.assignee is None and dossier.agency == world.agency
    assert world.other_agency.identity_code in assign_events(dossier)[-1].payload["routing"]["reason"]


def test_the_decision_alone_changes_nothing(world):
    dossier = accepted_at(world, 0)
    step = dossier.procedure_version.steps.get(position=2)
    decision = dossier_route(dossier=dossier, step=step, now=later(5))
    assert isinstance(decision, RoutingDecision) and decision.assignee == world.specialist
    dossier.refresh_from_db()
    assert (dossier.current_step, dossier.assignee) == (1, world.reception)


# --- concurrency (PostgreSQL) ---------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_simultaneous_forwards_go_to_different_officers(world):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    specialist(world, "twin@example.org")
    dossiers = [accepted_at(world, minute) for minute in (0, 10)]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def forward(dossier, minute):
        try:
            barrier.wait()
            act(dossier, "forward", world.reception, now=later(minute))
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=forward, args=(d, 20)) for d in dossiers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assignees = {Dossier.objects.get(pk=d.pk).assignee_id for d in dossiers}
    assert len(assignees) == 2  # without the lock both would see two idle officers and pick the same one
