"""Versions: published ones are immutable, drafts copy the current one, dossiers in flight keep their version, the diff
between versions; and one schema validating API submissions (every type, conditions, repeatable groups)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from procedures.errors import InvalidInput
from procedures.models import Dossier, ProcedureStep, ProcedureVersion, VersionStatus
from procedures.services.catalogue import procedure_import, version_export, version_publish
from procedures.services.dossiers import dossier_create
from procedures.services.versions import (
    version_diff,
    version_draft_create,
    version_draft_discard,
    version_draft_update,
)
from tests.conftest import VALID_DATA, client_for, procedure_template

pytestmark = pytest.mark.django_db

DOSSIERS = "/api/v1/dossiers/"


# --- immutability ---------------------------------------------------------------------------------------------


def test_published_version_refuses_saves(world):
    version = ProcedureVersion.objects.get(pk=world.version.pk)
    version.fee = 1
    with pytest.raises(ValidationError):
        version.save()
    assert ProcedureVersion.objects.get(pk=world.version.pk).fee == 50000


def test_draft_services_refuse_published_versions(world):
    with pytest.raises(InvalidInput):
        version_draft_update(version=world.version, changes={"fee": 1})
    with pytest.raises(InvalidInput):
        version_draft_discard(version=world.version)
    assert ProcedureVersion.objects.filter(pk=world.version.pk).exists()


def test_draft_copies_the_current_version_and_publishing_retires_the_old_one(world):
    draft = version_draft_create(procedure=world.procedure)
    assert draft.number == 2 and draft.status == VersionStatus.DRAFT
    assert version_export(draft) == version_export(world.version)
    assert version_draft_create(procedure=world.procedure) == draft  # one open draft at a time
    draft = version_draft_update(version=draft, changes={"fee": 80000})
    version_publish(version=draft)
    world.procedure.refresh_from_db()
    world.version.refresh_from_db()
    assert world.procedure.current_version == draft
    assert world.version.status == VersionStatus.RETIRED
    # The retired version's content is intact.
    assert world.version.fee == 50000 and world.version.steps.count() == 3


def test_draft_of_a_procedure_without_versions_starts_empty(world):
    from procedures.models import Procedure

    procedure = Procedure.objects.create(
        code="T.0404", name="Thủ tục mới", field=world.procedure.field, agency=world.agency, online_level="full"
    )
    draft = version_draft_create(procedure=procedure)
    assert draft.number == 1 and draft.form_fields == [] and not draft.steps.exists()
    with pytest.raises(InvalidInput) as caught:
        version_publish(version=draft)
    assert any("ít nhất một bước" in p for p in caught.value.errors["version"])


def test_dossier_in_flight_keeps_its_version(world):
    dossier = dossier_create(applicant=world.citizen, procedure_code="T.0001", data=VALID_DATA)
    old = world.version
    # Version 2 drops "copies", renames the name field and makes a new field required.
    draft = version_draft_create(procedure=world.procedure)
    fields = [f for f in draft.form_fields if f["key"] != "copies"] + [
        {"key": "email", "type": "email", "label": "Thư điện tử", "required": True}
    ]
    version_draft_update(version=draft, changes={"fields": fields})
    version_publish(version=draft)

    dossier.refresh_from_db()
    assert dossier.procedure_version_id == old.pk
    assert ProcedureStep.objects.filter(version=old).count() == 3
    client = client_for(world.citizen)
    # Validation still uses the old fields: "copies" is accepted, the new "email" is not required.
    response = client.patch(f"{DOSSIERS}{dossier.pk}/", {"data": {"copies": 3}}, format="json")
    assert response.status_code == 200, response.json()
    response = client.patch(f"{DOSSIERS}{dossier.pk}/", {"data": {"copies": 99}}, format="json")
    assert response.status_code == 400 and "copies" in response.json()
    # A new dossier gets the new version.
    new = dossier_create(applicant=world.citizen, procedure_code="T.0001", data={})
    assert new.procedure_version_id == draft.pk
    assert Dossier.objects.get(pk=dossier.pk).procedure_version.number == 1


# --- diff -------------------------------------------------------------------------------------------------------


def test_diff_names_fields_documents_steps_limits_and_fee(world):
    draft = version_draft_create(procedure=world.procedure)
    spec = version_export(draft)
    fields = [f for f in spec["fields"] if f["key"] != "copies"]
    fields[1] = {**fields[1], "label": "Họ, chữ đệm và tên"}
    fields.append({"key": "note", "type": "textarea", "label": "Ghi chú"})
    steps = spec["steps"][:2] + [{**spec["steps"][2], "allotted_days": "1"}]
    documents = [{**spec["documents"][0], "required": False}, {**spec["documents"][0], "code": "photo"}]
    draft = version_draft_update(
        version=draft,
        changes={
            "fields": fields,
            "steps": steps,
            "documents": documents,
            "fee": 0,
            "time_limit": {"value": "4", "unit": "working_days", "same_day_cutoff": None},
        },
    )
    diff = version_diff(world.version, draft)
    assert [f["key"] for f in diff["fields"]["added"]] == ["note"]
    assert [f["key"] for f in diff["fields"]["removed"]] == ["copies"]
    changed = diff["fields"]["changed"][0]
    assert changed["key"] == "full_name" and changed["changes"][0]["attr"] == "label"
    assert [d["code"] for d in diff["documents"]["added"]] == ["photo"]
    assert diff["documents"]["changed"][0]["changes"] == [{"attr": "required", "old": True, "new": False}]
    assert diff["steps"] == [
        {
            "position": 3,
            "kind": "changed",
            "old": spec["steps"][2],
            "new": steps[2],
            "changes": [{"attr": "allotted_days", "old": "2", "new": "1"}],
        }
    ]
    settings = {s["attr"]: (s["old"], s["new"]) for s in diff["settings"]}
    assert settings == {"fee": (50000, 0), "time_limit.value": ("5", "4")}
    assert not diff["empty"]
    assert version_diff(world.version, world.version)["empty"]


def test_diff_sees_group_sub_fields(world):
    group = {
        "key": "members",
        "type": "group",
        "label": "Thành viên",
        "fields": [{"key": "name", "type": "text", "label": "Tên", "required": True}],
    }
    first = procedure_import(template=procedure_template("T.0600", version={"fields": [group]}), agency=world.agency)
    old = first.current_version
    group2 = {**group, "fields": [*group["fields"], {"key": "age", "type": "number", "label": "Tuổi"}]}
    new = procedure_import(template=procedure_template("T.0600", version={"fields": [group2]}), agency=world.agency)
    diff = version_diff(old, new.current_version)
    assert [f["key"] for f in diff["fields"]["added"]] == ["members.age"]


# --- one schema through the API -------------------------------------------------------------------------------

ALL_TYPES = [
    {"key": "h", "type": "heading", "label": "Thông tin"},
    {"key": "name", "type": "text", "label": "Họ tên", "required": True, "min": 2, "max": 20},
    {"key": "code", "type": "text", "label": "Mã hồ sơ cũ", "pattern": "[A-Z]{2}[0-9]{3}"},
    {"key": "about", "type": "textarea", "label": "Mô tả", "max": 30},
    {"key": "area", "type": "number", "label": "Diện tích", "required": True, "min": 10, "max": 500},
    {"key": "born", "type": "date", "label": "Ngày sinh", "required": True, "max": "today"},
    {
        "key": "kind",
        "type": "select",
        "label": "Loại",
        "required": True,
        "options": [{"value": "new", "label": "Cấp mới"}, {"value": "renew", "label": "Cấp lại"}],
    },
    {
        "key": "langs",
        "type": "multiselect",
        "label": "Ngôn ngữ",
        "options": [{"value": "vi", "label": "Tiếng Việt"}, {"value": "en", "label": "Tiếng Anh"}],
    },
    {"key": "agree", "type": "checkbox", "label": "Cam đoan", "required": True},
    {"key": "email", "type": "email", "label": "Thư điện tử"},
    {"key": "phone", "type": "phone", "label": "Điện thoại"},
    {"key": "cid", "type": "national_id", "label": "Số định danh", "required": True},
    {"key": "home", "type": "address", "label": "Nơi cư trú", "required": True},
    {
        "key": "old_number",
        "type": "text",
        "label": "Số giấy phép cũ",
        "required": True,
        "visible_if": {"field": "kind", "equals": "renew"},
    },
    {
        "key": "members",
        "type": "group",
        "label": "Thành viên",
        "max": 2,
        "fields": [
            {"key": "m_name", "type": "text", "label": "Tên thành viên", "required": True},
            {"key": "m_cid", "type": "national_id", "label": "Số định danh thành viên", "required": True},
        ],
    },
]


@pytest.fixture
def typed(world):
    procedure_import(template=procedure_template("T.0700", version={"fields": ALL_TYPES}), agency=world.agency)
    return client_for(world.citizen)


def _valid():
    from procedures import units

    province = units.provinces()[0]
    commune = units.communes(province["code"])[0]
    return {
        "name": "Nguyễn An",
        "area": 120,
        "born": "1990-05-01",
        "kind": "new",
        "langs": ["vi"],
        "agree": True,
        "email": "an@example.org",
        "phone": "0912345678",
        "cid": "001203004567",
        "home": {"province": province["code"], "commune": commune["code"], "street": "1 Tràng Tiền"},
        "members": [{"m_name": "Bình", "m_cid": "001203004568"}],
    }


BAD_VALUES = [
    ("name", "A", "name"),
    ("code", "ab123", "code"),
    ("about", "x" * 31, "about"),
    ("area", 5, "area"),
    ("area", "many", "area"),
    ("born", "2999-01-01", "born"),
    ("born", "01/05/1990", "born"),
    ("kind", "other", "kind"),
    ("langs", ["fr"], "langs"),
    ("agree", "maybe", "agree"),
    ("email", "not-an-email", "email"),
    ("phone", "12345", "phone"),
    ("cid", "12345", "cid"),
    ("home", {"province": "99999", "commune": "1"}, "home"),
    ("members", [{"m_name": "A", "m_cid": "1"}], "members.0.m_cid"),
    ("members", [{"m_name": "A", "m_cid": "001203004567"}] * 3, "members"),
    ("members", "not a list", "members"),
]


@pytest.mark.parametrize("key,value,path", BAD_VALUES, ids=[f"{k}-{i}" for i, (k, _v, _p) in enumerate(BAD_VALUES)])
def test_api_refuses_a_bad_value_naming_the_field(world, typed, key, value, path):
    labels = {f["key"]: f["label"] for f in ALL_TYPES} | {"m_cid": "Số định danh thành viên"}
    response = typed.post(DOSSIERS, {"procedure": "T.0700", "data": {**_valid(), key: value}}, format="json")
    assert response.status_code == 400, response.json()
    body = response.json()
    matching = [k for k in body.get("errors", body) if k == path or k.startswith(f"{path}.")]
    assert matching, body
    message = " ".join(str(m) for k in matching for m in (body.get("errors", body)[k]))
    label = labels[path.split(".")[-1]] if "." in path and path.split(".")[-1] in labels else labels[key]
    assert label in message or path in message, message


def test_valid_data_passes_create_patch_and_submit(world, typed):
    response = typed.post(DOSSIERS, {"procedure": "T.0700", "data": _valid()}, format="json")
    assert response.status_code == 201, response.json()
    dossier_id = response.json()["id"]
    response = typed.patch(f"{DOSSIERS}{dossier_id}/", {"data": {"area": "130"}}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["data"]["area"] == 130  # normalised by the schema
    _attach(typed, dossier_id)
    response = typed.post(f"{DOSSIERS}{dossier_id}/submit/", {}, format="json")
    assert response.status_code == 200, response.json()


def _attach(client, dossier_id):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.conftest import PDF_BYTES

    upload = SimpleUploadedFile("d.pdf", PDF_BYTES, content_type="application/pdf")
    response = client.post(f"{DOSSIERS}{dossier_id}/documents/", {"requirement": "declaration", "file": upload})
    assert response.status_code == 201, response.content


def test_conditional_requirement_and_group_items_are_checked_on_submit(world, typed):
    data = {**_valid(), "kind": "renew", "members": [{"m_name": "Bình"}]}
    data.pop("agree")
    response = typed.post(DOSSIERS, {"procedure": "T.0700", "data": data}, format="json")
    assert response.status_code == 201, response.json()  # drafts skip required checks
    dossier_id = response.json()["id"]
    _attach(typed, dossier_id)
    response = typed.post(f"{DOSSIERS}{dossier_id}/submit/", {}, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {"old_number", "agree", "members.0.m_cid"} <= set(errors), errors
    assert "Số giấy phép cũ" in " ".join(errors["old_number"])
    # Answering "new" hides the conditional field: it is no longer required, and a value for it is dropped.
    response = typed.patch(
        f"{DOSSIERS}{dossier_id}/",
        {"data": {"kind": "new", "old_number": "X", "agree": True, "members": [_valid()["members"][0]]}},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert "old_number" not in response.json()["data"]
    response = typed.post(f"{DOSSIERS}{dossier_id}/submit/", {}, format="json")
    assert response.status_code == 200, response.json()
