"""Working-day arithmetic for processing deadlines.

Pure functions of a calendar and timestamps: no Django, no database, so they can be tested over thousands of dates
and called from models, services, Celery tasks and benchmarks alike. Counting follows the Civil Code: a period in
days starts the day after the triggering event and ends at the end of its last day.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_CEILING, Decimal, InvalidOperation
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

__all__ = [
    "SupplementPolicy",
    "TimeLimit",
    "TimeUnit",
    "WorkingCalendar",
    "due_at",
    "end_of_day",
    "is_near_due",
    "is_overdue",
    "paused_working_days",
    "resume_due_at",
    "step_due_dates",
    "validate_extension",
]

END_OF_DAY = time(23, 59, 59)


class TimeUnit(StrEnum):
    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"
    HOURS = "hours"


class SupplementPolicy(StrEnum):
    PAUSE = "pause"  # the clock stops while the applicant supplements; the due date moves by the days waited
    RESTART = "restart"  # the full time limit runs again from the supplement


@dataclass(frozen=True)
class TimeLimit:
    value: Decimal  # 0 means "within the day"; may be fractional (hours, or days that round up)
    unit: TimeUnit = TimeUnit.WORKING_DAYS
    same_day_cutoff: time | None = None  # a within-the-day dossier accepted after it is due the next working day

    def __post_init__(self) -> None:
        # Accept ints and strings from model fields and fixtures, but never a float's binary surprises.
        if isinstance(self.value, float):
            raise TypeError("TimeLimit.value must be a Decimal or an int, not a float.")
        try:
            value = Decimal(self.value)
        except (InvalidOperation, TypeError, ValueError):
            raise ValueError(f"TimeLimit.value {self.value!r} is not a number.") from None
        if not value.is_finite() or value < 0:
            raise ValueError(f"TimeLimit.value must be a finite number >= 0, got {self.value!r}.")
        object.__setattr__(self, "value", value)
        object.__setattr__(self, "unit", TimeUnit(self.unit))


@lru_cache(maxsize=64)
def _package_working_ordinals(year: int) -> tuple[int, ...]:
    """Sorted ordinals of the year's working days per the `holidays` package, shared by every calendar."""
    # Neighbouring years too, in case a make-up Saturday pays for a day off in another year (27/12/2014 for
    # 2/1/2015); holidays 0.109 already reports those two cross-year swaps whatever years are asked for.
    package = holidays.Vietnam(years=range(year - 1, year + 2))
    first, last = date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal()
    return tuple(o for o in range(first, last + 1) if package.is_working_day(date.fromordinal(o)))


class WorkingCalendar:
    """Mon-Fri minus Vietnamese public holidays (holidays.Vietnam, incl. lunar Tết and the package's substituted
    days), plus make-up working days (e.g. a Saturday), minus extra days off. Overrides win over the package."""

    def __init__(
        self,
        *,
        days_off: Iterable[date] = (),
        working_days: Iterable[date] = (),
        office_start: time = time(8, 0),
        office_end: time = time(17, 0),
    ) -> None:
        self._days_off = frozenset(days_off)
        self._extra_working_days = frozenset(working_days)
        clash = self._days_off & self._extra_working_days
        if clash:
            listed = ", ".join(d.isoformat() for d in sorted(clash))
            raise ValueError(f"A date cannot be both a day off and a working day: {listed}.")
        if office_end <= office_start:
            raise ValueError(f"Office hours must end after they start ({office_start} - {office_end}).")
        self.office_start = office_start
        self.office_end = office_end
        # Year -> sorted ordinals of its working days. Sorted ordinals turn "nth working day after" and "how many
        # working days between" into bisections, which keeps loops over thousands of dossiers cheap. Filling is
        # idempotent, so a race between threads only costs a duplicate computation.
        self._years: dict[int, tuple[int, ...]] = {}
        self._year_sets: dict[int, frozenset[int]] = {}

    def _working_ordinals(self, year: int) -> tuple[int, ...]:
        cached = self._years.get(year)
        if cached is not None:
            return cached
        package = _package_working_ordinals(year)
        if self._days_off or self._extra_working_days:
            package_set = frozenset(package)
            first, last = date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal()
            extra = {d.toordinal() for d in self._extra_working_days if d.year == year}
            off = {d.toordinal() for d in self._days_off if d.year == year}
            result = tuple(o for o in range(first, last + 1) if (o in package_set or o in extra) and o not in off)
        else:
            result = package
        self._year_sets[year] = frozenset(result)
        self._years[year] = result
        return result

    def is_working_day(self, d: date) -> bool:
        self._working_ordinals(d.year)
        return d.toordinal() in self._year_sets[d.year]

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after d."""
        return self.add_working_days(d, 1)

    def working_day_on_or_after(self, d: date) -> date:
        return d if self.is_working_day(d) else self.next_working_day(d)

    def add_working_days(self, start: date, n: int) -> date:
        """n >= 1: the nth working day strictly after start; n == 0: start if it is a working day, else the next."""
        if n < 0:
            raise ValueError(f"Cannot add a negative number of working days ({n}).")
        if n == 0:
            return self.working_day_on_or_after(start)
        year = start.year
        days = self._working_ordinals(year)
        index = bisect_right(days, start.toordinal())
        remaining = n
        while remaining > len(days) - index:
            remaining -= len(days) - index
            year += 1
            days = self._working_ordinals(year)
            index = 0
        return date.fromordinal(days[index + remaining - 1])

    def working_days_between(self, start: date, end: date) -> int:
        """The number of working days d with start < d <= end (0 if end <= start)."""
        if end <= start:
            return 0
        lo, hi = start.toordinal(), end.toordinal()
        return sum(
            bisect_right(days, hi) - bisect_right(days, lo)
            for days in map(self._working_ordinals, range(start.year, end.year + 1))
        )

    def _office_elapsed(self, d: date, t: time) -> timedelta:
        """Office time already spent on day d at wall-clock time t."""
        if not self.is_working_day(d):
            return timedelta(0)
        clamped = min(max(t, self.office_start), self.office_end)
        return datetime.combine(d, clamped) - datetime.combine(d, self.office_start)

    @property
    def _office_day(self) -> timedelta:
        return datetime.combine(date.min, self.office_end) - datetime.combine(date.min, self.office_start)


def _require_aware(*moments: datetime) -> None:
    for moment in moments:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(f"Expected an aware datetime, got naive {moment.isoformat()}.")


def _local(moment: datetime, tz: ZoneInfo) -> datetime:
    _require_aware(moment)
    return moment.astimezone(tz)


def end_of_day(d: date, tz: ZoneInfo) -> datetime:
    """23:59:59 local time on d: the due timestamp of a due date."""
    return datetime.combine(d, END_OF_DAY, tzinfo=tz)


def _within_the_day(local: datetime, cutoff: time | None, calendar: WorkingCalendar) -> date:
    d = local.date()
    if calendar.is_working_day(d) and (cutoff is None or local.time() <= cutoff):
        return d
    return calendar.next_working_day(d)


def _whole_days(value: Decimal) -> int:
    # Half a working day still needs that day: a fractional allotment rounds up.
    return math.ceil(value)


def _add_office_time(start: datetime, amount: timedelta, calendar: WorkingCalendar) -> datetime:
    """The moment `amount` of office time after `start` (local, aware), counting only working days' office hours."""
    if amount <= timedelta(0):
        return start
    tz = start.tzinfo
    day, clock = start.date(), start.time()
    if not calendar.is_working_day(day) or clock >= calendar.office_end:
        day, clock = calendar.next_working_day(day), calendar.office_start
    clock = max(clock, calendar.office_start)
    available = datetime.combine(day, calendar.office_end) - datetime.combine(day, clock)
    if amount <= available:
        return datetime.combine(day, clock, tzinfo=tz) + amount
    remaining = amount - available
    full = calendar._office_day
    # Jump straight to the day the remainder ends on; an exact multiple ends at office_end, not next morning.
    days_needed = -(-remaining // full)
    day = calendar.add_working_days(day, days_needed)
    return datetime.combine(day, calendar.office_start, tzinfo=tz) + (remaining - (days_needed - 1) * full)


def _office_time_between(start: datetime, end: datetime, calendar: WorkingCalendar) -> timedelta:
    """Office time on working days between two local moments."""
    if end <= start:
        return timedelta(0)
    a, b = start.date(), end.date()
    a_clock, b_clock = start.time(), end.time()
    if a == b:
        return calendar._office_elapsed(b, b_clock) - calendar._office_elapsed(a, a_clock)
    first = calendar._office_elapsed(a, time.max) - calendar._office_elapsed(a, a_clock)
    whole_days = calendar.working_days_between(a, b - timedelta(days=1))
    return first + whole_days * calendar._office_day + calendar._office_elapsed(b, b_clock)


def _hours(value: Decimal) -> timedelta:
    microseconds = (value * 3_600_000_000).to_integral_value(rounding=ROUND_CEILING)
    return timedelta(microseconds=int(microseconds))


def due_at(accepted_at: datetime, limit: TimeLimit, *, calendar: WorkingCalendar, tz: ZoneInfo) -> datetime:
    """When a dossier accepted at `accepted_at` is due under `limit`.

    Days: the end (23:59:59 local) of the due date. Hours: the exact moment the office hours run out.
    """
    local = _local(accepted_at, tz)
    if limit.unit is TimeUnit.HOURS:
        return _add_office_time(local, _hours(limit.value), calendar)
    n = _whole_days(limit.value)
    if n == 0:
        return end_of_day(_within_the_day(local, limit.same_day_cutoff, calendar), tz)
    if limit.unit is TimeUnit.CALENDAR_DAYS:
        # A period may not end on a day off: it runs on to the next working day.
        return end_of_day(calendar.working_day_on_or_after(local.date() + timedelta(days=n)), tz)
    return end_of_day(calendar.add_working_days(local.date(), n), tz)


def step_due_dates(
    accepted_at: datetime,
    allotments: Sequence[Decimal],
    *,
    final_due: datetime,
    calendar: WorkingCalendar,
    tz: ZoneInfo,
) -> list[datetime]:
    """Due timestamps of consecutive steps with the given working-day allotments.

    Each step ends after the cumulative allotment so far, never after `final_due`; the last step ends at
    `final_due` exactly, so a pause or an extension of the dossier carries over to its last step.
    """
    if any(a < 0 for a in allotments):
        raise ValueError("Step allotments must be >= 0 working days.")
    local = _local(accepted_at, tz)
    _local(final_due, tz)
    dues: list[datetime] = []
    total = Decimal(0)
    for allotment in allotments[:-1]:
        total += Decimal(allotment)
        n = _whole_days(total)
        d = _within_the_day(local, None, calendar) if n == 0 else calendar.add_working_days(local.date(), n)
        dues.append(min(end_of_day(d, tz), final_due))
    if allotments:
        dues.append(final_due)
    return dues


def paused_working_days(paused_at: datetime, resumed_at: datetime, *, calendar: WorkingCalendar, tz: ZoneInfo) -> int:
    """Working days d with paused date < d <= resumed date: the days the applicant kept the dossier."""
    paused, resumed = _local(paused_at, tz), _local(resumed_at, tz)
    if resumed < paused:
        raise ValueError(f"A pause cannot end ({resumed.isoformat()}) before it starts ({paused.isoformat()}).")
    return calendar.working_days_between(paused.date(), resumed.date())


def resume_due_at(
    due: datetime,
    *,
    paused_at: datetime,
    resumed_at: datetime,
    limit: TimeLimit,
    policy: SupplementPolicy,
    calendar: WorkingCalendar,
    tz: ZoneInfo,
) -> datetime:
    """The due timestamp after a supplement pause ends.

    PAUSE: the due date moves later by the working days paused (hour limits: by the office time paused).
    RESTART: the full limit runs again from `resumed_at`.
    """
    policy = SupplementPolicy(policy)
    if policy is SupplementPolicy.RESTART:
        _local(paused_at, tz)
        return due_at(resumed_at, limit, calendar=calendar, tz=tz)
    if limit.unit is TimeUnit.HOURS:
        # A four-hour procedure paused for an hour should not jump to the end of some later day.
        paused, resumed = _local(paused_at, tz), _local(resumed_at, tz)
        if resumed < paused:
            raise ValueError(f"A pause cannot end ({resumed.isoformat()}) before it starts ({paused.isoformat()}).")
        return _add_office_time(_local(due, tz), _office_time_between(paused, resumed, calendar), calendar)
    days = paused_working_days(paused_at, resumed_at, calendar=calendar, tz=tz)
    if days == 0:
        return due
    return end_of_day(calendar.add_working_days(_local(due, tz).date(), days), tz)


def is_overdue(due: datetime | None, now: datetime) -> bool:
    """Past the due timestamp; the due moment itself is still on time. No due date never goes overdue."""
    if due is None:
        return False
    _require_aware(due, now)
    return now > due


def is_near_due(
    due: datetime | None,
    now: datetime,
    *,
    calendar: WorkingCalendar,
    tz: ZoneInfo,
    margin_days: int = 1,
) -> bool:
    """Not yet overdue, and at most `margin_days` working days remain after today until the due date."""
    if due is None or is_overdue(due, now):
        return False
    return calendar.working_days_between(_local(now, tz).date(), _local(due, tz).date()) <= margin_days


def validate_extension(current_due: datetime, new_due: datetime) -> None:
    """An extension must give the applicant more time; raises ValueError otherwise."""
    _require_aware(current_due, new_due)
    if new_due <= current_due:
        raise ValueError(
            f"The new due date ({new_due.isoformat()}) must be later than the current one ({current_due.isoformat()})."
        )
