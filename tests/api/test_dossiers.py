"""Dossiers over the API: the whole lifecycle, create/patch/submit, lists and filters, the detail shape, history."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from procedures.models import Dossier, Status
from tests.api import DOSSIERS, accepted, act, attach, create_draft, ok, submitted, url
from tests.conftest import VALID_DATA, VN, client_for, module_world

world = module_world()  # the tests only read the world

pytestmark = pytest.mark.django_db

CODE_RE = re.compile(r"^000\.00\.12\.H26-(\d{6})-(\d{4,})$")

DETAIL_KEYS = {
    "id",
    "code",
    "procedure",
    "status",
    "current_step",
    "data",
    "documents",
    "submitted_at",
    "accepted_at",
    "due_at",
    "original_due_at",
    "completed_at",
    "delivered_at",
    "overdue",
    "outcome",
    "version",
    "available_actions",
    "history",
}
LIST_KEYS = {"id", "code", "procedure", "status", "due_at", "overdue", "submitted_at", "current_step"}


def parse(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    assert parsed.tzinfo is not None, value
    return parsed


# --- the whole lifecycle -----------------------------------------------------------------------------------------


def test_full_lifecycle_through_the_api(world):
    citizen = client_for(world.citizen)

    draft = create_draft(world)
    assert draft["status"] == "draft" and draft["code"] is None
    assert draft["available_actions"] == ["submit"]
    attach(draft, world.citizen)

    dossier = ok(citizen.post(url(draft, "submit/"), {"version": draft["version"]}, format="json"))
    assert dossier["status"] == "submitted"
    match = CODE_RE.match(dossier["code"])
    assert match, dossier["code"]
    assert match.group(1) == timezone.now().astimezone(VN).strftime("%y%m%d")
    assert match.group(2) == "0001"
    assert dossier["submitted_at"] and dossier["due_at"] is None

    dossier = ok(act(world.reception, dossier, "accept"))
    assert dossier["status"] == "processing"
    assert dossier["current_step"]["index"] == 1 and dossier["current_step"]["due_at"]
    assert dossier["accepted_at"] and dossier["due_at"] and dossier["original_due_at"] == dossier["due_at"]
    assert parse(dossier["due_at"]) > parse(dossier["accepted_at"])
    due = dossier["due_at"]

    dossier = ok(act(world.reception, dossier, "request_supplement", items=["Số bản sao chưa đúng"], fields=["copies"]))
    assert dossier["status"] == "supplement_requested"
    assert dossier["supplement_items"] == ["Số bản sao chưa đúng"]
    assert dossier["supplement_fields"] == ["copies"]

    applicant_view = ok(citizen.get(url(dossier)))
    assert applicant_view["available_actions"] == ["supplement", "withdraw"]
    dossier = ok(citizen.patch(url(dossier), {"data": {"copies": 3}, "version": dossier["version"]}, format="json"))
    assert dossier["data"]["copies"] == 3

    dossier = ok(act(world.citizen, dossier, "supplement"))
    assert dossier["status"] == "processing" and dossier["current_step"]["index"] == 1
    assert parse(dossier["due_at"]) >= parse(due)

    dossier = ok(act(world.reception, dossier, "forward"))
    assert dossier["current_step"]["index"] == 2 and dossier["current_step"]["role"] == "specialist"
    dossier = ok(act(world.specialist, dossier, "forward"))
    assert dossier["current_step"]["index"] == 3 and dossier["current_step"]["role"] == "leader"

    dossier = ok(act(world.leader, dossier, "complete", outcome="approved", comment="Đủ điều kiện"))
    assert dossier["status"] == "completed" and dossier["outcome"] == "approved" and dossier["completed_at"]
    assert dossier["current_step"] is None

    dossier = ok(act(world.reception, dossier, "deliver"))
    assert dossier["status"] == "delivered" and dossier["delivered_at"]
    assert dossier["available_actions"] == ["comment"]  # internal notes stay possible for staff

    final = ok(citizen.get(url(dossier)))
    assert final["available_actions"] == []
    assert [(e["action"], e["from_status"], e["to_status"]) for e in final["history"]] == [
        ("create", None, "draft"),
        ("submit", "draft", "submitted"),
        ("accept", "submitted", "processing"),
        ("request_supplement", "processing", "supplement_requested"),
        ("supplement", "supplement_requested", "processing"),
        ("forward", "processing", "processing"),
        ("forward", "processing", "processing"),
        ("complete", "processing", "completed"),
        ("deliver", "completed", "delivered"),
    ]
    assert final["history"][7]["comment"] == "Đủ điều kiện"
    # The applicant is "you" to themselves; staff are named, and nobody is shown by email.
    assert final["history"][0]["actor"] == "Bạn"
    assert all("@" not in entry["actor"] for entry in final["history"])
    assert final["overdue"] is False and final["version"] == dossier["version"]


def test_second_filing_of_the_day_gets_the_next_number(world):
    first = submitted(world)
    second = submitted(world, user=world.citizen2)
    assert CODE_RE.match(first["code"]).group(2) == "0001"
    assert CODE_RE.match(second["code"]).group(2) == "0002"


# --- create --------------------------------------------------------------------------------------------------------


def test_create_returns_a_draft_with_the_detail_shape(world):
    response = client_for(world.citizen).post(
        DOSSIERS, {"procedure": world.procedure.code, "data": VALID_DATA}, format="json"
    )
    body = ok(response, 201)
    assert DETAIL_KEYS <= set(body)
    assert response["Location"] == f"/api/v1/dossiers/{body['id']}/"
    assert uuid.UUID(body["id"])
    assert body["procedure"] == {"code": "T.0001", "name": "Đăng ký khai sinh thử nghiệm"}
    assert body["agency"] == {"code": "000.00.12.H26", "name": "UBND phường Ba Đình"}
    assert body["data"] == VALID_DATA
    assert body["current_step"] is None and body["documents"] == [] and body["outcome"] is None
    assert Dossier.objects.get(pk=body["id"]).applicant == world.citizen


def test_a_draft_may_be_incomplete(world):
    body = create_draft(world, data={"full_name": "Nguyễn Văn An"})
    assert body["data"] == {"full_name": "Nguyễn Văn An"}


def test_create_in_english(world):
    response = client_for(world.citizen).post(
        DOSSIERS + "?lang=en", {"procedure": world.procedure.code, "data": {}}, format="json"
    )
    assert ok(response, 201)["procedure"]["name"] == "Test birth registration"


# --- idempotency ----------------------------------------------------------------------------------------------------


def test_same_idempotency_key_replays_the_first_response(world):
    client = client_for(world.citizen)
    key = str(uuid.uuid4())
    body = {"procedure": world.procedure.code, "data": VALID_DATA}
    first = client.post(DOSSIERS, body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    second = client.post(DOSSIERS, body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Dossier.objects.filter(applicant=world.citizen).count() == 1


def test_same_key_with_another_body_is_refused(world):
    client = client_for(world.citizen)
    key = str(uuid.uuid4())
    ok(client.post(DOSSIERS, {"procedure": "T.0001", "data": VALID_DATA}, format="json", HTTP_IDEMPOTENCY_KEY=key), 201)
    response = client.post(DOSSIERS, {"procedure": "T.0001", "data": {}}, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused" and response.json()["detail"]
    assert Dossier.objects.filter(applicant=world.citizen).count() == 1


def test_idempotency_keys_belong_to_one_user(world):
    key = str(uuid.uuid4())
    body = {"procedure": "T.0001", "data": VALID_DATA}
    first = ok(client_for(world.citizen).post(DOSSIERS, body, format="json", HTTP_IDEMPOTENCY_KEY=key), 201)
    other = ok(client_for(world.citizen2).post(DOSSIERS, body, format="json", HTTP_IDEMPOTENCY_KEY=key), 201)
    assert first["id"] != other["id"]
    assert Dossier.objects.get(pk=other["id"]).applicant == world.citizen2


def test_a_failed_request_does_not_burn_its_key(world):
    client = client_for(world.citizen)
    key = str(uuid.uuid4())
    bad = client.post(DOSSIERS, {"procedure": "NOPE", "data": {}}, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert bad.status_code == 400
    good = client.post(DOSSIERS, {"procedure": "T.0001", "data": {}}, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert good.status_code == 201


@pytest.mark.parametrize("key", ["x" * 256, "khoá-có-dấu", " "])
def test_malformed_idempotency_key_is_a_400(world, key):
    response = client_for(world.citizen).post(
        DOSSIERS, {"procedure": "T.0001", "data": {}}, format="json", HTTP_IDEMPOTENCY_KEY=key
    )
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()
    assert not Dossier.objects.exists()


# --- patch and submit ----------------------------------------------------------------------------------------------


def test_patch_merges_answers_and_bumps_the_version(world):
    draft = create_draft(world, data={"full_name": "Nguyễn Văn An"})
    body = ok(
        client_for(world.citizen).patch(
            url(draft), {"data": {"national_id": "001203004567"}, "version": draft["version"]}, format="json"
        )
    )
    assert body["data"] == {"full_name": "Nguyễn Văn An", "national_id": "001203004567"}
    assert body["version"] == draft["version"] + 1


def test_patch_with_a_stale_version_is_a_conflict(world):
    draft = create_draft(world)
    client = client_for(world.citizen)
    ok(client.patch(url(draft), {"data": {"copies": 1}, "version": draft["version"]}, format="json"))
    response = client.patch(url(draft), {"data": {"copies": 2}, "version": draft["version"]}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "stale_version"


def test_patch_after_submission_is_a_conflict(world):
    dossier = submitted(world)
    response = client_for(world.citizen).patch(url(dossier), {"data": {"copies": 1}}, format="json")
    assert response.status_code == 409


def test_during_a_supplement_only_the_named_fields_may_change(world):
    dossier = ok(act(world.reception, accepted(world), "request_supplement", items=["Sửa số bản"], fields=["copies"]))
    client = client_for(world.citizen)
    refused = client.patch(url(dossier), {"data": {"full_name": "Người Khác"}}, format="json")
    assert refused.status_code == 400 and "full_name" in refused.json()
    ok(client.patch(url(dossier), {"data": {"copies": 5}}, format="json"))


def test_staff_may_not_patch_the_applicants_answers(world):
    dossier = submitted(world)
    response = client_for(world.reception).patch(url(dossier), {"data": {"copies": 1}}, format="json")
    assert response.status_code == 403


def test_submit_lists_every_missing_field_and_document(world):
    draft = create_draft(world, data={"copies": 1})
    response = client_for(world.citizen).post(url(draft, "submit/"), {}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert {"full_name", "national_id", "documents.declaration"} <= set(body["errors"])
    assert {"full_name", "national_id", "documents.declaration"} <= set(body)
    assert Dossier.objects.get(pk=draft["id"]).status == Status.DRAFT


def test_submit_with_a_stale_version_is_a_conflict(world):
    draft = create_draft(world)
    attach(draft, world.citizen)
    response = client_for(world.citizen).post(url(draft, "submit/"), {"version": draft["version"] + 1}, format="json")
    assert response.status_code == 409


def test_submit_twice_is_a_conflict(world):
    dossier = submitted(world)
    response = client_for(world.citizen).post(url(dossier, "submit/"), {}, format="json")
    assert response.status_code == 409


# --- lists -----------------------------------------------------------------------------------------------------------


def test_applicants_see_their_own_dossiers_newest_first(world):
    first = create_draft(world)
    second = submitted(world)
    create_draft(world, user=world.citizen2)
    body = ok(client_for(world.citizen).get(DOSSIERS))
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 2
    assert [row["id"] for row in body["results"]] == [second["id"], first["id"]]
    assert LIST_KEYS <= set(body["results"][0])


def test_staff_see_their_agencys_filed_dossiers_by_due_date(world):
    draft = create_draft(world)
    waiting = submitted(world)
    later = accepted(world)
    sooner = accepted(world)
    Dossier.objects.filter(pk=sooner["id"]).update(due_at=timezone.now() + timedelta(days=1))
    Dossier.objects.filter(pk=later["id"]).update(due_at=timezone.now() + timedelta(days=3))
    body = ok(client_for(world.reception).get(DOSSIERS))
    ids = [row["id"] for row in body["results"]]
    assert draft["id"] not in ids
    assert set(ids) == {waiting["id"], later["id"], sooner["id"]}
    assert ids.index(sooner["id"]) < ids.index(later["id"])
    assert ok(client_for(world.other_reception).get(DOSSIERS))["count"] == 0


def test_list_filters(world):
    draft = create_draft(world)
    waiting = submitted(world)
    late = accepted(world)
    Dossier.objects.filter(pk=late["id"]).update(due_at=timezone.now() - timedelta(days=2))
    citizen = client_for(world.citizen)

    def ids(query: str, client=citizen) -> set[str]:
        return {row["id"] for row in ok(client.get(DOSSIERS + query))["results"]}

    assert ids("?status=draft") == {draft["id"]}
    assert ids("?status=submitted,processing") == {waiting["id"], late["id"]}
    assert ids("?procedure=T.0001") == {draft["id"], waiting["id"], late["id"]}
    assert ids("?procedure=OTHER") == set()
    assert ids("?overdue=true") == {late["id"]}
    assert ids("?overdue=false") == {draft["id"], waiting["id"]}
    rows = ok(citizen.get(DOSSIERS + "?overdue=true"))["results"]
    assert rows[0]["overdue"] is True
    assert ids("?assigned=me", client_for(world.reception)) == {late["id"]}  # accepting assigns to the acceptor
    assert ids("?assigned=me", client_for(world.specialist)) == set()


def test_list_ordering(world):
    first = submitted(world)
    second = submitted(world)
    ordered = [row["id"] for row in ok(client_for(world.reception).get(DOSSIERS + "?ordering=-code"))["results"]]
    assert ordered == [second["id"], first["id"]]
    ordered = [row["id"] for row in ok(client_for(world.reception).get(DOSSIERS + "?ordering=code"))["results"]]
    assert ordered == [first["id"], second["id"]]


def test_list_is_paginated_and_follows_next_links(world):
    for _ in range(3):
        create_draft(world)
    client = client_for(world.citizen)
    page = ok(client.get(DOSSIERS + "?page_size=2"))
    assert page["count"] == 3 and len(page["results"]) == 2 and page["next"]
    rest = ok(client.get(page["next"]))
    assert len(rest["results"]) == 1 and rest["next"] is None


def test_list_shows_available_actions_per_caller(world):
    dossier = submitted(world)
    citizen_row = ok(client_for(world.citizen).get(DOSSIERS))["results"][0]
    reception_row = ok(client_for(world.reception).get(DOSSIERS))["results"][0]
    assert citizen_row["id"] == reception_row["id"] == dossier["id"]
    assert citizen_row["available_actions"] == ["withdraw"]
    assert {"accept", "refuse", "request_supplement"} <= set(reception_row["available_actions"])


# --- detail --------------------------------------------------------------------------------------------------------


def test_detail_shape_and_document_links(world):
    dossier = submitted(world)
    body = ok(client_for(world.citizen).get(url(dossier)))
    assert DETAIL_KEYS <= set(body)
    (document,) = body["documents"]
    assert set(document) >= {"id", "requirement", "name", "size", "content_type", "kind", "url"}
    assert document["requirement"] == "declaration" and document["content_type"] == "application/pdf"
    assert document["url"] == f"/api/v1/dossiers/{dossier['id']}/documents/{document['id']}/"


def test_internal_events_and_assignee_are_for_staff_only(world):
    dossier = accepted(world)
    dossier = ok(act(world.leader, dossier, "comment", comment="Kiểm tra kỹ giấy tờ"))
    dossier = ok(act(world.leader, dossier, "assign", assignee=world.specialist.pk))

    staff_view = ok(client_for(world.reception).get(url(dossier)))
    assert {"comment", "assign"} <= {entry["action"] for entry in staff_view["history"]}
    assert staff_view["assignee"] == {"id": world.specialist.pk, "name": world.specialist.full_name}

    applicant_view = ok(client_for(world.citizen).get(url(dossier)))
    actions = {entry["action"] for entry in applicant_view["history"]}
    assert not actions & {"comment", "assign"}
    assert "Kiểm tra kỹ giấy tờ" not in str(applicant_view)
    assert applicant_view["assignee"] is None


def test_staff_see_the_applicant_by_name(world):
    dossier = accepted(world)
    history = ok(client_for(world.reception).get(url(dossier)))["history"]
    assert history[0]["actor"] == world.citizen.full_name
    assert history[2]["actor"] == world.reception.full_name


def test_current_step_due_date_and_overdue_flag(world):
    dossier = accepted(world)
    Dossier.objects.filter(pk=dossier["id"]).update(due_at=timezone.now() - timedelta(hours=1))
    body = ok(client_for(world.citizen).get(url(dossier)))
    assert body["overdue"] is True
    assert body["current_step"]["name"] == "Tiếp nhận"
    assert ok(client_for(world.citizen).get(url(dossier) + "?lang=en"))["current_step"]["name"] == "Reception"


# --- authentication ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "method, suffix",
    [
        ("get", ""),
        ("post", ""),
        ("get", "{id}/"),
        ("patch", "{id}/"),
        ("post", "{id}/submit/"),
        ("post", "{id}/actions/"),
    ],
)
def test_anonymous_calls_get_401_json_never_a_redirect(world, api, method, suffix):
    dossier = create_draft(world)
    response = getattr(api, method)(DOSSIERS + suffix.format(id=dossier["id"]), {}, format="json")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "not_authenticated"
