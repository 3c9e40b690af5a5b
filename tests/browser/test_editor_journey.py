"""Done means, in Chromium: an agency admin builds a new procedure with conditional fields and a three-step workflow in
the template editor (using the JavaScript row buttons), publishes it, and a citizen files a dossier under it.

Prints how long the admin's part and the whole journey took (a figure for the issue, not a timed assertion).
"""

from __future__ import annotations

import re
import time

import pytest

from citizens.roles import Role
from procedures.models import Dossier, Procedure, Status
from tests.browser.conftest import screenshot, sign_in, verified
from tests.conftest import PASSWORD, PDF_BYTES, World, make_user

pytestmark = [pytest.mark.browser]


def add_row(page, prefix: str) -> int:
    index = int(page.locator(f"input[name='{prefix}-TOTAL_FORMS']").input_value())
    page.locator(f"[data-prefix='{prefix}'] [data-add-row]").click()
    return index


def test_admin_builds_and_publishes_then_citizen_files(page, tmp_path, capsys):
    world = World()
    admin = verified(make_user("agency.admin@example.org", agency=world.agency, roles=[Role.AGENCY_ADMIN]))
    verified(world.citizen)
    base = page.base_url + "/quan-tri-thu-tuc/"
    started = time.monotonic()

    sign_in(page, admin.email, PASSWORD)
    page.goto(base)
    page.get_by_role("link", name="Tạo thủ tục mới").click()
    page.fill("#id_code", "9.000002")
    page.fill("#id_name", "Cấp phép tổ chức lễ hội")
    page.fill("#id_new_field_name", "Văn hoá")
    page.check("input[name=applicant_types][value=business]")
    page.fill("#id_legal_basis", "Nghị định 110/2018/NĐ-CP")
    page.get_by_role("button", name="Tạo và soạn biểu mẫu").click()

    # Form fields: the first row is there; the others come from the "+ Thêm trường" button (JavaScript).
    page.wait_for_url(re.compile(r"/sua/fields/$"))
    rows = [
        ("organiser", "text", "Tên tổ chức, cá nhân", None),
        ("is_business", "checkbox", "Là doanh nghiệp", None),
        ("tax_code", "text", "Mã số thuế", ("is_business", "true")),
        ("scale", "select", "Quy mô", None),
    ]
    for number, (key, kind, label, condition) in enumerate(rows):
        index = 0 if number == 0 else add_row(page, "f")
        page.fill(f"#id_f-{index}-key", key)
        page.select_option(f"#id_f-{index}-type", kind)
        page.fill(f"#id_f-{index}-label", label)
        if kind == "checkbox":
            page.uncheck(f"#id_f-{index}-required")
        if kind == "select":
            page.fill(f"#id_f-{index}-options", "big|Lớn|Large\nsmall|Nhỏ|Small")
        if condition:
            page.fill(f"#id_f-{index}-visible_if_field", condition[0])
            page.fill(f"#id_f-{index}-visible_if_equals", condition[1])
    screenshot(page, "editor-fields")
    page.get_by_role("button", name="Lưu và sang phần tiếp").click()

    page.wait_for_load_state()
    page.wait_for_url(re.compile(r"/sua/documents/$"))
    page.fill("#id_d-0-code", "plan")
    page.fill("#id_d-0-name", "Kế hoạch tổ chức lễ hội")
    page.get_by_role("button", name="Lưu và sang phần tiếp").click()
    page.wait_for_url(re.compile(r"/sua/cases/$"))
    page.get_by_role("button", name="Lưu và sang phần tiếp").click()
    page.wait_for_url(re.compile(r"/sua/fees/$"))  # no fee items: free
    page.get_by_role("button", name="Lưu và sang phần tiếp").click()

    page.wait_for_url(re.compile(r"/sua/workflow/$"))
    steps = [
        ("Tiếp nhận hồ sơ", "one-stop", "reception", "1"),
        ("Thẩm định", "justice", "specialist", "2"),
        ("Phê duyệt", "leadership", "leader", "2"),
    ]
    for number, (name, department, role, days) in enumerate(steps):
        index = 0 if number == 0 else add_row(page, "s")
        page.fill(f"#id_s-{index}-name", name)
        page.select_option(f"#id_s-{index}-department", department)
        page.select_option(f"#id_s-{index}-role", role)
        page.fill(f"#id_s-{index}-allotted_days", days)
    page.get_by_role("button", name="Lưu bản nháp").click()
    page.wait_for_url(re.compile(r"/sua/workflow/$"))
    page.get_by_role("link", name="Kiểm tra và công bố").click()
    assert "Bản nháp hợp lệ" in page.content()
    screenshot(page, "editor-detail")
    page.get_by_role("button", name="Công bố").click()
    page.wait_for_load_state()
    assert "Đã công bố phiên bản 1" in page.content()
    admin_seconds = time.monotonic() - started
    procedure = Procedure.objects.get(code="9.000002")
    assert procedure.current_version.steps.count() == 3
    assert procedure.current_version.form_fields[2]["visible_if"] == {"field": "is_business", "equals": True}

    # The citizen files under it in a fresh browser context.
    page.context.clear_cookies()
    sign_in(page, world.citizen.email, PASSWORD)
    page.goto(page.base_url + "/thu-tuc/9.000002/nop/")
    assert page.locator("#f-tax_code").is_hidden()
    page.fill("#f-organiser", "Công ty Lễ hội Xanh")
    page.check("#f-is_business")
    assert page.locator("#f-tax_code").is_visible()
    page.fill("#f-tax_code", "0101234567")
    page.select_option("#f-scale", "big")
    page.get_by_role("button", name=re.compile("Lưu và tiếp tục")).click()
    page.wait_for_url(re.compile(r"/giay-to/$"), timeout=15_000)
    pdf = tmp_path / "ke-hoach.pdf"
    pdf.write_bytes(PDF_BYTES)
    upload = page.locator("#req-plan form.upload__form")
    upload.locator("input[type=file]").set_input_files(str(pdf))
    with page.expect_navigation():
        upload.get_by_role("button", name="Tải lên").click()
    page.get_by_role("link", name="Tiếp tục: xem lại và nộp").click()
    page.wait_for_url(re.compile(r"/xem-lai/$"))
    page.get_by_role("button", name="Nộp hồ sơ").click()
    page.wait_for_url(re.compile(r"/da-nop/$"))
    dossier = Dossier.objects.get(applicant=world.citizen, procedure=procedure)
    assert dossier.status == Status.SUBMITTED and dossier.data["tax_code"] == "0101234567"
    with capsys.disabled():
        print(
            f"\n[editor, Chromium] admin built and published in {admin_seconds:.1f}s; "
            f"with the citizen's filing {time.monotonic() - started:.1f}s"
        )
