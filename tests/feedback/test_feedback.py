"""PAKN through the API and the services: filing, routing, deadlines, who sees and does what, publication,
notifications, abuse limits, escalation; and messages on a dossier."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from feedback import services
from feedback.lifecycle import Status
from feedback.models import Feedback
from feedback.tasks import escalate_overdue
from notifications.models import Channel, Kind, Notification
from tests.conftest import (
    at,
    client_for,
    staff_login,  # noqa: I001
)
from tests.procedures.dossier_flow import drive

pytestmark = pytest.mark.django_db


def file(world, user=None, **body):
    payload = {
        "agency": world.agency.identity_code,
        "category": "question",
        "title": "Hỏi về khai sinh",
        "content": "Con tôi sinh ở nước ngoài thì đăng ký ở đâu?",
        **body,
    }
    return client_for(user or world.citizen).post("/api/v1/feedback/", payload, format="json")


def act(world, user, item_id, **body):
    return client_for(user).post(f"/api/v1/feedback/{item_id}/actions/", body, format="json")


def test_filing_gives_a_code_working_day_deadlines_and_an_officer(world):
    response = file(world)
    assert response.status_code == 201, response.content
    body = response.json()
    assert re.fullmatch(r"PA-\d{6}-0001", body["code"])
    assert body["status"] == "received"
    item = Feedback.objects.get(pk=body["id"])
    # Least loaded of reception and specialist, ties to the lowest id: reception was created first.
    assert item.assignee == world.reception
    assert Notification.objects.filter(recipient=world.reception, kind=Kind.FEEDBACK_RECEIVED).exists()


def test_deadlines_count_working_days_across_tet(world):
    item = services.feedback_submit(
        author=world.citizen,
        category="feedback",
        title="t",
        content="c",
        agency_code=world.agency.identity_code,
        now=at(2026, 2, 12, 9, 0),
    )
    local = lambda moment: timezone.localtime(moment).date().isoformat()  # noqa: E731
    # Thursday 12 Feb 2026; Tết holidays 16-20 Feb. 2 working days: 13 Feb, 23 Feb; 5: 26 Feb; 15: 12 Mar.
    assert (local(item.reject_due_at), local(item.ask_due_at), local(item.due_at)) == (
        "2026-02-23",
        "2026-02-26",
        "2026-03-12",
    )
    assert timezone.localtime(item.due_at).time().isoformat() == "23:59:59"


def test_only_the_author_and_the_addressed_agency_see_it(world):
    item_id = file(world).json()["id"]
    for user, code in (
        (world.citizen, 200),
        (world.specialist, 200),
        (world.citizen2, 404),
        (world.other_reception, 404),
    ):
        assert client_for(user).get(f"/api/v1/feedback/{item_id}/").status_code == code, user
    assert [row["id"] for row in client_for(world.citizen2).get("/api/v1/feedback/").json()["results"]] == []
    assert [row["id"] for row in client_for(world.reception).get("/api/v1/feedback/").json()["results"]] == [item_id]


def test_answer_notifies_the_author_and_reopen_works_once(world):
    item_id = file(world).json()["id"]
    answered = client_for(world.specialist).post(
        f"/api/v1/feedback/{item_id}/answer/", {"content": "Tại UBND."}, format="json"
    )
    assert answered.status_code == 200, answered.content
    assert answered.json()["status"] == "answered"
    assert (
        Notification.objects.filter(recipient=world.citizen, kind=Kind.FEEDBACK_ANSWERED, channel=Channel.INAPP).count()
        == 1
    )
    assert act(world, world.citizen, item_id, action="reopen", reason="Chưa rõ").json()["status"] == "received"
    client_for(world.specialist).post(f"/api/v1/feedback/{item_id}/answer/", {"content": "Rõ hơn."}, format="json")
    again = act(world, world.citizen, item_id, action="reopen", reason="Vẫn chưa rõ")
    assert again.status_code == 409


def test_roles_are_enforced(world):
    item_id = file(world).json()["id"]
    assert act(world, world.citizen, item_id, action="answer", content="tự trả lời").status_code == 403
    assert act(world, world.reception, item_id, action="provide_info", content="x").status_code == 403
    assert act(world, world.reception, item_id, action="answer").status_code == 400  # content missing
    assert act(world, world.reception, item_id, action="fly").status_code == 400
    assert act(world, world.reception, item_id, action="answer", content="ok", version=99).status_code == 409


def test_request_info_pauses_the_answer_clock(world):
    item = services.feedback_submit(
        author=world.citizen,
        category="feedback",
        title="t",
        content="c",
        agency_code=world.agency.identity_code,
        now=at(2026, 3, 2, 9, 0),
    )
    due = item.due_at
    services.feedback_perform_action(
        feedback_id=item.pk,
        action="request_info",
        actor=world.reception,
        payload={"content": "Số nhà?"},
        now=at(2026, 3, 3, 9, 0),
    )
    item = services.feedback_perform_action(
        feedback_id=item.pk,
        action="provide_info",
        actor=world.citizen,
        payload={"content": "Số 5"},
        now=at(2026, 3, 5, 9, 0),
    )
    assert item.status == Status.RECEIVED
    assert item.due_at == due + timedelta(days=2)


def test_transfer_moves_it_to_the_other_agency_with_fresh_deadlines(world):
    item_id = file(world).json()["id"]
    moved = act(
        world,
        world.reception,
        item_id,
        action="transfer",
        agency=world.other_agency.identity_code,
        reason="Không thuộc thẩm quyền",
    )
    assert moved.status_code == 200, moved.content
    item = Feedback.objects.get(pk=item_id)
    assert item.agency == world.other_agency and item.assignee == world.other_reception
    assert client_for(world.reception).get(f"/api/v1/feedback/{item_id}/").status_code == 404
    assert client_for(world.other_reception).get(f"/api/v1/feedback/{item_id}/").status_code == 200


def test_publication_needs_consent_and_a_moderator_and_hides_personal_data(world, api):
    content = "Tôi là Nguyễn Văn An, số 0912345678, an@example.org, CCCD 001203004567. Hỏi về khai sinh?"
    item_id = file(world, content=content, public=True).json()["id"]
    client_for(world.specialist).post(
        f"/api/v1/feedback/{item_id}/answer/", {"content": "Gọi 0241234567."}, format="json"
    )
    assert api.get("/api/v1/feedback/public/").json()["results"] == []
    assert act(world, world.specialist, item_id, action="publish").status_code == 403
    assert act(world, world.leader, item_id, action="publish").status_code == 200
    rows = api.get("/api/v1/feedback/public/").json()["results"]
    assert len(rows) == 1
    text = str(rows[0])
    for secret in ("0912345678", "an@example.org", "001203004567", "0241234567", "citizen@example.org"):
        assert secret not in text
    assert "author" not in rows[0]
    page = api.get("/hoi-dap/")
    assert page.status_code == 200 and "Hỏi về khai sinh" in page.content.decode()


def test_private_questions_are_never_published(world):
    item_id = file(world, public=False).json()["id"]
    client_for(world.specialist).post(f"/api/v1/feedback/{item_id}/answer/", {"content": "ok"}, format="json")
    assert act(world, world.leader, item_id, action="publish").status_code == 409


def test_abuse_limits(world, settings):
    settings.FEEDBACK_MAX_PER_DAY = 2
    assert file(world).status_code == 201
    assert file(world).status_code == 201
    third = file(world)
    assert third.status_code == 429
    assert "24 giờ" in third.json()["detail"]


def test_bad_input_is_a_clear_400(world):
    assert file(world, category="rant").status_code == 400
    assert file(world, agency="999.99.99.X99").status_code == 400
    assert file(world, agency="", title="").status_code == 400
    no_target = client_for(world.citizen).post(
        "/api/v1/feedback/", {"category": "question", "title": "t", "content": "c"}, format="json"
    )
    assert no_target.status_code == 400
    assert client_for(world.citizen).get("/api/v1/feedback/not-a-uuid/").status_code == 404


def test_overdue_items_escalate_to_leaders_once(world, monkeypatch):
    item = services.feedback_submit(
        author=world.citizen,
        category="feedback",
        title="t",
        content="c",
        agency_code=world.agency.identity_code,
        now=at(2026, 3, 2, 9, 0),
    )
    monkeypatch.setattr(timezone, "now", lambda: at(2026, 4, 1, 10, 0))
    assert escalate_overdue() > 0
    assert escalate_overdue() == 0
    assert Notification.objects.filter(recipient=world.leader, kind=Kind.FEEDBACK_OVERDUE).exists()
    assert Notification.objects.filter(recipient=item.assignee, kind=Kind.FEEDBACK_OVERDUE).exists()


# --- messages on a dossier ---------------------------------------------------------------------------------------


def test_messages_between_applicant_and_agency(world):
    dossier = drive(world, "processing@1")
    url = f"/api/v1/dossiers/{dossier.pk}/messages/"
    sent = client_for(world.citizen).post(url, {"body": "Tôi cần nộp thêm bản sao không?"}, format="json")
    assert sent.status_code == 201, sent.content
    reply = client_for(world.reception).post(url, {"body": "Không cần."}, format="json")
    assert reply.status_code == 201
    rows = client_for(world.citizen).get(url).json()["results"]
    assert [row["body"] for row in rows] == ["Tôi cần nộp thêm bản sao không?", "Không cần."]
    # The applicant sees the agency, not the officer's name.
    assert rows[1]["sender"] == world.agency.name
    assert client_for(world.citizen2).get(url).status_code == 404
    assert client_for(world.other_reception).post(url, {"body": "x"}, format="json").status_code == 404
    assert Notification.objects.filter(recipient=world.citizen, kind=Kind.DOSSIER_MESSAGE).exists()


def test_the_bell_shows_the_unread_count_and_links_to_the_item(world, django_capture_on_commit_callbacks):
    from django.test import Client

    from notifications.models import Status as DeliveryStatus

    with django_capture_on_commit_callbacks(execute=True):
        item_id = file(world).json()["id"]
    client = Client()
    staff_login(client, world.reception)
    html = client.get("/thong-ke/").content.decode()
    unread = Notification.objects.filter(
        recipient=world.reception, channel=Channel.INAPP, status=DeliveryStatus.DELIVERED, read_at__isnull=True
    )
    assert unread.count() == 1
    assert 'data-unread="1"' in html
    opened = client.post("/thong-bao/da-doc/", {"id": unread.get().pk, "open": "1"})
    assert opened.status_code == 302 and opened["Location"] == f"/phan-anh-kien-nghi/{item_id}/"
    assert 'data-unread="0"' in client.get("/thong-ke/").content.decode()


def test_staff_answer_from_the_page(world):
    from django.test import Client

    item_id = file(world).json()["id"]
    client = Client()
    staff_login(client, world.reception)
    page = client.get(f"/phan-anh-kien-nghi/{item_id}/")
    assert page.status_code == 200 and 'value="answer"' in page.content.decode()
    version = Feedback.objects.get(pk=item_id).version
    client.post(f"/phan-anh-kien-nghi/{item_id}/", {"action": "answer", "content": "Đã rõ.", "version": version})
    assert Feedback.objects.get(pk=item_id).status == Status.ANSWERED


def test_messages_on_the_applicant_and_officer_pages(world):
    from django.test import Client

    dossier = drive(world, "processing@1")
    applicant, officer = Client(), Client()
    staff_login(applicant, world.citizen)
    staff_login(officer, world.reception)
    sent = applicant.post(f"/ho-so/{dossier.pk}/tin-nhan/", {"body": "Khi nào có kết quả?"})
    assert sent.status_code == 302 and sent["Location"] == f"/ho-so/{dossier.pk}/#tin-nhan"
    page = officer.get(f"/can-bo/ho-so/{dossier.pk}/").content.decode()
    assert "Khi nào có kết quả?" in page and 'id="tin-nhan"' in page
    replied = officer.post(f"/ho-so/{dossier.pk}/tin-nhan/", {"body": "Thứ Sáu."})
    assert replied["Location"] == f"/can-bo/ho-so/{dossier.pk}/#tin-nhan"
    mine = applicant.get(f"/ho-so/{dossier.pk}/").content.decode()
    assert "Thứ Sáu." in mine and world.agency.name in mine
    outsider = Client()
    staff_login(outsider, world.other_reception)
    assert outsider.post(f"/ho-so/{dossier.pk}/tin-nhan/", {"body": "x"}).status_code == 404
