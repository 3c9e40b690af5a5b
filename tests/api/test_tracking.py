"""Public tracking by dossier code: status and dates for anyone, no personal data, throttled."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from rest_framework.throttling import ScopedRateThrottle

from tests.api import accepted, act, create_draft, ok, submitted
from tests.conftest import VALID_DATA, client_for

pytestmark = pytest.mark.django_db

TRACK = "/api/v1/track/{}/"
TRACK_KEYS = {
    "code",
    "procedure",
    "agency",
    "status",
    "submitted_at",
    "accepted_at",
    "due_at",
    "completed_at",
    "timeline",
}


def _throttle_key() -> str:
    # APIClient calls come from 127.0.0.1; the cache may be shared (Redis in CI), so only this key is reset.
    return ScopedRateThrottle.cache_format % {"scope": "tracking", "ident": "127.0.0.1"}


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.delete(_throttle_key())
    yield
    cache.delete(_throttle_key())


def test_anyone_can_track_a_filed_dossier(world, api):
    dossier = accepted(world)
    body = ok(api.get(TRACK.format(dossier["code"])))
    assert TRACK_KEYS <= set(body)
    assert body["code"] == dossier["code"] and body["status"] == "processing"
    assert body["procedure"] == {"code": "T.0001", "name": "Đăng ký khai sinh thử nghiệm"}
    assert body["agency"]["code"] == "000.00.12.H26"
    assert body["due_at"] == dossier["due_at"] and body["accepted_at"] == dossier["accepted_at"]
    assert [entry["status"] for entry in body["timeline"]] == ["submitted", "processing"]
    assert all(set(entry) == {"status", "at"} for entry in body["timeline"])


def test_tracking_shows_no_personal_data(world, api):
    world.citizen.national_id = "001099012345"
    world.citizen.phone = "0912345678"
    world.citizen.save()
    dossier = accepted(world)
    dossier = ok(act(world.leader, dossier, "comment", comment="Ghi chú nội bộ bí mật"))
    dossier = ok(act(world.leader, dossier, "assign", assignee=world.specialist.pk))
    dossier = ok(act(world.reception, dossier, "request_supplement", items=["Bản sao giấy tờ của Nguyễn Văn An"]))

    text = api.get(TRACK.format(dossier["code"])).content.decode()
    body = json.loads(text)
    secrets = [
        world.citizen.full_name,
        world.citizen.email,
        world.citizen.national_id,
        world.citizen.phone,
        VALID_DATA["national_id"],
        VALID_DATA["full_name"],
        dossier["id"],
        world.reception.email,
        world.specialist.email,
        world.specialist.full_name,
        world.leader.full_name,
        "Ghi chú nội bộ bí mật",
        "to-khai.pdf",
    ]
    for secret in secrets:
        assert secret not in text, secret
    assert "documents" not in body and "data" not in body and "history" not in body
    assert [entry["status"] for entry in body["timeline"]] == ["submitted", "processing", "supplement_requested"]


def test_being_logged_in_shows_nothing_more(world, api):
    dossier = accepted(world)
    anonymous = ok(api.get(TRACK.format(dossier["code"])))
    as_applicant = ok(client_for(world.citizen).get(TRACK.format(dossier["code"])))
    as_staff = ok(client_for(world.reception).get(TRACK.format(dossier["code"])))
    assert anonymous == as_applicant == as_staff


def test_codes_are_matched_case_insensitively(world, api):
    dossier = submitted(world)
    assert ok(api.get(TRACK.format(dossier["code"].lower())))["code"] == dossier["code"]


@pytest.mark.parametrize(
    "code", ["000.00.12.H26-000101-9999", "nonsense", "000.00.12.H26-261126", "%00", "x" * 200, "' OR 1=1 --"]
)
def test_unknown_codes_are_404(world, api, code):
    submitted(world)
    response = api.get(TRACK.format(code))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_drafts_cannot_be_tracked(world, api):
    draft = create_draft(world)
    assert draft["code"] is None
    assert api.get(TRACK.format(draft["id"])).status_code == 404


def test_completed_dossier_shows_its_completion(world, api):
    dossier = accepted(world)
    dossier = ok(act(world.reception, dossier, "forward"))
    dossier = ok(act(world.specialist, dossier, "forward"))
    dossier = ok(act(world.leader, dossier, "complete", outcome="denied"))
    body = ok(api.get(TRACK.format(dossier["code"])))
    assert body["status"] == "completed" and body["completed_at"] == dossier["completed_at"]
    assert [entry["status"] for entry in body["timeline"]] == ["submitted", "processing", "completed"]
    assert "outcome" not in body


def test_tracking_is_throttled(world, api, monkeypatch):
    dossier = submitted(world)
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"tracking": "3/min"})
    statuses = [api.get(TRACK.format(dossier["code"])).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = api.get(TRACK.format(dossier["code"]))
    assert response.status_code == 429 and response.json()["code"] == "throttled"
    assert "Retry-After" in response
