"""A data officer publishes a dataset in Chromium, sees its chart and downloads it."""

from __future__ import annotations

import csv
import io

import pytest

from citizens.models import StaffMembership
from citizens.roles import Role
from tests.browser.conftest import screenshot, sign_in, verified
from tests.conftest import PASSWORD, World, make_user

pytestmark = pytest.mark.browser


def test_officer_publishes_a_dataset_and_anyone_downloads_it(page, tmp_path):
    world = World()
    officer = verified(make_user("data@example.org"))
    StaffMembership.objects.create(user=officer, agency=world.agency, role=Role.DATA_OFFICER)
    sign_in(page, officer.email, PASSWORD)
    page.goto(page.base_url + "/du-lieu/quan-ly/")
    page.fill("#id_title", "Lao động tìm được việc làm")
    page.select_option("#id_agency", str(world.agency.pk))
    page.select_option("#id_sector", "labour")
    page.fill("#id_description", "Số người được kết nối việc làm mỗi tháng.")
    page.select_option("#id_frequency", "monthly")
    page.select_option("#id_chart", "line")
    page.fill("#id_chart_value", "placed")
    page.fill("#id_columns", "month | Tháng | month\nplaced | Được kết nối việc làm | integer | người")
    page.get_by_role("button", name="Tạo bộ dữ liệu").click()
    page.wait_for_load_state()
    upload = tmp_path / "viec-lam.csv"
    upload.write_text("month,placed\n2026-01,2300\n2026-02,2450\n2026-03,2610\n", encoding="utf-8")
    page.set_input_files("#file", str(upload))
    page.get_by_role("button", name="Kiểm tra và công bố").click()
    page.wait_for_load_state()
    assert "Đã công bố phiên bản 1" in page.content()
    page.get_by_role("link", name="Xem trang công khai").click()
    page.wait_for_load_state()
    assert page.locator("svg.chart polyline").count() == 1
    screenshot(page, "dataset-page")
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV", exact=True).click()
    rows = list(csv.reader(io.StringIO(open(download.value.path(), encoding="utf-8-sig").read())))
    assert rows == [["month", "placed"], ["2026-01", "2300"], ["2026-02", "2450"], ["2026-03", "2610"]]
