"""A citizen's whole journey in Chromium: sign in, file a birth registration with uploads through the wizard,
answer a supplement request that names one field, take the electronic result and rate the service.

The officer's side runs through the services (the officer workspace has its own browser tests). Each main page is
checked with axe-core (no serious or critical violations) and screenshotted at phone and desktop widths.
"""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from procedures.demo.catalogue import PROCEDURES
from procedures.models import Dossier, Rating, Status
from procedures.services.catalogue import procedure_import
from procedures.services.documents import document_upload
from procedures.workflow import Action
from tests.browser.conftest import screenshot, sign_in, verified
from tests.conftest import PASSWORD, PDF_BYTES, World
from tests.helpers import act

pytestmark = pytest.mark.browser

BIRTH = next(p for p in PROCEDURES if p["code"] == "1.001193")
# What axe-core must not find on any main page.
BLOCKING = {"serious", "critical"}


def axe_violations(page, *, impacts=BLOCKING) -> list[dict]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]})
    return [v for v in results.response["violations"] if impacts is None or v.get("impact") in impacts]


def check_page(page, name: str, report: dict) -> None:
    """Record every axe finding for the page (printed), keep the blocking ones for the final assertion."""
    violations = axe_violations(page, impacts=None)
    report[name] = [f"{v['id']} ({v['impact']}): {len(v['nodes'])} node(s)" for v in violations]
    screenshot(page, name)


def fill_address(page, name: str) -> None:
    page.select_option(f"[id='f-{name}.province']", "01")
    # portal.js fills the communes from /api/v1/units/ when the province changes.
    page.wait_for_function(f"document.getElementById('f-{name}.commune').options.length > 1")
    page.select_option(f"[id='f-{name}.commune']", index=1)
    page.fill(f"[id='f-{name}.street']", "Số 1 phố Điện Biên Phủ")


def test_citizen_files_supplements_takes_the_result_and_rates(page, tmp_path):
    world = World()
    procedure = procedure_import(template=BIRTH, agency=world.agency)
    verified(world.citizen)
    base = page.base_url
    report: dict[str, list[str]] = {}

    # Anonymous pages: home, the procedure page, the login page.
    page.goto(base + "/")
    check_page(page, "home", report)
    page.goto(base + f"/thu-tuc/{procedure.code}/")
    check_page(page, "procedure", report)
    page.goto(base + "/accounts/login/")
    check_page(page, "login", report)

    sign_in(page, world.citizen.email, PASSWORD)
    page.goto(base + f"/thu-tuc/{procedure.code}/nop/")
    check_page(page, "filing-form", report)

    # Inline validation shows the server's message when a field loses focus.
    page.fill("#f-mother_id", "123")
    page.locator("#f-mother_id").blur()
    assert "12 chữ số" in page.locator("label[for='f-mother_id']").inner_text()

    page.fill("#f-child_name", "Nguyễn Minh Khôi")
    page.fill("#f-child_dob", "02/05/2026")
    page.select_option("#f-child_sex", "male")
    # Autosave turns the new filing into a draft in the background and moves the address to its edit page.
    page.wait_for_url(re.compile(r"/ho-so/[0-9a-f-]+/sua/$"), timeout=15_000)
    page.locator("#f-child_birth_place").focus()  # leaving a field saves too
    page.wait_for_selector("form[data-autosave-state=saved]", timeout=15_000)
    dossier = Dossier.objects.get(applicant=world.citizen)
    assert dossier.status == Status.DRAFT and dossier.data["child_name"] == "Nguyễn Minh Khôi"
    assert "mother_id" not in dossier.data or not dossier.data["mother_id"]  # the half-typed ID waits

    page.fill("#f-child_birth_place", "Bệnh viện Phụ sản Hà Nội")
    page.fill("#f-child_ethnicity", "Kinh")
    page.fill("#f-child_nationality", "Việt Nam")
    page.fill("#f-mother_name", "Trần Thị Mai")
    page.fill("#f-mother_birth_date", "10/03/1995")
    page.fill("#f-mother_ethnicity", "Kinh")
    page.fill("#f-mother_nationality", "Việt Nam")
    page.fill("#f-mother_id", "001195012345")
    fill_address(page, "mother_residence")
    # The father's fields appear only once "the father is known" is ticked.
    assert page.locator("#f-father_name").is_hidden()
    page.check("#f-father_known")
    assert page.locator("#f-father_name").is_visible()
    page.uncheck("#f-father_known")
    page.fill("#f-requester_name", "Trần Thị Mai")
    page.fill("#f-requester_id", "001195012345")
    page.select_option("#f-requester_relationship", "mother")
    fill_address(page, "requester_residence")
    page.fill("#f-requester_phone", "0912345678")
    page.fill("#f-copies", "1")
    page.select_option("#f-delivery_method", "online")
    page.get_by_role("button", name="Lưu và tiếp tục: giấy tờ").click()
    page.wait_for_load_state()

    # Step 2: documents, uploaded with a progress bar.
    page.wait_for_url(re.compile(r"/giay-to/$"))
    check_page(page, "documents", report)
    pdf = tmp_path / "giay-chung-sinh.pdf"
    pdf.write_bytes(PDF_BYTES)
    for code in ("birth_certificate_medical", "requester_identity"):
        upload = page.locator(f"#req-{code} form.upload__form")
        upload.locator("input[type=file]").set_input_files(str(pdf))
        with page.expect_navigation():
            upload.get_by_role("button", name="Tải lên").click()
        assert page.locator(f"#req-{code} .file-list").count() == 1
    page.get_by_role("link", name="Tiếp tục: xem lại và nộp").click()

    # Step 3: review, then submit -> confirmation with the code and the receipt.
    page.wait_for_url(re.compile(r"/xem-lai/$"))
    assert "Nguyễn Minh Khôi" in page.content()
    check_page(page, "review", report)
    page.get_by_role("button", name="Nộp hồ sơ").click()
    page.wait_for_url(re.compile(r"/da-nop/$"))
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED
    assert page.get_by_test_id("dossier-code").inner_text() == dossier.code
    check_page(page, "confirmation", report)
    receipt = page.get_by_role("link", name="Tải giấy tiếp nhận hồ sơ (PDF)")
    assert receipt.get_attribute("href") == f"/api/v1/dossiers/{dossier.pk}/receipt.pdf"

    # Reception accepts; the specialist asks for one field to be corrected.
    act(dossier, Action.ACCEPT, world.reception)
    act(
        dossier,
        Action.REQUEST_SUPPLEMENT,
        world.specialist,
        items=["Nơi sinh phải ghi đúng tên cơ sở y tế trên Giấy chứng sinh."],
        fields=["child_birth_place"],
    )

    page.goto(base + "/ho-so/")
    check_page(page, "my-dossiers", report)
    page.get_by_role("link", name=BIRTH["name"]).click()
    check_page(page, "dossier-detail", report)
    page.get_by_role("link", name="Bổ sung thông tin").click()
    check_page(page, "supplement-form", report)
    # Only the field the request named is on the form.
    assert page.locator(".filing-form input[name^='child_birth_place']").count() == 1
    assert page.locator("#f-child_name").count() == 0
    page.fill("#f-child_birth_place", "Bệnh viện Phụ sản Trung ương")
    page.get_by_role("button", name="Lưu và tiếp tục: giấy tờ").click()
    page.wait_for_url(re.compile(r"/giay-to/$"))
    page.get_by_role("link", name="Tiếp tục: xem lại và nộp").click()
    page.get_by_role("button", name="Gửi hồ sơ đã bổ sung").click()
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING
    assert dossier.data["child_birth_place"] == "Bệnh viện Phụ sản Trung ương"
    assert dossier.data["child_name"] == "Nguyễn Minh Khôi"

    # Staff forward through the steps and complete with a result document.
    act(dossier, Action.FORWARD, world.reception)
    act(dossier, Action.FORWARD, world.specialist)
    document_upload(
        dossier_id=dossier.pk,
        actor=world.leader,
        requirement="result",
        upload=SimpleUploadedFile("giay-khai-sinh.pdf", PDF_BYTES, content_type="application/pdf"),
        kind="result",
    )
    act(dossier, Action.COMPLETE, world.leader, outcome="approved")

    # The citizen takes the e-result (a POST, never a GET): that is the hand-over (deliver, channel online).
    page.goto(base + f"/ho-so/{dossier.pk}/")
    with page.expect_download() as download:
        page.get_by_role("button", name=re.compile("Nhận và tải kết quả")).click()
    assert download.value.suggested_filename == "giay-khai-sinh.pdf"
    dossier.refresh_from_db()
    assert dossier.status == Status.DELIVERED and dossier.delivery_channel == "online"

    page.goto(base + f"/ho-so/{dossier.pk}/")
    page.get_by_role("link", name="Đánh giá dịch vụ").click()
    check_page(page, "rating", report)
    for question in ("overall", "timeliness", "attitude", "convenience"):
        page.check(f"#{question}-5")
    page.check("#satisfied-yes")
    page.fill("#comment", "Nhanh và rõ ràng.")
    page.get_by_role("button", name="Gửi đánh giá").click()
    rating = Rating.objects.get(dossier=dossier)
    assert (rating.overall, rating.satisfied, rating.comment) == (5, True, "Nhanh và rõ ràng.")
    assert "Cảm ơn bạn đã đánh giá" in page.content()

    # Public tracking, no login needed.
    page.context.clear_cookies()
    page.goto(base + f"/track/{dossier.code}/")
    check_page(page, "tracking", report)
    assert "Trần Thị Mai" not in page.content()

    print("\naxe-core findings per page (WCAG 2.1 A/AA + best practice):", report)
    blocking = {name: [v for v in found if "(serious)" in v or "(critical)" in v] for name, found in report.items()}
    assert not any(blocking.values()), blocking
