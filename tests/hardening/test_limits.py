"""One WSGI cap on request bodies (413 before reading), per-user quotas and creation throttles."""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.bodylimit import BodySizeLimit
from portal.wsgi import application
from procedures.models import Dossier
from tests.api import DOSSIERS, attach, create_draft, url
from tests.conftest import PDF_BYTES, VALID_DATA, client_for


class Unreadable(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def call(app, path, *, length=None, body=None, chunked=False):
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body) if body is not None else Unreadable(),
        "wsgi.errors": io.StringIO(),
        "CONTENT_TYPE": "application/json",
    }
    if length is not None:
        environ["CONTENT_LENGTH"] = str(length)
    if chunked:
        environ["HTTP_TRANSFER_ENCODING"] = "chunked"
    captured = {}

    def start_response(status, headers, exc_info=None):
        captured["status"], captured["headers"] = int(status.split()[0]), dict(headers)

    payload = b"".join(app(environ, start_response))
    return captured["status"], captured["headers"], payload


@pytest.mark.parametrize("path", ["/accounts/login/", "/api/v1/dossiers/", "/ho-so/abc/giay-to/", "/_allauth/x"])
def test_the_deployed_application_answers_413_from_the_header_without_reading(db, path, settings):
    status, headers, payload = call(application, path, length=100 * 1024 * 1024)
    assert status == 413
    if path.startswith(("/api/", "/_allauth/")):
        assert headers["Content-Type"] == "application/json" and json.loads(payload)
    assert "50 MB" in payload.decode()


def test_a_chunked_body_is_capped_while_reading():
    seen = []

    def app(environ, start_response):
        seen.append(environ["wsgi.input"].read())
        start_response("200 OK", [])
        return [b"ok"]

    limited = BodySizeLimit(app, limit=1000)
    status, _headers, _payload = call(limited, "/api/v1/dossiers/", body=b"x" * 1001, chunked=True)
    assert status == 413 and not seen
    status, _headers, payload = call(limited, "/api/v1/dossiers/", body=b"x" * 1000, chunked=True)
    assert status == 200 and seen == [b"x" * 1000]


def test_a_body_under_the_cap_reaches_django(db):
    status, _headers, _payload = call(application, "/api/v1/dossiers/", length=2, body=b"{}")
    assert status in {401, 403}  # Django answered: not signed in


@pytest.mark.django_db
def test_open_drafts_are_capped_per_user_with_a_clear_message(world, settings):
    settings.MAX_OPEN_DRAFTS = 3
    for _ in range(3):
        create_draft(world)
    response = client_for(world.citizen).post(DOSSIERS, {"procedure": "T.0001", "data": VALID_DATA}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "quota_exceeded" and "nháp" in response.json()["detail"]
    assert Dossier.objects.filter(applicant=world.citizen).count() == 3
    create_draft(world, user=world.citizen2)  # another person's quota is their own


@pytest.mark.django_db
def test_stored_bytes_are_capped_per_user(world, settings):
    draft = create_draft(world)
    attach(draft, world.citizen)
    settings.MAX_USER_STORED_BYTES = len(PDF_BYTES) + 10
    upload = SimpleUploadedFile("b.pdf", PDF_BYTES, "application/pdf")
    response = client_for(world.citizen).post(url(draft, "documents/"), {"file": upload, "requirement": "declaration"})
    assert response.status_code == 409
    assert response.json()["code"] == "quota_exceeded"


@pytest.mark.django_db
def test_creating_drafts_is_throttled_per_user(world, settings):
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "dossier_create": "2/hour"}
    original = SimpleRateThrottle.THROTTLE_RATES
    SimpleRateThrottle.THROTTLE_RATES = rates
    try:
        client = client_for(world.citizen)
        for _ in range(2):
            assert client.post(DOSSIERS, {"procedure": "T.0001"}, format="json").status_code == 201
        response = client.post(DOSSIERS, {"procedure": "T.0001"}, format="json")
        assert response.status_code == 429
        assert "thử lại sau" in response.json()["detail"]
        assert client.get(DOSSIERS).status_code == 200  # reading is not throttled
    finally:
        SimpleRateThrottle.THROTTLE_RATES = original
