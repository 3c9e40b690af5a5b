"""The workflow: every (state, action, role) combination, through the services.

Two sources of truth are compared: the transition table in procedures/workflow.py, and EXPECTED below, written by
hand from DOMAIN.md. A wrong table entry fails `test_table_matches_domain` and the matrix tests; a service that
ignores the table fails the matrix tests.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.test import override_settings

from citizens.models import StaffMembership
from procedures.errors import ActionForbidden, ActionNotAvailable, DomainError, InvalidInput, NotFound, StaleVersion
from procedures.models import Dossier, DossierEvent, DossierPause, Status
from procedures.selectors import actor_roles, dossier_available_actions
from procedures.services.calendar import portal_tz, working_calendar
from procedures.services.dossiers import dossier_perform_action
from procedures.workflow import STEP_ROLE, TRANSITIONS, Action, DossierFacts, available_actions, target_status
from tests.conftest import World, at, module_world
from tests.procedures.dossier_flow import STATES, T0, act, drive, new_draft, split_state, system_pay

world = module_world()  # the tests only read the world

pytestmark = pytest.mark.django_db

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


# --- the expected matrix, by hand from DOMAIN.md ---------------------------------------------------------------------

OWNER, RECEPTION, SPECIALIST, LEADER, OTHER_RECEPTION, CITIZEN2 = (
    "owner",
    "reception",
    "specialist",
    "leader",
    "other_reception",
    "citizen2",
)
ACTORS = (OWNER, RECEPTION, SPECIALIST, LEADER, OTHER_RECEPTION, CITIZEN2)
WORLD_ATTR = {
    OWNER: "citizen",
    RECEPTION: "reception",
    SPECIALIST: "specialist",
    LEADER: "leader",
    OTHER_RECEPTION: "other_reception",
    CITIZEN2: "citizen2",
}
STAFF = {RECEPTION, SPECIALIST, LEADER}
P1, P2, P3 = "processing@1", "processing@2", "processing@3"
SUPP_S, SUPP_P = "supplement_requested@submitted", "supplement_requested@processing"
NOT_DRAFT = [s for s in STATES if s != "draft"]

# action -> {state it is available in: (state it leads to, who may do it)}. "same" keeps the state as it is.
# The test world's steps: 1 reception, 2 specialist, 3 leader. States reached through processing@2 (awaiting
# payment, withdrawal requested, supplement requested in processing, stopped) remember step 2.
EXPECTED: dict[Action, dict[str, tuple[str, set[str]]]] = {
    # submit: draft -> submitted, applicant.
    Action.SUBMIT: {"draft": ("submitted", {OWNER})},
    # accept: submitted -> processing (step 1), reception.
    Action.ACCEPT: {"submitted": (P1, {RECEPTION})},
    # request_supplement: submitted or processing -> supplement_requested, reception or specialist.
    Action.REQUEST_SUPPLEMENT: {
        "submitted": (SUPP_S, {RECEPTION, SPECIALIST}),
        P1: (SUPP_P, {RECEPTION, SPECIALIST}),
        P2: (SUPP_P, {RECEPTION, SPECIALIST}),
        P3: (SUPP_P, {RECEPTION, SPECIALIST}),
    },
    # supplement: back to where the request came from, applicant.
    Action.SUPPLEMENT: {SUPP_S: ("submitted", {OWNER}), SUPP_P: (P2, {OWNER})},
    # refuse: submitted -> refused, reception.
    Action.REFUSE: {"submitted": ("refused", {RECEPTION})},
    # forward: step k -> k+1 by the role of step k; there is no step after the last.
    Action.FORWARD: {P1: (P2, {RECEPTION}), P2: (P3, {SPECIALIST})},
    # send_back: step k -> k-1, leader; there is no step before the first.
    Action.SEND_BACK: {P2: (P1, {LEADER}), P3: (P2, {LEADER})},
    # request_payment: processing -> awaiting_payment, specialist; pay: back, by the system alone (a verified
    # provider notification, payments app): no person may, see test_payment_round_trip_keeps_the_step.
    Action.REQUEST_PAYMENT: {
        P1: ("awaiting_payment", {SPECIALIST}),
        P2: ("awaiting_payment", {SPECIALIST}),
        P3: ("awaiting_payment", {SPECIALIST}),
    },
    Action.PAY: {"awaiting_payment": (P2, set())},
    # complete: last step only, by its role (leader here).
    Action.COMPLETE: {P3: ("completed", {LEADER})},
    # deliver: completed -> delivered, reception or the applicant downloading the e-result (the matrix's completed
    # dossier has one; without it see test_the_applicant_takes_delivery_only_of_an_electronic_result).
    Action.DELIVER: {"completed": ("delivered", {RECEPTION, OWNER})},
    # extend: processing -> processing, leader.
    Action.EXTEND: {P1: (P1, {LEADER}), P2: (P2, {LEADER}), P3: (P3, {LEADER})},
    # stop: processing -> stopped, leader.
    Action.STOP: {P1: ("stopped", {LEADER}), P2: ("stopped", {LEADER}), P3: ("stopped", {LEADER})},
    # withdraw: before acceptance at once; accepted states -> withdrawal_requested; applicant.
    Action.WITHDRAW: {
        "submitted": ("withdrawn", {OWNER}),
        SUPP_S: ("withdrawn", {OWNER}),
        SUPP_P: ("withdrawal_requested", {OWNER}),
        P1: ("withdrawal_requested", {OWNER}),
        P2: ("withdrawal_requested", {OWNER}),
        P3: ("withdrawal_requested", {OWNER}),
        "awaiting_payment": ("withdrawal_requested", {OWNER}),
    },
    # then reception decides: withdrawn, or back to where it was (processing step 2 here).
    Action.APPROVE_WITHDRAWAL: {"withdrawal_requested": ("withdrawn", {RECEPTION})},
    Action.REJECT_WITHDRAWAL: {"withdrawal_requested": (P2, {RECEPTION})},
    # assign: leader or reception, while someone has to act on the dossier at the agency.
    Action.ASSIGN: {
        state: ("same", {LEADER, RECEPTION})
        for state in ("submitted", P1, P2, P3, "awaiting_payment", "withdrawal_requested")
    },
    # comment: any staff, on any filed dossier.
    Action.COMMENT: {state: ("same", STAFF) for state in NOT_DRAFT},
}


# Roles that may do an action only on dossiers the matrix does not build: reception submits paper dossiers it
# digitised for walk-in citizens (channel in person); the matrix's dossiers are filed online.
EVER_EXTRA: dict[Action, set[str]] = {Action.SUBMIT: {RECEPTION}}


def visible_to(state: str) -> set[str]:
    # Drafts are the applicant's alone; filed dossiers are the applicant's and the agency's; never anyone else's.
    return {OWNER} if state == "draft" else {OWNER} | STAFF


def expected_outcome(state: str, action: Action, actor: str) -> str | type[DomainError]:
    """The state the action leads to, or the error: NotFound > ActionForbidden (a role that may never do the action)
    > ActionNotAvailable (not in this state) > ActionForbidden (not this role in this state)."""
    if actor not in visible_to(state):
        return NotFound
    if actor not in EVER_EXTRA.get(action, set()) and not any(
        actor in allowed for _target, allowed in EXPECTED[action].values()
    ):
        return ActionForbidden
    rule = EXPECTED[action].get(state)
    if rule is None:
        return ActionNotAvailable
    target, allowed = rule
    if actor not in allowed:
        return ActionForbidden
    return state if target == "same" else target


# --- the table against the hand matrix, without a database ------------------------------------------------------


def facts_for(state: str) -> DossierFacts:
    status, step = split_state(state)
    remembered_step = {
        SUPP_P: 2,
        "awaiting_payment": 2,
        "withdrawal_requested": 2,
        "stopped": 2,
        "completed": 3,
        "delivered": 3,
    }
    step = step or remembered_step.get(state)
    return DossierFacts(
        status=status,
        current_step=step,
        step_count=3,
        step_role={1: "reception", 2: "specialist", 3: "leader", None: None}[step],
        supplement_from={SUPP_S: Status.SUBMITTED, SUPP_P: Status.PROCESSING}.get(state),
        withdraw_from=Status.PROCESSING if state == "withdrawal_requested" else None,
        has_electronic_result=state == "completed",
    )


TABLE_ROLES = {OWNER: {"applicant"}, RECEPTION: {"reception"}, SPECIALIST: {"specialist"}, LEADER: {"leader"}}


def test_every_action_is_in_the_table_and_the_hand_matrix():
    assert set(TRANSITIONS) == set(Action) == set(EXPECTED)


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", list(TRANSITIONS), ids=str)
def test_table_matches_domain(state, action):
    facts = facts_for(state)
    for actor, roles in TABLE_ROLES.items():
        if actor not in visible_to(state):
            continue
        expected = expected_outcome(state, action, actor)
        offered = action in available_actions(facts, roles)
        assert offered == isinstance(expected, str), (state, action, actor, expected)
        if isinstance(expected, str):
            assert target_status(action, facts) == split_state(expected)[0]


def test_step_role_actions_follow_the_current_step():
    # forward and complete belong to whoever holds the current step's role, never to a fixed role.
    assert TRANSITIONS[Action.FORWARD].roles == {STEP_ROLE}
    assert TRANSITIONS[Action.COMPLETE].roles == {STEP_ROLE}


# --- the matrix through the services ------------------------------------------------------------------------------

MATRIX_NOW = at(2026, 10, 7, 10, 0)  # Wednesday, two days after the dossiers were driven to their states


def valid_payload(action: Action, dossier: Dossier, world: World) -> dict:
    if action == Action.REQUEST_SUPPLEMENT:
        return {"items": ["Bản sao giấy chứng sinh có chứng thực"]}
    if action in (Action.REFUSE, Action.SEND_BACK, Action.STOP, Action.REJECT_WITHDRAWAL):
        return {"reason": "Lý do thử nghiệm"}
    if action == Action.COMPLETE:
        return {"outcome": "approved"}
    if action == Action.EXTEND:
        base = dossier.due_at.astimezone(portal_tz()).date() if dossier.due_at else MATRIX_NOW.date()
        return {"due_at": working_calendar().add_working_days(base, 2).isoformat(), "reason": "Cần xác minh thêm"}
    if action == Action.REQUEST_PAYMENT:
        return {"amount": 50000}
    if action == Action.ASSIGN:
        return {"assignee": world.specialist.pk}
    if action == Action.COMMENT:
        return {"comment": "Ghi chú nội bộ"}
    return {}


@pytest.fixture(scope="class")
def matrix(django_db_setup, django_db_blocker):
    """One world and one dossier per state, built once and rolled back after the class; each test runs inside its
    own savepoint (pytest-django), so whatever it does is undone before the next."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        with transaction.atomic():
            world = World()
            dossiers = {state: drive(world, state).pk for state in STATES}
            yield world, dossiers
            transaction.set_rollback(True)


def attempt(world: World, dossier_id, action: Action, actor_name: str):
    dossier = Dossier.objects.get(pk=dossier_id)
    return dossier_perform_action(
        dossier_id=dossier_id,
        action=action,
        actor=getattr(world, WORLD_ATTR[actor_name]),
        version=dossier.version,
        payload=valid_payload(action, dossier, world),
        now=MATRIX_NOW,
    )


class _Undo(Exception):
    pass


def succeeds(world: World, dossier_id, action: Action, actor_name: str) -> bool:
    try:
        with transaction.atomic():
            attempt(world, dossier_id, action, actor_name)
            raise _Undo
    except _Undo:
        return True
    except DomainError:
        return False


class TestMatrix:
    @pytest.mark.parametrize("actor_name", ACTORS)
    @pytest.mark.parametrize("action", list(TRANSITIONS), ids=str)
    @pytest.mark.parametrize("state", STATES)
    def test_state_action_role(self, matrix, state, action, actor_name):
        world, dossiers = matrix
        dossier_id = dossiers[state]
        before = Dossier.objects.get(pk=dossier_id)
        events_before = DossierEvent.objects.filter(dossier_id=dossier_id).count()
        expected = expected_outcome(state, action, actor_name)

        if not isinstance(expected, str):
            with pytest.raises(expected) as excinfo:
                attempt(world, dossier_id, action, actor_name)
            assert excinfo.value.status_code == {NotFound: 404, ActionNotAvailable: 409, ActionForbidden: 403}[expected]
            after = Dossier.objects.get(pk=dossier_id)
            assert (after.status, after.current_step, after.version) == (
                before.status,
                before.current_step,
                before.version,
            )
            assert DossierEvent.objects.filter(dossier_id=dossier_id).count() == events_before
            return

        result = attempt(world, dossier_id, action, actor_name)
        after = Dossier.objects.get(pk=dossier_id)
        status, step = split_state(expected)
        assert after.status == status == result.status
        if step is not None:
            assert after.current_step == step
        else:
            # Leaving processing keeps the step it was at (statistics and send-back need it).
            assert after.current_step == before.current_step
        assert after.version == before.version + 1
        events = list(DossierEvent.objects.filter(dossier_id=dossier_id).order_by("id"))
        assert len(events) == events_before + 1
        event = events[-1]
        assert (event.action, event.from_status, event.to_status) == (action.value, before.status, status)
        assert event.actor_id == getattr(world, WORLD_ATTR[actor_name]).pk
        assert event.step == after.current_step
        assert event.at == MATRIX_NOW
        assert event.internal == (action in (Action.ASSIGN, Action.COMMENT))
        if after.due_at and after.step_due_at:
            assert after.step_due_at <= after.due_at

    @pytest.mark.parametrize("actor_name", ACTORS)
    @pytest.mark.parametrize("state", STATES)
    def test_available_actions_are_exactly_those_that_succeed(self, matrix, state, actor_name):
        world, dossiers = matrix
        dossier = Dossier.objects.select_related("procedure_version").get(pk=dossiers[state])
        user = getattr(world, WORLD_ATTR[actor_name])
        offered = set(dossier_available_actions(dossier, user))
        succeeding = {action for action in Action if succeeds(world, dossier.pk, action, actor_name)}
        assert offered == succeeding
        assert offered == {a for a in Action if isinstance(expected_outcome(state, a, actor_name), str)}


# API.md: the extra fields each action needs.
EXPECTED_REQUIRES = {
    Action.REQUEST_SUPPLEMENT: {"items"},
    Action.REFUSE: {"reason"},
    Action.SEND_BACK: {"reason"},
    Action.STOP: {"reason"},
    Action.REJECT_WITHDRAWAL: {"reason"},
    Action.COMPLETE: {"outcome"},
    Action.EXTEND: {"due_at", "reason"},
    Action.REQUEST_PAYMENT: {"amount"},
    Action.ASSIGN: {"assignee"},
    Action.COMMENT: {"comment"},
}
# Where and by whom each of those actions succeeds in the matrix.
WHERE = {
    Action.REQUEST_SUPPLEMENT: ("submitted", RECEPTION),
    Action.REFUSE: ("submitted", RECEPTION),
    Action.SEND_BACK: (P3, LEADER),
    Action.STOP: (P2, LEADER),
    Action.REJECT_WITHDRAWAL: ("withdrawal_requested", RECEPTION),
    Action.COMPLETE: (P3, LEADER),
    Action.EXTEND: (P2, LEADER),
    Action.REQUEST_PAYMENT: (P2, SPECIALIST),
    Action.ASSIGN: (P2, LEADER),
    Action.COMMENT: (P2, LEADER),
}


def test_required_payload_fields_match_the_api_contract():
    assert {a: set(t.requires) for a, t in TRANSITIONS.items() if t.requires} == EXPECTED_REQUIRES


REQUIRED_FIELDS = [(action, name) for action, t in TRANSITIONS.items() for name in t.requires]


class TestPayloads:
    @pytest.mark.parametrize("blank", [None, "", "   ", []], ids=["missing", "empty", "spaces", "empty-list"])
    @pytest.mark.parametrize(("action", "field"), REQUIRED_FIELDS, ids=str)
    def test_a_missing_or_blank_required_field_is_invalid_input(self, matrix, action, field, blank):
        world, dossiers = matrix
        state, actor_name = WHERE[action]
        dossier = Dossier.objects.get(pk=dossiers[state])
        payload = valid_payload(action, dossier, world)
        if blank is None:
            del payload[field]
        else:
            payload[field] = blank
        with pytest.raises(InvalidInput) as excinfo:
            dossier_perform_action(
                dossier_id=dossier.pk,
                action=action,
                actor=getattr(world, WORLD_ATTR[actor_name]),
                version=dossier.version,
                payload=payload,
                now=MATRIX_NOW,
            )
        assert excinfo.value.status_code == 400
        assert field in excinfo.value.errors
        assert Dossier.objects.get(pk=dossier.pk).version == dossier.version
        # ... and with the field given, the same call succeeds (so the test above fails for the right reason).
        assert succeeds(world, dossier.pk, action, actor_name)


# --- transitions in detail ----------------------------------------------------------------------------------------


def later(hours: float = 1):
    return T0 + timedelta(hours=hours)


def test_forward_by_the_wrong_step_role_is_forbidden(world):
    dossier = drive(world, P1)
    for wrong in (world.specialist, world.leader):
        with pytest.raises(ActionForbidden):
            act(dossier, Action.FORWARD, wrong, now=later(2))
    dossier = act(dossier, Action.FORWARD, world.reception, now=later(2))
    assert dossier.current_step == 2
    for wrong in (world.reception, world.leader):
        with pytest.raises(ActionForbidden):
            act(dossier, Action.FORWARD, wrong, now=later(3))
    dossier = act(dossier, Action.FORWARD, world.specialist, now=later(3))
    assert dossier.current_step == 3
    # The leader holds only the last step here, so forwarding is never theirs to do: refused as a permission.
    with pytest.raises(ActionForbidden):
        act(dossier, Action.FORWARD, world.leader, now=later(4))
    # Someone who does forward at other steps asks at the last step: the state is what stops them.
    with pytest.raises(ActionNotAvailable):
        act(dossier, Action.FORWARD, world.specialist, now=later(4))


def test_a_member_holding_two_roles_acts_as_either(world):
    StaffMembership.objects.create(user=world.reception, agency=world.agency, role="specialist")
    dossier = drive(world, P2)
    dossier = act(dossier, Action.FORWARD, world.reception, now=later(2))
    assert dossier.current_step == 3


def test_complete_only_at_the_last_step(world):
    for state in (P1, P2):
        dossier = drive(world, state)
        with pytest.raises(ActionNotAvailable):
            act(dossier, Action.COMPLETE, world.leader, now=later(2), outcome="approved")
    dossier = drive(world, P3)
    dossier = act(dossier, Action.COMPLETE, world.leader, now=later(2), outcome="denied")
    assert (dossier.status, dossier.outcome, dossier.completed_at) == (Status.COMPLETED, "denied", later(2))
    assert dossier.step_due_at is None


def test_send_back_by_the_leader_returns_to_the_previous_step_with_the_reason(world):
    dossier = drive(world, P3)
    with pytest.raises(ActionForbidden):
        act(dossier, Action.SEND_BACK, world.specialist, now=later(2), reason="Thiếu chữ ký")
    with pytest.raises(InvalidInput) as excinfo:
        act(dossier, Action.SEND_BACK, world.leader, now=later(2), reason="   ")
    assert "reason" in excinfo.value.errors
    dossier = act(dossier, Action.SEND_BACK, world.leader, now=later(2), reason="Thiếu chữ ký")
    assert (dossier.status, dossier.current_step) == (Status.PROCESSING, 2)
    assert dossier.assignee == world.specialist  # the officer who held the step before
    event = DossierEvent.objects.filter(dossier=dossier).latest("id")
    assert (event.action, event.comment, event.step) == ("send_back", "Thiếu chữ ký", 2)
    assert (event.payload["from_step"], event.payload["step"]) == (3, 2)
    dossier = act(dossier, Action.SEND_BACK, world.leader, now=later(3), reason="Thẩm định lại")
    assert dossier.current_step == 1
    with pytest.raises(ActionNotAvailable):
        act(dossier, Action.SEND_BACK, world.leader, now=later(4), reason="Không còn bước trước")


def test_supplement_before_acceptance_returns_to_submitted_without_a_pause(world):
    dossier = drive(world, SUPP_S)
    assert dossier.resume_status == Status.SUBMITTED
    assert dossier.paused_at is None and dossier.supplement_count == 0
    dossier = act(dossier, Action.SUPPLEMENT, world.citizen, now=later(5))
    assert (dossier.status, dossier.current_step, dossier.resume_status) == (Status.SUBMITTED, None, "")
    assert dossier.supplement_items == []
    assert not DossierPause.objects.filter(dossier=dossier).exists()
    # And it can be accepted as usual afterwards.
    assert act(dossier, Action.ACCEPT, world.reception, now=later(6)).status == Status.PROCESSING


def test_supplement_in_processing_returns_to_the_same_step_and_records_the_pause(world):
    dossier = drive(world, SUPP_P)
    assert (dossier.resume_status, dossier.current_step, dossier.supplement_count) == (Status.PROCESSING, 2, 1)
    assert dossier.supplement_items == ["Bản sao giấy chứng sinh"]
    dossier = act(dossier, Action.SUPPLEMENT, world.citizen, now=at(2026, 10, 6, 9, 0))
    assert (dossier.status, dossier.current_step, dossier.paused_at) == (Status.PROCESSING, 2, None)
    pause = DossierPause.objects.get(dossier=dossier)
    assert (pause.ended_at, pause.working_days) == (at(2026, 10, 6, 9, 0), 1)


def test_withdraw_before_acceptance_is_immediate(world):
    for state in ("submitted", SUPP_S):
        dossier = act(drive(world, state), Action.WITHDRAW, world.citizen, now=later(2))
        assert (dossier.status, dossier.finished_at) == (Status.WITHDRAWN, later(2))
        assert dossier.withdrawal_from == ""


@pytest.mark.parametrize(
    ("state", "back_to", "step"),
    [
        (P2, Status.PROCESSING, 2),
        (P1, Status.PROCESSING, 1),
        ("awaiting_payment", Status.AWAITING_PAYMENT, 2),
        (SUPP_P, Status.SUPPLEMENT_REQUESTED, 2),
    ],
)
def test_withdraw_after_acceptance_needs_reception_then_approve_or_reject(world, state, back_to, step):
    dossier = act(drive(world, state), Action.WITHDRAW, world.citizen, now=later(2))
    assert (dossier.status, dossier.withdrawal_from, dossier.finished_at) == (
        Status.WITHDRAWAL_REQUESTED,
        back_to,
        None,
    )
    with pytest.raises(ActionForbidden):
        act(dossier, Action.APPROVE_WITHDRAWAL, world.citizen, now=later(3))
    with pytest.raises(InvalidInput):
        act(dossier, Action.REJECT_WITHDRAWAL, world.reception, now=later(3))  # no reason
    rejected = act(dossier, Action.REJECT_WITHDRAWAL, world.reception, now=later(3), reason="Đã ký kết quả")
    assert (rejected.status, rejected.current_step, rejected.withdrawal_from) == (back_to, step, "")
    # Asked again, and this time approved.
    dossier = act(rejected, Action.WITHDRAW, world.citizen, now=later(4))
    approved = act(dossier, Action.APPROVE_WITHDRAWAL, world.reception, now=later(5))
    assert (approved.status, approved.finished_at, approved.step_due_at) == (Status.WITHDRAWN, later(5), None)
    # A pause that was running when the dossier was withdrawn is closed, not left open for ever.
    assert not DossierPause.objects.filter(dossier=approved, ended_at__isnull=True).exists()
    assert [e.action for e in DossierEvent.objects.filter(dossier=approved).order_by("id")][-4:] == [
        "withdraw",
        "reject_withdrawal",
        "withdraw",
        "approve_withdrawal",
    ]


def test_payment_round_trip_keeps_the_step(world):
    dossier = drive(world, "awaiting_payment")
    assert (dossier.fee_amount, dossier.paid_at) == (50000, None)
    for person in (world.reception, world.citizen, world.specialist, world.leader):
        with pytest.raises(ActionForbidden):
            act(dossier, Action.PAY, person, now=later(2), reference="I-did-not-pay")
    with pytest.raises(ValueError):  # the system acts alone, never on someone's behalf
        dossier_perform_action(
            dossier_id=dossier.pk, action=Action.PAY, actor=world.citizen, system=True, version=dossier.version
        )
    dossier = system_pay(dossier, now=later(2), reference="VNPAY-123", provider="vnpay")
    assert (dossier.status, dossier.current_step, dossier.paid_at) == (Status.PROCESSING, 2, later(2))
    event = DossierEvent.objects.filter(dossier=dossier).latest("id")
    assert event.payload == {"amount": 50000, "reference": "VNPAY-123", "provider": "vnpay"}
    assert event.actor is None
    # A second request is unpaid again until paid.
    dossier = act(dossier, Action.REQUEST_PAYMENT, world.specialist, now=later(3), amount=20000)
    assert (dossier.fee_amount, dossier.paid_at) == (20000, None)


def test_stop_is_final_and_records_the_reason(world):
    dossier = act(drive(world, P2), Action.STOP, world.leader, now=later(2), reason="Có tranh chấp")
    assert (dossier.status, dossier.finished_at, dossier.step_due_at) == (Status.STOPPED, later(2), None)
    assert DossierEvent.objects.filter(dossier=dossier).latest("id").comment == "Có tranh chấp"
    assert set(dossier_available_actions(dossier, world.leader)) == {Action.COMMENT}


def test_a_dossier_awaiting_payment_cannot_be_stopped_until_it_is_back_in_processing(world):
    dossier = drive(world, "awaiting_payment")
    with pytest.raises(ActionNotAvailable):
        act(dossier, Action.STOP, world.leader, now=later(2), reason="Không nộp phí")


def test_stale_version_is_refused_and_changes_nothing(world):
    dossier = drive(world, "submitted")
    with pytest.raises(StaleVersion) as excinfo:
        dossier_perform_action(
            dossier_id=dossier.pk, action="accept", actor=world.reception, version=dossier.version - 1, now=later(1)
        )
    assert excinfo.value.status_code == 409
    with pytest.raises(StaleVersion):
        dossier_perform_action(
            dossier_id=dossier.pk, action="accept", actor=world.reception, version=dossier.version + 1, now=later(1)
        )
    for bad in (None, "2", 2.0, True):
        with pytest.raises(InvalidInput):
            dossier_perform_action(
                dossier_id=dossier.pk, action="accept", actor=world.reception, version=bad, now=later(1)
            )
    fresh = Dossier.objects.get(pk=dossier.pk)
    assert (fresh.status, fresh.version) == (Status.SUBMITTED, dossier.version)
    # The version from a stale read of the dossier is useless once someone else acted.
    act(dossier, Action.ACCEPT, world.reception, now=later(1))
    with pytest.raises(StaleVersion):
        dossier_perform_action(
            dossier_id=dossier.pk,
            action="refuse",
            actor=world.reception,
            version=dossier.version,
            payload={"reason": "x"},
            now=later(2),
        )


def test_stale_version_does_not_reveal_someone_elses_dossier(world):
    dossier = drive(world, "submitted")
    for outsider in (world.citizen2, world.other_reception):
        with pytest.raises(NotFound):
            dossier_perform_action(dossier_id=dossier.pk, action="accept", actor=outsider, version=999, now=later(1))


def test_unknown_action_and_unknown_dossier(world):
    dossier = drive(world, "submitted")
    with pytest.raises(InvalidInput) as excinfo:
        dossier_perform_action(dossier_id=dossier.pk, action="approve", actor=world.reception, version=2)
    assert "action" in excinfo.value.errors
    for bad_id in ("not-a-uuid", "00000000-0000-0000-0000-000000000000", None):
        with pytest.raises(NotFound):
            dossier_perform_action(dossier_id=bad_id, action="accept", actor=world.reception, version=2)


def test_submit_lists_every_missing_field_and_document(world):
    dossier = new_draft(world, data={}, documents=())
    with pytest.raises(InvalidInput) as excinfo:
        act(dossier, Action.SUBMIT, world.citizen, now=later(1))
    errors = excinfo.value.errors
    assert {"full_name", "national_id", "documents.declaration"} <= set(errors)
    assert "copies" not in errors  # optional
    fresh = Dossier.objects.get(pk=dossier.pk)
    assert (fresh.status, fresh.code, fresh.submitted_at, fresh.version) == (Status.DRAFT, None, None, 1)
    assert not DossierEvent.objects.filter(dossier=dossier, action="submit").exists()


def test_submit_lists_invalid_values_together_with_missing_documents(world):
    dossier = new_draft(world, data={"full_name": "Nguyễn Văn An"}, documents=())
    # Drafts are type-checked on save; simulate answers saved before a stricter rule (or by an older client).
    Dossier.objects.filter(pk=dossier.pk).update(data={"full_name": "Nguyễn Văn An", "national_id": "12345"})
    with pytest.raises(InvalidInput) as excinfo:
        act(dossier, Action.SUBMIT, world.citizen, now=later(1))
    assert {"national_id", "documents.declaration"} <= set(excinfo.value.errors)
    assert "full_name" not in excinfo.value.errors


def test_submit_assigns_the_code_and_the_first_department(world):
    dossier = act(new_draft(world), Action.SUBMIT, world.citizen, now=later(1))
    assert dossier.code == "000.00.12.H26-261005-0001"
    assert (dossier.submitted_at, dossier.fee_amount, dossier.department.code) == (later(1), 50000, "one-stop")
    assert DossierEvent.objects.filter(dossier=dossier).latest("id").payload == {"code": dossier.code}


def test_accept_sets_the_receipt_dates_and_assigns_the_receiver(world):
    dossier = drive(world, P1)
    assert dossier.accepted_at == T0 + timedelta(minutes=20)
    assert dossier.due_at == dossier.original_due_at
    assert dossier.assignee == world.reception
    assert dossier.department.code == "one-stop"


def test_the_full_history_is_recorded_in_order(world):
    dossier = drive(world, "delivered")
    events = list(DossierEvent.objects.filter(dossier=dossier).order_by("at", "id"))
    assert [(e.action, e.from_status, e.to_status, e.step) for e in events] == [
        ("create", "", "draft", None),
        ("submit", "draft", "submitted", None),
        ("accept", "submitted", "processing", 1),
        ("forward", "processing", "processing", 2),
        ("forward", "processing", "processing", 3),
        ("complete", "processing", "completed", 3),
        ("deliver", "completed", "delivered", 3),
    ]
    assert [e.actor for e in events] == [
        world.citizen,
        world.citizen,
        world.reception,
        world.reception,
        world.specialist,
        world.leader,
        world.reception,
    ]
    assert dossier.version == 7  # one per action after creation


def test_comment_and_assign_change_no_state_and_are_internal(world):
    dossier = drive(world, P2)
    dossier = act(dossier, Action.COMMENT, world.leader, now=later(2), comment="Ưu tiên xử lý")
    dossier = act(dossier, Action.ASSIGN, world.leader, now=later(3), assignee=world.specialist.pk)
    assert (dossier.status, dossier.current_step, dossier.assignee) == (Status.PROCESSING, 2, world.specialist)
    comment, assign = DossierEvent.objects.filter(dossier=dossier).order_by("-id")[:2][::-1]
    assert (comment.internal, comment.comment, comment.from_status, comment.to_status) == (
        True,
        "Ưu tiên xử lý",
        "processing",
        "processing",
    )
    assert assign.internal and assign.payload["assignee"] == world.specialist.pk


def test_roles_are_read_fresh_not_cached_on_the_user(world):
    dossier = drive(world, "submitted")
    assert actor_roles(dossier, world.citizen2) == set()
    StaffMembership.objects.create(user=world.citizen2, agency=world.agency, role="reception")
    assert actor_roles(dossier, world.citizen2) == {"reception"}
    assert act(dossier, Action.ACCEPT, world.citizen2, now=later(1)).status == Status.PROCESSING


def test_superuser_may_act_as_any_staff_role(world, django_user_model):
    admin = django_user_model.objects.create_superuser(email="admin@example.org", password="x")
    dossier = drive(world, "submitted")
    assert act(dossier, Action.ACCEPT, admin, now=later(1)).status == Status.PROCESSING
    # ... but never as the applicant.
    with pytest.raises(ActionForbidden):
        act(dossier, Action.WITHDRAW, admin, now=later(2))


def test_the_applicant_takes_delivery_only_of_an_electronic_result(world):
    paper_only = drive(world, "completed", e_result=False)
    assert Action.DELIVER not in dossier_available_actions(paper_only, world.citizen)
    assert Action.DELIVER in dossier_available_actions(paper_only, world.reception)
    with pytest.raises(ActionNotAvailable):
        act(paper_only, Action.DELIVER, world.citizen, now=later(2))
    assert act(paper_only, Action.DELIVER, world.reception, now=later(2)).delivery_channel == "desk"
    with_result = drive(world, "completed")
    assert Action.DELIVER in dossier_available_actions(with_result, world.citizen)
    assert act(with_result, Action.DELIVER, world.citizen, now=later(2)).delivery_channel == "online"
