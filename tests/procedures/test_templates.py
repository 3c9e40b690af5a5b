"""Procedure templates: publishing rules (each invalid template refused with a message naming the problem), JSON
import/export round-trip (service and management commands), and the demo catalogue's coverage."""

from __future__ import annotations

import copy
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from citizens.models import StaffMembership
from procedures.demo.catalogue import PROCEDURES
from procedures.errors import InvalidInput
from procedures.models import Procedure, VersionStatus
from procedures.services.catalogue import procedure_export, procedure_import, version_problems
from tests.conftest import make_agency, procedure_template

pytestmark = pytest.mark.django_db


def spec(**changes) -> dict:
    version = copy.deepcopy(procedure_template()["version"])
    version.update(changes)
    return version


def steps(*items) -> list[dict]:
    return [
        {"name": f"Bước {i}", "role": role, "department": dept, "allotted_days": days}
        for i, (role, dept, days) in enumerate(items, start=1)
    ]


# --- publishing rules -------------------------------------------------------------------------------------------

CASES = [
    (
        "duplicate field keys",
        spec(fields=[{"key": "a", "type": "text", "label": "A"}, {"key": "a", "type": "number", "label": "B"}]),
        "khoá 'a' bị trùng",
    ),
    (
        "condition on an unknown field",
        spec(fields=[{"key": "a", "type": "text", "label": "A", "visible_if": {"field": "nope", "equals": 1}}]),
        "'visible_if' tham chiếu 'nope'",
    ),
    (
        "condition on a later field",
        spec(
            fields=[
                {"key": "a", "type": "text", "label": "A", "visible_if": {"field": "b", "equals": True}},
                {"key": "b", "type": "checkbox", "label": "B"},
            ]
        ),
        "không phải trường đứng trước",
    ),
    ("no step", spec(steps=[]), "ít nhất một bước"),
    (
        "allotments beyond the time limit",
        spec(steps=steps(("reception", "one-stop", "3"), ("leader", "leadership", "3"))),
        "vượt thời hạn giải quyết",
    ),
    ("unknown role", spec(steps=steps(("janitor", "one-stop", "1"))), "vai trò không hợp lệ"),
    ("unknown department", spec(steps=steps(("reception", "kitchen", "1"))), "không có phòng ban 'kitchen'"),
    ("select without options", spec(fields=[{"key": "s", "type": "select", "label": "S"}]), "'options'"),
    ("group without sub-fields", spec(fields=[{"key": "g", "type": "group", "label": "G"}]), "nhóm cần"),
    ("unknown field type", spec(fields=[{"key": "x", "type": "colour", "label": "X"}]), "'colour'"),
    (
        "duplicate document codes",
        spec(documents=[spec()["documents"][0], spec()["documents"][0]]),
        "Mã thành phần hồ sơ bị trùng",
    ),
    (
        "document without accepted types",
        spec(documents=[{**spec()["documents"][0], "accept": []}]),
        "loại tệp",
    ),
    ("bad time limit", spec(time_limit={"value": "soon", "unit": "working_days"}), "Thời hạn giải quyết không hợp lệ"),
    ("bad unit", spec(time_limit={"value": "5", "unit": "weeks"}), "Đơn vị thời hạn"),
    ("bad cutoff", spec(time_limit={"value": "0", "unit": "working_days", "same_day_cutoff": "25:00"}), "Giờ chốt"),
    (
        "duplicate case codes",
        spec(cases=[{"code": "c", "name": "C", "fee": 0}, {"code": "c", "name": "D", "fee": 0}]),
        "Mã trường hợp bị trùng",
    ),
    (
        "routing rule on an unknown field",
        spec(routing_rules=[{"when": {"field": "ghost", "equals": "x"}, "department": "justice"}]),
        "trường 'ghost'",
    ),
    (
        "routing rule to a missing department",
        spec(routing_rules=[{"when": {"commune": "00070"}, "department": "nowhere"}]),
        "không có phòng ban 'nowhere'",
    ),
    (
        "routing rule to a missing agency",
        spec(routing_rules=[{"agency": "999.99.99.Z99"}]),
        "không có cơ quan '999.99.99.Z99'",
    ),
    ("routing rule for a missing step", spec(routing_rules=[{"steps": [7], "department": "justice"}]), "bước 7"),
]


@pytest.mark.parametrize("name,version,expected", CASES, ids=[c[0] for c in CASES])
def test_invalid_template_is_refused_naming_the_problem(world, name, version, expected):
    problems = version_problems(version, agency=world.agency)
    assert any(expected in p for p in problems), problems
    template = procedure_template("T.0500", version=version)
    with pytest.raises(InvalidInput) as caught:
        procedure_import(template=template, agency=world.agency)
    assert any(expected in p for p in caught.value.errors["version"])
    assert not Procedure.objects.filter(code="T.0500", current_version__isnull=False).exists()


def test_every_step_role_must_be_staffed_in_the_agency(world):
    StaffMembership.objects.filter(agency=world.agency, role="leader").update(is_active=False)
    problems = version_problems(spec(), agency=world.agency)
    assert any("chưa có cán bộ vai trò 'leader'" in p for p in problems)


def test_valid_template_has_no_problems(world):
    assert version_problems(spec(), agency=world.agency) == []


def test_demo_catalogue_is_publishable_and_covers_the_sectors():
    assert len(PROCEDURES) >= 12
    for template in PROCEDURES:
        assert version_problems(template["version"]) == [], template["code"]
    fields = {t["field"]["code"] for t in PROCEDURES}
    required = {
        "ho-tich",
        "ly-lich-tu-phap",
        "ho-kinh-doanh",
        "xay-dung",
        "dat-dai",
        "giay-phep-lai-xe",
        "bao-tro-xa-hoi",
    }
    assert required <= fields


# --- import / export ----------------------------------------------------------------------------------------------


def test_import_is_idempotent_and_a_change_adds_a_version(world):
    template = procedure_template()
    procedure_import(template=template, agency=world.agency)
    assert world.procedure.versions.count() == 1
    changed = procedure_template(version={"fee": 60000})
    procedure = procedure_import(template=changed, agency=world.agency)
    assert procedure.versions.count() == 2
    assert procedure.current_version.fee == 60000
    assert procedure.versions.get(number=1).status == VersionStatus.RETIRED


def test_import_as_draft_reuses_the_open_draft(world):
    procedure_import(template=procedure_template(version={"fee": 1}), agency=world.agency, publish=False)
    procedure_import(template=procedure_template(version={"fee": 2}), agency=world.agency, publish=False)
    drafts = world.procedure.versions.filter(status=VersionStatus.DRAFT)
    assert drafts.count() == 1 and drafts.get().fee == 2
    world.procedure.refresh_from_db()
    assert world.procedure.current_version == world.version


@pytest.mark.parametrize("template", PROCEDURES, ids=[t["code"] for t in PROCEDURES])
def test_round_trip_is_exact_for_every_demo_procedure(world, template):
    """export -> import into another agency (fresh procedure) -> export again: equal."""
    agency = make_agency("000.00.99.H26", "UBND xã Thử Nghiệm")
    source = procedure_import(template=_for_fixture_agency(template), agency=world.agency, publish=False)
    first = procedure_export(source, source.versions.get())
    Procedure.objects.filter(pk=source.pk).update(code="X.SOURCE")
    copy_ = procedure_import(template=first, agency=agency, publish=False)
    second = procedure_export(copy_, copy_.versions.get())
    assert json.dumps(second, sort_keys=True) == json.dumps(first, sort_keys=True)
    assert first["version"]["fields"] == template["version"]["fields"]


def _for_fixture_agency(template: dict) -> dict:
    template = copy.deepcopy(template)
    template.pop("agency", None)
    return template


def test_management_commands_round_trip_into_a_fresh_agency(world, tmp_path):
    procedure_import(template=procedure_template(version={"effective_date": "2026-07-01"}), agency=world.agency)
    out = StringIO()
    call_command("export_procedure", "T.0001", stdout=out)
    first = json.loads(out.getvalue())
    assert first["version"]["effective_date"] == "2026-07-01"
    path = tmp_path / "t.json"
    path.write_text(out.getvalue(), encoding="utf-8")

    # A fresh agency in another province takes the shared template under its own code.
    fresh = make_agency("000.00.31.H40", "UBND phường Vinh")
    from tests.conftest import make_user

    for role in ("reception", "specialist", "leader"):
        make_user(f"{role}@vinh.example.org", agency=fresh, roles=[role])
    first["code"] = "T.0002"
    path.write_text(json.dumps(first, ensure_ascii=False), encoding="utf-8")
    message = StringIO()
    call_command("import_procedure", str(path), "--agency", fresh.identity_code, stdout=message)
    assert "phiên bản 1" in message.getvalue()
    again = StringIO()
    call_command("export_procedure", "T.0002", stdout=again)
    assert json.loads(again.getvalue()) == first
    assert Procedure.objects.get(code="T.0002").agency == fresh

    # Importing the same file again changes nothing.
    call_command("import_procedure", str(path), "--agency", fresh.identity_code, stdout=StringIO())
    assert Procedure.objects.get(code="T.0002").versions.count() == 1


def test_export_a_given_version_and_import_as_draft(world, tmp_path):
    procedure_import(template=procedure_template(version={"fee": 70000}), agency=world.agency)
    out = StringIO()
    call_command("export_procedure", "T.0001", "--version", "1", stdout=out)
    assert json.loads(out.getvalue())["version"]["fee"] == 50000
    path = tmp_path / "v1.json"
    path.write_text(out.getvalue(), encoding="utf-8")
    call_command("import_procedure", str(path), "--agency", world.agency.identity_code, "--draft", stdout=StringIO())
    draft = world.procedure.versions.get(status=VersionStatus.DRAFT)
    assert draft.fee == 50000 and draft.number == 3
    world.procedure.refresh_from_db()
    assert world.procedure.current_version.fee == 70000


def test_commands_report_errors(world, tmp_path):
    with pytest.raises(CommandError, match="Không có thủ tục"):
        call_command("export_procedure", "NOPE", stdout=StringIO())
    with pytest.raises(CommandError, match="phiên bản 9"):
        call_command("export_procedure", "T.0001", "--version", "9", stdout=StringIO())
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(procedure_template("T.0003", version={"steps": []})), encoding="utf-8")
    with pytest.raises(CommandError, match="ít nhất một bước"):
        call_command("import_procedure", str(bad), "--agency", world.agency.identity_code, stdout=StringIO())
    with pytest.raises(CommandError, match="Không có cơ quan"):
        call_command("import_procedure", str(bad), "--agency", "000.00.00.X00", stdout=StringIO())
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(CommandError, match="Không đọc được"):
        call_command("import_procedure", str(broken), "--agency", world.agency.identity_code, stdout=StringIO())
