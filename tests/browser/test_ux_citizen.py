"""Citizen pages at phone width (390 px): nothing wider than the screen."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser]


def _page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_home_and_search_fit_a_phone(page):
    from procedures.demo.seed import seed_demo

    seed_demo(history=0)  # the demo catalogue: long names, many fields (a row of chips wider than a phone)
    assert page.viewport_size["width"] == 390
    for path in ("/", "/?q=khai+sinh", "/?q=nguyen", "/tra-cuu/"):
        page.goto(page.base_url + path)
        assert _page_width(page) <= 390, f"{path} is {_page_width(page)} px wide at 390 px"


def test_enter_saves_the_draft_and_a_refused_upload_shows_words_not_a_full_bar(page, tmp_path):
    from procedures.demo.catalogue import PROCEDURES
    from procedures.models import Dossier, Status
    from procedures.services.catalogue import procedure_import
    from tests.browser.conftest import sign_in, verified
    from tests.conftest import PASSWORD, World

    world = World()
    birth = next(p for p in PROCEDURES if p["code"] == "1.001193")  # has address lists with a hidden refresh button
    procedure = procedure_import(template=birth, agency=world.agency)
    verified(world.citizen)
    sign_in(page, world.citizen.email, PASSWORD)
    page.goto(page.base_url + f"/thu-tuc/{procedure.code}/nop/")
    page.fill("#f-child_name", "Nguyễn Minh Khôi")
    with page.expect_navigation():
        page.locator("#f-child_name").press("Enter")
    page.wait_for_load_state()
    # Enter pressed "Lưu nháp" (the draft is saved), not the hidden "Cập nhật danh sách xã, phường".
    assert "Đã lưu" in page.locator("#main").inner_text()
    dossier = Dossier.objects.get(applicant=world.citizen)
    assert dossier.status == Status.DRAFT and dossier.data["child_name"] == "Nguyễn Minh Khôi"

    page.goto(page.base_url + f"/ho-so/{dossier.pk}/giay-to/")
    text_file = tmp_path / "ghi-chu.txt"
    text_file.write_text("không phải giấy tờ\n")
    upload = page.locator("form.upload__form").first
    upload.locator("input[type=file]").set_input_files(str(text_file))
    upload.get_by_role("button", name="Tải lên").click()
    status = upload.locator(".upload__status")
    page.wait_for_function("el => el.textContent.includes('Hãy chọn tệp')", arg=status.element_handle())
    message = status.inner_text()
    assert "/" not in message.split("Hãy chọn tệp")[1] and "PDF" in message  # "PDF, JPG", not "application/pdf"
    assert upload.locator("progress").is_hidden()  # no full bar beside the error
