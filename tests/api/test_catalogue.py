"""The public catalogue and administrative units: search without diacritics, filters, the detail shape, languages."""

from __future__ import annotations

import pytest

from procedures.models import Agency, Procedure
from procedures.services.catalogue import procedure_import
from tests.api import ok
from tests.conftest import client_for, make_agency, make_user, module_world, procedure_template

world = module_world()  # the tests only read the world

pytestmark = pytest.mark.django_db

PROCEDURES = "/api/v1/procedures/"
UNITS = "/api/v1/units/"
DETAIL_KEYS = {
    "code",
    "name",
    "field",
    "agency",
    "online_level",
    "fee",
    "time_limit",
    "fields",
    "documents",
    "steps",
    "version",
}


@pytest.fixture
def catalogue(world):
    """Three procedures: birth registration (1.001193, agency A), criminal record (agency A), a partial one (B)."""
    birth = procedure_import(
        template=procedure_template(
            code="1.001193",
            name="Đăng ký khai sinh",
            name_en="Birth registration",
            description="Đăng ký sự kiện sinh",
            description_en="Registers a birth",
            legal_basis="Luật Hộ tịch 60/2014/QH13",
            result_name="Giấy khai sinh",
            version={
                "cases": [
                    {
                        "code": "late",
                        "name": "Đăng ký quá hạn",
                        "name_en": "Late registration",
                        "time_limit": {"value": "3", "unit": "working_days", "same_day_cutoff": None},
                        "fee": 8000,
                    }
                ],
                "fields": [
                    {
                        "key": "child_name",
                        "type": "text",
                        "label": "Họ và tên trẻ",
                        "label_en": "Child's name",
                        "required": True,
                        "max": 100,
                        "help": "Như trên giấy chứng sinh",
                        "help_en": "As on the certificate",
                    },
                    {
                        "key": "sex",
                        "type": "select",
                        "label": "Giới tính",
                        "label_en": "Sex",
                        "required": True,
                        "options": [
                            {"value": "male", "label": "Nam", "label_en": "Male"},
                            {"value": "female", "label": "Nữ", "label_en": "Female"},
                        ],
                    },
                    {"key": "has_father", "type": "checkbox", "label": "Có thông tin cha", "label_en": "Father known"},
                    {
                        "key": "father_name",
                        "type": "text",
                        "label": "Họ tên cha",
                        "label_en": "Father's name",
                        "visible_if": {"field": "has_father", "equals": True},
                    },
                    {
                        "key": "witnesses",
                        "type": "group",
                        "label": "Người làm chứng",
                        "label_en": "Witnesses",
                        "fields": [
                            {"key": "name", "type": "text", "label": "Họ tên", "label_en": "Name", "required": True}
                        ],
                    },
                ],
            },
        ),
        agency=world.agency,
    )
    record = procedure_import(
        template=procedure_template(
            code="2.000001",
            name="Cấp Phiếu lý lịch tư pháp",
            name_en="Criminal record certificate",
            field={"code": "tu-phap", "name": "Lý lịch tư pháp", "name_en": "Judicial records"},
        ),
        agency=world.agency,
    )
    other_agency = make_agency("000.00.20.H26", "UBND xã Thử Nghiệm")
    for role in ("reception", "specialist", "leader"):
        make_user(f"{role}@xa.example.org", agency=other_agency, roles=[role])
    partial = procedure_import(
        template=procedure_template(
            code="3.000001", name="Đăng ký kết hôn", name_en="Marriage registration", online_level="partial"
        ),
        agency=other_agency,
    )
    return {"birth": birth, "record": record, "partial": partial, "agency_b": other_agency}


def codes(response) -> set[str]:
    return {row["code"] for row in ok(response)["results"]}


def test_the_catalogue_is_public_and_paginated(catalogue, api):
    body = ok(api.get(PROCEDURES))
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 4  # three above plus the world's T.0001
    row = next(r for r in body["results"] if r["code"] == "1.001193")
    assert row["name"] == "Đăng ký khai sinh"
    assert row["agency"] == {"code": "000.00.12.H26", "name": "UBND phường Ba Đình"}
    assert row["field"] == {"code": "ho-tich", "name": "Hộ tịch"}
    assert row["fee"] == 50000 and row["online_level"] == "full" and row["version"] == 1
    assert row["time_limit"] == {"value": 5, "unit": "working_days", "same_day_cutoff": None}


@pytest.mark.parametrize(
    "q, expected",
    [
        ("dang ky khai sinh", {"1.001193", "T.0001"}),
        ("Đăng ký khai sinh", {"1.001193", "T.0001"}),
        ("ĐĂNG KÝ", {"1.001193", "T.0001", "3.000001"}),
        ("DANG KY KET HON", {"3.000001"}),
        ("ly lich tu phap", {"2.000001"}),
        ("1.001193", {"1.001193"}),
        ("t.0001", {"T.0001"}),
        ("birth registration", {"1.001193", "T.0001"}),
        ("marriage", {"3.000001"}),
        ("khai sinh kết hôn", set()),
        ("   ", {"1.001193", "2.000001", "3.000001", "T.0001"}),
    ],
)
def test_search_ignores_case_and_diacritics(catalogue, api, q, expected):
    assert codes(api.get(PROCEDURES, {"q": q})) == expected


def test_filters(catalogue, api):
    assert codes(api.get(PROCEDURES, {"agency": "000.00.20.H26"})) == {"3.000001"}
    assert codes(api.get(PROCEDURES, {"field": "tu-phap"})) == {"2.000001"}
    assert codes(api.get(PROCEDURES, {"online_level": "partial"})) == {"3.000001"}
    assert codes(api.get(PROCEDURES, {"q": "dang ky", "agency": "000.00.12.H26"})) == {"1.001193", "T.0001"}
    assert codes(api.get(PROCEDURES, {"agency": "999.99.99.X99"})) == set()


def test_inactive_or_unpublished_procedures_are_hidden(catalogue, api):
    Procedure.objects.filter(code="2.000001").update(is_active=False)
    assert "2.000001" not in codes(api.get(PROCEDURES))
    assert api.get(PROCEDURES + "2.000001/").status_code == 404


def test_page_size_and_next_links(catalogue, api):
    first = ok(api.get(PROCEDURES, {"page_size": 3}))
    assert len(first["results"]) == 3 and first["next"] and first["previous"] is None
    second = ok(api.get(first["next"]))
    assert len(second["results"]) == 1 and second["next"] is None
    seen = {r["code"] for r in first["results"]} | {r["code"] for r in second["results"]}
    assert len(seen) == 4


def test_detail_of_a_code_with_dots(catalogue, api):
    body = ok(api.get(PROCEDURES + "1.001193/"))
    assert DETAIL_KEYS <= set(body)
    assert body["code"] == "1.001193" and body["version"] == 1
    assert body["description"] == "Đăng ký sự kiện sinh" and body["legal_basis"] and body["result_name"]
    assert body["applicant_types"] == ["citizen"]
    assert body["time_limit"] == {"value": 5, "unit": "working_days", "same_day_cutoff": None}
    assert body["steps"] == [
        {
            "index": 1,
            "name": "Tiếp nhận",
            "name_en": "Reception",
            "role": "reception",
            "department": "one-stop",
            "department_name": "Bộ phận Một cửa",
            "allotted_days": 1,
        },
        {
            "index": 2,
            "name": "Thẩm định",
            "name_en": "Appraisal",
            "role": "specialist",
            "department": "justice",
            "department_name": "Tư pháp - Hộ tịch",
            "allotted_days": 2,
        },
        {
            "index": 3,
            "name": "Phê duyệt",
            "name_en": "Approval",
            "role": "leader",
            "department": "leadership",
            "department_name": "Lãnh đạo UBND",
            "allotted_days": 2,
        },
    ]
    (document,) = body["documents"]
    assert {"code", "name", "required", "copy_type", "accept", "max_bytes"} <= set(document)
    assert document["accept"] == ["application/pdf", "image/png", "image/jpeg"] and document["required"] is True
    (case,) = body["cases"]
    assert case["code"] == "late" and case["fee"] == 8000 and case["time_limit"]["value"] == 3


def test_form_fields_in_vietnamese_by_default(catalogue, api):
    fields = {f["key"]: f for f in ok(api.get(PROCEDURES + "1.001193/"))["fields"]}
    assert fields["child_name"]["label"] == "Họ và tên trẻ" and fields["child_name"]["label_en"] == "Child's name"
    assert fields["child_name"]["required"] is True and fields["child_name"]["max"] == 100
    assert fields["child_name"]["help"] == "Như trên giấy chứng sinh"
    assert fields["sex"]["options"][0] == {"value": "male", "label": "Nam", "label_en": "Male"}
    assert fields["father_name"]["visible_if"] == {"field": "has_father", "equals": True}
    assert fields["father_name"]["required"] is False
    assert fields["witnesses"]["fields"][0]["label"] == "Họ tên"


@pytest.mark.parametrize("how", ["header", "query"])
def test_form_fields_in_english_on_request(catalogue, api, how):
    if how == "header":
        response = api.get(PROCEDURES + "1.001193/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    else:
        response = api.get(PROCEDURES + "1.001193/?lang=en")
    body = ok(response)
    fields = {f["key"]: f for f in body["fields"]}
    assert body["name"] == "Birth registration" and body["description"] == "Registers a birth"
    assert fields["child_name"]["label"] == "Child's name" and fields["child_name"]["help"] == "As on the certificate"
    assert fields["sex"]["options"][1]["label"] == "Female"
    assert fields["witnesses"]["fields"][0]["label"] == "Name"
    assert body["steps"][0]["name"] == "Reception" and body["documents"][0]["name"] == "Declaration"
    assert body["cases"][0]["name"] == "Late registration"
    assert body["field"]["name"] == "Civil status"


def test_query_language_wins_over_the_header(catalogue, api):
    body = ok(api.get(PROCEDURES + "1.001193/?lang=vi", HTTP_ACCEPT_LANGUAGE="en"))
    assert body["name"] == "Đăng ký khai sinh"


def test_unknown_procedure_is_404_json(catalogue, api):
    response = api.get(PROCEDURES + "9.999999/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_the_catalogue_works_for_logged_in_users_too(catalogue, world):
    assert ok(client_for(world.citizen).get(PROCEDURES))["count"] == 4
    assert Agency.objects.count() == 3


# --- administrative units --------------------------------------------------------------------------------------------


def test_provinces(api):
    rows = ok(api.get(UNITS))
    assert len(rows) == 34
    assert all(set(row) == {"code", "name"} for row in rows)
    assert {"code": "01", "name": "Thành phố Hà Nội"} in rows


@pytest.mark.parametrize("province", ["01", "1"])
def test_communes_of_a_province(api, province):
    rows = ok(api.get(UNITS, {"province": province}))
    assert {"code": "00070", "name": "Phường Hoàn Kiếm"} in rows
    assert all(set(row) == {"code", "name"} for row in rows)


@pytest.mark.parametrize("province", ["99", "zz", "00070", "0" * 10])
def test_unknown_province_is_a_400_with_a_message(api, province):
    response = api.get(UNITS, {"province": province})
    assert response.status_code == 400
    assert province in response.json()["province"][0]


def test_applicant_type_filter_on_postgresql(catalogue, api):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("selectors.procedure_list filters applicant_type with JSON containment, PostgreSQL only")
    assert codes(api.get(PROCEDURES, {"applicant_type": "business"})) == set()
    assert "1.001193" in codes(api.get(PROCEDURES, {"applicant_type": "citizen"}))
