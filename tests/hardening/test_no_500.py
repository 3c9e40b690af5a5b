"""Inputs that used to end in a 500 (issue 14): each is refused with a 4xx at its root."""

from __future__ import annotations

import io

import pytest
from django.test import Client

from portal import jsonsafe
from procedures import formschema
from procedures.models import Dossier
from tests.api import DOSSIERS, at_step, create_draft, url
from tests.conftest import VALID_DATA, client_for

pytestmark = pytest.mark.django_db


def anonymous() -> Client:
    return Client(raise_request_exception=False)


@pytest.mark.parametrize(
    "path, expected",
    [
        ("/?q=%00", 400),
        ("/thu-tuc/%00/", 404),
        ("/track/ab%00cd/", 404),
        ("/thong-ke/?agency=%00", 400),
        ("/api/v1/stats/overview/?agency=%00", 400),
        ("/api/v1/procedures/?q=a%00b", 400),
        ("/api/v1/dossiers/%00/", 404),
    ],
)
def test_a_nul_in_the_path_or_query_is_refused_before_any_view(world, path, expected):
    # PostgreSQL text cannot hold NUL: before this, these reached lookups and failed there (500).
    response = anonymous().get(path)
    assert response.status_code == expected, (path, response.status_code)
    if path.startswith("/api/"):
        assert response.json()["detail"]


def test_a_tracking_code_that_cannot_be_one_is_not_found_not_a_500(world):
    response = anonymous().get("/tra-cuu/?code=a/b")
    assert response.status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        "from=0001-01-01&to=0001-01-31",
        "from=0001-01-02&to=0001-01-03",
        "from=9999-12-01&to=9999-12-31",
        "from=9998-02-01&to=9999-12-31",
    ],
)
@pytest.mark.parametrize("base", ["/api/v1/stats/overview/", "/thong-ke/"])
def test_statistics_periods_near_year_1_or_9999_are_refused(world, base, query):
    response = anonymous().get(f"{base}?{query}")
    assert response.status_code == 400, (base, query, response.status_code)


@pytest.mark.parametrize(
    "body",
    [
        '{"procedure": "T.0001", "data": {"full_name": "\\ud800"}}',
        '{"procedure": "T.0001", "data": {"\\udfff": 1}}',
        '{"procedure": "T.0001\\ud800"}',
        '{"procedure": "T.0001", "data": {"full_name": "An\\u0000"}}',
    ],
)
@pytest.mark.parametrize("key", [None, "retry-1"])
def test_a_lone_surrogate_or_nul_in_json_is_a_400(world, body, key):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    response = client_for(world.citizen).post(DOSSIERS, data=body.encode(), content_type="application/json", **headers)
    assert response.status_code == 400, response.content
    assert response.json()["detail"]
    assert not Dossier.objects.exists()


def test_a_surrogate_in_an_action_name_is_a_400(world):
    draft = create_draft(world)
    body = '{"action": "\\ud800", "version": ' + str(draft["version"]) + "}"
    response = client_for(world.citizen).post(url(draft, "actions/"), data=body, content_type="application/json")
    assert response.status_code == 400


def test_the_strict_reader_refuses_what_python_json_accepts():
    for text in ['"\\ud800"', '{"a": NaN}', "[" * 70 + "]" * 70, "[" * 5000 + "]" * 5000, '"\\u0000"']:
        with pytest.raises(jsonsafe.InvalidJSON):
            jsonsafe.loads(text)
    assert jsonsafe.loads('{"a": ["Nguyễn", 1.5]}') == {"a": ["Nguyễn", 1.5]}


@pytest.mark.parametrize("due", ["9999-12-31T23:59:59-12:00", "9999-12-31T23:59:59+14:00", "9999-12-31", "0001-01-01"])
def test_an_extension_to_an_absurd_date_is_refused(world, due):
    dossier = at_step(world, 3)
    body = {"action": "extend", "version": dossier["version"], "due_at": due, "reason": "Cần xác minh"}
    response = client_for(world.leader).post(url(dossier, "actions/"), body, format="json")
    assert response.status_code == 400, response.content
    assert Dossier.objects.get(pk=dossier["id"]).due_at.year < 2100


def test_an_extension_beyond_a_year_is_refused(world):
    dossier = at_step(world, 3)
    body = {"action": "extend", "version": dossier["version"], "due_at": "2099-06-01", "reason": "Cần xác minh"}
    response = client_for(world.leader).post(url(dossier, "actions/"), body, format="json")
    assert response.status_code == 400
    assert "due_at" in response.json()


def test_too_many_fields_or_files_on_upload_is_a_400(world):
    draft = create_draft(world)
    client = client_for(world.citizen)
    fields = {f"f{i}": "x" for i in range(1001)}
    response = client.post(url(draft, "documents/"), {**fields, "requirement": "declaration"})
    assert response.status_code == 400, response.status_code
    assert response.json()["detail"]
    files = {f"file{i}": io.BytesIO(b"%PDF-1.4") for i in range(101)}
    response = client.post(url(draft, "documents/"), {**files, "requirement": "declaration"})
    assert response.status_code == 400, response.status_code
    assert response.json()["detail"]


LOGIN = "/_allauth/browser/v1/auth/login"


@pytest.mark.parametrize(
    "content_type, body, expected",
    [
        ("application/json", '{"email": ' + "[" * 1000 + "]" * 1000 + "}", 400),
        ("application/json", b'{"email": "\xff\xfe"}', 400),
        ("application/json", '{"email": "\\ud800", "password": "x"}', 400),
        ("application/json", "[1, 2]", 400),
        ("application/x-www-form-urlencoded", "email=a&password=b", 415),
        ("application/json", "x" * (6 * 1024 * 1024), 413),
    ],
)
def test_allauth_answers_json_for_any_unreadable_body(world, content_type, body, expected):
    response = anonymous().post(LOGIN, data=body, content_type=content_type)
    assert response.status_code == expected
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["errors"][0]["message"]


def test_allauth_login_still_works(world):
    response = anonymous().post(
        LOGIN, {"email": "citizen@example.org", "password": "demo-Portal-2026"}, content_type="application/json"
    )
    # The body reached allauth, which checked the password (the address is not verified yet: a pending flow).
    assert response.status_code == 401, response.content
    assert {"id": "verify_email", "is_pending": True} in response.json()["data"]["flows"]


def test_a_deeply_nested_template_import_is_refused_with_a_message(world, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from citizens.roles import Role
    from tests.conftest import make_user

    admin = make_user("admin.editor@example.org", agency=world.agency, roles=[Role.AGENCY_ADMIN])
    client = Client(raise_request_exception=False)
    client.force_login(admin)
    nested = ('{"code": "T.9", "version": ' + "[" * 5000 + "]" * 5000 + "}").encode()
    response = client.post(
        "/quan-tri-thu-tuc/nhap-mau/",
        {"file": SimpleUploadedFile("t.json", nested, "application/json"), "agency": world.agency.identity_code},
    )
    assert response.status_code == 302


def test_integer_number_fields_refuse_fractions():
    copies = {"key": "copies", "type": "number", "label": "Số bản sao", "min": 0, "max": 10, "integer": True}
    assert formschema.validate_data([copies], {"copies": 1.5})
    assert formschema.validate_data([copies], {"copies": "1.5"})
    assert not formschema.validate_data([copies], {"copies": 2})
    area = {"key": "area", "type": "number", "label": "Diện tích", "max": 1000}
    assert not formschema.validate_data([area], {"area": 120.5})


def test_the_catalogue_counts_copies_in_whole_numbers():
    from procedures.demo.catalogue import PROCEDURES

    copies = [f for p in PROCEDURES for f in p["version"]["fields"] if f["key"] == "copies"]
    assert copies and all(f.get("integer") is True for f in copies)


def test_dates_are_bounded():
    dob = {"key": "dob", "type": "date", "label": "Ngày sinh"}
    assert formschema.validate_data([dob], {"dob": "9999-12-31"})
    assert formschema.validate_data([dob], {"dob": "0001-01-01"})
    assert not formschema.validate_data([dob], {"dob": "1990-05-17"})


def test_a_dossier_with_one_and_a_half_copies_is_refused(world):
    from procedures.services.catalogue import procedure_import
    from tests.conftest import procedure_template

    template = procedure_template("T.0002")
    fields = template["version"]["fields"]
    template["version"]["fields"] = [{**f, "integer": True} if f["key"] == "copies" else f for f in fields]
    procedure_import(template=template, agency=world.agency)
    client = client_for(world.citizen)
    response = client.post(DOSSIERS, {"procedure": "T.0002", "data": {**VALID_DATA, "copies": 1.5}}, format="json")
    assert response.status_code == 400
    assert "copies" in str(response.json())
    response = client.post(DOSSIERS, {"procedure": "T.0002", "data": {**VALID_DATA, "copies": 2}}, format="json")
    assert response.status_code == 201
