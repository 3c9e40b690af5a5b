"""Deadlines as the services apply them: acceptance, cutoffs, Tết, make-up Saturdays, admin overrides, pauses,
restarts, extensions, step due dates and cases. Every moment is passed explicitly (`now=`), so nothing depends on
the day the suite runs. Expected dates are worked out in the comments from the `holidays` 0.109 Vietnam calendar.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from procedures.errors import InvalidInput
from procedures.models import CalendarOverride, DossierEvent, DossierPause, Status
from procedures.services.calendar import working_calendar
from procedures.services.catalogue import procedure_import
from procedures.workflow import Action
from tests.conftest import VN, at, module_world, procedure_template
from tests.procedures.dossier_flow import accepted_at, act, new_draft

world = module_world()  # the tests only read the world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def eod(y: int, m: int, d: int) -> datetime:
    """The end of a local day: how a due date is stored."""
    return datetime(y, m, d, 23, 59, 59, tzinfo=VN)


def local_date(moment: datetime) -> date:
    return moment.astimezone(VN).date()


def same_day_procedure(world, code: str = "T.SAMEDAY", **version):
    """Settled within the day (time limit 0), 15:00 cutoff; the steps share the one day."""
    template = procedure_template(
        code,
        version={
            "time_limit": {"value": "0", "unit": "working_days", "same_day_cutoff": "15:00"},
            "steps": [
                {"name": "Tiếp nhận", "role": "reception", "department": "one-stop", "allotted_days": "0.25"},
                {"name": "Thẩm định", "role": "specialist", "department": "justice", "allotted_days": "0.5"},
                {"name": "Ký", "role": "leader", "department": "leadership", "allotted_days": "0.25"},
            ],
            **version,
        },
    )
    return procedure_import(template=template, agency=world.agency)


def forward_to_last_step(world, dossier, moment):
    dossier = act(dossier, Action.FORWARD, world.reception, now=moment)
    return act(dossier, Action.FORWARD, world.specialist, now=moment + timedelta(minutes=5))


# --- acceptance ---------------------------------------------------------------------------------------------------


def test_five_working_days_from_a_friday_afternoon(world):
    # Accepted Fri 27/11/2026 16:30. Count starts the next working day: Mon 30/11 (1), 1/12 (2), 2/12 (3),
    # 3/12 (4), Fri 4/12 (5).
    dossier = accepted_at(world, at(2026, 11, 27, 16, 30))
    assert dossier.accepted_at == at(2026, 11, 27, 16, 30)
    assert dossier.due_at == dossier.original_due_at == eod(2026, 12, 4)
    assert dossier.due_at.astimezone(VN).time() == time(23, 59, 59)
    # Step 1 (1 day) is due Monday; step 2 (1 + 2 days) Wednesday; the last step with the dossier.
    assert dossier.step_due_at == eod(2026, 11, 30)
    dossier = act(dossier, Action.FORWARD, world.reception, now=at(2026, 11, 30, 9, 0))
    assert dossier.step_due_at == eod(2026, 12, 2)
    dossier = act(dossier, Action.FORWARD, world.specialist, now=at(2026, 12, 2, 9, 0))
    assert dossier.step_due_at == dossier.due_at


def test_accepted_just_before_tet_2026(world):
    # Fri 13/2/2026; Tết holidays Mon 16 - Fri 20/2; then Mon 23 (1), 24, 25, 26, Fri 27/2 (5).
    dossier = accepted_at(world, at(2026, 2, 13, 10, 0))
    assert dossier.due_at == eod(2026, 2, 27)
    # Step 1 (one day) is due the first working day after Tết, not during it.
    assert dossier.step_due_at == eod(2026, 2, 23)


def test_accepted_just_before_tet_2027(world):
    # Wed 3/2/2027; Tết Thu 4 - Wed 10/2; then Thu 11 (1), Fri 12 (2), Mon 15 (3), Tue 16 (4), Wed 17/2 (5).
    dossier = accepted_at(world, at(2027, 2, 3, 14, 0))
    assert dossier.due_at == eod(2027, 2, 17)
    assert dossier.step_due_at == eod(2027, 2, 11)


def test_the_filing_day_does_not_start_the_clock_acceptance_does(world):
    dossier = new_draft(world, now=at(2026, 10, 1, 8, 0))
    dossier = act(dossier, Action.SUBMIT, world.citizen, now=at(2026, 10, 1, 9, 0))  # Thursday
    assert dossier.due_at is None
    dossier = act(dossier, Action.ACCEPT, world.reception, now=at(2026, 10, 5, 9, 0))  # next Monday
    # Tue 6 (1), 7, 8, 9, Mon 12/10 (5).
    assert dossier.due_at == eod(2026, 10, 12)


@pytest.mark.parametrize(
    ("accepted", "due"),
    [
        (at(2026, 10, 7, 14, 59), eod(2026, 10, 7)),  # before the cutoff: today
        (at(2026, 10, 7, 15, 0), eod(2026, 10, 7)),  # at the cutoff: still today
        (at(2026, 10, 7, 15, 1), eod(2026, 10, 8)),  # after it: the next working day
        (at(2026, 10, 9, 15, 1), eod(2026, 10, 12)),  # Friday after the cutoff: Monday
        (at(2026, 10, 10, 9, 0), eod(2026, 10, 12)),  # Saturday: Monday
        (at(2026, 10, 11, 9, 0), eod(2026, 10, 12)),  # Sunday: Monday
    ],
)
def test_within_the_day_procedure_and_its_cutoff(world, accepted, due):
    same_day_procedure(world)
    dossier = accepted_at(world, accepted, procedure_code="T.SAMEDAY")
    assert dossier.due_at == due
    # Every step shares the day: none is due before the dossier is.
    assert dossier.step_due_at == due
    dossier = forward_to_last_step(world, dossier, accepted + timedelta(minutes=10))
    assert dossier.step_due_at == due


def test_make_up_saturday_2026_08_22_is_a_working_day(world):
    # 2026: Saturday 22/8 is worked to pay for Monday 31/8 off (holidays 0.109 knows this swap).
    assert working_calendar().is_working_day(date(2026, 8, 22))
    # Accepted Thu 20/8: Fri 21 (1), Sat 22 (2), Mon 24 (3), Tue 25 (4), Wed 26/8 (5).
    dossier = accepted_at(world, at(2026, 8, 20, 10, 0))
    assert dossier.due_at == eod(2026, 8, 26)
    # A within-the-day dossier accepted that Saturday morning is due the same day ...
    same_day_procedure(world)
    saturday = accepted_at(world, at(2026, 8, 22, 10, 0), procedure_code="T.SAMEDAY")
    assert saturday.due_at == eod(2026, 8, 22)
    # ... while an ordinary Saturday a week later rolls over Mon 31/8 (swapped off) and 1-2/9 (National Day).
    ordinary = accepted_at(world, at(2026, 8, 29, 10, 0), procedure_code="T.SAMEDAY")
    assert ordinary.due_at == eod(2026, 9, 3)


def test_an_admin_day_off_shifts_the_due_date(world):
    # Without overrides: accepted Mon 5/10/2026 -> Tue 6 (1), 7, 8, 9, Mon 12/10 (5).
    assert accepted_at(world, at(2026, 10, 5, 9, 0)).due_at == eod(2026, 10, 12)
    CalendarOverride.objects.create(date=date(2026, 10, 8), kind=CalendarOverride.Kind.DAY_OFF, reason="Bão số 9")
    # Thursday 8/10 off: Tue 6, Wed 7, Fri 9, Mon 12, Tue 13/10.
    assert accepted_at(world, at(2026, 10, 5, 9, 0)).due_at == eod(2026, 10, 13)
    CalendarOverride.objects.create(
        date=date(2026, 10, 10), kind=CalendarOverride.Kind.WORKING_DAY, reason="Làm bù cho ngày 8/10"
    )
    # And the make-up Saturday 10/10 pays it back: Tue 6, Wed 7, Fri 9, Sat 10, Mon 12/10.
    assert accepted_at(world, at(2026, 10, 5, 9, 0)).due_at == eod(2026, 10, 12)


# --- supplements --------------------------------------------------------------------------------------------------


def test_a_supplement_answered_three_working_days_later_moves_the_due_date_by_three(world):
    dossier = accepted_at(world, at(2026, 10, 5, 9, 0))  # due Mon 12/10
    dossier = act(dossier, Action.FORWARD, world.reception, now=at(2026, 10, 5, 14, 0))
    assert dossier.step_due_at == eod(2026, 10, 8)  # step 2: 1 + 2 days after Monday
    dossier = act(
        dossier, Action.REQUEST_SUPPLEMENT, world.specialist, now=at(2026, 10, 6, 10, 0), items=["Bản sao CCCD"]
    )
    assert (dossier.status, dossier.paused_at, dossier.due_at) == (
        Status.SUPPLEMENT_REQUESTED,
        at(2026, 10, 6, 10, 0),
        eod(2026, 10, 12),
    )
    # Answered Fri 9/10: Wed 7, Thu 8, Fri 9 were spent waiting -> 3 working days.
    dossier = act(dossier, Action.SUPPLEMENT, world.citizen, now=at(2026, 10, 9, 10, 0))
    assert (dossier.status, dossier.current_step, dossier.paused_at) == (Status.PROCESSING, 2, None)
    # Mon 12/10 + 3 working days = Thu 15/10; the first promise stays for the statistics.
    assert dossier.due_at == eod(2026, 10, 15)
    assert dossier.original_due_at == eod(2026, 10, 12)
    pause = DossierPause.objects.get(dossier=dossier)
    assert (pause.started_at, pause.ended_at, pause.working_days) == (
        at(2026, 10, 6, 10, 0),
        at(2026, 10, 9, 10, 0),
        3,
    )
    assert pause.items == ["Bản sao CCCD"]
    # The step's plan moves by the same three working days (Thu 8 -> Tue 13/10), never onto a weekend.
    assert dossier.step_due_at == eod(2026, 10, 13)
    assert working_calendar().is_working_day(local_date(dossier.step_due_at))
    event = DossierEvent.objects.filter(dossier=dossier).latest("id")
    assert event.payload == {"paused_working_days": 3, "due_at": dossier.due_at.isoformat()}


def test_a_pause_over_a_weekend_counts_only_working_days(world):
    dossier = accepted_at(world, at(2026, 10, 5, 9, 0))  # due Mon 12/10
    dossier = act(dossier, Action.REQUEST_SUPPLEMENT, world.reception, now=at(2026, 10, 9, 16, 0), items=["Ảnh"])
    # Friday -> Wednesday: Mon 12, Tue 13, Wed 14 = 3.
    dossier = act(dossier, Action.SUPPLEMENT, world.citizen, now=at(2026, 10, 14, 8, 0))
    assert dossier.due_at == eod(2026, 10, 15)
    assert DossierPause.objects.get(dossier=dossier).working_days == 3


def test_a_supplement_answered_the_same_day_moves_nothing(world):
    dossier = accepted_at(world, at(2026, 10, 5, 9, 0))
    dossier = act(dossier, Action.REQUEST_SUPPLEMENT, world.reception, now=at(2026, 10, 5, 10, 0), items=["Ảnh"])
    dossier = act(dossier, Action.SUPPLEMENT, world.citizen, now=at(2026, 10, 5, 16, 0))
    assert dossier.due_at == eod(2026, 10, 12)
    assert DossierPause.objects.get(dossier=dossier).working_days == 0


def test_two_supplements_accumulate_and_are_counted(world):
    dossier = accepted_at(world, at(2026, 10, 5, 9, 0))  # due Mon 12/10
    dossier = act(dossier, Action.REQUEST_SUPPLEMENT, world.reception, now=at(2026, 10, 5, 10, 0), items=["A"])
    dossier = act(dossier, Action.SUPPLEMENT, world.citizen, now=at(2026, 10, 7, 10, 0))  # Tue, Wed: +2
    dossier = act(dossier, Action.REQUEST_SUPPLEMENT, world.reception, now=at(2026, 10, 7, 11, 0), items=["B"])
    dossier = act(dossier, Action.SUPPLEMENT, world.citizen, now=at(2026, 10, 8, 10, 0))  # Thu: +1
    assert dossier.due_at == eod(2026, 10, 15)
    assert dossier.supplement_count == 2
    assert list(DossierPause.objects.filter(dossier=dossier).values_list("working_days", flat=True)) == [2, 1]
    # Step 1's plan (one day after Monday = Tue 6/10) moved by both pauses: Fri 9/10.
    assert dossier.step_due_at == eod(2026, 10, 9)


def test_restart_policy_recomputes_the_due_date_in_full(world):
    procedure_import(
        template=procedure_template("T.RESTART", version={"supplement_policy": "restart"}), agency=world.agency
    )
    dossier = accepted_at(world, at(2026, 10, 5, 9, 0), procedure_code="T.RESTART")
    assert dossier.due_at == eod(2026, 10, 12)
    dossier = act(dossier, Action.REQUEST_SUPPLEMENT, world.reception, now=at(2026, 10, 6, 10, 0), items=["A"])
    # Supplemented Mon 19/10: the five days run again from there: Tue 20 (1) ... Mon 26/10 (5).
    dossier = act(dossier, Action.SUPPLEMENT, world.citizen, now=at(2026, 10, 19, 10, 0))
    assert dossier.due_at == eod(2026, 10, 26)
    assert dossier.original_due_at == eod(2026, 10, 12)
    # The pause is still recorded (Wed 7 ... Mon 19 = 9 working days) for the statistics.
    assert DossierPause.objects.get(dossier=dossier).working_days == 9
    # The step plan restarts too: step 1 (one day) from Mon 19/10 is Tue 20/10.
    assert dossier.step_due_at == eod(2026, 10, 20)


def test_a_supplement_before_acceptance_does_not_touch_any_clock(world):
    dossier = new_draft(world, now=at(2026, 10, 5, 8, 0))
    dossier = act(dossier, Action.SUBMIT, world.citizen, now=at(2026, 10, 5, 9, 0))
    dossier = act(dossier, Action.REQUEST_SUPPLEMENT, world.reception, now=at(2026, 10, 5, 10, 0), items=["A"])
    dossier = act(dossier, Action.SUPPLEMENT, world.citizen, now=at(2026, 10, 8, 10, 0))
    assert (dossier.due_at, dossier.paused_at, dossier.supplement_count) == (None, None, 0)
    dossier = act(dossier, Action.ACCEPT, world.reception, now=at(2026, 10, 8, 11, 0))
    # Counted from acceptance (Thu 8/10): Fri 9, Mon 12, 13, 14, Thu 15/10.
    assert dossier.due_at == eod(2026, 10, 15)


# --- extensions ---------------------------------------------------------------------------------------------------


def test_extension_keeps_the_original_due_date(world):
    dossier = accepted_at(world, at(2026, 10, 5, 9, 0))  # due Mon 12/10
    dossier = forward_to_last_step(world, dossier, at(2026, 10, 6, 9, 0))
    dossier = act(
        dossier, Action.EXTEND, world.leader, now=at(2026, 10, 9, 9, 0), due_at="2026-10-16", reason="Cần xác minh thêm"
    )
    assert dossier.due_at == eod(2026, 10, 16)
    assert dossier.original_due_at == eod(2026, 10, 12)
    assert dossier.step_due_at == dossier.due_at  # the last step follows the dossier
    event = DossierEvent.objects.filter(dossier=dossier).latest("id")
    assert (event.action, event.comment) == ("extend", "Cần xác minh thêm")
    assert event.payload["previous_due_at"] == eod(2026, 10, 12).isoformat()
    assert event.payload["apology"] is True
    # A second extension moves it again; the original still does not move.
    dossier = act(
        dossier,
        Action.EXTEND,
        world.leader,
        now=at(2026, 10, 9, 10, 0),
        due_at=date(2026, 10, 20),
        reason="Chờ ý kiến cơ quan khác",
    )
    assert (dossier.due_at, dossier.original_due_at) == (eod(2026, 10, 20), eod(2026, 10, 12))


@pytest.mark.parametrize(
    "new_due",
    [
        "2026-10-09",  # earlier than the current due date
        "2026-10-12",  # the same day is not later
        "2026-10-17",  # a Saturday
        "2026-10-18",  # a Sunday
        "2026-11-24",  # Vietnam Cultural Day 2026, a holiday
        "16/10/2026",  # not ISO
        "2026-02-30",  # no such day
        "",
        20261016,
    ],
)
def test_extension_rejects_earlier_or_non_working_or_malformed_dates(world, new_due):
    dossier = accepted_at(world, at(2026, 10, 5, 9, 0))
    with pytest.raises(InvalidInput) as excinfo:
        act(dossier, Action.EXTEND, world.leader, now=at(2026, 10, 9, 9, 0), due_at=new_due, reason="Lý do")
    assert "due_at" in excinfo.value.errors
    assert act(dossier, Action.COMMENT, world.leader, now=at(2026, 10, 9, 9, 0), comment="x").due_at == eod(
        2026, 10, 12
    )


def test_extension_accepts_an_iso_timestamp_as_that_local_day(world):
    dossier = accepted_at(world, at(2026, 10, 5, 9, 0))
    # 20:00 UTC on the 15th is already the 16th in Hà Nội.
    dossier = act(
        dossier, Action.EXTEND, world.leader, now=at(2026, 10, 9, 9, 0), due_at="2026-10-15T20:00:00Z", reason="Lý do"
    )
    assert dossier.due_at == eod(2026, 10, 16)


def test_extension_at_an_earlier_step_keeps_the_step_plan_within_the_new_date(world):
    dossier = accepted_at(world, at(2026, 10, 5, 9, 0))  # step 1 due Tue 6/10
    dossier = act(dossier, Action.EXTEND, world.leader, now=at(2026, 10, 5, 10, 0), due_at="2026-10-20", reason="x")
    assert dossier.step_due_at == eod(2026, 10, 6)
    assert dossier.step_due_at <= dossier.due_at


# --- step due dates and cases -------------------------------------------------------------------------------------


def test_step_due_dates_follow_the_plan_never_exceed_and_the_last_equals_the_due_date(world):
    # Steps of 1, 1 and 1 day in a 5-day procedure: steps 1-2 on the plan, the last one gets the slack.
    procedure_import(
        template=procedure_template(
            "T.SLACK",
            version={
                "steps": [
                    {"name": "Tiếp nhận", "role": "reception", "department": "one-stop", "allotted_days": "1"},
                    {"name": "Thẩm định", "role": "specialist", "department": "justice", "allotted_days": "1"},
                    {"name": "Ký", "role": "leader", "department": "leadership", "allotted_days": "1"},
                ]
            },
        ),
        agency=world.agency,
    )
    dossier = accepted_at(world, at(2026, 10, 5, 9, 0), procedure_code="T.SLACK")
    dues = [dossier.step_due_at]
    dossier = act(dossier, Action.FORWARD, world.reception, now=at(2026, 10, 7, 9, 0))  # a day late
    dues.append(dossier.step_due_at)
    dossier = act(dossier, Action.FORWARD, world.specialist, now=at(2026, 10, 7, 10, 0))
    dues.append(dossier.step_due_at)
    assert dues == [eod(2026, 10, 6), eod(2026, 10, 7), eod(2026, 10, 12)]
    assert all(due <= dossier.due_at for due in dues)
    assert dues[-1] == dossier.due_at
    # The hand-over is recorded with the step's due date.
    event = DossierEvent.objects.filter(dossier=dossier, action="forward").latest("id")
    assert event.payload["step_due_at"] == eod(2026, 10, 12).isoformat()


def test_a_case_has_its_own_time_limit_and_fee(world):
    cases = [
        {"code": "urgent", "name": "Cấp gấp", "time_limit": {"value": "2", "unit": "working_days"}, "fee": 100000},
        {"code": "free", "name": "Miễn phí", "fee": 0},
    ]
    procedure_import(template=procedure_template("T.CASES", version={"cases": cases}), agency=world.agency)
    urgent = accepted_at(world, at(2026, 10, 5, 9, 0), procedure_code="T.CASES", case_code="urgent")
    # Two working days: Tue 6, Wed 7/10; fee of the case, not of the version (50 000).
    assert (urgent.due_at, urgent.fee_amount) == (eod(2026, 10, 7), 100000)
    # The step plan (1 + 2 days) would end on Thu 8/10: capped at the case's due date.
    assert urgent.step_due_at == eod(2026, 10, 6)
    urgent = act(urgent, Action.FORWARD, world.reception, now=at(2026, 10, 5, 10, 0))
    assert urgent.step_due_at == eod(2026, 10, 7) == urgent.due_at
    free = accepted_at(world, at(2026, 10, 5, 9, 0), procedure_code="T.CASES", case_code="free")
    # A case without its own time limit uses the version's (5 days); its fee of 0 is a fee, not "unset".
    assert (free.due_at, free.fee_amount) == (eod(2026, 10, 12), 0)
    plain = accepted_at(world, at(2026, 10, 5, 9, 0), procedure_code="T.CASES")
    assert (plain.due_at, plain.fee_amount) == (eod(2026, 10, 12), 50000)


def test_a_within_the_day_case_inherits_the_version_cutoff(world):
    cases = [{"code": "copy", "name": "Cấp bản sao", "time_limit": {"value": "0", "unit": "working_days"}, "fee": 8000}]
    procedure_import(
        template=procedure_template(
            "T.CUTOFF",
            version={
                "cases": cases,
                "time_limit": {"value": "3", "unit": "working_days", "same_day_cutoff": "15:00"},
                "steps": [
                    {"name": "Tiếp nhận", "role": "reception", "department": "one-stop", "allotted_days": "1"},
                    {"name": "Thẩm định", "role": "specialist", "department": "justice", "allotted_days": "1"},
                    {"name": "Ký", "role": "leader", "department": "leadership", "allotted_days": "1"},
                ],
            },
        ),
        agency=world.agency,
    )
    before = accepted_at(world, at(2026, 10, 7, 14, 0), procedure_code="T.CUTOFF", case_code="copy")
    after = accepted_at(world, at(2026, 10, 7, 15, 30), procedure_code="T.CUTOFF", case_code="copy")
    assert (before.due_at, after.due_at) == (eod(2026, 10, 7), eod(2026, 10, 8))
    assert before.step_due_at == before.due_at


def test_calendar_days_limit_never_ends_on_a_day_off(world):
    procedure_import(
        template=procedure_template(
            "T.CAL", version={"time_limit": {"value": "5", "unit": "calendar_days", "same_day_cutoff": None}}
        ),
        agency=world.agency,
    )
    # Mon 5/10 + 5 calendar days = Sat 10/10 -> runs on to Mon 12/10.
    assert accepted_at(world, at(2026, 10, 5, 9, 0), procedure_code="T.CAL").due_at == eod(2026, 10, 12)
