"""Staff messages on events, the staff's instant/digest choice, and admins' wording of messages."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from citizens.models import User
from notifications import messages
from notifications.models import Channel, Kind, MessageTemplate, Notification, NotificationPreference
from notifications.services import notifications_queue_for_event
from tests.conftest import staff_login
from tests.notifications.helpers import accepted, act, last_event, submitted

pytestmark = pytest.mark.django_db


def rows_of(event, user):
    return Notification.objects.filter(event=event, recipient=user)


# --- staff messages on events ---------------------------------------------------------------------------------


def test_the_desk_hears_of_every_new_dossier(world):
    second = User.objects.create_user(email="desk2@example.org", password="x" * 12)
    second.memberships.create(agency=world.agency, role="reception")
    dossier = submitted(world)
    event = last_event(dossier, "submit")
    for officer in (world.reception, second):
        rows = rows_of(event, officer)
        assert {(row.kind, row.channel) for row in rows} == {(Kind.NEW_IN_QUEUE, "email"), (Kind.NEW_IN_QUEUE, "inapp")}
    email = rows_of(event, world.reception).get(channel="email")
    assert email.subject == f"Hồ sơ mới {dossier.code} chờ tiếp nhận"
    assert f"/can-bo/ho-so/{dossier.pk}/" in email.body_text  # the officer page, not the citizen page
    assert "tra cứu" not in email.body_text
    # Another agency's desk hears nothing.
    assert not Notification.objects.filter(recipient=world.other_reception).exists()


def test_an_officer_hears_of_a_dossier_assigned_to_them_but_not_of_their_own_doing(world):
    dossier = accepted(world)
    act(dossier, "forward", world.reception)
    act(dossier, "assign", world.leader, assignee=world.specialist.pk, comment="Ưu tiên xử lý")
    event = last_event(dossier, "assign")
    email = rows_of(event, world.specialist).get(channel="email")
    assert email.kind == Kind.ASSIGNED
    assert email.subject == f"Hồ sơ {dossier.code} được giao cho Ông/Bà xử lý"
    assert "bước “Thẩm định”" in email.body_text and "Ghi chú: Ưu tiên xử lý" in email.body_text
    act(dossier, "assign", world.leader, assignee=world.leader.pk)
    assert not Notification.objects.filter(event=last_event(dossier, "assign")).exists()


def test_the_officer_in_charge_hears_that_the_applicant_supplemented(world):
    dossier = accepted(world)
    act(dossier, "forward", world.reception, assignee=world.specialist.pk)
    act(dossier, "request_supplement", world.specialist, items=["Bản sao"])
    act(dossier, "supplement", world.citizen)
    event = last_event(dossier, "supplement")
    assert {row.kind for row in rows_of(event, world.specialist)} == {Kind.SUPPLEMENTED}
    assert not rows_of(event, world.citizen).exists()


def test_an_officer_who_chose_the_digest_gets_routine_messages_in_the_inbox_only(world):
    NotificationPreference.objects.create(user=world.reception, staff_mode="digest")
    dossier = submitted(world)
    assert set(rows_of(last_event(dossier, "submit"), world.reception).values_list("channel", flat=True)) == {"inapp"}


def test_staff_read_their_messages_in_their_language(world):
    world.reception.language = "en"
    world.reception.save()
    dossier = submitted(world)
    email = rows_of(last_event(dossier, "submit"), world.reception).get(channel="email")
    assert email.language == "en" and email.subject == f"New dossier {dossier.code} awaiting acceptance"
    assert "Open the dossier:" in email.body_text


# --- admins' wording ------------------------------------------------------------------------------------------


def test_an_admins_wording_replaces_the_built_in_text(world):
    MessageTemplate.objects.create(
        name="accepted",
        language="vi",
        subject="[UBND] Đã nhận hồ sơ {code}",
        body="Hồ sơ {code} được tiếp nhận.\r\n\r\nHẹn trả: {due_date}.",
        sms="Da nhan ho so {code}",
    )
    world.citizen.notify_sms, world.citizen.phone = True, "0912345678"
    world.citizen.save()
    dossier = accepted(world)
    rows = {row.channel: row for row in rows_of(last_event(dossier, "accept"), world.citizen)}
    assert rows["email"].subject == f"[UBND] Đã nhận hồ sơ {dossier.code}"
    assert f"Hồ sơ {dossier.code} được tiếp nhận.\n\nHẹn trả: 09/03/2026." in rows["email"].body_text
    assert "Kính gửi Ông/Bà Nguyễn Văn An," in rows["email"].body_text  # the letter around it stays
    assert "<p" in rows["email"].body_html and "09/03/2026" in rows["email"].body_html
    assert rows["sms"].body_text == f"Da nhan ho so {dossier.code}"
    assert rows["inapp"].body_text == f"Hồ sơ {dossier.code} được tiếp nhận.\n\nHẹn trả: 09/03/2026."
    # The English wording is untouched, and an inactive override is ignored.
    MessageTemplate.objects.filter(name="accepted").update(is_active=False)
    again = accepted(world)
    assert rows_of(last_event(again, "accept"), world.citizen).get(channel="email").subject.startswith("Hồ sơ")


def test_templates_are_checked_before_they_are_saved():
    template = MessageTemplate(name="accepted", language="vi", subject="{code} {secret.__class__}", body="{nope}")
    with pytest.raises(ValidationError) as excinfo:
        template.full_clean()
    assert set(excinfo.value.message_dict) == {"subject", "body"}
    with pytest.raises(ValidationError):
        MessageTemplate(name="no-such-message", language="vi", subject="x", body="y").full_clean()
    MessageTemplate(name="accepted", language="en", subject="{code}", body="Due {due_date}", sms="").full_clean()


def test_a_broken_override_falls_back_to_the_built_in_text():
    override = messages.Override(subject="{code} {", paragraphs=("x",))
    rendered = messages.render("accepted", "vi", {"code": "C-1"}, override)
    assert rendered.subject == "Hồ sơ C-1 đã được tiếp nhận"


def test_every_message_renders_in_both_languages_with_no_placeholder_left():
    for name, message in messages.MESSAGES.items():
        names = messages.placeholders(name)
        context = {key: f"<{key}>" for key in names}
        for language in ("vi", "en"):
            rendered = messages.render(name, language, context)
            text = rendered.subject + rendered.letter_text + rendered.sms
            assert "{" not in text and "}" not in text, (name, language)
            assert rendered.paragraphs, (name, language)
        assert set(message.subject) == set(message.paragraphs) == set(message.sms) == {"vi", "en"}


def test_queueing_an_event_twice_stores_staff_messages_once(world):
    dossier = submitted(world)
    event = last_event(dossier, "submit")
    before = Notification.objects.count()
    notifications_queue_for_event(event=event)
    assert Notification.objects.count() == before
    assert rows_of(event, world.reception).filter(channel=Channel.EMAIL).count() == 1


# --- admin pages ----------------------------------------------------------------------------------------------


def test_admin_pages_of_the_new_models_open(world, client):
    admin = User.objects.create_superuser(email="admin@example.org", password="x" * 12)
    staff_login(client, admin)
    for path in (
        "/admin/notifications/reminderpolicy/",
        "/admin/notifications/reminderpolicy/add/",
        "/admin/notifications/messagetemplate/",
        "/admin/notifications/messagetemplate/add/",
        "/admin/notifications/notificationpreference/",
        "/admin/notifications/webhookendpoint/",
        "/admin/notifications/webhookendpoint/add/",
        "/admin/notifications/webhookdelivery/",
    ):
        assert client.get(path).status_code == 200, path
    response = client.post(
        "/admin/notifications/messagetemplate/add/",
        {"name": "submitted", "language": "en", "subject": "Filed: {code}", "body": "Thanks, {name}.", "sms": ""},
    )
    assert response.status_code == 302
    template = MessageTemplate.objects.get()
    assert client.get(f"/admin/notifications/messagetemplate/{template.pk}/change/").status_code == 200
