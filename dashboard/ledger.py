"""The statistics' view of one dossier, folded from its workflow events, and what it adds to the daily summary.

Pure: no Django, no database. `fold` applies one event to a `LedgerState`; `contribution` turns a state into the
+/- deltas it adds to `DailyStat` rows. The incremental hook (services.stats_record_event) and the rebuild
(services.stats_rebuild) both use exactly these two functions, so the incremental aggregates always equal a rebuild.

Definitions (documented once, here, and used everywhere):

* Days are local days in Asia/Ho_Chi_Minh. "At the end of day T" means the moment T+1 00:00.
* received: the dossier was accepted (tiếp nhận) that day. Submitted-but-not-accepted, refused and dossiers withdrawn
  before acceptance are never "received"; they only count as submitted / refused.
* open (in progress, đang giải quyết): accepted and not yet completed, stopped or withdrawn. Waiting for a supplement
  or a payment is still in progress.
* statutory due date: the due date set at acceptance, moved by supplement pauses (or recomputed under the restart
  policy), never moved by an extension. An extension is the apology letter of Decree 61/2018 art. 19 for a dossier
  that is or will be late; it gives the citizen a new appointment but does not make the dossier on time.
* overdue: the statutory due date passed while the agency held the dossier with the clock running. Once a dossier
  has been overdue it stays overdue until it leaves the open set, whatever happens later (a supplement request made
  after the due date, an extension): lateness already incurred is not cured.
* A second supplement request makes the dossier late from that moment (DOMAIN.md: more than one supplement request
  counts as late; the law asks for everything missing at once).
* While a dossier waits for a supplement that was requested before its due date, its clock is paused: it is neither
  late nor near due.
* near due: open, not late, and at most `near_margin_days` working days remain until the statutory due date
  (procedures.deadlines.is_near_due).
* processed (đã giải quyết): completed (approved or denied) that day; early (trước hạn) if completed on a day before
  the statutory due date, on time (đúng hạn) if completed no later than the statutory due moment, late (quá hạn) if
  it was ever overdue or had more than one supplement request.
* Stopped and withdrawn-after-acceptance dossiers leave the open set without being "processed"; they are counted
  separately so that to process = processed + stopped + withdrawn + in progress at the period end. `closed_late`
  counts those of them that were late when they ended (Decision 766 indicator 2.1 judges every end state).
* Indicator counters (dashboard.indicators reads them; each is counted on the day named):
  - started_completed / started_days (received day): dossiers completed, and their working days, by the day their
    processing started (indicator 2.2 averages over dossiers whose processing started in the period);
  - received_online_e (received day): received online and, where the procedure issues a paper result, with an
    electronic result (3.3);
  - completed_paper / completed_paper_e (completed day): completed dossiers of procedures that issue a paper result,
    and those of them with an electronic result (4.1);
  - digitised_all (received day): any channel, files attached to its components and, where a paper result is
    issued, an electronic result (4.2);
  - reused / connected / population / certified_copy (received day): a component flagged as reused digitised data
    (4.3), taken from the citizen's data store (4.4), taken from the population database (4.5b), an electronic
    certified copy (4.2b).
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

from procedures.deadlines import WorkingCalendar, end_of_day
from procedures.events import read as event_payload

FLOW_COLUMNS = (
    "submitted",
    "refused",
    "received",
    "received_online",
    "received_direct",
    "digitised",
    "reused",
    "fee_due",
    "paid_online",
    "completed_early",
    "completed_on_time",
    "completed_late",
    "completed_e_result",
    "processing_days",
    "allowed_days",
    "delivered",
    "stopped",
    "withdrawn",
    "closed_late",
    "started_completed",
    "started_days",
    "received_online_e",
    "completed_paper",
    "completed_paper_e",
    "digitised_all",
    "connected",
    "population",
    "certified_copy",
)
STOCK_COLUMNS = ("open_delta", "late_delta", "near_delta", "uncollected_delta")
COLUMNS = FLOW_COLUMNS + STOCK_COLUMNS

EARLY, ON_TIME, LATE = "early", "on_time", "late"
COMPLETED, STOPPED, WITHDRAWN, REFUSED = "completed", "stopped", "withdrawn", "refused"

# Actions that never change what the statistics know (internal notes, assignment, creating a draft).
IGNORED_ACTIONS = frozenset({"create", "comment", "assign"})


@dataclass
class LedgerState:
    """Mirrors dashboard.models.DossierStat (same field names)."""

    agency_id: int
    procedure_id: int
    field_id: int
    channel: str
    last_event_id: int = 0
    submitted_at: datetime | None = None
    refused_at: datetime | None = None
    accepted_at: datetime | None = None
    statutory_due_at: datetime | None = None
    due_at: datetime | None = None
    extended: bool = False
    paused_at: datetime | None = None
    paused_days: int = 0
    supplement_count: int = 0
    second_supplement_at: datetime | None = None
    overdue_since: datetime | None = None
    completed_at: datetime | None = None
    completion: str = ""
    processing_days: int = 0
    allowed_days: int = 0
    delivered_at: datetime | None = None
    closed_at: datetime | None = None
    closed_kind: str = ""
    paid_at: datetime | None = None
    fee_amount: int = 0
    has_input_docs: bool = False
    has_result_doc: bool = False
    requires_paper_result: bool = False
    has_reused_doc: bool = False
    has_store_doc: bool = False
    has_population_doc: bool = False
    has_certified_copy: bool = False
    late_at: datetime | None = None
    near_day: date | None = None


STATE_FIELDS = tuple(f.name for f in fields(LedgerState))

# Document flag (procedures.Document field) -> LedgerState field.
DOC_FLAGS = {
    "reused_data": "has_reused_doc",
    "from_data_store": "has_store_doc",
    "from_population_data": "has_population_doc",
    "e_certified_copy": "has_certified_copy",
}


def set_doc_flags(s: LedgerState, *, has_input: bool, has_result: bool, flags: frozenset[str]) -> None:
    """Documents only matter once the dossier is accepted (the hook does not even look them up before)."""
    accepted = s.accepted_at is not None
    s.has_input_docs = accepted and has_input
    s.has_result_doc = accepted and has_result
    for flag, name in DOC_FLAGS.items():
        setattr(s, name, accepted and flag in flags)


def closed_late(s: LedgerState) -> bool:
    """Late when it ended: ever overdue, or more than one supplement request."""
    return s.overdue_since is not None or s.supplement_count > 1


@dataclass(frozen=True)
class Event:
    id: int
    action: str
    from_status: str
    to_status: str
    at: datetime
    payload: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class Context:
    """What a fold step reads besides the event: the dossier's current attributes and the calendar (lazily)."""

    tz: ZoneInfo
    near_margin_days: int
    fee_amount: int
    has_input_docs: bool
    has_result_doc: bool
    calendar_factory: Callable[[], WorkingCalendar]
    requires_paper_result: bool = False
    doc_flags: frozenset[str] = frozenset()  # of DOC_FLAGS: what the dossier's documents are flagged as

    @cached_property
    def calendar(self) -> WorkingCalendar:
        return self.calendar_factory()


def local_day(moment: datetime, tz: ZoneInfo) -> date:
    return moment.astimezone(tz).date()


def near_day_for(due: datetime, *, margin: int, calendar: WorkingCalendar, tz: ZoneInfo) -> date:
    """The first day T at whose end (T+1 00:00) a dossier due at `due` is near due: working days after T+1 up to the
    due date are at most `margin` (procedures.deadlines.is_near_due)."""
    due_day = local_day(due, tz)
    t = due_day - timedelta(days=1)
    for _ in range(400):  # bounded: margin working days plus the longest run of days off
        if calendar.working_days_between(t, due_day) > margin:
            return t
        t -= timedelta(days=1)
    return t


def _running(s: LedgerState) -> bool:
    return s.accepted_at is not None and s.closed_at is None and s.paused_at is None


def _shift(moment: datetime, days: int, ctx: Context) -> datetime:
    if days <= 0:
        return moment
    return end_of_day(ctx.calendar.add_working_days(local_day(moment, ctx.tz), days), ctx.tz)


def fold(state: LedgerState, event: Event, ctx: Context, *, inplace: bool = False) -> LedgerState:
    """The state after `event`. Events must be applied in the order they were written (id); an event already
    applied is ignored. `inplace` updates `state` itself (the rebuild, which needs no "before")."""
    if event.id and event.id <= state.last_event_id:
        return state
    s = state if inplace else copy.copy(state)
    previous = (s.statutory_due_at, s.paused_at)
    s.last_event_id = event.id or s.last_event_id
    s.fee_amount = ctx.fee_amount
    s.requires_paper_result = ctx.requires_paper_result
    at, action = event.at, event.action
    payload = event_payload(action, event.payload)

    # Lateness already incurred stays: record the moment the statutory clock ran out before this event.
    if s.overdue_since is None and _running(s) and s.statutory_due_at is not None and s.statutory_due_at < at:
        s.overdue_since = s.statutory_due_at

    if action == "submit":
        s.submitted_at = s.submitted_at or at
    elif action == "refuse":
        s.refused_at = at
        s.closed_at, s.closed_kind = at, REFUSED
    elif action == "accept":
        due = payload.due_at
        s.accepted_at = at
        s.statutory_due_at = s.due_at = due
    elif action == "request_supplement":
        if event.from_status == "processing" and s.accepted_at is not None:
            s.paused_at = at
            s.supplement_count += 1
            if s.supplement_count == 2:
                s.second_supplement_at = at
    elif action == "supplement":
        if s.paused_at is not None:
            days = payload.paused_working_days
            new_due = payload.due_at or s.due_at
            s.paused_days += days
            if not s.extended or s.statutory_due_at is None or s.due_at is None:
                s.statutory_due_at = new_due
            elif new_due == _shift(s.due_at, days, ctx):
                # Pause policy: the statutory date moves by the same working days as the extended one.
                s.statutory_due_at = _shift(s.statutory_due_at, days, ctx)
            else:
                # Restart policy (or hour limits): the count starts again, the extension no longer matters.
                s.statutory_due_at = new_due
            s.due_at = new_due
            s.paused_at = None
    elif action == "extend":
        s.due_at = payload.due_at or s.due_at
        s.extended = True
    elif action == "pay":
        s.paid_at = at
    elif action == "complete":
        if s.accepted_at is not None and s.closed_at is None:
            s.completed_at = at
            s.closed_at, s.closed_kind = at, COMPLETED
            due = s.statutory_due_at
            if closed_late(s):
                s.completion = LATE
            elif due is not None and local_day(at, ctx.tz) < local_day(due, ctx.tz):
                s.completion = EARLY
            else:
                s.completion = ON_TIME
            start = local_day(s.accepted_at, ctx.tz)
            cal = ctx.calendar
            s.processing_days = max(0, cal.working_days_between(start, local_day(at, ctx.tz)) - s.paused_days)
            if due is not None:
                s.allowed_days = max(0, cal.working_days_between(start, local_day(due, ctx.tz)) - s.paused_days)
    elif action == "deliver":
        s.delivered_at = at
    elif action == "stop":
        if s.closed_at is None:
            s.closed_at, s.closed_kind = at, STOPPED
    elif event.to_status == "withdrawn":
        if s.closed_at is None:
            s.closed_at, s.closed_kind = at, WITHDRAWN

    set_doc_flags(s, has_input=ctx.has_input_docs, has_result=ctx.has_result_doc, flags=ctx.doc_flags)
    _derive(s, ctx, changed=(s.statutory_due_at, s.paused_at) != previous)
    return s


def _derive(s: LedgerState, ctx: Context, *, changed: bool) -> None:
    if s.accepted_at is None:
        s.late_at, s.near_day = None, None
        return
    running_clock = s.paused_at is None
    candidates = [m for m in (s.overdue_since, s.second_supplement_at) if m is not None]
    if running_clock and s.statutory_due_at is not None:
        candidates.append(s.statutory_due_at)
    s.late_at = min(candidates) if candidates else None
    if not running_clock or s.statutory_due_at is None:
        s.near_day = None
    elif changed or s.near_day is None:
        s.near_day = near_day_for(s.statutory_due_at, margin=ctx.near_margin_days, calendar=ctx.calendar, tz=ctx.tz)


def _interval(out: Counter, column: str, start: date, end: date | None) -> None:
    """+1 on `start`, -1 on `end` (the first day no longer in the state); nothing for an empty interval."""
    if end is not None and end <= start:
        return
    out[(start, column)] += 1
    if end is not None:
        out[(end, column)] -= 1


def contribution(s: LedgerState, tz: ZoneInfo) -> Counter:
    """{(day, column): delta} this dossier adds to DailyStat (zero entries removed)."""
    out: Counter = Counter()
    if s.submitted_at is not None:
        out[(local_day(s.submitted_at, tz), "submitted")] += 1
    if s.accepted_at is None:
        if s.refused_at is not None:
            out[(local_day(s.refused_at, tz), "refused")] += 1
        return out
    received = local_day(s.accepted_at, tz)
    out[(received, "received")] += 1
    if s.channel == "online":
        out[(received, "received_online")] += 1
    else:
        out[(received, "received_direct")] += 1
        if s.has_input_docs:
            out[(received, "digitised")] += 1
    e_result_ok = s.has_result_doc or not s.requires_paper_result
    if s.channel == "online" and e_result_ok:
        out[(received, "received_online_e")] += 1
    if s.has_input_docs and e_result_ok:
        out[(received, "digitised_all")] += 1
    for column, flag in (
        ("reused", s.has_reused_doc),
        ("connected", s.has_store_doc),
        ("population", s.has_population_doc),
        ("certified_copy", s.has_certified_copy),
    ):
        if flag:
            out[(received, column)] += 1
    if s.fee_amount > 0:
        out[(received, "fee_due")] += 1
        if s.paid_at is not None:
            out[(received, "paid_online")] += 1
    closed = local_day(s.closed_at, tz) if s.closed_at is not None else None
    _interval(out, "open_delta", received, closed)
    late_day = local_day(s.late_at, tz) if s.late_at is not None else None
    if late_day is not None:
        _interval(out, "late_delta", max(received, late_day), closed)
    if s.near_day is not None:
        ends = [d for d in (closed, late_day) if d is not None]
        _interval(out, "near_delta", max(received, s.near_day), min(ends) if ends else None)
    if s.closed_kind == COMPLETED and s.completed_at is not None:
        completed = local_day(s.completed_at, tz)
        out[(completed, f"completed_{s.completion}")] += 1
        if s.has_result_doc:
            out[(completed, "completed_e_result")] += 1
        if s.processing_days:
            out[(completed, "processing_days")] += s.processing_days
        if s.allowed_days:
            out[(completed, "allowed_days")] += s.allowed_days
        out[(received, "started_completed")] += 1
        if s.processing_days:
            out[(received, "started_days")] += s.processing_days
        if s.requires_paper_result:
            out[(completed, "completed_paper")] += 1
            if s.has_result_doc:
                out[(completed, "completed_paper_e")] += 1
        delivered = local_day(s.delivered_at, tz) if s.delivered_at is not None else None
        _interval(out, "uncollected_delta", completed, delivered)
        if delivered is not None:
            out[(delivered, "delivered")] += 1
    elif s.closed_kind in (STOPPED, WITHDRAWN) and closed is not None:
        out[(closed, s.closed_kind)] += 1
        if closed_late(s):
            out[(closed, "closed_late")] += 1
    return Counter({key: value for key, value in out.items() if value})


def difference(old: Counter, new: Counter) -> dict[date, dict[str, int]]:
    """new - old, grouped by day: {day: {column: delta}} without zero entries."""
    by_day: dict[date, dict[str, int]] = {}
    for key in set(old) | set(new):
        delta = new.get(key, 0) - old.get(key, 0)
        if delta:
            day, column = key
            by_day.setdefault(day, {})[column] = delta
    return by_day
