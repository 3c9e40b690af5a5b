"""Result documents laid out like the official forms, and the notices 02, 03, 05."""

from __future__ import annotations

import random

import pytest

from procedures.demo.catalogue import PROCEDURES
from procedures.demo.history import sample_data
from procedures.models import Department, Outcome
from procedures.services.catalogue import procedure_import
from procedures.workflow import Action
from records import rendering
from tests.conftest import client_for
from tests.procedures.dossier_flow import T0, act, drive, new_draft


def test_pairs_on_one_line_become_separate_cells():
    title, rows, columns = rendering.template_rows(
        "GIẤY KHAI SINH\nHọ và tên: {name}\nDân tộc: {ethnicity}    Quốc tịch: {nationality}\nGhi chú tự do",
        {"name": "Nguyễn Minh Khang", "ethnicity": "Kinh", "nationality": "Việt Nam"},
    )
    assert title == "GIẤY KHAI SINH"
    assert columns == 4
    assert rows[0] == {"pairs": [{"label": "Họ và tên", "value": "Nguyễn Minh Khang"}], "span": 3}
    assert rows[1]["pairs"] == [
        {"label": "Dân tộc", "value": "Kinh"},
        {"label": "Quốc tịch", "value": "Việt Nam"},
    ]
    assert rows[2] == {"text": "Ghi chú tự do"}


def test_an_unknown_placeholder_stays_visible():
    _title, rows, _columns = rendering.template_rows("T\nSố: {missing}", {})
    assert rows[0]["pairs"][0]["value"] == "{missing}"


@pytest.mark.parametrize("template", PROCEDURES, ids=lambda t: t["code"])
def test_every_demo_result_fills_its_legal_fields(world, template):
    for step in template["version"]["steps"]:  # the demo's other agencies have departments the test one lacks
        Department.objects.get_or_create(agency=world.agency, code=step["department"], defaults={"name": "P"})
    # Rendering is the subject here, not fees: a fee paid at filing would need the payment gateway first.
    template = {**template, "version": {**template["version"], "payment_timing": "after_appraisal"}}
    procedure = procedure_import(template=template, agency=world.agency)
    version = procedure.current_version
    data = sample_data(version.form_fields, random.Random(3))
    required = tuple(d["code"] for d in version.documents if d.get("required"))
    dossier = new_draft(world, procedure_code=procedure.code, data=data, documents=required)
    dossier = act(dossier, Action.SUBMIT, world.citizen, now=T0)
    html = rendering.result_html(
        dossier,
        signature=rendering.Signature(name="Nguyễn Quang Huy", title="CHỦ TỊCH", place="Hà Nội", at=T0),
        register_number="15/2026",
        book="01/2026",
        verification_code="ABCD-EFGH-JKLM",
    )
    title, rows, _ = rendering.template_rows(version.result_template, rendering._values(dossier))
    assert title.upper() in html.upper()
    assert "{" not in html.split("<body>", 1)[1]  # every placeholder is a field of the form
    for row in rows:
        for pair in row.get("pairs", []):
            assert f"{pair['label']}:" in html
    for needed in (
        "Số đăng ký",
        "15/2026",
        "Quyển số",
        "01/2026",
        "Nguyễn Quang Huy",
        "CHỦ TỊCH",
        "Hà Nội, ngày 05 tháng 10",
    ):
        assert needed in html
    assert "/xac-thuc/ABCD-EFGH-JKLM/" in html and "data:image/png;base64," in html  # the QR code


@pytest.mark.parametrize(
    ("state", "form", "expected"),
    [
        ("supplement_requested@processing", "02", "Bản sao giấy chứng sinh"),
        ("refused", "03", "Sai thẩm quyền"),
        ("stopped", "05", "Có tranh chấp"),
    ],
)
def test_notices_02_03_05(world, state, form, expected):
    dossier = drive(world, state)
    event = dossier.events.get(action=rendering.NOTICE_FORMS[form][0])
    html = rendering.notice_html(dossier, form, event)
    assert expected in html and dossier.code in html and f"Mẫu số {form}" in html
    response = client_for(world.citizen).get(f"/api/v1/dossiers/{dossier.pk}/forms/{form}.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert client_for(world.citizen2).get(f"/api/v1/dossiers/{dossier.pk}/forms/{form}.pdf").status_code == 404
    other = client_for(world.other_reception).get(f"/api/v1/dossiers/{dossier.pk}/forms/{form}.pdf")
    assert other.status_code == 404


def test_a_notice_the_dossier_does_not_have_is_404(world):
    dossier = drive(world, "processing@2")
    client = client_for(world.citizen)
    assert client.get(f"/api/v1/dossiers/{dossier.pk}/forms/03.pdf").status_code == 404
    assert client.get(f"/api/v1/dossiers/{dossier.pk}/forms/99.pdf").status_code == 404


def test_the_denial_result_states_the_reason(world):
    dossier = drive(world, "processing@3", e_result=False)
    dossier.outcome = Outcome.DENIED
    html = rendering.result_html(
        dossier,
        signature=rendering.Signature(name="L", title="CHỦ TỊCH", place="Hà Nội", at=T0),
        register_number="1/2026",
        book="01/2026",
        verification_code="ABCD-EFGH-JKLM",
        denial_reason="Không thuộc thẩm quyền",
    )
    assert "không giải quyết hồ sơ" in html and "Không thuộc thẩm quyền" in html
