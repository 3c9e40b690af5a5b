"""What each dossier action records in its event's payload, as one small dataclass per action with one reader.

`procedures.services.dossiers` writes the payloads (the `_effect_*` functions, and routing's `as_payload`); every
other app (notifications, dashboard, workspace) reads them through `read(action, payload)` instead of picking keys
out of the JSON, so a key is spelt in one place. Readers are lenient: events recorded before a field existed read
with its default. Pure: no Django, no model.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from procedures.workflow import Action


def _moment(value: Any) -> datetime | None:
    """A datetime from the ISO text the services store (None when absent, unreadable or without a zone)."""
    if isinstance(value, datetime):
        return value
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


def _int(value: Any, default: int | None = 0) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _texts(value: Any) -> list[str]:
    return [str(item) for item in value] if isinstance(value, list) else []


@dataclass(frozen=True)
class Assignment:
    """Who a dossier was given to, as recorded by the events that enter a step and by ASSIGN."""

    assignee: int | None = None
    assignee_name: str = ""
    unrouted: bool = False  # routing found nobody (see procedures.services.routing)
    reason: str = ""

    @classmethod
    def read(cls, raw: Mapping) -> Assignment:
        routing = raw.get("routing") if isinstance(raw.get("routing"), Mapping) else {}
        return cls(
            assignee=_int(raw.get("assignee"), None),
            assignee_name=str(raw.get("assignee_name") or ""),
            unrouted=bool(routing.get("unrouted")),
            reason=str(routing.get("reason") or ""),
        )


@dataclass(frozen=True)
class Payload:
    """An action that records nothing of its own (refuse, stop, withdraw, reject_withdrawal, comment)."""

    @classmethod
    def read(cls, raw: Mapping) -> Payload:
        return cls()


@dataclass(frozen=True)
class Submitted(Payload):
    code: str = ""

    @classmethod
    def read(cls, raw: Mapping) -> Submitted:
        return cls(code=str(raw.get("code") or ""))


@dataclass(frozen=True)
class Accepted(Payload):
    due_at: datetime | None = None
    step_due_at: datetime | None = None
    assignment: Assignment = field(default_factory=Assignment)

    @classmethod
    def read(cls, raw: Mapping) -> Accepted:
        return cls(_moment(raw.get("due_at")), _moment(raw.get("step_due_at")), Assignment.read(raw))


@dataclass(frozen=True)
class SupplementRequested(Payload):
    items: list[str] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)  # form fields the applicant may change
    documents: list[str] = field(default_factory=list)  # document requirements the applicant may replace

    @classmethod
    def read(cls, raw: Mapping) -> SupplementRequested:
        return cls(_texts(raw.get("items")), _texts(raw.get("fields")), _texts(raw.get("documents")))


@dataclass(frozen=True)
class Supplemented(Payload):
    """After acceptance the clock resumes: the pause in working days and the new due date (both absent before)."""

    paused_working_days: int = 0
    due_at: datetime | None = None

    @classmethod
    def read(cls, raw: Mapping) -> Supplemented:
        return cls(_int(raw.get("paused_working_days")) or 0, _moment(raw.get("due_at")))


@dataclass(frozen=True)
class StepMoved(Payload):
    from_step: int | None = None
    step: int | None = None
    step_due_at: datetime | None = None
    assignment: Assignment = field(default_factory=Assignment)

    @classmethod
    def read(cls, raw: Mapping) -> StepMoved:
        return cls(
            _int(raw.get("from_step"), None), _int(raw.get("step"), None), _moment(raw.get("step_due_at")),
            Assignment.read(raw),
        )  # fmt: skip


class Forwarded(StepMoved):
    pass


class SentBack(StepMoved):
    pass


@dataclass(frozen=True)
class PaymentRequested(Payload):
    amount: int | None = None

    @classmethod
    def read(cls, raw: Mapping) -> PaymentRequested:
        return cls(_int(raw.get("amount"), None))


@dataclass(frozen=True)
class Paid(Payload):
    amount: int | None = None
    reference: str = ""
    provider: str = ""  # the payment provider whose verified notification paid (payments.services)

    @classmethod
    def read(cls, raw: Mapping) -> Paid:
        return cls(_int(raw.get("amount"), None), str(raw.get("reference") or ""), str(raw.get("provider") or ""))


@dataclass(frozen=True)
class Completed(Payload):
    outcome: str = ""

    @classmethod
    def read(cls, raw: Mapping) -> Completed:
        return cls(str(raw.get("outcome") or ""))


@dataclass(frozen=True)
class Delivered(Payload):
    channel: str = ""

    @classmethod
    def read(cls, raw: Mapping) -> Delivered:
        return cls(str(raw.get("channel") or ""))


@dataclass(frozen=True)
class Extended(Payload):
    due_at: datetime | None = None
    previous_due_at: datetime | None = None
    apology: bool = False

    @classmethod
    def read(cls, raw: Mapping) -> Extended:
        return cls(_moment(raw.get("due_at")), _moment(raw.get("previous_due_at")), bool(raw.get("apology")))


@dataclass(frozen=True)
class WithdrawalApproved(Payload):
    paused_working_days: int | None = None  # a pause that was still open when the withdrawal was approved

    @classmethod
    def read(cls, raw: Mapping) -> WithdrawalApproved:
        return cls(_int(raw.get("paused_working_days"), None))


@dataclass(frozen=True)
class Assigned(Payload):
    assignment: Assignment = field(default_factory=Assignment)

    @classmethod
    def read(cls, raw: Mapping) -> Assigned:
        return cls(Assignment.read(raw))


PAYLOADS: Mapping[str, type[Payload]] = {
    Action.SUBMIT: Submitted,
    Action.ACCEPT: Accepted,
    Action.REQUEST_SUPPLEMENT: SupplementRequested,
    Action.SUPPLEMENT: Supplemented,
    Action.REFUSE: Payload,
    Action.FORWARD: Forwarded,
    Action.SEND_BACK: SentBack,
    Action.REQUEST_PAYMENT: PaymentRequested,
    Action.PAY: Paid,
    Action.COMPLETE: Completed,
    Action.DELIVER: Delivered,
    Action.EXTEND: Extended,
    Action.STOP: Payload,
    Action.WITHDRAW: Payload,
    Action.APPROVE_WITHDRAWAL: WithdrawalApproved,
    Action.REJECT_WITHDRAWAL: Payload,
    Action.ASSIGN: Assigned,
    Action.COMMENT: Payload,
}


def read(action: str, payload: Mapping | None) -> Payload:
    """The typed payload of an event of `action` (an unknown action, e.g. "create", reads as an empty Payload)."""
    return PAYLOADS.get(action, Payload).read(payload if isinstance(payload, Mapping) else {})


def assignment_of(payload: Payload) -> Assignment | None:
    """The assignment an event recorded, for the actions that give a dossier to someone."""
    return payload.assignment if isinstance(payload, Accepted | StepMoved | Assigned) else None


def due_at_of(payload: Payload) -> datetime | None:
    """The due date an event set (accept, supplement after acceptance, extend), else None."""
    return payload.due_at if isinstance(payload, Accepted | Supplemented | Extended) else None
