"""Which messages an event writes, when they exist (with the event's transaction) and what they say."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction

from notifications.models import Channel, Kind, Notification, Status
from notifications.services import notifications_queue_for_event
from procedures.models import Dossier, DossierEvent
from tests.notifications.helpers import (
    DUE_DATE,
    accepted,
    act,
    draft,
    last_event,
    submitted,
    synthetic_event,
)

pytestmark = pytest.mark.django_db


class Boom(Exception):
    pass


def test_rows_are_written_with_the_event_and_sent_only_after_commit(world, django_capture_on_commit_callbacks):
    dossier = draft(world)
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            act(dossier, "submit", world.citizen)
            event = last_event(dossier, "submit")
            rows = Notification.objects.filter(event=event)
            # Inside the transaction: the outbox rows exist beside the event, nothing has been sent yet.
            assert {(row.recipient_id, row.channel) for row in rows} == {
                (world.citizen.pk, Channel.EMAIL),
                (world.citizen.pk, Channel.INAPP),
                (world.reception.pk, Channel.EMAIL),  # the desk's "new dossier" message
                (world.reception.pk, Channel.INAPP),
            }
            assert {row.status for row in rows} == {Status.CREATED}
            assert mail.outbox == []
    assert len(mail.outbox) == 2
    assert set(Notification.objects.filter(event=event).values_list("status", flat=True)) == {Status.DELIVERED}


def test_no_rows_when_the_transaction_rolls_back(world, django_capture_on_commit_callbacks):
    dossier = draft(world)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Boom):
        with transaction.atomic():
            act(dossier, "submit", world.citizen)
            assert Notification.objects.count() == 4
            raise Boom
    assert Notification.objects.count() == 0
    assert Dossier.objects.get(pk=dossier.pk).status == "draft"
    assert callbacks == []
    assert mail.outbox == []


def test_a_failed_action_writes_no_rows(world):
    dossier = submitted(world)
    before = Notification.objects.count()
    with pytest.raises(Exception):  # noqa: B017 - any domain error; what matters is that nothing was written
        act(dossier, "refuse", world.reception)  # a refusal needs a reason
    assert Notification.objects.count() == before


def test_one_row_per_event_recipient_and_channel_however_often_it_is_queued(world, django_capture_on_commit_callbacks):
    dossier = submitted(world)
    event = last_event(dossier, "submit")
    first = Notification.objects.filter(event=event).order_by("channel")
    first_ids = sorted(str(pk) for pk in first.values_list("pk", flat=True))
    with django_capture_on_commit_callbacks() as callbacks:
        again = notifications_queue_for_event(event=event)
        twice = notifications_queue_for_event(event=event)
    assert sorted(str(n.pk) for n in again) == first_ids == sorted(str(n.pk) for n in twice)
    assert Notification.objects.filter(event=event).count() == 4
    assert callbacks == []  # nothing new to publish
    assert set(first.values_list("key", flat=True)) == {
        f"{event.pk}:{world.citizen.pk}:email",
        f"{event.pk}:{world.citizen.pk}:inapp",
        f"{event.pk}:{world.reception.pk}:email",
        f"{event.pk}:{world.reception.pk}:inapp",
    }


@pytest.mark.parametrize(
    ("preferences", "channels"),
    [
        ({}, {"email", "inapp"}),
        ({"notify_email": False}, {"inapp"}),
        ({"notify_inapp": False}, {"email"}),
        ({"notify_sms": True, "phone": "0912345678"}, {"email", "sms", "inapp"}),
        ({"notify_sms": True, "phone": ""}, {"email", "inapp"}),  # no phone, no SMS
        ({"notify_email": False, "notify_inapp": False}, set()),
    ],
)
def test_one_row_per_enabled_channel(world, preferences, channels):
    for name, value in preferences.items():
        setattr(world.citizen, name, value)
    world.citizen.save()
    dossier = submitted(world)
    rows = Notification.objects.filter(event=last_event(dossier, "submit"), recipient=world.citizen)
    assert set(rows.values_list("channel", flat=True)) == channels
    for row in rows:
        assert row.recipient == world.citizen
        assert row.dossier == dossier
        assert row.kind == Kind.SUBMITTED
        assert row.address == {"email": "citizen@example.org", "sms": "0912345678", "inapp": ""}[row.channel]


def test_staff_steps_and_internal_notes_tell_the_applicant_nothing(world):
    dossier = accepted(world)
    before = Notification.objects.filter(recipient=world.citizen).count()
    act(dossier, "forward", world.reception)
    act(dossier, "comment", world.specialist, comment="Đã kiểm tra")
    assert Notification.objects.filter(recipient=world.citizen).count() == before
    # The forward did tell the officer it was routed to (staff "assigned to you"), not the applicant.
    assert Notification.objects.filter(recipient=world.specialist).exists()
    assert notifications_queue_for_event(event=synthetic_event(dossier, "comment", comment="x")) == []


def test_each_applicant_gets_their_own_messages(world):
    mine = submitted(world)
    theirs = submitted(world, world.citizen2)
    staff = {world.reception.pk}  # the desk hears of both
    assert (
        set(Notification.objects.filter(dossier=mine).values_list("recipient", flat=True)) == {world.citizen.pk} | staff
    )
    assert (
        set(Notification.objects.filter(dossier=theirs).values_list("recipient", flat=True))
        == {world.citizen2.pk} | staff
    )


# --- what the messages say ------------------------------------------------------------------------------------------


def _message(rows, channel=Channel.EMAIL) -> Notification:
    """The applicant's message on `channel` among an event's rows."""
    return next(row for row in rows if row.channel == channel and row.recipient_id == row.dossier.applicant_id)


def test_submitted_gives_the_code_in_vietnamese_by_default(world):
    dossier = submitted(world)
    email = _message(Notification.objects.filter(event=last_event(dossier, "submit")))
    assert email.language == "vi"
    assert email.subject == f"Hồ sơ {dossier.code} đã được nộp"
    assert dossier.code in email.body_text
    assert "Kính gửi Ông/Bà Nguyễn Văn An," in email.body_text
    assert "Đăng ký khai sinh thử nghiệm" in email.body_text
    assert "09:00 02/03/2026" in email.body_text
    assert dossier.code in email.body_html and '<html lang="vi">' in email.body_html


def test_accepted_gives_the_due_date_in_both_languages(world):
    world.citizen2.language = "en"
    world.citizen2.save()
    vi = accepted(world)
    en = accepted(world, world.citizen2)
    assert vi.due_at.isoformat().startswith("2026-03-09")
    vi_mail = _message(Notification.objects.filter(event=last_event(vi, "accept")))
    en_mail = _message(Notification.objects.filter(event=last_event(en, "accept")))
    assert vi_mail.subject == f"Hồ sơ {vi.code} đã được tiếp nhận"
    assert f"Ngày hẹn trả kết quả: {DUE_DATE}." in vi_mail.body_text
    assert "UBND phường Ba Đình" in vi_mail.body_text
    assert en_mail.language == "en"
    assert en_mail.subject == f"Dossier {en.code} has been accepted"
    assert f"The result is due on {DUE_DATE}." in en_mail.body_text
    assert "Test birth registration" in en_mail.body_text  # the procedure's English name
    assert "Dear Trần Thị Bình," in en_mail.body_text
    assert "Kính gửi" not in en_mail.body_text and "Ngày hẹn" not in en_mail.body_text


def test_the_inbox_item_is_the_message_without_the_letter_around_it(world):
    dossier = accepted(world)
    inapp = _message(Notification.objects.filter(event=last_event(dossier, "accept")), Channel.INAPP)
    assert inapp.body_html == ""
    assert f"Ngày hẹn trả kết quả: {DUE_DATE}." in inapp.body_text
    assert "Kính gửi" not in inapp.body_text and "Trân trọng" not in inapp.body_text


def test_sms_text_is_short_and_without_diacritics(world):
    world.citizen.notify_sms = True
    world.citizen.phone = "0912345678"
    world.citizen.save()
    dossier = accepted(world)
    sms = _message(Notification.objects.filter(event=last_event(dossier, "accept")), Channel.SMS)
    assert sms.body_text == f"Ho so {dossier.code} da duoc tiep nhan. Ngay hen tra ket qua: {DUE_DATE}."
    assert sms.body_text.isascii()


def test_supplement_request_lists_every_item_and_escapes_html(world):
    dossier = accepted(world)
    act(
        dossier,
        "request_supplement",
        world.reception,
        items=["Bản sao giấy chứng sinh", "Tờ khai <ký tên>"],
        comment="Nộp trong 5 ngày",
    )
    email = _message(Notification.objects.filter(event=last_event(dossier, "request_supplement")))
    assert email.kind == Kind.SUPPLEMENT_REQUESTED
    assert "- Bản sao giấy chứng sinh\n- Tờ khai <ký tên>" in email.body_text
    assert "Ghi chú của cán bộ: Nộp trong 5 ngày" in email.body_text
    assert "Tờ khai &lt;ký tên&gt;" in email.body_html and "<ký tên>" not in email.body_html


def test_refusal_gives_the_reason(world):
    dossier = submitted(world)
    act(dossier, "refuse", world.reception, reason="Không thuộc thẩm quyền")
    email = _message(Notification.objects.filter(event=last_event(dossier, "refuse")))
    assert email.kind == Kind.REFUSED
    assert "Lý do: Không thuộc thẩm quyền" in email.body_text


def test_payment_request_gives_the_amount(world):
    world.citizen2.language = "en"
    world.citizen2.save()
    vi = accepted(world)
    en = accepted(world, world.citizen2)
    for dossier in (vi, en):
        act(dossier, "request_payment", world.specialist, amount=1250000)
    vi_mail = _message(Notification.objects.filter(event=last_event(vi, "request_payment")))
    en_mail = _message(Notification.objects.filter(event=last_event(en, "request_payment")))
    assert vi_mail.kind == Kind.PAYMENT_REQUESTED
    assert "1.250.000 đồng" in vi_mail.body_text
    assert "1,250,000 VND" in en_mail.body_text


@pytest.mark.parametrize(
    ("action", "comment", "payload", "kind", "vi_expected", "en_expected"),
    [
        (
            "extend",
            "Cần xác minh thêm",
            {"due_at": "2026-03-16T23:59:59+07:00", "previous_due_at": "2026-03-09T23:59:59+07:00", "apology": True},
            Kind.EXTENDED,
            ["thành thật xin lỗi", "09/03/2026", "Ngày hẹn trả kết quả mới: 16/03/2026", "Lý do: Cần xác minh thêm"],
            ["sincerely apologises", "09/03/2026", "The new due date is 16/03/2026", "Reason: Cần xác minh thêm"],
        ),
        ("stop", "Người dân đề nghị", {}, Kind.STOPPED, ["dừng xử lý", "Lý do: Người dân đề nghị"], ["stopped"]),
        (
            "complete",
            "",
            {"outcome": "approved"},
            Kind.COMPLETED,
            ["đã có kết quả", "hồ sơ được chấp thuận"],
            ["is ready", "approved"],
        ),
        ("deliver", "", {"channel": "desk"}, Kind.DELIVERED, ["tại bộ phận một cửa"], ["at the reception desk"]),
        ("approve_withdrawal", "", {}, Kind.WITHDRAWAL_DECIDED, ["đã được chấp thuận"], ["was approved"]),
        (
            "reject_withdrawal",
            "Đã có kết quả",
            {},
            Kind.WITHDRAWAL_DECIDED,
            ["không được chấp thuận", "Lý do: Đã có kết quả"],
            ["was not approved", "Reason: Đã có kết quả"],
        ),
    ],
)
def test_later_messages_in_both_languages(world, action, comment, payload, kind, vi_expected, en_expected):
    world.citizen2.language = "en"
    world.citizen2.save()
    for applicant, expected in ((world.citizen, vi_expected), (world.citizen2, en_expected)):
        dossier = accepted(world, applicant)
        rows = notifications_queue_for_event(
            event=synthetic_event(dossier, action, actor=world.leader, comment=comment, payload=payload)
        )
        email = _message(rows)
        assert email.kind == kind
        assert email.language == applicant.language
        assert dossier.code in email.subject
        for text in expected:
            assert text in email.subject + "\n" + email.body_text, text


def test_unknown_language_falls_back_to_vietnamese(world):
    world.citizen.language = "fr"
    world.citizen.save()
    dossier = submitted(world)
    email = _message(Notification.objects.filter(event=last_event(dossier, "submit")))
    assert email.language == "vi"
    assert email.subject.startswith("Hồ sơ")


def test_event_without_notification_rules_is_ignored(world):
    dossier = submitted(world)
    event = DossierEvent.objects.create(
        dossier=dossier, action="create", from_status="", to_status="draft", at=dossier.submitted_at
    )
    assert notifications_queue_for_event(event=event) == []


def test_back_dated_data_can_be_loaded_without_telling_anyone(world):
    from notifications.models import WebhookDelivery, WebhookEndpoint
    from notifications.services import notifications_muted

    WebhookEndpoint.objects.create(agency=world.agency, url="https://93.184.216.34/h", events=["*"])
    with notifications_muted():
        dossier = accepted(world)
    assert not Notification.objects.filter(dossier=dossier).exists()
    assert not WebhookDelivery.objects.exists()
    act(dossier, "forward", world.reception)  # outside the block, events are heard again (a webhook here)
    assert WebhookDelivery.objects.count() == 1
