"""The in-app inbox API: GET /api/v1/notifications/ and POST /api/v1/notifications/{id}/read/."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import include, path
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from notifications.models import Channel, Kind, Notification, Status
from tests.conftest import client_for, module_world
from tests.notifications.helpers import submitted

world = module_world()  # the tests only read the world

pytestmark = pytest.mark.django_db

LIST = "/api/v1/notifications/"


def read_url(notification) -> str:
    return f"/api/v1/notifications/{notification.pk}/read/"


def inbox_item(user, dossier=None, *, minutes_ago=0, channel=Channel.INAPP, status=Status.DELIVERED, **extra):
    return Notification.objects.create(
        key=f"test:{uuid.uuid4()}",
        recipient=user,
        dossier=dossier,
        channel=channel,
        kind=extra.pop("kind", Kind.ACCEPTED),
        subject=extra.pop("subject", "Hồ sơ đã được tiếp nhận"),
        body_text=extra.pop("body_text", "Ngày hẹn trả kết quả: 09/03/2026."),
        status=status,
        created_at=timezone.now() - timedelta(minutes=minutes_ago),
        **extra,
    )


def test_the_inbox_lists_my_delivered_in_app_messages_newest_first(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dossier = submitted(world)  # delivers its e-mail and in-app messages (eager)
    older = inbox_item(world.citizen, dossier, minutes_ago=60, subject="Cũ hơn")
    inbox_item(world.citizen2, dossier)  # someone else's
    inbox_item(world.citizen, dossier, channel=Channel.EMAIL)  # not an in-app message
    inbox_item(world.citizen, dossier, status=Status.CREATED)  # not published yet

    response = client_for(world.citizen).get(LIST)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    newest, oldest = body["results"]
    assert set(newest) == {"id", "kind", "subject", "body", "dossier", "created_at", "read_at"}
    assert newest["kind"] == "submitted"
    assert newest["subject"] == f"Hồ sơ {dossier.code} đã được nộp"
    assert dossier.code in newest["body"]
    assert newest["dossier"] == {"id": str(dossier.pk), "code": dossier.code}
    assert newest["read_at"] is None
    assert oldest["id"] == str(older.pk) and oldest["subject"] == "Cũ hơn"


def test_a_message_without_dossier_has_null_dossier(world):
    inbox_item(world.citizen)
    [item] = client_for(world.citizen).get(LIST).json()["results"]
    assert item["dossier"] is None


def test_marking_read_returns_the_item_and_keeps_the_first_time(world):
    item = inbox_item(world.citizen)
    client = client_for(world.citizen)
    first = client.post(read_url(item))
    assert first.status_code == 200
    assert first.json()["id"] == str(item.pk)
    read_at = first.json()["read_at"]
    assert read_at is not None
    second = client.post(read_url(item))
    assert second.status_code == 200 and second.json()["read_at"] == read_at
    item.refresh_from_db()
    assert item.read_at is not None


def test_unread_filter(world):
    read = inbox_item(world.citizen, read_at=timezone.now())
    unread = inbox_item(world.citizen)
    client = client_for(world.citizen)
    assert [row["id"] for row in client.get(LIST, {"unread": "true"}).json()["results"]] == [str(unread.pk)]
    assert {row["id"] for row in client.get(LIST).json()["results"]} == {str(read.pk), str(unread.pk)}


def test_someone_elses_message_is_not_found(world):
    theirs = inbox_item(world.citizen2)
    email = inbox_item(world.citizen, channel=Channel.EMAIL)
    client = client_for(world.citizen)
    assert client.post(read_url(theirs)).status_code == 404
    assert client.post(read_url(email)).status_code == 404  # only in-app messages live in the inbox
    assert client.post(f"/api/v1/notifications/{uuid.uuid4()}/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_anonymous_gets_401(world, api):
    item = inbox_item(world.citizen)
    assert api.get(LIST).status_code == 401
    assert api.post(read_url(item)).status_code == 401


def test_the_list_costs_the_same_queries_whatever_the_page_size(world):
    dossiers = [submitted(world) for _ in range(3)]
    for index in range(60):
        inbox_item(world.citizen, dossiers[index % 3], minutes_ago=index)
    client = client_for(world.citizen)

    def queries_for(page_size: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(LIST, {"page_size": page_size})
        assert response.status_code == 200
        assert len(response.json()["results"]) == page_size
        return len(captured)

    small, large = queries_for(2), queries_for(50)
    assert small == large
    assert large <= 2  # the count and the page (dossier joined in)


def test_the_schema_documents_every_endpoint():
    generator = SchemaGenerator(patterns=[path("api/v1/", include("notifications.api.urls"))])
    schema = generator.get_schema(request=None, public=True)
    assert set(schema["paths"]) == {
        "/api/v1/notifications/",
        "/api/v1/notifications/{id}/read/",
        "/api/v1/notifications/{id}/resend/",
        "/api/v1/dossiers/{dossier_id}/notifications/",
    }
    assert schema["paths"]["/api/v1/notifications/{id}/resend/"]["post"]["operationId"] == "notifications_resend"
    staff_list = schema["paths"]["/api/v1/dossiers/{dossier_id}/notifications/"]["get"]
    assert {"403", "404"} <= set(staff_list["responses"])
    listing = schema["paths"]["/api/v1/notifications/"]["get"]
    assert listing["operationId"] == "notifications_list"
    assert {"page", "page_size", "unread"} <= {parameter["name"] for parameter in listing["parameters"]}
    assert "404" in schema["paths"]["/api/v1/notifications/{id}/read/"]["post"]["responses"]


# --- a dossier's notifications, for its agency's staff --------------------------------------------------------------


def dossier_list_url(dossier) -> str:
    return f"/api/v1/dossiers/{dossier.pk}/notifications/"


def resend_url(notification) -> str:
    return f"/api/v1/notifications/{notification.pk}/resend/"


def test_staff_see_every_message_about_a_dossier_with_its_attempts(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dossier = submitted(world)
    response = client_for(world.specialist).get(dossier_list_url(dossier))
    assert response.status_code == 200
    rows = response.json()["results"]
    # The applicant's e-mail and inbox item, and the desk's "new dossier" message on both channels.
    assert {(row["recipient"]["id"], row["channel"], row["is_applicant"]) for row in rows} == {
        (world.citizen.pk, "email", True),
        (world.citizen.pk, "inapp", True),
        (world.reception.pk, "email", False),
        (world.reception.pk, "inapp", False),
    }
    email = next(row for row in rows if row["channel"] == "email" and row["is_applicant"])
    assert email["status"] == "delivered" and email["kind"] == "submitted" and email["address"] == "citizen@example.org"
    assert email["provider_ref"].startswith("<notification.")
    assert email["attempt_count"] == 1
    [attempt] = email["attempts"]
    assert attempt["outcome"] == "delivered" and attempt["number"] == 1


def test_only_the_agencys_staff_see_a_dossiers_messages(world, api):
    dossier = submitted(world)
    assert client_for(world.citizen).get(dossier_list_url(dossier)).status_code == 403  # their own dossier
    assert client_for(world.citizen2).get(dossier_list_url(dossier)).status_code == 404
    assert client_for(world.other_reception).get(dossier_list_url(dossier)).status_code == 404
    assert client_for(world.specialist).get("/api/v1/dossiers/not-a-uuid/notifications/").status_code == 404
    assert client_for(world.specialist).get(f"/api/v1/dossiers/{uuid.uuid4()}/notifications/").status_code == 404
    assert api.get(dossier_list_url(dossier)).status_code == 401


def test_the_staff_list_costs_the_same_queries_whatever_its_size(world):
    dossier = submitted(world)
    client = client_for(world.reception)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(dossier_list_url(dossier)).status_code == 200
        return len(captured)

    few = queries()
    for index in range(15):
        inbox_item(world.citizen, dossier, minutes_ago=index, channel=Channel.EMAIL)
    assert queries() == few


def test_staff_resend_a_message(world, django_capture_on_commit_callbacks):
    from django.core import mail

    dossier = submitted(world)
    row = Notification.objects.get(dossier=dossier, channel=Channel.EMAIL, recipient=world.citizen)
    Notification.objects.filter(pk=row.pk).update(status=Status.PERMANENT_FAILURE, attempts=8, last_error="550")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.reception).post(resend_url(row))
    assert response.status_code == 202
    assert response.json()["id"] == str(row.pk)
    row.refresh_from_db()
    assert row.status == Status.DELIVERED and row.attempts == 1
    assert [message.to for message in mail.outbox] == [["citizen@example.org"]]


def test_resend_is_refused_to_outsiders_and_while_sending(world):
    dossier = submitted(world)
    row = Notification.objects.get(dossier=dossier, channel=Channel.EMAIL, recipient=world.citizen)
    assert client_for(world.citizen).post(resend_url(row)).status_code == 404
    assert client_for(world.other_reception).post(resend_url(row)).status_code == 404
    assert client_for(world.reception).post("/api/v1/notifications/nope/resend/").status_code == 404
    Notification.objects.filter(pk=row.pk).update(status=Status.SENDING, claimed_at=timezone.now())
    response = client_for(world.reception).post(resend_url(row))
    assert response.status_code == 409
    assert Notification.objects.get(pk=row.pk).status == Status.SENDING
