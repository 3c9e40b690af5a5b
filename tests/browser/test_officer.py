"""An officer bulk-accepts two new filings in Chromium, then opens one of them (screenshots of both pages)."""

from __future__ import annotations

import pytest

from procedures.models import Dossier, Status
from tests.browser.conftest import screenshot, sign_in, verified
from tests.conftest import PASSWORD, World
from tests.procedures.dossier_flow import drive

pytestmark = [pytest.mark.browser]


def test_officer_bulk_accepts_two_dossiers(page):
    world = World()
    first, second, untouched = (drive(world, "submitted") for _i in range(3))
    verified(world.reception)
    sign_in(page, world.reception.email, PASSWORD)

    page.goto(page.base_url + "/can-bo/hang-doi/tiep-nhan/")
    assert page.locator("h1").inner_text().strip() == "Tiếp nhận hồ sơ mới"
    page.get_by_label(f"Chọn hồ sơ {first.code}").check()
    page.get_by_label(f"Chọn hồ sơ {second.code}").check()
    assert page.locator("[data-selected-count]").inner_text() == "(2)"  # the script's live count
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot(page, "officer-queue")
    page.get_by_label("Thao tác", exact=True).select_option("accept")
    page.get_by_role("button", name="Thực hiện").click()
    page.wait_for_load_state()

    assert "Thành công: 2 hồ sơ" in page.locator("#main").inner_text()
    statuses = dict(Dossier.objects.filter(pk__in=[first.pk, second.pk, untouched.pk]).values_list("code", "status"))
    assert statuses == {first.code: Status.PROCESSING, second.code: Status.PROCESSING, untouched.code: Status.SUBMITTED}

    page.get_by_role("link", name=first.code).click()
    page.wait_for_load_state()
    assert first.code in page.locator("h1").inner_text()
    assert "Đang xử lý" in page.locator("#main").inner_text()
    screenshot(page, "officer-dossier")
