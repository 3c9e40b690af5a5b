"""Deadline arithmetic across Tết, national holidays, make-up Saturdays, cutoffs and pauses.

Pure module: no database and no Django settings, so it runs with `-p no:django`. Expected dates are worked out by
hand in the comments from the `holidays` 0.109 Vietnam calendar.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from procedures.deadlines import (
    SupplementPolicy,
    TimeLimit,
    TimeUnit,
    WorkingCalendar,
    due_at,
    end_of_day,
    is_near_due,
    is_overdue,
    paused_working_days,
    resume_due_at,
    step_due_dates,
    validate_extension,
)

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CAL = WorkingCalendar()
CUTOFF = time(15, 0)


def at(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=TZ)


def eod(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, 23, 59, 59, tzinfo=TZ)


def wd(n: int | str | Decimal, cutoff: time | None = None) -> TimeLimit:
    return TimeLimit(Decimal(n), TimeUnit.WORKING_DAYS, cutoff)


def due(accepted: datetime, limit: TimeLimit, calendar: WorkingCalendar = CAL) -> datetime:
    return due_at(accepted, limit, calendar=calendar, tz=TZ)


# --- The calendar as the package gives it -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "working"),
    [
        # Tết 2026: Mon 16 - Fri 20 Feb off, Fri 13 and Mon 23 worked.
        (date(2026, 2, 13), True),
        *[(date(2026, 2, d), False) for d in range(16, 21)],
        (date(2026, 2, 23), True),
        # Tết 2027: Thu 4 - Wed 10 Feb off (the package gives 29 Tết through the fifth day).
        (date(2027, 2, 3), True),
        *[(date(2027, 2, d), False) for d in range(4, 11)],
        (date(2027, 2, 11), True),
        # 30/4 and 1/5 2026 (Thu, Fri); Hùng Kings' day falls on Sun 26/4/2026 and is observed Mon 27/4.
        (date(2026, 4, 27), False),
        (date(2026, 4, 28), True),
        (date(2026, 4, 30), False),
        (date(2026, 5, 1), False),
        # 2/9 and the day beside it: 2025 Mon 1 + Tue 2, 2026 Tue 1 + Wed 2, 2027 Thu 2 + Fri 3.
        (date(2025, 9, 1), False),
        (date(2025, 9, 2), False),
        (date(2025, 9, 3), True),
        (date(2026, 9, 1), False),
        (date(2026, 9, 2), False),
        (date(2026, 9, 3), True),
        (date(2027, 9, 1), True),
        (date(2027, 9, 2), False),
        (date(2027, 9, 3), False),
        # Swaps the package knows: Sat 26/4/2025 worked for Fri 2/5/2025, Sat 22/8/2026 worked for Mon 31/8/2026.
        (date(2025, 4, 26), True),
        (date(2025, 5, 2), False),
        (date(2026, 8, 22), True),
        (date(2026, 8, 31), False),
        # Plain weekends stay off.
        (date(2026, 3, 14), False),
        (date(2026, 3, 15), False),
    ],
)
def test_package_calendar(day: date, working: bool) -> None:
    assert CAL.is_working_day(day) is working


def test_cross_year_swap() -> None:
    # Sat 27/12/2014 was worked for Fri 2/1/2015 off: Fri 26/12/2014 + 1 day → Sat 27/12; + 2 → Mon 29/12.
    assert CAL.is_working_day(date(2014, 12, 27))
    assert not CAL.is_working_day(date(2015, 1, 2))
    assert CAL.add_working_days(date(2014, 12, 26), 2) == date(2014, 12, 29)


def test_package_still_lists_the_swaps_this_calendar_relies_on() -> None:
    # If an upgrade of `holidays` drops these, admins must enter them as overrides instead.
    vn = holidays.Vietnam(years=range(2025, 2028))
    assert {date(2025, 4, 26), date(2026, 8, 22)} <= vn.weekend_workdays
    assert date(2026, 8, 31) in vn and date(2025, 5, 2) in vn


# --- Working days ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accepted", "limit", "expected"),
    [
        # Fri 13/2/2026, 3 days: Tết 16-20, weekend 21-22 → Mon 23 (1), Tue 24 (2), Wed 25 (3).
        (at(2026, 2, 13), wd(3), eod(2026, 2, 25)),
        # Thu 12/2/2026, 5 days: Fri 13 (1), Mon 23 (2), Tue 24 (3), Wed 25 (4), Thu 26 (5).
        (at(2026, 2, 12), wd(5), eod(2026, 2, 26)),
        # Wed 3/2/2027, 2 days: Thu 4 - Wed 10 off → Thu 11 (1), Fri 12 (2).
        (at(2027, 2, 3), wd(2), eod(2027, 2, 12)),
        # Wed 29/4/2026, 1 day: Thu 30/4, Fri 1/5, weekend → Mon 4/5.
        (at(2026, 4, 29), wd(1), eod(2026, 5, 4)),
        # Fri 24/4/2026, 3 days: Mon 27 off (Hùng Kings observed) → Tue 28 (1), Wed 29 (2), Mon 4/5 (3).
        (at(2026, 4, 24), wd(3), eod(2026, 5, 4)),
        # Tue 29/4/2025, 1 day: Wed 30/4, Thu 1/5, Fri 2/5 off, weekend → Mon 5/5.
        (at(2025, 4, 29), wd(1), eod(2025, 5, 5)),
        # Fri 25/4/2025, 2 days: make-up Sat 26/4 (1), Mon 28/4 (2).
        (at(2025, 4, 25), wd(2), eod(2025, 4, 28)),
        # Fri 21/8/2026, 1 day: make-up Sat 22/8.
        (at(2026, 8, 21), wd(1), eod(2026, 8, 22)),
        # Fri 28/8/2026, 1 day: weekend, Mon 31/8 (swapped), Tue 1/9, Wed 2/9 off → Thu 3/9.
        (at(2026, 8, 28), wd(1), eod(2026, 9, 3)),
        # Wed 1/9/2027, 1 day: Thu 2/9, Fri 3/9 off, weekend → Mon 6/9.
        (at(2027, 9, 1), wd(1), eod(2027, 9, 6)),
        # Sat 14/3/2026, 1 day: Mon 16/3 is the first working day after acceptance.
        (at(2026, 3, 14), wd(1), eod(2026, 3, 16)),
        # Fri 13/3/2026, 5 days: Mon 16 ... Fri 20.
        (at(2026, 3, 13), wd(5), eod(2026, 3, 20)),
        # Fractional days round up: 2.5 days from Mon 9/3/2026 → 3rd working day, Thu 12/3.
        (at(2026, 3, 9), wd("2.5"), eod(2026, 3, 12)),
        # Year end: Wed 30/12/2026, 2 days: Thu 31/12 (1), Fri 1/1/2027 off, weekend → Mon 4/1/2027 (2).
        (at(2026, 12, 30), wd(2), eod(2027, 1, 4)),
    ],
)
def test_working_days(accepted: datetime, limit: TimeLimit, expected: datetime) -> None:
    assert due(accepted, limit) == expected


def test_acceptance_date_is_taken_in_local_time() -> None:
    # Sun 8/3/2026 18:00 UTC is Mon 9/3 01:00 in Hà Nội: the count starts after Monday → Tue 10/3.
    assert due(datetime(2026, 3, 8, 18, 0, tzinfo=UTC), wd(1)) == eod(2026, 3, 10)


def test_make_up_saturday_override() -> None:
    # Sat 10/1/2026 is an ordinary weekend day for the package; an admin decrees it worked.
    calendar = WorkingCalendar(working_days=[date(2026, 1, 10)])
    assert due(at(2026, 1, 9), wd(1)) == eod(2026, 1, 12)
    assert due(at(2026, 1, 9), wd(1), calendar) == eod(2026, 1, 10)


def test_admin_can_cancel_a_package_swap() -> None:
    # If the 2026 swap were revoked, Fri 21/8/2026 + 1 day would skip Sat 22/8 → Mon 24/8.
    calendar = WorkingCalendar(days_off=[date(2026, 8, 22)])
    assert due(at(2026, 8, 21), wd(1), calendar) == eod(2026, 8, 24)


def test_admin_extra_day_off() -> None:
    # Tue 10/3/2026 decreed off: Mon 9/3 + 2 days → Wed 11 (1), Thu 12 (2); without it Wed 11.
    calendar = WorkingCalendar(days_off=[date(2026, 3, 10)])
    assert due(at(2026, 3, 9), wd(2), calendar) == eod(2026, 3, 12)
    assert due(at(2026, 3, 9), wd(2)) == eod(2026, 3, 11)


def test_override_wins_over_package_holiday() -> None:
    # The package makes Tue 24/11/2026 (Vietnam Culture Day) a holiday; an admin can put it back to work.
    calendar = WorkingCalendar(working_days=[date(2026, 11, 24)])
    assert due(at(2026, 11, 23), wd(1)) == eod(2026, 11, 25)
    assert due(at(2026, 11, 23), wd(1), calendar) == eod(2026, 11, 24)


def test_calendar_rejects_contradictions() -> None:
    with pytest.raises(ValueError, match="both a day off and a working day"):
        WorkingCalendar(days_off=[date(2026, 3, 10)], working_days=[date(2026, 3, 10)])
    with pytest.raises(ValueError, match="Office hours"):
        WorkingCalendar(office_start=time(17, 0), office_end=time(8, 0))


def test_calendar_helpers() -> None:
    # Fri 13/2/2026 → next working day Mon 23/2 (Tết); Sat 14/3/2026 → Mon 16/3; a working day stays put.
    assert CAL.next_working_day(date(2026, 2, 13)) == date(2026, 2, 23)
    assert CAL.working_day_on_or_after(date(2026, 3, 14)) == date(2026, 3, 16)
    assert CAL.working_day_on_or_after(date(2026, 3, 13)) == date(2026, 3, 13)
    assert CAL.add_working_days(date(2026, 3, 13), 0) == date(2026, 3, 13)
    assert CAL.add_working_days(date(2026, 3, 14), 0) == date(2026, 3, 16)
    # Working days in (Fri 13/2, Fri 27/2/2026]: Mon 23 - Fri 27 = 5.
    assert CAL.working_days_between(date(2026, 2, 13), date(2026, 2, 27)) == 5
    assert CAL.working_days_between(date(2026, 2, 27), date(2026, 2, 13)) == 0
    with pytest.raises(ValueError):
        CAL.add_working_days(date(2026, 3, 13), -1)


# --- Within the day and its cutoff -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accepted", "cutoff", "expected"),
    [
        (at(2026, 3, 9, 14, 59), CUTOFF, eod(2026, 3, 9)),  # Mon before 15:00: today
        (at(2026, 3, 9, 15, 0), CUTOFF, eod(2026, 3, 9)),  # at the cutoff is still in time
        (at(2026, 3, 9, 15, 1), CUTOFF, eod(2026, 3, 10)),  # Mon after 15:00: Tue
        (at(2026, 3, 13, 15, 1), CUTOFF, eod(2026, 3, 16)),  # Fri after 15:00: Mon
        (at(2026, 3, 14, 9, 0), CUTOFF, eod(2026, 3, 16)),  # Sat morning: Mon
        (at(2026, 2, 13, 16, 0), CUTOFF, eod(2026, 2, 23)),  # Fri before Tết, late: Mon after Tết
        (at(2026, 8, 22, 14, 59), CUTOFF, eod(2026, 8, 22)),  # make-up Sat 22/8/2026 in time: that Saturday
        (at(2026, 8, 22, 15, 1), CUTOFF, eod(2026, 8, 24)),  # ... after the cutoff: Mon 24/8
        (at(2026, 3, 9, 20, 0), None, eod(2026, 3, 9)),  # no cutoff: the whole day
        (at(2026, 3, 14, 9, 0), None, eod(2026, 3, 16)),  # no cutoff, Saturday: still Monday
    ],
)
def test_within_the_day(accepted: datetime, cutoff: time | None, expected: datetime) -> None:
    assert due(accepted, wd(0, cutoff)) == expected


def test_cutoff_uses_local_time() -> None:
    # 07:59 UTC is 14:59 in Hà Nội, 08:01 UTC is 15:01.
    assert due(datetime(2026, 3, 9, 7, 59, tzinfo=UTC), wd(0, CUTOFF)) == eod(2026, 3, 9)
    assert due(datetime(2026, 3, 9, 8, 1, tzinfo=UTC), wd(0, CUTOFF)) == eod(2026, 3, 10)


# --- Calendar days ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accepted", "days", "expected"),
    [
        # Tue 28/4/2026 + 2 calendar days = Thu 30/4 (holiday); Fri 1/5 holiday, weekend → Mon 4/5.
        (at(2026, 4, 28), 2, eod(2026, 5, 4)),
        # Fri 6/2/2026 + 10 = Mon 16/2, Tết → Mon 23/2.
        (at(2026, 2, 6), 10, eod(2026, 2, 23)),
        # Mon 2/3/2026 + 15 = Tue 17/3, a working day.
        (at(2026, 3, 2), 15, eod(2026, 3, 17)),
        # Mon 2/3/2026 + 5 = Sat 7/3 → Mon 9/3.
        (at(2026, 3, 2), 5, eod(2026, 3, 9)),
        # Thu 20/8/2026 + 2 = make-up Sat 22/8, a working day.
        (at(2026, 8, 20), 2, eod(2026, 8, 22)),
    ],
)
def test_calendar_days(accepted: datetime, days: int, expected: datetime) -> None:
    assert due(accepted, TimeLimit(Decimal(days), TimeUnit.CALENDAR_DAYS)) == expected


# --- Hours -----------------------------------------------------------------------------------------------------------


def hours(value: int | str) -> TimeLimit:
    return TimeLimit(Decimal(value), TimeUnit.HOURS)


@pytest.mark.parametrize(
    ("accepted", "limit", "expected"),
    [
        # Mon 9/3/2026 16:00 + 4 h: 1 h Monday, 3 h Tuesday from 08:00 → Tue 11:00.
        (at(2026, 3, 9, 16, 0), hours(4), at(2026, 3, 10, 11, 0)),
        # Fri 13/3/2026 15:30 + 4 h: 1.5 h Friday, 2.5 h Monday → Mon 16/3 10:30.
        (at(2026, 3, 13, 15, 30), hours(4), at(2026, 3, 16, 10, 30)),
        # Before office hours the clock starts at 08:00.
        (at(2026, 3, 9, 7, 0), hours(2), at(2026, 3, 9, 10, 0)),
        # After office hours (Mon 19:00) → Tue 08:00 + 1.5 h.
        (at(2026, 3, 9, 19, 0), hours("1.5"), at(2026, 3, 10, 9, 30)),
        # Half an hour at Mon 16:45: 15 min Monday, 15 min Tuesday.
        (at(2026, 3, 9, 16, 45), hours("0.5"), at(2026, 3, 10, 8, 15)),
        # Exactly one office day ends at 17:00 the same day, two end at 17:00 the next.
        (at(2026, 3, 9, 8, 0), hours(9), at(2026, 3, 9, 17, 0)),
        (at(2026, 3, 9, 8, 0), hours(18), at(2026, 3, 10, 17, 0)),
        # Fri 13/2/2026 16:00 + 20 h: 1 h Friday, Tết, Mon 23 + Tue 24 (18 h), 1 h Wed 25 → 09:00.
        (at(2026, 2, 13, 16, 0), hours(20), at(2026, 2, 25, 9, 0)),
        # Saturday acceptance waits for Monday 08:00.
        (at(2026, 3, 14, 11, 0), hours(3), at(2026, 3, 16, 11, 0)),
    ],
)
def test_hours(accepted: datetime, limit: TimeLimit, expected: datetime) -> None:
    assert due(accepted, limit) == expected


def test_hours_follow_the_calendars_office_hours() -> None:
    # Office 07:30-16:30: Mon 9/3/2026 16:00 + 2 h → 30 min Monday, 1.5 h Tuesday from 07:30 → 09:00.
    calendar = WorkingCalendar(office_start=time(7, 30), office_end=time(16, 30))
    assert due(at(2026, 3, 9, 16, 0), hours(2), calendar) == at(2026, 3, 10, 9, 0)


# --- Steps -----------------------------------------------------------------------------------------------------------


def steps(accepted: datetime, allotments: list[str | int], final_due: datetime) -> list[datetime]:
    return step_due_dates(accepted, [Decimal(a) for a in allotments], final_due=final_due, calendar=CAL, tz=TZ)


def test_steps_sum_to_final_due() -> None:
    # Mon 2/3/2026, 2 + 3 + 5 = 10 days: Tue 3 (1), Wed 4 (2), ..., Mon 9 (5), ..., Mon 16 (10).
    final = due(at(2026, 3, 2), wd(10))
    assert final == eod(2026, 3, 16)
    assert steps(at(2026, 3, 2), [2, 3, 5], final) == [eod(2026, 3, 4), eod(2026, 3, 9), final]


def test_fractional_steps_round_the_cumulative_sum_up() -> None:
    # 0.5 → day 1 (Tue 3/3); 0.5 + 1.5 = 2 → Wed 4/3; total 5 → Mon 9/3.
    final = due(at(2026, 3, 2), wd(5))
    assert steps(at(2026, 3, 2), ["0.5", "1.5", 3], final) == [eod(2026, 3, 3), eod(2026, 3, 4), eod(2026, 3, 9)]


def test_steps_are_capped_at_final_due() -> None:
    # Final due Fri 6/3/2026 (4 days); 4 → Fri 6/3, 8 would be Thu 12/3 but is capped.
    final = eod(2026, 3, 6)
    assert steps(at(2026, 3, 2), [4, 4, 4], final) == [final, final, final]


def test_last_step_takes_an_extended_final_due() -> None:
    # 1 + 1 days from Mon 2/3/2026, but the dossier was extended to Mon 16/3: first step Tue 3/3, last Mon 16/3.
    assert steps(at(2026, 3, 2), [1, 1], eod(2026, 3, 16)) == [eod(2026, 3, 3), eod(2026, 3, 16)]


def test_steps_across_tet_and_a_same_day_step() -> None:
    # Thu 12/2/2026, 1 + 1 + 1: Fri 13/2, Mon 23/2, Tue 24/2.
    final = due(at(2026, 2, 12), wd(3))
    assert steps(at(2026, 2, 12), [1, 1, 1], final) == [eod(2026, 2, 13), eod(2026, 2, 23), eod(2026, 2, 24)]
    # A 0-day first step is due the acceptance day (Mon 2/3/2026); accepted Sat 7/3 it is Mon 9/3.
    assert steps(at(2026, 3, 2), [0, 2], eod(2026, 3, 4))[0] == eod(2026, 3, 2)
    assert steps(at(2026, 3, 7), [0, 2], eod(2026, 3, 11))[0] == eod(2026, 3, 9)
    assert steps(at(2026, 3, 2), [], eod(2026, 3, 4)) == []
    with pytest.raises(ValueError):
        steps(at(2026, 3, 2), [-1, 2], eod(2026, 3, 4))


# --- Supplement pauses -----------------------------------------------------------------------------------------------


def resume(due_: datetime, paused: datetime, resumed: datetime, limit: TimeLimit, policy: SupplementPolicy) -> datetime:
    return resume_due_at(due_, paused_at=paused, resumed_at=resumed, limit=limit, policy=policy, calendar=CAL, tz=TZ)


def test_pause_moves_due_by_working_days_waited() -> None:
    # Paused Fri 13/3/2026, resumed Tue 17/3: Mon 16 and Tue 17 count → +2; due Thu 19/3 → Fri 20 (1), Mon 23 (2).
    paused, resumed = at(2026, 3, 13, 10, 0), at(2026, 3, 17, 9, 0)
    assert paused_working_days(paused, resumed, calendar=CAL, tz=TZ) == 2
    assert resume(eod(2026, 3, 19), paused, resumed, wd(5), SupplementPolicy.PAUSE) == eod(2026, 3, 23)


def test_pause_over_tet_counts_only_working_days() -> None:
    # Paused Fri 13/2/2026, resumed Mon 23/2: only Mon 23 counts → +1; due Wed 25/2 → Thu 26/2.
    paused, resumed = at(2026, 2, 13), at(2026, 2, 23)
    assert paused_working_days(paused, resumed, calendar=CAL, tz=TZ) == 1
    assert resume(eod(2026, 2, 25), paused, resumed, wd(3), SupplementPolicy.PAUSE) == eod(2026, 2, 26)


def test_pause_within_one_day_changes_nothing() -> None:
    due_ = eod(2026, 3, 19)
    assert resume(due_, at(2026, 3, 13, 9), at(2026, 3, 13, 16), wd(5), SupplementPolicy.PAUSE) == due_
    with pytest.raises(ValueError, match="before it starts"):
        paused_working_days(at(2026, 3, 13, 16), at(2026, 3, 13, 9), calendar=CAL, tz=TZ)


def test_pause_of_an_hours_limit_moves_by_office_time() -> None:
    # Due Tue 10/3/2026 11:00; paused Mon 16:00 - Tue 09:00 = 1 h + 1 h of office time → Tue 13:00.
    new = resume(at(2026, 3, 10, 11), at(2026, 3, 9, 16), at(2026, 3, 10, 9), hours(4), SupplementPolicy.PAUSE)
    assert new == at(2026, 3, 10, 13, 0)


def test_restart_recomputes_from_resumption() -> None:
    # Resumed Tue 17/3/2026, 5 days in full: Wed 18, Thu 19, Fri 20, Mon 23, Tue 24.
    new = resume(eod(2026, 3, 19), at(2026, 3, 13), at(2026, 3, 17, 9), wd(5), SupplementPolicy.RESTART)
    assert new == eod(2026, 3, 24)


# --- Extension, overdue, near-due ------------------------------------------------------------------------------------


def test_extension_must_be_later() -> None:
    current = eod(2026, 3, 13)
    validate_extension(current, eod(2026, 3, 20))
    with pytest.raises(ValueError, match="must be later"):
        validate_extension(current, current)
    with pytest.raises(ValueError, match="must be later"):
        validate_extension(current, eod(2026, 3, 12))
    with pytest.raises(ValueError, match="naive"):
        validate_extension(current, datetime(2026, 3, 20))


def test_overdue() -> None:
    due_ = eod(2026, 3, 13)
    assert not is_overdue(due_, due_)  # the due moment itself is on time
    assert is_overdue(due_, due_ + timedelta(microseconds=1))
    assert is_overdue(due_, at(2026, 3, 16, 8))
    assert not is_overdue(None, at(2030, 1, 1))


@pytest.mark.parametrize(
    ("due_", "now", "margin", "near"),
    [
        (eod(2026, 3, 13), at(2026, 3, 12), 1, True),  # Thu for Fri: one working day left
        (eod(2026, 3, 13), at(2026, 3, 11), 1, False),  # Wed for Fri: two
        (eod(2026, 3, 13), at(2026, 3, 11), 2, True),  # ... within a two-day margin
        (eod(2026, 3, 13), at(2026, 3, 13, 23), 1, True),  # the due day itself
        (eod(2026, 3, 13), at(2026, 3, 14, 0), 1, False),  # overdue is not near-due
        (eod(2026, 3, 16), at(2026, 3, 13, 15), 1, True),  # Fri for Mon: the weekend does not count
        (eod(2026, 2, 23), at(2026, 2, 13), 1, True),  # Fri before Tết for the Monday after
        (None, at(2026, 3, 13), 1, False),
    ],
)
def test_near_due(due_: datetime | None, now: datetime, margin: int, near: bool) -> None:
    assert is_near_due(due_, now, calendar=CAL, tz=TZ, margin_days=margin) is near


# --- Inputs --------------------------------------------------------------------------------------------------------


def test_end_of_day_is_aware_local() -> None:
    moment = end_of_day(date(2026, 3, 13), TZ)
    assert moment == datetime(2026, 3, 13, 16, 59, 59, tzinfo=UTC)
    assert moment.tzinfo is TZ


def test_naive_datetimes_are_rejected() -> None:
    with pytest.raises(ValueError, match="naive"):
        due(datetime(2026, 3, 9, 10, 0), wd(1))
    with pytest.raises(ValueError, match="naive"):
        is_overdue(eod(2026, 3, 9), datetime(2026, 3, 10))


def test_time_limit_validation() -> None:
    assert TimeLimit(3).value == Decimal(3)  # type: ignore[arg-type]
    assert TimeLimit(Decimal(1), "calendar_days").unit is TimeUnit.CALENDAR_DAYS  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        TimeLimit(Decimal(-1))
    with pytest.raises(ValueError):
        TimeLimit(Decimal("NaN"))
    with pytest.raises(TypeError):
        TimeLimit(1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        TimeLimit(Decimal(1), "weeks")  # type: ignore[arg-type]


# --- Properties ------------------------------------------------------------------------------------------------------

DAYS = st.dates(min_value=date(2025, 1, 1), max_value=date(2028, 12, 31))
MOMENTS = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31, 23, 59), timezones=st.sampled_from([TZ, UTC])
)


def brute_add(calendar: WorkingCalendar, start: date, n: int) -> date:
    """Reference: walk day by day."""
    d = start
    if n == 0:
        while not calendar.is_working_day(d):
            d += timedelta(days=1)
        return d
    while n:
        d += timedelta(days=1)
        n -= calendar.is_working_day(d)
    return d


@settings(max_examples=300)
@given(accepted=MOMENTS, n=st.integers(0, 30), cutoff=st.sampled_from([None, CUTOFF]))
def test_due_is_the_nth_working_day(accepted: datetime, n: int, cutoff: time | None) -> None:
    result = due(accepted, wd(n, cutoff))
    local = accepted.astimezone(TZ)
    day = result.date()
    assert result == end_of_day(day, TZ)
    assert CAL.is_working_day(day)
    assert day >= local.date()
    if n == 0:
        in_time = CAL.is_working_day(local.date()) and (cutoff is None or local.time() <= cutoff)
        assert CAL.working_days_between(local.date(), day) == (0 if in_time else 1)
    else:
        # Exactly N working days in (acceptance date, due date], the due date being the Nth.
        assert CAL.working_days_between(local.date(), day) == n
        assert CAL.working_days_between(local.date(), day - timedelta(days=1)) == n - 1


@settings(max_examples=300)
@given(start=DAYS, n=st.integers(0, 400))
def test_add_and_between_are_inverse(start: date, n: int) -> None:
    end = CAL.add_working_days(start, n)
    assert end == brute_add(CAL, start, n)
    assert CAL.is_working_day(end)
    assert CAL.working_days_between(start, end) == (n if n else int(end != start))
    if n:
        assert CAL.add_working_days(start, CAL.working_days_between(start, end)) == end


@settings(max_examples=300)
@given(a=DAYS, b=DAYS)
def test_between_counts_back_to_the_last_working_day(a: date, b: date) -> None:
    k = CAL.working_days_between(a, b)
    assert k == sum(CAL.is_working_day(a + timedelta(days=i)) for i in range(1, (b - a).days + 1))
    if k:
        last = CAL.add_working_days(a, k)
        assert last <= b
        assert CAL.working_days_between(last, b) == 0


@settings(max_examples=200)
@given(day=DAYS)
def test_calendar_agrees_with_the_package(day: date) -> None:
    assert CAL.is_working_day(day) is holidays.Vietnam(years=day.year).is_working_day(day)


@settings(max_examples=200)
@given(accepted=MOMENTS, n=st.integers(1, 30))
def test_calendar_days_never_end_on_a_day_off(accepted: datetime, n: int) -> None:
    day = due(accepted, TimeLimit(Decimal(n), TimeUnit.CALENDAR_DAYS)).date()
    earliest = accepted.astimezone(TZ).date() + timedelta(days=n)
    assert CAL.is_working_day(day)
    assert day >= earliest
    assert all(not CAL.is_working_day(earliest + timedelta(days=i)) for i in range((day - earliest).days))


def office_time(calendar: WorkingCalendar, start: datetime, end: datetime) -> timedelta:
    """Reference: overlap of [start, end] with each working day's office hours."""
    total = timedelta(0)
    start, end = start.astimezone(TZ), end.astimezone(TZ)
    d = start.date()
    while d <= end.date():
        if calendar.is_working_day(d):
            opens = datetime.combine(d, calendar.office_start, tzinfo=TZ)
            closes = datetime.combine(d, calendar.office_end, tzinfo=TZ)
            total += max(timedelta(0), min(end, closes) - max(start, opens))
        d += timedelta(days=1)
    return total


@settings(max_examples=200)
@given(accepted=MOMENTS, quarters=st.integers(1, 200))
def test_hours_spend_exactly_the_office_time(accepted: datetime, quarters: int) -> None:
    limit = TimeLimit(Decimal(quarters) / 4, TimeUnit.HOURS)
    result = due(accepted, limit)
    local = result.astimezone(TZ)
    assert CAL.is_working_day(local.date())
    assert CAL.office_start < local.time() <= CAL.office_end
    assert office_time(CAL, accepted, result) == timedelta(minutes=15 * quarters)


@settings(max_examples=200)
@given(due_day=DAYS, paused=MOMENTS, pause=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=40)))
def test_pause_moves_by_exactly_the_paused_working_days(due_day: date, paused: datetime, pause: timedelta) -> None:
    resumed = paused + pause
    k = paused_working_days(paused, resumed, calendar=CAL, tz=TZ)
    old = end_of_day(due_day, TZ)
    new = resume(old, paused, resumed, wd(5), SupplementPolicy.PAUSE)
    if k == 0:
        assert new == old
    else:
        assert new == end_of_day(CAL.add_working_days(due_day, k), TZ)
        assert CAL.working_days_between(due_day, new.date()) == k


@settings(max_examples=200)
@given(
    accepted=MOMENTS,
    allotments=st.lists(st.integers(0, 40).map(lambda q: Decimal(q) / 4), min_size=1, max_size=6),
    slack=st.integers(-3, 5),
)
def test_steps_are_ordered_and_end_at_final_due(accepted: datetime, allotments: list[Decimal], slack: int) -> None:
    # The final due may be shorter (slack < 0) or longer (pause, extension) than the allotments add up to.
    final = due(accepted, wd(max(0, math.ceil(sum(allotments)) + slack)))
    dues = step_due_dates(accepted, allotments, final_due=final, calendar=CAL, tz=TZ)
    assert len(dues) == len(allotments)
    assert dues[-1] == final
    assert dues == sorted(dues)
    assert all(d <= final for d in dues)
