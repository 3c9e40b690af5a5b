"""Bad input on every endpoint of the procedures API gives a 4xx with a JSON body, never a 500.

Each case names the caller, the endpoint, the body and the status the contract promises (API.md: 400 bad input,
404 not found or not yours, 409 conflict, 415 for a body that is not JSON)."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from procedures.models import Dossier
from tests.api import DOSSIERS, accepted, at_step, create_draft, submitted, url
from tests.conftest import VALID_DATA, client_for, module_world

world = module_world()  # the tests only read the world

pytestmark = pytest.mark.django_db

RAW = object()  # marker: the body is sent as raw bytes with its own content type
DEEP = "[" * 100_000 + "]" * 100_000


def send(user, method: str, path: str, body, content_type: str | None = None):
    client = client_for(user)
    if content_type is not None:
        data = body.encode() if isinstance(body, str) else body
        return getattr(client, method)(path, data=data, content_type=content_type)
    return getattr(client, method)(path, body, format="json")


def check(response, expected: int):
    assert response.status_code != 500, response.content
    assert response.status_code == expected, (response.status_code, response.content[:500])
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body, "an error says what is wrong"
    return body


# --- POST /dossiers/ ------------------------------------------------------------------------------------------------

CREATE_RAW = [
    ("text/plain", "procedure=T.0001", 415),
    ("application/xml", "<dossier/>", 415),
    ("application/x-www-form-urlencoded", "procedure=T.0001", 415),
    ("application/json", "{not json", 400),
    ("application/json", "", 400),
    ("application/json", "[]", 400),
    ("application/json", '"T.0001"', 400),
    ("application/json", "null", 400),
    ("application/json", "42", 400),
    ("application/json", DEEP, 400),
    ("application/json", '{"procedure": "T.0001", "data": ' + "[" * 50_000 + "]" * 50_000 + "}", 400),
    ("application/json", b'{"procedure": "\xff\xfe"}', 400),
    ("application/json", '{"procedure": "T.0001", "data": {"copies": NaN}}', 400),
    ("application/json", '{"procedure": "T.0001", "data": {"copies": Infinity}}', 400),
    ("application/json", '{"procedure": "T.0001", "data": {"copies": 1' + "0" * 5000 + "}}", 400),
]


@pytest.mark.parametrize("content_type, body, expected", CREATE_RAW)
def test_create_with_a_body_that_is_not_a_json_object(world, content_type, body, expected):
    check(send(world.citizen, "post", DOSSIERS, body, content_type), expected)
    assert not Dossier.objects.exists()


CREATE_JSON = [
    {},
    {"data": VALID_DATA},
    {"procedure": None},
    {"procedure": ""},
    {"procedure": ["T.0001"]},
    {"procedure": {"code": "T.0001"}},
    {"procedure": "x" * 10_000},
    {"procedure": "NOPE.404"},
    {"procedure": "T.0001\x00"},
    {"procedure": "T.0001", "data": "full_name=An"},
    {"procedure": "T.0001", "data": ["full_name", "An"]},
    {"procedure": "T.0001", "data": 42},
    {"procedure": "T.0001", "data": None},
    {"procedure": "T.0001", "data": True},
    {"procedure": "T.0001", "data": {"unknown_field": 1}},
    {"procedure": "T.0001", "data": {f"k{i}": i for i in range(5000)}},
    {"procedure": "T.0001", "data": {"full_name": 12345}},
    {"procedure": "T.0001", "data": {"full_name": {"first": "An"}}},
    {"procedure": "T.0001", "data": {"full_name": ["An"]}},
    {"procedure": "T.0001", "data": {"full_name": "x" * 1_000_000}},
    {"procedure": "T.0001", "data": {"full_name": "An\x00"}},
    {"procedure": "T.0001", "data": {"national_id": "12"}},
    {"procedure": "T.0001", "data": {"national_id": 1203004567}},
    {"procedure": "T.0001", "data": {"copies": -5}},
    {"procedure": "T.0001", "data": {"copies": "abc"}},
    {"procedure": "T.0001", "data": {"copies": 10**30}},
    {"procedure": "T.0001", "data": {"copies": True}},
    {"procedure": "T.0001", "data": {}, "case": "no-such-case"},
    {"procedure": "T.0001", "data": {}, "case": ["late"]},
    {"procedure": "T.0001", "data": {}, "case": "x" * 500},
]


@pytest.mark.parametrize("body", CREATE_JSON, ids=[json.dumps(b)[:40] for b in CREATE_JSON])
def test_create_with_bad_fields(world, body):
    check(send(world.citizen, "post", DOSSIERS, body), 400)
    assert not Dossier.objects.exists()


# --- PATCH /dossiers/{id}/ -------------------------------------------------------------------------------------------

BAD_IDS = ["not-a-uuid", "123", str(uuid.uuid4()), "' OR '1'='1", "%00", "x" * 300]


@pytest.mark.parametrize("dossier_id", BAD_IDS)
@pytest.mark.parametrize(
    "method, suffix, body",
    [
        ("get", "", None),
        ("patch", "", {"data": {}}),
        ("post", "submit/", {}),
        ("post", "actions/", {"action": "accept", "version": 1}),
    ],
)
def test_unknown_or_malformed_ids_are_404(world, dossier_id, method, suffix, body):
    check(send(world.citizen, method, f"{DOSSIERS}{dossier_id}/{suffix}", body), 404)


PATCH_CASES = [
    ("text/plain", "copies=1", 415),
    ("application/json", "{oops", 400),
    ("application/json", "[]", 400),
    ("application/json", DEEP, 400),
    (None, {}, 400),
    (None, {"data": "copies=1"}, 400),
    (None, {"data": []}, 400),
    (None, {"data": None}, 400),
    (None, {"data": {}, "version": "abc"}, 400),
    (None, {"data": {}, "version": -1}, 400),
    (None, {"data": {}, "version": 0}, 400),
    (None, {"data": {}, "version": 1.5}, 400),
    (None, {"data": {}, "version": True}, 400),
    (None, {"data": {}, "version": 10**30}, 400),
    (None, {"data": {"copies": -1}}, 400),
    (None, {"data": {"national_id": "abc"}}, 400),
    (None, {"data": {"nope": 1}}, 400),
    (None, {"data": {"full_name": "x" * 200}}, 400),
    (None, {"data": {}, "version": 99}, 409),
]


@pytest.mark.parametrize("content_type, body, expected", PATCH_CASES)
def test_patch_with_bad_input(world, content_type, body, expected):
    draft = create_draft(world)
    check(send(world.citizen, "patch", url(draft), body, content_type), expected)
    assert Dossier.objects.get(pk=draft["id"]).version == draft["version"]


# --- POST /dossiers/{id}/submit/ -------------------------------------------------------------------------------------

SUBMIT_CASES = [
    ("text/plain", "submit", 415),
    ("application/json", "{", 400),
    ("application/json", "[1]", 400),
    (None, {"version": "x"}, 400),
    (None, {"version": -1}, 400),
    (None, {"version": [1]}, 400),
    (None, {"version": 10**30}, 400),
]


@pytest.mark.parametrize("content_type, body, expected", SUBMIT_CASES)
def test_submit_with_bad_input(world, content_type, body, expected):
    draft = create_draft(world)
    check(send(world.citizen, "post", url(draft, "submit/"), body, content_type), expected)
    assert Dossier.objects.get(pk=draft["id"]).status == "draft"


# --- POST /dossiers/{id}/actions/ ------------------------------------------------------------------------------------

V = "__version__"  # replaced by the dossier's current version
PAST_DAY = (timezone.now() - timedelta(days=30)).date().isoformat()

# (who, where the dossier is, body, expected status)
ACTION_CASES = [
    ("reception", 1, {}, 400),
    ("reception", 1, {"version": V}, 400),
    ("reception", 1, {"action": "forward"}, 400),
    ("reception", 1, {"action": "forward", "version": None}, 400),
    ("reception", 1, {"action": "forward", "version": "x"}, 400),
    ("reception", 1, {"action": "forward", "version": -3}, 400),
    ("reception", 1, {"action": 5, "version": V}, 400),
    ("reception", 1, {"action": ["forward"], "version": V}, 400),
    ("reception", 1, {"action": None, "version": V}, 400),
    ("reception", 1, {"action": "fly", "version": V}, 400),
    ("reception", 1, {"action": "FORWARD", "version": V}, 400),
    ("reception", 1, {"action": "x" * 10_000, "version": V}, 400),
    ("reception", 1, {"action": "request_supplement", "version": V}, 400),
    ("reception", 1, {"action": "request_supplement", "version": V, "items": "thiếu giấy tờ"}, 400),
    ("reception", 1, {"action": "request_supplement", "version": V, "items": []}, 400),
    ("reception", 1, {"action": "request_supplement", "version": V, "items": [""]}, 400),
    ("reception", 1, {"action": "request_supplement", "version": V, "items": [{"a": 1}]}, 400),
    ("reception", 1, {"action": "request_supplement", "version": V, "items": ["x" * 5000]}, 400),
    ("reception", 1, {"action": "request_supplement", "version": V, "items": ["x"] * 500}, 400),
    ("reception", 1, {"action": "request_supplement", "version": V, "items": ["ok"], "fields": ["nope"]}, 400),
    ("reception", 1, {"action": "request_supplement", "version": V, "items": ["ok"], "fields": "copies"}, 400),
    ("reception", 1, {"action": "request_supplement", "version": V, "items": ["ok"], "documents": ["nope"]}, 400),
    ("specialist", 1, {"action": "request_payment", "version": V}, 400),
    ("specialist", 1, {"action": "request_payment", "version": V, "amount": -5}, 400),
    ("specialist", 1, {"action": "request_payment", "version": V, "amount": 0}, 400),
    ("specialist", 1, {"action": "request_payment", "version": V, "amount": "abc"}, 400),
    ("specialist", 1, {"action": "request_payment", "version": V, "amount": 1.5}, 400),
    ("specialist", 1, {"action": "request_payment", "version": V, "amount": True}, 400),
    ("specialist", 1, {"action": "request_payment", "version": V, "amount": 10**20}, 400),
    ("reception", 1, {"action": "assign", "version": V, "assignee": "abc"}, 400),
    ("reception", 1, {"action": "assign", "version": V, "assignee": 10**30}, 400),
    ("reception", 1, {"action": "assign", "version": V, "assignee": 2**62}, 400),
    ("reception", 1, {"action": "assign", "version": V, "assignee": "citizen"}, 400),
    ("reception", 1, {"action": "assign", "version": V, "assignee": "other_specialist"}, 400),
    ("reception", 1, {"action": "comment", "version": V}, 400),
    ("reception", 1, {"action": "comment", "version": V, "comment": "   "}, 400),
    ("reception", 1, {"action": "comment", "version": V, "comment": "x" * 100_000}, 400),
    ("reception", 1, {"action": "comment", "version": V, "comment": "a\x00b"}, 400),
    ("reception", 1, {"action": "comment", "version": V, "comment": ["a"]}, 400),
    ("reception", 1, {"action": "deliver", "version": V, "channel": "pigeon"}, 400),
    ("reception", 1, {"action": "complete", "version": V, "outcome": "approved"}, 403),
    ("leader", 1, {"action": "complete", "version": V, "outcome": "approved"}, 409),
    ("reception", 1, {"action": "forward", "version": 999}, 409),
    ("leader", 3, {"action": "complete", "version": V}, 400),
    ("leader", 3, {"action": "complete", "version": V, "outcome": "maybe"}, 400),
    ("leader", 3, {"action": "send_back", "version": V}, 400),
    ("leader", 3, {"action": "stop", "version": V, "reason": ""}, 400),
    ("leader", 3, {"action": "extend", "version": V, "reason": "x"}, 400),
    ("leader", 3, {"action": "extend", "version": V, "due_at": "2099-01-05"}, 400),
    ("leader", 3, {"action": "extend", "version": V, "due_at": PAST_DAY, "reason": "x"}, 400),
    ("leader", 3, {"action": "extend", "version": V, "due_at": "2026-13-45", "reason": "x"}, 400),
    ("leader", 3, {"action": "extend", "version": V, "due_at": "yesterday", "reason": "x"}, 400),
    ("leader", 3, {"action": "extend", "version": V, "due_at": "31/12/2099", "reason": "x"}, 400),
    ("leader", 3, {"action": "extend", "version": V, "due_at": {"date": "2099-01-05"}, "reason": "x"}, 400),
    ("leader", 3, {"action": "extend", "version": V, "due_at": "9999-12-31T25:00:00", "reason": "x"}, 400),
]


def _materialise(world, body: dict, version: int) -> dict:
    resolved = {}
    for key, value in body.items():
        if value == V:
            value = version
        elif key == "assignee" and isinstance(value, str) and hasattr(world, value):
            value = getattr(world, value).pk
        resolved[key] = value
    return resolved


@pytest.mark.parametrize("who, step, body, expected", ACTION_CASES, ids=[json.dumps(c[2])[:50] for c in ACTION_CASES])
def test_actions_with_bad_input(world, who, step, body, expected):
    dossier = at_step(world, step)
    response = send(
        getattr(world, who), "post", url(dossier, "actions/"), _materialise(world, body, dossier["version"])
    )
    check(response, expected)
    assert Dossier.objects.get(pk=dossier["id"]).version == dossier["version"]


@pytest.mark.parametrize(
    "content_type, body, expected",
    [("text/plain", "action=accept", 415), ("application/json", "{", 400), ("application/json", DEEP, 400)],
)
def test_actions_with_a_body_that_is_not_json(world, content_type, body, expected):
    dossier = submitted(world)
    check(send(world.reception, "post", url(dossier, "actions/"), body, content_type), expected)


def test_applicant_action_with_bad_input(world):
    dossier = accepted(world)
    check(send(world.citizen, "post", url(dossier, "actions/"), {"action": "withdraw", "version": "latest"}), 400)


# --- query parameters -------------------------------------------------------------------------------------------------

LIST_QUERIES = [
    ("?overdue=maybe", 400),
    ("?ordering=bogus", 400),
    ("?ordering=-id", 400),
    ("?ordering=applicant__email", 400),
    ("?status=bogus", 400),
    ("?status=draft,bogus", 400),
    ("?assigned=you", 400),
    ("?procedure=" + "x" * 100, 400),
    ("?status=%00", 400),
    ("?procedure=T.0001%00", 400),
    ("?page=abc", 404),
    ("?page=9999", 404),
    ("?page=0", 404),
]


@pytest.mark.parametrize("user", ["citizen", "reception"])
@pytest.mark.parametrize("query, expected", LIST_QUERIES)
def test_dossier_list_rejects_bad_query_parameters(world, user, query, expected):
    submitted(world)
    check(client_for(getattr(world, user)).get(DOSSIERS + query), expected)


@pytest.mark.parametrize(
    "query", ["?page_size=abc", "?page_size=-1", "?page_size=100000", "?overdue=false&status=", "?overdue="]
)
def test_dossier_list_tolerates_odd_page_sizes(world, query):
    submitted(world)
    response = client_for(world.citizen).get(DOSSIERS + query)
    assert response.status_code == 200 and response.json()["count"] == 1


@pytest.mark.parametrize(
    "path, expected",
    [
        ("/api/v1/procedures/?online_level=bogus", 400),
        ("/api/v1/procedures/?q=" + "x" * 1000, 400),
        ("/api/v1/procedures/?q=%00", 400),
        ("/api/v1/procedures/?agency=%00", 400),
        ("/api/v1/procedures/?page=abc", 404),
        ("/api/v1/procedures/%00/", 404),
        ("/api/v1/procedures/" + "9" * 500 + "/", 404),
        ("/api/v1/units/?province=%00", 400),
        ("/api/v1/units/?province=" + "1" * 50, 400),
        ("/api/v1/track/%00/", 404),
        ("/api/v1/track/" + "A" * 1000 + "/", 404),
    ],
)
def test_public_endpoints_reject_bad_query_parameters(world, api, path, expected):
    check(api.get(path), expected)
