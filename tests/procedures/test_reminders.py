"""Reminders, escalation, apology offers and digests (notifications.tasks.reminders and .digests) on the working
calendar around Tết 2026.

Tết 2026: Saturday 14 to Sunday 22 February are days off; Friday 13 and Monday 23 are working days. Every task is
run as beat would (at a given `now`, several times a day), and each notice must come once, on the right day.
"""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from citizens.models import StaffMembership
from citizens.roles import Role
from notifications.models import Kind, Notification, NotificationPreference, ReminderPolicy
from notifications.tasks import digests, reminders
from procedures.deadlines import end_of_day
from procedures.models import CalendarOverride, Dossier
from tests.conftest import VN, at, make_user
from tests.notifications.helpers import act, draft

pytestmark = pytest.mark.django_db


def days(first: date, last: date):
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def in_progress(world, *, due: date, assignee=None, accepted: date = date(2026, 2, 9)) -> Dossier:
    """A dossier at step 2 held by `assignee` (the specialist by default), due at the end of `due`."""
    dossier = draft(world)
    moment = at(accepted.year, accepted.month, accepted.day, 9, 0)
    act(dossier, "submit", world.citizen, now=moment)
    act(dossier, "accept", world.reception, now=moment + timedelta(minutes=5))
    act(
        dossier,
        "forward",
        world.reception,
        now=moment + timedelta(minutes=10),
        assignee=(assignee or world.specialist).pk,
    )
    Dossier.objects.filter(pk=dossier.pk).update(due_at=end_of_day(due, VN))
    return Dossier.objects.get(pk=dossier.pk)


def sent(kind, *, channel="email") -> list[str]:
    """Recipients' e-mail addresses of the stored messages of one kind, in the order they were written."""
    rows = Notification.objects.filter(kind=kind, channel=channel).order_by("created_at", "id")
    return [row.recipient.email for row in rows]


def run_daily(task, first: date, last: date, *, hours=(7, 9, 13, 16), by_hour=False) -> dict:
    """Run `task` several times a day, as beat's 15-minute runs would, and keep what each day (or each day and
    hour) created: {date: {kind: count}}. Days on which nothing was created are left out."""
    created: dict = {}
    for day in days(first, last):
        for hour in hours:
            result = task(now=at(day.year, day.month, day.day, hour, 0))
            for kind, count in (result or {}).items():
                if kind == "skipped" or not count:
                    continue
                slot = created.setdefault((day, hour) if by_hour else day, {})
                slot[kind] = slot.get(kind, 0) + count
    return created


@pytest.fixture
def justice_leader(world):
    user = make_user("justice.leader@example.org")
    StaffMembership.objects.create(
        user=user, agency=world.agency, department=world.agency.departments.get(code="justice"), role=Role.LEADER
    )
    return user


# --- near-due, apology offer and overdue around Tết -----------------------------------------------------------------


def test_near_due_warns_on_the_last_working_day_before_tet_not_during_it(world):
    in_progress(world, due=date(2026, 2, 23))  # the Monday after Tết
    created = run_daily(reminders.send_deadline_reminders, date(2026, 2, 10), date(2026, 2, 23))
    # Friday 13 is one working day before Monday 23: the warning comes then, before nine days off, and not again.
    assert created == {date(2026, 2, 13): {Kind.NEAR_DUE: 1, Kind.APOLOGY_OFFER: 1}}
    assert sent(Kind.NEAR_DUE) == ["specialist@example.org"]
    # The leader is offered the apology letter (form 04) before the dossier becomes late.
    [offer] = Notification.objects.filter(kind=Kind.APOLOGY_OFFER, channel="email")
    assert offer.recipient == world.leader
    assert "mẫu 04" in offer.subject and "PHIẾU XIN LỖI" in offer.body_text and "Nguyễn Văn An" in offer.body_text
    near = Notification.objects.get(kind=Kind.NEAR_DUE, channel="email")
    assert "23/02/2026" in near.subject and "/ho-so/" in near.body_text


def test_no_run_sends_anything_on_a_weekend_a_holiday_or_out_of_office_hours(world):
    in_progress(world, due=date(2026, 2, 10))  # overdue from the 11th
    for moment in (
        at(2026, 2, 14, 9, 0),  # Saturday
        at(2026, 2, 17, 10, 0),  # Tết
        at(2026, 2, 22, 9, 0),  # Sunday, last day of Tết
        at(2026, 2, 11, 7, 45),  # a working day, before office hours
        at(2026, 2, 11, 17, 0),  # a working day, after office hours
    ):
        reminders.run_reminders(now=moment)
    assert Notification.objects.filter(kind__in=[Kind.OVERDUE, Kind.ESCALATED, Kind.DIGEST]).count() == 0
    reminders.run_reminders(now=at(2026, 2, 11, 8, 0).isoformat())  # through the broker `now` travels as text
    assert Notification.objects.filter(kind=Kind.OVERDUE).exists()


def test_a_decreed_day_off_and_a_make_up_saturday_move_the_reminders(world):
    CalendarOverride.objects.create(date=date(2026, 3, 6), kind="day_off", reason="Nghỉ bù (thử nghiệm)")
    CalendarOverride.objects.create(date=date(2026, 3, 7), kind="working_day", reason="Làm bù (thử nghiệm)")
    in_progress(world, due=date(2026, 3, 9), accepted=date(2026, 3, 2))  # Monday
    created = run_daily(reminders.send_deadline_reminders, date(2026, 3, 4), date(2026, 3, 9))
    # Friday 6 is a day off now and Saturday 7 a working day, one working day before Monday 9.
    assert created == {date(2026, 3, 7): {Kind.NEAR_DUE: 1, Kind.APOLOGY_OFFER: 1}}


def test_the_escalation_ladder(world, justice_leader):
    in_progress(world, due=date(2026, 2, 23))
    created = run_daily(reminders.send_deadline_reminders, date(2026, 2, 24), date(2026, 3, 3))
    # Tuesday 24: overdue to the officer in charge and to the department's leader at once; two working days later
    # (Thursday 26) to the agency's leader; then nothing more (the digest keeps listing it).
    assert created == {
        date(2026, 2, 24): {Kind.OVERDUE: 1, Kind.ESCALATED: 1},
        date(2026, 2, 26): {Kind.ESCALATED: 1},
    }
    assert sent(Kind.OVERDUE) == ["specialist@example.org"]
    assert sent(Kind.ESCALATED) == ["justice.leader@example.org", "leader@example.org"]
    agency_level = Notification.objects.get(kind=Kind.ESCALATED, channel="email", recipient=world.leader)
    assert "quá hạn 3 ngày làm việc" in agency_level.subject
    assert "lãnh đạo cơ quan" in agency_level.body_text and "specialist" in agency_level.body_text


def test_the_ladder_follows_the_agencys_own_policy(world, justice_leader):
    ReminderPolicy.objects.create(escalate_agency_after_days=9)  # the default for everyone else
    ReminderPolicy.objects.create(agency=world.agency, escalate_department_after_days=1, escalate_agency_after_days=1)
    in_progress(world, due=date(2026, 2, 23))
    created = run_daily(reminders.send_deadline_reminders, date(2026, 2, 24), date(2026, 2, 27))
    assert created == {
        date(2026, 2, 24): {Kind.OVERDUE: 1},
        date(2026, 2, 25): {Kind.ESCALATED: 1},  # department leader one working day later
        date(2026, 2, 26): {Kind.ESCALATED: 1},  # agency leader one more working day later
    }


def test_a_leader_holding_the_dossier_is_not_escalated_to_about_it(world):
    in_progress(world, due=date(2026, 2, 23), assignee=world.specialist)
    Dossier.objects.update(assignee=world.leader)
    run_daily(reminders.send_deadline_reminders, date(2026, 2, 24), date(2026, 2, 27))
    assert sent(Kind.OVERDUE) == ["leader@example.org"]
    assert sent(Kind.ESCALATED) == []  # the only leader already has the overdue notice


def test_paused_and_finished_dossiers_get_no_deadline_notices(world):
    waiting = in_progress(world, due=date(2026, 3, 3), accepted=date(2026, 3, 2))
    act(waiting, "request_supplement", world.specialist, now=at(2026, 3, 2, 11, 0), items=["Bản sao"])
    done = in_progress(world, due=date(2026, 3, 3), accepted=date(2026, 3, 2))
    Dossier.objects.filter(pk=done.pk).update(status="completed")
    run_daily(reminders.send_deadline_reminders, date(2026, 3, 2), date(2026, 3, 6))
    assert Notification.objects.filter(kind__in=[Kind.NEAR_DUE, Kind.OVERDUE, Kind.ESCALATED]).count() == 0


def test_a_digest_officer_reads_near_due_warnings_in_the_inbox_only(world):
    NotificationPreference.objects.create(user=world.specialist, staff_mode="digest")
    in_progress(world, due=date(2026, 2, 23))
    run_daily(reminders.send_deadline_reminders, date(2026, 2, 13), date(2026, 2, 24))
    assert set(Notification.objects.filter(kind=Kind.NEAR_DUE).values_list("channel", flat=True)) == {"inapp"}
    # Overdue is never held back for the digest.
    assert set(Notification.objects.filter(kind=Kind.OVERDUE).values_list("channel", flat=True)) == {"email", "inapp"}


def test_switching_reminders_off_in_the_policy(world):
    ReminderPolicy.objects.create(enabled=False)
    in_progress(world, due=date(2026, 2, 23))
    assert run_daily(reminders.send_deadline_reminders, date(2026, 2, 12), date(2026, 2, 26)) == {}


# --- the daily digest -----------------------------------------------------------------------------------------------


def test_the_daily_digest(world):
    # The specialist holds: one dossier forwarded to them yesterday (new), one due tomorrow, one overdue.
    in_progress(world, due=date(2026, 3, 20), accepted=date(2026, 3, 9))  # new, Monday 9th
    in_progress(world, due=date(2026, 3, 11), accepted=date(2026, 3, 2))  # near-due on Tuesday 10th
    in_progress(world, due=date(2026, 3, 6), accepted=date(2026, 3, 2))  # overdue since Saturday 7th
    # Reception: a dossier waiting at the desk. Leaders and reception: one nobody holds.
    waiting = act(draft(world), "submit", world.citizen, now=at(2026, 3, 9, 14, 0))
    orphan = in_progress(world, due=date(2026, 3, 20), accepted=date(2026, 3, 2))
    Dossier.objects.filter(pk=orphan.pk).update(assignee=None, department=None)

    created = run_daily(digests.send_daily_digests, date(2026, 3, 7), date(2026, 3, 10), hours=(7, 8, 12), by_hour=True)
    # Saturday and Sunday: none. Monday and Tuesday: one for each officer with something to read, at the first run
    # from 08:00, and not again at noon.
    assert created == {(date(2026, 3, 9), 8): {Kind.DIGEST: 3}, (date(2026, 3, 10), 8): {Kind.DIGEST: 3}}
    tuesday = {
        row.recipient.email: row
        for row in Notification.objects.filter(kind=Kind.DIGEST, channel="email", key__contains=":20260310:")
    }
    assert set(tuesday) == {"specialist@example.org", "reception@example.org", "leader@example.org"}
    specialist = tuesday["specialist@example.org"]
    assert specialist.subject == "Tổng hợp công việc ngày 10/03/2026: 1 mới, 1 sắp đến hạn, 1 quá hạn"
    assert "Hồ sơ mới:" in specialist.body_text and "hạn 20/03/2026" in specialist.body_text
    assert "Sắp đến hạn trả kết quả:" in specialist.body_text and "hạn 11/03/2026" in specialist.body_text
    assert "Đã quá hạn:" in specialist.body_text and "hạn 06/03/2026" in specialist.body_text
    assert "Chờ điều phối" not in specialist.body_text  # not a specialist's queue
    reception = tuesday["reception@example.org"]
    assert waiting.code in reception.body_text and orphan.code in reception.body_text
    assert orphan.code in tuesday["leader@example.org"].body_text
    assert Notification.objects.filter(kind=Kind.DIGEST, channel="email", key__contains=":20260309:").count() == 3


def test_no_digest_for_who_opted_out_or_has_nothing(world):
    NotificationPreference.objects.create(user=world.specialist, daily_digest=False)
    in_progress(world, due=date(2026, 3, 4), accepted=date(2026, 3, 2))
    assert digests.send_daily_digests(now=at(2026, 3, 3, 9, 0)) == {}
    # The specialist (holding a near-due dossier) opted out; reception and the leader hold nothing.
    assert not Notification.objects.filter(kind=Kind.DIGEST).exists()
    NotificationPreference.objects.filter(user=world.specialist).update(daily_digest=True)
    assert digests.send_daily_digests(now=at(2026, 3, 3, 9, 15)) == {Kind.DIGEST: 1}


def test_the_digest_follows_the_policys_time(world):
    ReminderPolicy.objects.create(digest_time=time(10, 30))
    in_progress(world, due=date(2026, 3, 4), accepted=date(2026, 3, 2))
    created = run_daily(
        digests.send_daily_digests, date(2026, 3, 3), date(2026, 3, 3), hours=(8, 10, 11, 15), by_hour=True
    )
    assert created == {(date(2026, 3, 3), 11): {Kind.DIGEST: 1}}


# --- applicants ---------------------------------------------------------------------------------------------------


def test_an_unanswered_supplement_request_is_recalled_every_five_working_days_twice(world):
    dossier = in_progress(world, due=date(2026, 2, 20), accepted=date(2026, 2, 9))
    act(dossier, "request_supplement", world.specialist, now=at(2026, 2, 11, 10, 0), items=["Bản sao giấy chứng sinh"])
    created = run_daily(reminders.send_applicant_reminders, date(2026, 2, 11), date(2026, 3, 13))
    # Five working days after Wednesday 11 February, with Tết between: 12, 13, 23, 24, 25.
    assert created == {
        date(2026, 2, 25): {Kind.SUPPLEMENT_REMINDER: 1},
        date(2026, 3, 4): {Kind.SUPPLEMENT_REMINDER: 1},
    }
    first = Notification.objects.filter(kind=Kind.SUPPLEMENT_REMINDER, channel="email").order_by("created_at").first()
    assert first.recipient == world.citizen
    assert "11/02/2026" in first.body_text and "- Bản sao giấy chứng sinh" in first.body_text
    assert dossier.code in first.subject


def test_a_supplemented_dossier_is_not_recalled(world):
    dossier = in_progress(world, due=date(2026, 3, 20), accepted=date(2026, 3, 2))
    act(dossier, "request_supplement", world.specialist, now=at(2026, 3, 2, 10, 0), items=["Bản sao"])
    act(dossier, "supplement", world.citizen, now=at(2026, 3, 5, 10, 0))
    assert run_daily(reminders.send_applicant_reminders, date(2026, 3, 2), date(2026, 3, 20)) == {}


def test_a_draft_left_unfiled_is_recalled_once(world):
    dossier = draft(world)
    Dossier.objects.filter(pk=dossier.pk).update(updated_at=at(2026, 2, 12, 15, 0))
    old = draft(world)
    Dossier.objects.filter(pk=old.pk).update(updated_at=at(2025, 12, 1, 15, 0))  # abandoned long ago: left alone
    created = run_daily(reminders.send_applicant_reminders, date(2026, 2, 12), date(2026, 3, 6))
    # Three working days after Thursday 12 February: 13, 23, 24.
    assert created == {date(2026, 2, 24): {Kind.DRAFT_REMINDER: 1}}
    reminder = Notification.objects.get(kind=Kind.DRAFT_REMINDER, channel="email")
    assert reminder.dossier_id == dossier.pk and "chưa được nộp" in reminder.subject
    assert f"/ho-so/{dossier.pk}/" in reminder.body_text
