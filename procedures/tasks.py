"""Reminders, escalation and digests, run by Celery beat (every 15 minutes; see CELERY_BEAT_SCHEDULE).

Each run decides for itself whether to send anything: only on working days of the portal's calendar (Vietnam's
holidays, Tết included, plus the admins' overrides) and only within the office hours of the agency's ReminderPolicy
(notifications.models; one default row, optionally one per agency, edited in the admin). Every notice is stored in
the notification outbox under a key naming the dossier, the kind, the due date or level and the recipient, so however
often beat runs (or two beats overlap) each is written, and sent, once.

What goes out (day counts are working days):
- near_due      to the officer in charge, when the dossier's due date is at most `near_due_days` away;
- apology_offer to the department's leaders (else the agency's), at most `apology_offer_days` before the due date:
                a draft of the apology letter (form 04) and the reminder that extending sends it;
- overdue       to the officer in charge, on the first working day past the due date;
- escalated     level 1 to the department's leaders `escalate_department_after_days` after that (default: the same
                day), level 2 to the agency's leaders `escalate_agency_after_days` further working days later;
- digest        to every officer once per working day from `digest_time`: new in their queue, near-due and overdue
                dossiers they hold, and (leaders, reception) the coordination queue; nothing to say, no message;
- supplement_reminder to the applicant every `supplement_reminder_days` while a supplement request is unanswered
                (at most `supplement_reminder_max` times);
- draft_reminder to the applicant once per idle period when a draft has not been touched for `draft_reminder_days`
                (not for drafts abandoned more than `draft_reminder_max_age_days` ago).
A dossier waiting for the applicant's supplement has its clock paused, so it gets no deadline notices meanwhile.

Every task takes an optional `now` (an aware datetime, or its ISO text when sent through the broker) for tests and
for re-running a missed day by hand.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from citizens.models import StaffMembership
from citizens.roles import Role
from notifications.messages import ESCALATION_LEVELS
from notifications.models import Kind, NotificationPreference, ReminderPolicy
from notifications.services import Renderer, channels_for, dossier_context, dossier_url, language_of, notify
from procedures.deadlines import WorkingCalendar, end_of_day
from procedures.models import Dossier, DossierEvent, Status
from procedures.services.calendar import portal_tz, working_calendar

logger = logging.getLogger(__name__)

# The due-date clock runs in these states (a supplement request pauses it).
CLOCK_STATUSES = (Status.PROCESSING, Status.AWAITING_PAYMENT, Status.WITHDRAWAL_REQUESTED)
HELD_STATUSES = (*CLOCK_STATUSES, Status.SUPPLEMENT_REQUESTED)
HANDLING_ROLES = (Role.RECEPTION, Role.SPECIALIST, Role.LEADER)
# A run goes through every open dossier of the province: more time than a delivery's 120 s. Re-running after a
# timeout or a crash is harmless (every notice has its key).
BATCH_LIMITS = {"time_limit": 900, "soft_time_limit": 840}
# Events that put a dossier in an officer's hands (for the digest's "new").
ARRIVAL_ACTIONS = ("accept", "forward", "send_back", "assign", "supplement", "pay", "reject_withdrawal")


def _moment(now: datetime | str | None) -> datetime:
    if now is None:
        return timezone.now()
    if isinstance(now, str):
        parsed = parse_datetime(now)
        if parsed is None:
            raise ValueError(f"Not an ISO datetime: {now!r}")
        now = parsed
    if timezone.is_naive(now):
        raise ValueError(f"Expected an aware datetime, got {now!r}.")
    return now


class Policies:
    """The reminder policies in force, read once per run: an agency's own row, else the default row, else the
    model's defaults (with the near-due margin of PORTAL_NEAR_DUE_MARGIN_DAYS)."""

    def __init__(self) -> None:
        rows = list(ReminderPolicy.objects.all())
        self.default = next((row for row in rows if row.agency_id is None), None) or ReminderPolicy(
            near_due_days=int(getattr(settings, "PORTAL_NEAR_DUE_MARGIN_DAYS", 1))
        )
        self.by_agency = {row.agency_id: row for row in rows if row.agency_id is not None}

    def of(self, agency_id: int | None) -> ReminderPolicy:
        return self.by_agency.get(agency_id, self.default)

    def all(self) -> list[ReminderPolicy]:
        return [self.default, *self.by_agency.values()]


@dataclass
class Clock:
    now: datetime
    calendar: WorkingCalendar
    tz: object
    local: datetime = field(init=False)
    today: date = field(init=False)

    def __post_init__(self) -> None:
        self.local = self.now.astimezone(self.tz)
        self.today = self.local.date()

    @property
    def working_day(self) -> bool:
        return self.calendar.is_working_day(self.today)

    def open_for(self, policy: ReminderPolicy) -> bool:
        """Sending is allowed now under `policy`: enabled, a working day, within its office hours."""
        return policy.enabled and self.working_day and policy.office_start <= self.local.time() < policy.office_end

    def date_of(self, moment: datetime) -> date:
        return moment.astimezone(self.tz).date()

    def previous_working_day(self) -> date:
        day = self.today - timedelta(days=1)
        for _ in range(60):  # Tết and a weekend are nine days; no gap in any calendar is this long
            if self.calendar.is_working_day(day):
                return day
            day -= timedelta(days=1)
        return day


def _clock(now) -> Clock:
    return Clock(now=_moment(now), calendar=working_calendar(), tz=portal_tz())


class Sender:
    """Stores notices through notifications.services.notify, counting what was new, with one template cache and
    the officers' instant/digest choices read once per run."""

    def __init__(self) -> None:
        self.renderer = Renderer()
        self.modes = dict(NotificationPreference.objects.values_list("user_id", "staff_mode"))
        self.created: dict[str, int] = defaultdict(int)

    def send(self, *, recipient, kind: str, template: str, key: str, context: dict, dossier=None) -> None:
        channels = channels_for(recipient, kind, mode=self.modes.get(recipient.pk, "instant"))
        rows = notify(
            recipient=recipient,
            kind=kind,
            template=template,
            context=context,
            key_prefix=f"{key}:{recipient.pk}",
            dossier=dossier,
            channels=channels,
            renderer=self.renderer,
        )
        if any(getattr(row, "was_created", False) for row in rows):
            self.created[kind] += 1


# --- leaders ----------------------------------------------------------------------------------------------------


class Leaders:
    """Active leaders per agency, read once per run: (user, department id, department code)."""

    def __init__(self, agency_ids: Iterable[int]) -> None:
        self.by_agency: dict[int, list[tuple]] = defaultdict(list)
        memberships = (
            StaffMembership.objects.filter(
                agency_id__in=set(agency_ids), role=Role.LEADER, is_active=True, user__is_active=True
            )
            .select_related("user", "department")
            .order_by("user_id")
        )
        for m in memberships:
            self.by_agency[m.agency_id].append((m.user, m.department_id, m.department.code if m.department else None))

    def agency_leaders(self, agency_id: int, policy: ReminderPolicy) -> list:
        return _unique(
            user for user, _dept, code in self.by_agency[agency_id] if code in (None, policy.agency_leader_department)
        )

    def department_leaders(self, agency_id: int, department_id: int | None, policy: ReminderPolicy) -> list:
        """The leaders of the dossier's department, or the agency's when that department has none."""
        own = _unique(
            user for user, dept, _code in self.by_agency[agency_id] if department_id and dept == department_id
        )
        return own or self.agency_leaders(agency_id, policy)


def _unique(users) -> list:
    seen, result = set(), []
    for user in users:
        if user.pk not in seen:
            seen.add(user.pk)
            result.append(user)
    return result


# --- deadlines: near-due, overdue, escalation, apology offer -----------------------------------------------------


@shared_task(name="procedures.tasks.send_deadline_reminders", acks_late=True, ignore_result=True, **BATCH_LIMITS)
def send_deadline_reminders(now: datetime | str | None = None) -> dict[str, int]:
    clock = _clock(now)
    if not clock.working_day:
        return {"skipped": 1}
    policies = Policies()
    margin = max([p.near_due_days for p in policies.all()] + [p.apology_offer_days for p in policies.all()])
    horizon = end_of_day(clock.calendar.add_working_days(clock.today, margin), clock.tz)
    dossiers = list(
        Dossier.objects.filter(status__in=CLOCK_STATUSES, due_at__isnull=False, due_at__lte=horizon)
        .select_related("procedure", "procedure_version", "agency", "assignee", "applicant", "department")
        .order_by("due_at", "id")
    )
    leaders = Leaders(d.agency_id for d in dossiers)
    sender = Sender()
    for dossier in dossiers:
        policy = policies.of(dossier.agency_id)
        if not clock.open_for(policy):
            continue
        with transaction.atomic():
            _deadline_notices(dossier, policy=policy, clock=clock, leaders=leaders, sender=sender)
    return dict(sender.created)


def _deadline_notices(dossier: Dossier, *, policy, clock: Clock, leaders: Leaders, sender: Sender) -> None:
    due_date = clock.date_of(dossier.due_at)
    assignee = dossier.assignee if dossier.assignee_id and dossier.assignee.is_active else None
    base = f"r:{{kind}}:{dossier.pk}:{due_date:%Y%m%d}"

    def context_for(user, **extra) -> dict:
        return {**dossier_context(dossier, user, language_of(user)), **extra}

    if clock.now > dossier.due_at:
        days = clock.calendar.working_days_between(due_date, clock.today)
        if assignee is not None:
            sender.send(
                recipient=assignee,
                kind=Kind.OVERDUE,
                template="overdue",
                key=base.format(kind="overdue"),
                context=context_for(assignee, days_overdue=days),
                dossier=dossier,
            )
        ladder = [
            (1, 1 + policy.escalate_department_after_days),
            (2, 1 + policy.escalate_department_after_days + policy.escalate_agency_after_days),
        ]
        for level, after in ladder:
            if days < after:
                continue
            if level == 1:
                recipients = leaders.department_leaders(dossier.agency_id, dossier.department_id, policy)
            else:
                recipients = leaders.agency_leaders(dossier.agency_id, policy)
            for leader in recipients:
                if assignee is not None and leader.pk == assignee.pk:
                    continue  # the officer in charge already has the overdue notice
                language = language_of(leader)
                sender.send(
                    recipient=leader,
                    kind=Kind.ESCALATED,
                    template="escalated",
                    key=base.format(kind="escalated") + f":L{level}",
                    context=context_for(leader, days_overdue=days, level_text=ESCALATION_LEVELS[level][language]),
                    dossier=dossier,
                )
        return

    left = clock.calendar.working_days_between(clock.today, due_date)
    if assignee is not None and left <= policy.near_due_days:
        sender.send(
            recipient=assignee,
            kind=Kind.NEAR_DUE,
            template="near_due",
            key=base.format(kind="near_due"),
            context=context_for(assignee),
            dossier=dossier,
        )
    if policy.apology_enabled and left <= policy.apology_offer_days:
        for leader in leaders.department_leaders(dossier.agency_id, dossier.department_id, policy):
            sender.send(
                recipient=leader,
                kind=Kind.APOLOGY_OFFER,
                template="apology_offer",
                key=base.format(kind="apology"),
                context=context_for(leader),
                dossier=dossier,
            )


# --- the daily digest -------------------------------------------------------------------------------------------


@shared_task(name="procedures.tasks.send_daily_digests", acks_late=True, ignore_result=True, **BATCH_LIMITS)
def send_daily_digests(now: datetime | str | None = None) -> dict[str, int]:
    """One digest per officer per working day, from the digest time of their (first) agency's policy."""
    clock = _clock(now)
    if not clock.working_day:
        return {"skipped": 1}
    policies = Policies()
    memberships = list(
        StaffMembership.objects.filter(role__in=HANDLING_ROLES, is_active=True, user__is_active=True)
        .select_related("user")
        .order_by("user_id", "pk")
    )
    officers: dict[int, dict] = {}
    for m in memberships:
        entry = officers.setdefault(m.user_id, {"user": m.user, "agency": m.agency_id, "roles": defaultdict(set)})
        entry["roles"][m.agency_id].add(m.role)
    opted_out = set(NotificationPreference.objects.filter(daily_digest=False).values_list("user_id", flat=True))
    due_today = {
        user_id: entry
        for user_id, entry in officers.items()
        if user_id not in opted_out and _digest_time(policies.of(entry["agency"]), clock)
    }
    if not due_today:
        return {}
    tag = f"{clock.today:%Y%m%d}"
    from notifications.models import Notification

    # Already sent today? Looked up by key (the unique index), not by scanning today's rows.
    keys = [f"digest:{tag}:{user_id}:{channel}" for user_id in due_today for channel in ("email", "sms", "inapp")]
    done: set[int] = set()
    for start in range(0, len(keys), 900):
        done.update(
            Notification.objects.filter(key__in=keys[start : start + 900]).values_list("recipient_id", flat=True)
        )
    pending = {user_id: entry for user_id, entry in due_today.items() if user_id not in done}
    if not pending:
        return {}
    since = datetime.combine(clock.previous_working_day(), policies.default.digest_time, tzinfo=clock.tz)
    items = _digest_items(pending, clock=clock, policies=policies, since=since)
    sender = Sender()
    for user_id, entry in pending.items():
        found = items.get(user_id)
        if not found or not any(found.values()):
            continue
        user = entry["user"]
        language = language_of(user)
        context = {
            "date": clock.today.strftime("%d/%m/%Y"),
            "new_count": len(found["new"]),
            "near_due_count": len(found["near_due"]),
            "overdue_count": len(found["overdue"]),
            **{f"{name}_items": _lines(rows, language, clock) for name, rows in found.items()},
        }
        sender.send(recipient=user, kind=Kind.DIGEST, template="digest", key=f"digest:{tag}", context=context)
    return dict(sender.created)


def _digest_time(policy: ReminderPolicy, clock: Clock) -> bool:
    return clock.open_for(policy) and policy.digest_enabled and clock.local.time() >= policy.digest_time


def _digest_items(officers: dict[int, dict], *, clock: Clock, policies: Policies, since: datetime) -> dict:
    """For each officer: {"new", "near_due", "overdue", "unrouted"} lists of dossiers, in five queries in all."""
    user_ids = list(officers)
    items: dict[int, dict[str, list]] = {
        uid: {"new": [], "near_due": [], "overdue": [], "unrouted": []} for uid in officers
    }
    related = ("procedure", "agency")
    held = list(
        Dossier.objects.filter(assignee_id__in=user_ids, status__in=HELD_STATUSES)
        .select_related(*related)
        .order_by("due_at", "id")
    )
    arrived = set(
        DossierEvent.objects.filter(
            dossier__assignee_id__in=user_ids, action__in=ARRIVAL_ACTIONS, at__gte=since, at__lte=clock.now
        ).values_list("dossier_id", flat=True)
    )
    for dossier in held:
        bucket = items[dossier.assignee_id]
        if dossier.pk in arrived:
            bucket["new"].append(dossier)
        if dossier.status in CLOCK_STATUSES and dossier.due_at:
            if clock.now > dossier.due_at:
                bucket["overdue"].append(dossier)
            else:
                left = clock.calendar.working_days_between(clock.today, clock.date_of(dossier.due_at))
                if left <= policies.of(dossier.agency_id).near_due_days:
                    bucket["near_due"].append(dossier)

    reception_agencies = {
        uid: {a for a, roles in entry["roles"].items() if Role.RECEPTION in roles} for uid, entry in officers.items()
    }
    coordinating = {
        uid: {a for a, roles in entry["roles"].items() if roles & {Role.RECEPTION, Role.LEADER}}
        for uid, entry in officers.items()
    }
    desk_agencies = set().union(*reception_agencies.values())
    if desk_agencies:
        waiting = list(
            Dossier.objects.filter(agency_id__in=desk_agencies, status=Status.SUBMITTED)
            .select_related(*related)
            .order_by("submitted_at", "id")
        )
        for uid, agencies in reception_agencies.items():
            seen = {d.pk for d in items[uid]["new"]}
            items[uid]["new"] += [d for d in waiting if d.agency_id in agencies and d.pk not in seen]
    queue_agencies = set().union(*coordinating.values())
    if queue_agencies:
        from procedures.services.routing import coordination_queue

        unrouted = list(coordination_queue(agency_ids=queue_agencies))
        for uid, agencies in coordinating.items():
            items[uid]["unrouted"] = [d for d in unrouted if d.agency_id in agencies]
    return items


def _lines(dossiers: list[Dossier], language: str, clock: Clock) -> str:
    english = language == "en"
    lines = []
    for dossier in dossiers[:50]:
        procedure = dossier.procedure.name_en if english and dossier.procedure.name_en else dossier.procedure.name
        due = clock.date_of(dossier.due_at).strftime("%d/%m/%Y") if dossier.due_at else ""
        code = dossier.code or "—"
        when = (f" · due {due}" if english else f" · hạn {due}") if due else ""
        lines.append(f"- {code} · {procedure}{when}")
    if len(dossiers) > 50:
        more = len(dossiers) - 50
        lines.append(f"- … and {more} more" if english else f"- … và {more} hồ sơ khác")
    return "\n".join(lines)


# --- reminders to applicants --------------------------------------------------------------------------------------


@shared_task(name="procedures.tasks.send_applicant_reminders", acks_late=True, ignore_result=True, **BATCH_LIMITS)
def send_applicant_reminders(now: datetime | str | None = None) -> dict[str, int]:
    clock = _clock(now)
    if not clock.working_day:
        return {"skipped": 1}
    policies = Policies()
    sender = Sender()
    related = ("procedure", "agency", "applicant")

    # Supplement requests still unanswered: reminder k after k * N working days, up to the maximum.
    waiting = list(Dossier.objects.filter(status=Status.SUPPLEMENT_REQUESTED).select_related(*related))
    requests: dict = {}
    for dossier_id, event_id, at in (
        DossierEvent.objects.filter(dossier__in=waiting, action="request_supplement")
        .order_by("at", "id")
        .values_list("dossier_id", "id", "at")
    ):
        requests[dossier_id] = (event_id, at)  # the latest wins
    for dossier in waiting:
        policy = policies.of(dossier.agency_id)
        every = policy.supplement_reminder_days
        if not every or dossier.pk not in requests or not clock.open_for(policy):
            continue
        event_id, requested_at = requests[dossier.pk]
        days = clock.calendar.working_days_between(clock.date_of(requested_at), clock.today)
        level = min(days // every, policy.supplement_reminder_max)
        if level < 1:
            continue
        applicant = dossier.applicant
        context = {
            **dossier_context(dossier, applicant, language_of(applicant)),
            "requested_date": clock.date_of(requested_at).strftime("%d/%m/%Y"),
            "items": "\n".join(f"- {item}" for item in dossier.supplement_items or []),
        }
        with transaction.atomic():
            sender.send(
                recipient=applicant,
                kind=Kind.SUPPLEMENT_REMINDER,
                template="supplement_reminder",
                key=f"r:supplement:{dossier.pk}:{event_id}:{level}",
                context=context,
                dossier=dossier,
            )

    # Drafts left unfiled: one reminder per idle period (a later edit starts a new one).
    longest = max(p.draft_reminder_max_age_days for p in policies.all())
    shortest = min([p.draft_reminder_days for p in policies.all() if p.draft_reminder_days] or [0])
    if shortest:
        drafts = Dossier.objects.filter(
            status=Status.DRAFT,
            updated_at__lte=clock.now - timedelta(days=shortest),
            updated_at__gte=clock.now - timedelta(days=longest),
        ).select_related(*related)
        for dossier in drafts:
            policy = policies.of(dossier.agency_id)
            after = policy.draft_reminder_days
            if not after or not clock.open_for(policy):
                continue
            if dossier.updated_at < clock.now - timedelta(days=policy.draft_reminder_max_age_days):
                continue
            if clock.calendar.working_days_between(clock.date_of(dossier.updated_at), clock.today) < after:
                continue
            applicant = dossier.applicant
            context = {
                **dossier_context(dossier, applicant, language_of(applicant)),
                "dossier_url": dossier_url(dossier),
            }
            with transaction.atomic():
                sender.send(
                    recipient=applicant,
                    kind=Kind.DRAFT_REMINDER,
                    template="draft_reminder",
                    key=f"r:draft:{dossier.pk}:{dossier.updated_at:%Y%m%d%H%M%S}",
                    context=context,
                    dossier=dossier,
                )
    return dict(sender.created)


# --- the beat entry ---------------------------------------------------------------------------------------------


@shared_task(name="procedures.tasks.run_reminders", acks_late=True, ignore_result=True, **BATCH_LIMITS)
def run_reminders(now: datetime | str | None = None) -> dict[str, dict[str, int]]:
    """Everything above, in one beat entry. Cheap when there is nothing to do (a non-working day returns at once)."""
    moment = _moment(now)
    return {
        "deadlines": send_deadline_reminders(now=moment),
        "digests": send_daily_digests(now=moment),
        "applicants": send_applicant_reminders(now=moment),
    }


@shared_task(name="procedures.tasks.run_retention")
def run_retention() -> str:
    """Beat: purge what the archival periods no longer allow to keep (procedures.services.retention)."""
    from procedures.services.retention import retention_run

    return retention_run().lines()[0]
