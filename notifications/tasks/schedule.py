"""What reminders and digests share (notifications.tasks.reminders, notifications.tasks.digests): the policies in
force, the clock on the portal's working calendar, who leads an agency, and the sender that stores each notice once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from citizens.models import StaffMembership
from citizens.roles import Role
from notifications.models import NotificationPreference, ReminderPolicy
from notifications.services import Renderer, channels_for, notify
from procedures.deadlines import WorkingCalendar
from procedures.models import Status
from procedures.services.calendar import portal_tz, working_calendar

# The due-date clock runs in these states (a supplement request pauses it).
CLOCK_STATUSES = (Status.PROCESSING, Status.AWAITING_PAYMENT, Status.WITHDRAWAL_REQUESTED)
HELD_STATUSES = (*CLOCK_STATUSES, Status.SUPPLEMENT_REQUESTED)
HANDLING_ROLES = (Role.RECEPTION, Role.SPECIALIST, Role.LEADER)
# A run goes through every open dossier of the province: more time than a delivery's 120 s. Re-running after a
# timeout or a crash is harmless (every notice has its key).
BATCH_LIMITS = {"time_limit": 900, "soft_time_limit": 840}
# Events that put a dossier in an officer's hands (for the digest's "new").
ARRIVAL_ACTIONS = ("accept", "forward", "send_back", "assign", "supplement", "pay", "reject_withdrawal")


def moment_of(now: datetime | str | None) -> datetime:
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


def clock_at(now) -> Clock:
    return Clock(now=moment_of(now), calendar=working_calendar(), tz=portal_tz())


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
