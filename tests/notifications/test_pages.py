"""The inbox page (/thong-bao/), the preferences page and the health check."""

from __future__ import annotations

import json
import uuid

import pytest
from django.test import RequestFactory

from notifications.models import Channel, Kind, Notification, NotificationPreference, Status
from portal import health
from portal.celery import app as celery_app
from tests.conftest import staff_login

pytestmark = [pytest.mark.django_db]


def inbox_item(user, subject="Hồ sơ đã được tiếp nhận", **extra):
    return Notification.objects.create(
        key=f"test:{uuid.uuid4()}",
        recipient=user,
        channel=extra.pop("channel", Channel.INAPP),
        kind=Kind.ACCEPTED,
        subject=subject,
        body_text=extra.pop("body_text", "Ngày hẹn trả kết quả: 09/03/2026."),
        status=extra.pop("status", Status.DELIVERED),
        **extra,
    )


def test_the_inbox_page_lists_my_messages(world, client):
    mine = inbox_item(world.citizen, subject="Thư của tôi")
    inbox_item(world.citizen2, subject="Thư của người khác")
    inbox_item(world.citizen, subject="Chưa gửi", status=Status.CREATED)
    client.force_login(world.citizen)
    page = client.get("/thong-bao/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Thư của tôi" in html and "Ngày hẹn trả kết quả: 09/03/2026." in html
    assert "Thư của người khác" not in html and "Chưa gửi" not in html
    assert "1 thông báo chưa đọc" in html
    assert page.templates[0].name == "notifications/inbox.html"
    assert "base.html" in [template.name for template in page.templates]

    response = client.post("/thong-bao/da-doc/", {"id": str(mine.pk)})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert "0 thông báo chưa đọc" in client.get("/thong-bao/").content.decode()


def test_mark_all_read_and_unread_filter(world, client):
    for index in range(3):
        inbox_item(world.citizen, subject=f"Thư {index}")
    client.force_login(world.citizen)
    assert client.get("/thong-bao/?chua-doc=1").content.decode().count("Thư ") >= 3
    client.post("/thong-bao/da-doc/")
    assert not Notification.objects.filter(recipient=world.citizen, read_at__isnull=True).exists()
    assert "Không có thông báo chưa đọc." in client.get("/thong-bao/?chua-doc=1").content.decode()


def test_opening_a_message_about_a_dossier_goes_to_the_dossier(world, client):
    from tests.notifications.helpers import submitted

    dossier = submitted(world)
    item = inbox_item(world.citizen, dossier=dossier)
    client.force_login(world.citizen)
    response = client.post("/thong-bao/da-doc/", {"id": str(item.pk), "open": "1"})
    assert response.status_code == 302 and response.url == f"/ho-so/{dossier.pk}/"


def test_the_inbox_needs_a_login(client):
    response = client.get("/thong-bao/")
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_a_citizen_chooses_channels(world, client):
    client.force_login(world.citizen)
    page = client.get("/thong-bao/cai-dat/")
    assert page.status_code == 200 and "staff_mode" not in page.content.decode()
    response = client.post("/thong-bao/cai-dat/", {"notify_sms": "on", "notify_inapp": "on"})
    assert response.status_code == 302
    world.citizen.refresh_from_db()
    assert (world.citizen.notify_email, world.citizen.notify_sms, world.citizen.notify_inapp) == (False, True, True)
    assert not NotificationPreference.objects.filter(user=world.citizen).exists()


def test_an_officer_chooses_the_digest(world, client):
    staff_login(client, world.specialist)
    assert "staff_mode" in client.get("/thong-bao/cai-dat/").content.decode()
    client.post("/thong-bao/cai-dat/", {"notify_email": "on", "staff_mode": "digest", "daily_digest": "on"})
    preference = NotificationPreference.objects.get(user=world.specialist)
    assert (preference.staff_mode, preference.daily_digest) == ("digest", True)


# --- health -----------------------------------------------------------------------------------------------------


def test_health_when_tasks_run_eagerly(client):
    response = client.get("/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["broker"]["state"] == "eager" and body["workers"]["state"] == "eager"


def test_health_reports_a_broker_that_is_down(settings):
    previous = celery_app.conf.broker_url
    settings.CELERY_TASK_ALWAYS_EAGER = False
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = "redis://127.0.0.1:6390/0"  # nothing listens there
    celery_app._pool = None
    try:
        response = health.health(RequestFactory().get("/health/"))
    finally:
        celery_app.conf.broker_url = previous
        celery_app.conf.task_always_eager = True
        celery_app._pool = None
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["status"] == "fail" and body["database"]["ok"] is True
    assert body["broker"]["ok"] is False and body["broker"]["ms"] < 5000
    assert body["workers"]["state"] == "unknown"
    assert "6390" not in response.content.decode()  # no broker address in a public answer
