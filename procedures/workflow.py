"""The dossier workflow as one table: state, action -> next state, who may do it, what it needs.

Everything reads this table: the service that applies actions, the API's `available_actions`, the officer's
buttons and the tests of every (state, action, role) combination. Nothing else changes a dossier's status.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from typing import NamedTuple

from django.utils.translation import gettext_lazy as _

from citizens.roles import HANDLING_ROLES, Role
from procedures.enums import STAFF_VISIBLE, Channel, Status


class Action(StrEnum):
    SUBMIT = "submit"
    ACCEPT = "accept"
    REQUEST_SUPPLEMENT = "request_supplement"
    SUPPLEMENT = "supplement"
    REFUSE = "refuse"
    FORWARD = "forward"
    SEND_BACK = "send_back"
    REQUEST_PAYMENT = "request_payment"
    PAY = "pay"
    COMPLETE = "complete"
    DELIVER = "deliver"
    EXTEND = "extend"
    STOP = "stop"
    WITHDRAW = "withdraw"
    APPROVE_WITHDRAWAL = "approve_withdrawal"
    REJECT_WITHDRAWAL = "reject_withdrawal"
    ASSIGN = "assign"
    COMMENT = "comment"


ACTION_LABELS: Mapping[Action, str] = {
    Action.SUBMIT: _("Nộp hồ sơ"),
    Action.ACCEPT: _("Tiếp nhận"),
    Action.REQUEST_SUPPLEMENT: _("Yêu cầu bổ sung"),
    Action.SUPPLEMENT: _("Bổ sung hồ sơ"),
    Action.REFUSE: _("Từ chối tiếp nhận"),
    Action.FORWARD: _("Chuyển bước tiếp theo"),
    Action.SEND_BACK: _("Trả lại bước trước"),
    Action.REQUEST_PAYMENT: _("Yêu cầu thanh toán"),
    Action.PAY: _("Thanh toán"),
    Action.COMPLETE: _("Hoàn thành xử lý"),
    Action.DELIVER: _("Trả kết quả"),
    Action.EXTEND: _("Gia hạn"),
    Action.STOP: _("Dừng xử lý"),
    Action.WITHDRAW: _("Rút hồ sơ"),
    Action.APPROVE_WITHDRAWAL: _("Đồng ý rút hồ sơ"),
    Action.REJECT_WITHDRAWAL: _("Không đồng ý rút hồ sơ"),
    Action.ASSIGN: _("Phân công"),
    Action.COMMENT: _("Ghi chú nội bộ"),
}

# Roles that mean "whoever holds the role of the dossier's current step" rather than a fixed role.
STEP_ROLE = "step_role"
# The portal itself, acting on a verified provider notification (payments app); no person ever holds it.
SYSTEM = "system"


class Transition(NamedTuple):
    source: frozenset[Status]  # states the action is available in
    target: Status | None  # None: decided by the service (supplement returns, withdraw depends on state)
    roles: frozenset[str]  # Role values, or STEP_ROLE; Role.APPLICANT means the dossier's own applicant
    requires: tuple[str, ...] = ()  # payload fields the action needs
    guard: str | None = None  # name of a condition on the dossier, see GUARDS
    # (role, guard name): a condition that applies only when acting in that role, e.g. the applicant may take
    # delivery only of an electronic result, while reception hands over paper too.
    role_guards: tuple[tuple[str, str], ...] = ()


TRANSITIONS: Mapping[Action, Transition] = {
    # Reception submits for a walk-in citizen whose paper dossier it digitised (channel in person or by post).
    Action.SUBMIT: Transition(
        frozenset({Status.DRAFT}),
        Status.SUBMITTED,
        frozenset({Role.APPLICANT, Role.RECEPTION}),
        role_guards=((Role.RECEPTION, "is_staff_filed"),),
    ),
    Action.ACCEPT: Transition(frozenset({Status.SUBMITTED}), Status.PROCESSING, frozenset({Role.RECEPTION})),
    Action.REQUEST_SUPPLEMENT: Transition(
        frozenset({Status.SUBMITTED, Status.PROCESSING}),
        Status.SUPPLEMENT_REQUESTED,
        frozenset({Role.RECEPTION, Role.SPECIALIST}),
        requires=("items",),
    ),
    Action.SUPPLEMENT: Transition(frozenset({Status.SUPPLEMENT_REQUESTED}), None, frozenset({Role.APPLICANT})),
    Action.REFUSE: Transition(
        frozenset({Status.SUBMITTED}), Status.REFUSED, frozenset({Role.RECEPTION}), requires=("reason",)
    ),
    Action.FORWARD: Transition(
        frozenset({Status.PROCESSING}), Status.PROCESSING, frozenset({STEP_ROLE}), guard="has_next_step"
    ),
    Action.SEND_BACK: Transition(
        frozenset({Status.PROCESSING}),
        Status.PROCESSING,
        frozenset({Role.LEADER}),
        requires=("reason",),
        guard="has_previous_step",
    ),
    # DOMAIN.md: the specialist asks for the fee or tax; only a verified gateway notification pays (payments app).
    Action.REQUEST_PAYMENT: Transition(
        frozenset({Status.PROCESSING}), Status.AWAITING_PAYMENT, frozenset({Role.SPECIALIST}), requires=("amount",)
    ),
    Action.PAY: Transition(frozenset({Status.AWAITING_PAYMENT}), Status.PROCESSING, frozenset({SYSTEM})),
    Action.COMPLETE: Transition(
        frozenset({Status.PROCESSING}),
        Status.COMPLETED,
        frozenset({STEP_ROLE}),
        requires=("outcome",),
        guard="is_last_step",
    ),
    # DOMAIN.md: reception hands the result over, or the applicant takes it by downloading an e-result.
    Action.DELIVER: Transition(
        frozenset({Status.COMPLETED}),
        Status.DELIVERED,
        frozenset({Role.RECEPTION, Role.APPLICANT}),
        role_guards=((Role.APPLICANT, "has_electronic_result"),),
    ),
    Action.EXTEND: Transition(
        frozenset({Status.PROCESSING}), Status.PROCESSING, frozenset({Role.LEADER}), requires=("due_at", "reason")
    ),
    # DOMAIN.md: processing -> stopped only (a dossier awaiting payment goes back to processing first).
    Action.STOP: Transition(
        frozenset({Status.PROCESSING}), Status.STOPPED, frozenset({Role.LEADER}), requires=("reason",)
    ),
    Action.WITHDRAW: Transition(
        frozenset({Status.SUBMITTED, Status.SUPPLEMENT_REQUESTED, Status.PROCESSING, Status.AWAITING_PAYMENT}),
        None,
        frozenset({Role.APPLICANT}),
    ),
    Action.APPROVE_WITHDRAWAL: Transition(
        frozenset({Status.WITHDRAWAL_REQUESTED}), Status.WITHDRAWN, frozenset({Role.RECEPTION})
    ),
    Action.REJECT_WITHDRAWAL: Transition(
        frozenset({Status.WITHDRAWAL_REQUESTED}), None, frozenset({Role.RECEPTION}), requires=("reason",)
    ),
    Action.ASSIGN: Transition(
        frozenset({Status.SUBMITTED, Status.PROCESSING, Status.AWAITING_PAYMENT, Status.WITHDRAWAL_REQUESTED}),
        None,
        frozenset({Role.LEADER, Role.RECEPTION}),
        requires=("assignee",),
    ),
    Action.COMMENT: Transition(STAFF_VISIBLE, None, HANDLING_ROLES, requires=("comment",)),
}

# Actions that leave the status as it is (their event still records from == to).
NO_STATUS_CHANGE = frozenset({Action.ASSIGN, Action.COMMENT})
INTERNAL_ACTIONS = frozenset({Action.ASSIGN, Action.COMMENT})


class DossierFacts(NamedTuple):
    """What the table needs to know about a dossier; built from a Dossier by `selectors.dossier_facts`."""

    status: Status
    current_step: int | None  # 1-based
    step_count: int
    step_role: str | None
    supplement_from: Status | None
    withdraw_from: Status | None
    has_electronic_result: bool = False  # a result document is attached (only looked up once completed)
    channel: str = Channel.ONLINE  # how it was filed; reception files paper dossiers for walk-in citizens


def _has_next_step(f: DossierFacts) -> bool:
    return f.current_step is not None and f.current_step < f.step_count


def _has_previous_step(f: DossierFacts) -> bool:
    return f.current_step is not None and f.current_step > 1


def _is_last_step(f: DossierFacts) -> bool:
    return f.current_step is not None and f.current_step == f.step_count


def _has_electronic_result(f: DossierFacts) -> bool:
    return f.has_electronic_result


def _is_staff_filed(f: DossierFacts) -> bool:
    return f.channel != Channel.ONLINE


GUARDS = {
    "has_next_step": _has_next_step,
    "has_previous_step": _has_previous_step,
    "is_last_step": _is_last_step,
    "has_electronic_result": _has_electronic_result,
    "is_staff_filed": _is_staff_filed,
}


def is_available(action: Action, facts: DossierFacts) -> bool:
    """The action exists in the dossier's state (ignoring who asks)."""
    transition = TRANSITIONS[action]
    if facts.status not in transition.source:
        return False
    return transition.guard is None or GUARDS[transition.guard](facts)


def role_allows(action: Action, facts: DossierFacts, roles: Iterable[str], *, role_guards: bool = True) -> bool:
    """Someone holding `roles` (Role values, APPLICANT only for the dossier's own applicant) may do the action.

    With `role_guards=False` the per-role conditions are ignored: "this role may do it, just not yet"."""
    transition = TRANSITIONS[action]
    conditions = dict(transition.role_guards) if role_guards else {}

    def holds(role: str) -> bool:
        guard = conditions.get(role)
        return guard is None or GUARDS[guard](facts)

    acting_as = {role for role in roles if role in transition.roles}
    if STEP_ROLE in transition.roles and facts.step_role in set(roles):
        acting_as.add(STEP_ROLE)
    return any(holds(role) for role in acting_as)


def roles_ever_allowed(action: Action, step_roles: Sequence[str]) -> frozenset[str]:
    """Every role that may do the action in some state of a dossier whose steps have `step_roles` (in order).

    Someone outside this set is refused (403) whatever the dossier's state, before the state is looked at (409)."""
    transition = TRANSITIONS[action]
    roles = set(transition.roles) - {STEP_ROLE}
    if STEP_ROLE in transition.roles:
        if transition.guard == "has_next_step":
            roles.update(step_roles[:-1])
        elif transition.guard == "is_last_step":
            roles.update(step_roles[-1:])
        else:
            roles.update(step_roles)
    return frozenset(roles)


def available_actions(facts: DossierFacts, roles: Iterable[str]) -> list[Action]:
    held = frozenset(roles)
    return [action for action in Action if is_available(action, facts) and role_allows(action, facts, held)]


def target_status(action: Action, facts: DossierFacts) -> Status:
    """The state the dossier moves to (the table's target, or the one the action computes)."""
    transition = TRANSITIONS[action]
    if transition.target is not None:
        return transition.target
    if action == Action.SUPPLEMENT:
        return facts.supplement_from or Status.SUBMITTED
    if action == Action.WITHDRAW:
        # Before acceptance the applicant withdraws at once; afterwards reception decides.
        if facts.status == Status.SUBMITTED or (
            facts.status == Status.SUPPLEMENT_REQUESTED and facts.supplement_from == Status.SUBMITTED
        ):
            return Status.WITHDRAWN
        return Status.WITHDRAWAL_REQUESTED
    if action == Action.REJECT_WITHDRAWAL:
        return facts.withdraw_from or Status.PROCESSING
    return facts.status
