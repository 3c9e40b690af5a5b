"""The IOC dashboard, its exports and the public statistics page."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from openpyxl import load_workbook

from citizens.roles import Role
from dashboard import charts
from tests.conftest import make_user, staff_login
from tests.dashboard.conftest import accepted, act, at, completed, filed

MARCH = "from=2026-03-01&to=2026-03-31"
SECRETS = ("Nguyễn Văn An", "Trần Thị Bình", "citizen@example.org", "citizen2@example.org", "001203004567")


@pytest.fixture
def data(world):
    world.reception.full_name = "Phạm Thu Hà"
    world.reception.save()
    completed(world, accepted(world, at(2026, 3, 2, 9, 0)), at(2026, 3, 12, 9, 0))
    accepted(world, at(2026, 3, 3, 9, 0))  # late, held by reception (step 1)
    act(filed(world, at(2026, 3, 4, 9, 0), applicant=world.citizen2), "refuse", world.reception, at(2026, 3, 4, 10, 0),
        reason="Sai thẩm quyền")  # fmt: skip
    return world


def login(user) -> Client:
    client = Client()
    staff_login(client, user)
    return client


@pytest.mark.django_db
class TestIocPage:
    def test_who_may_open_it(self, data):
        assert Client().get("/ioc/").status_code == 302  # to the login page
        assert login(data.citizen).get("/ioc/").status_code == 403
        assert login(data.reception).get("/ioc/").status_code == 403
        assert login(data.leader).get("/ioc/").status_code == 200
        ioc = make_user("ioc@example.org", agency=data.other_agency, roles=[Role.IOC_VIEWER])
        assert login(ioc).get("/ioc/").status_code == 200
        assert login(data.leader).get(f"/ioc/?{MARCH}&agency=000.00.15.H26").status_code == 403

    def test_shows_where_work_is_late_and_who_holds_it(self, data):
        html = login(data.leader).get(f"/ioc/?{MARCH}").content.decode()
        overdue = html[html.index('id="dash-overdue-title"') : html.index('id="dash-trend-title"')]
        assert "Phạm Thu Hà" in overdue and "Bộ phận Một cửa" in overdue
        assert "000.00.12.H26-260303-0001" in overdue
        for secret in SECRETS:  # the applicant is never shown, even to leaders, on this page
            assert secret not in html

    def test_charts_have_titles_and_data_tables(self, data):
        html = login(data.leader).get(f"/ioc/?{MARCH}&trend=week").content.decode()
        svgs = re.findall(r"<svg .*?</svg>", html, flags=re.S)
        assert len(svgs) == 2
        for svg in svgs:
            root = ET.fromstring(svg)
            assert root.get("role") == "img" and root.get("aria-labelledby")
            assert root.find("{*}title") is not None or root.find("title") is not None
        assert html.count('<details class="dash-data">') == 2
        assert "2026-W10" in html  # the week of 2 March, in the tables

    def test_live_refresh_and_drill_down_links(self, data):
        ioc = make_user("ioc@example.org", agency=data.other_agency, roles=[Role.IOC_VIEWER])
        html = login(ioc).get(f"/ioc/?{MARCH}").content.decode()
        assert 'data-stats-url="/api/v1/stats/overview/?from=2026-03-01&amp;to=2026-03-31"' in html
        assert "dashboard/dashboard.js" in html and 'data-stat="counters.in_progress.late"' in html
        assert "agency=000.00.12.H26" in html  # province -> agency
        agency_html = login(ioc).get(f"/ioc/?{MARCH}&agency=000.00.12.H26").content.decode()
        assert "field=ho-tich" in agency_html  # agency -> field
        field_html = login(ioc).get(f"/ioc/?{MARCH}&agency=000.00.12.H26&field=ho-tich").content.decode()
        assert "procedure=T.0001" in field_html  # field -> procedure
        assert "//cdn" not in html and "https://" not in html.split("<main", 1)[-1]

    def test_bad_period_is_a_clear_400(self, data):
        response = login(data.leader).get("/ioc/?from=2026-03-10&to=2026-03-01")
        assert response.status_code == 400
        assert "Ngày kết thúc phải sau" in response.content.decode()


@pytest.mark.django_db
class TestExports:
    TABLES = ("counters", "indicators", "trend", "breakdown", "heatmap", "overdue")

    @pytest.mark.parametrize("table", TABLES)
    def test_csv(self, data, table):
        response = login(data.leader).get(f"/ioc/export/{table}.csv?{MARCH}")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        assert "attachment" in response["Content-Disposition"]
        text = response.content.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        assert len(rows) >= 2 and all(len(r) == len(rows[0]) for r in rows)

    @pytest.mark.parametrize("table", TABLES)
    def test_xlsx(self, data, table):
        response = login(data.leader).get(f"/ioc/export/{table}.xlsx?{MARCH}")
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert len(rows) >= 2 and rows[0][0]

    def test_overdue_export_content(self, data):
        text = login(data.leader).get(f"/ioc/export/overdue.csv?{MARCH}").content.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[1][0] == "000.00.12.H26-260303-0001" and rows[1][4] == "Phạm Thu Hà"

    def test_counters_export_matches_the_api(self, data):
        text = login(data.leader).get(f"/ioc/export/counters.csv?{MARCH}").content.decode("utf-8-sig")
        values = {row[0]: row[1] for row in csv.reader(io.StringIO(text))}
        assert values["Tiếp nhận trong kỳ"] == "2" and values["Đang giải quyết quá hạn"] == "1"

    def test_exports_need_the_same_rights_as_the_page(self, data):
        assert login(data.citizen).get(f"/ioc/export/counters.csv?{MARCH}").status_code == 403
        assert Client().get(f"/ioc/export/counters.csv?{MARCH}").status_code == 302
        assert login(data.leader).get(f"/ioc/export/secrets.csv?{MARCH}").status_code == 404
        assert login(data.leader).get(f"/ioc/export/counters.pdf?{MARCH}").status_code == 404

    def test_formula_injection_is_neutralised(self):
        from dashboard.exports import csv_response
        from dashboard.tables import Table

        response = csv_response(Table("t", "t", ["a"], [["=HYPERLINK(1)"]]), "t")
        assert "'=HYPERLINK(1)" in response.content.decode("utf-8-sig")


@pytest.mark.django_db
class TestPublicPage:
    def test_open_to_everyone_without_personal_data(self, data):
        response = Client().get(f"/thong-ke/?{MARCH}")
        assert response.status_code == 200
        html = response.content.decode()
        assert "UBND phường Ba Đình" in html  # agency level
        for secret in (*SECRETS, "Phạm Thu Hà", "reception@example.org", "000.00.12.H26-260303-0001"):
            assert secret not in html
        assert "<svg" in html and 'class="dash-data"' in html

    def test_by_month_and_agency(self, data):
        html = Client().get("/thong-ke/?from=2026-01-01&to=2026-03-31").content.decode()
        for month in ("01/2026", "02/2026", "03/2026"):
            assert month in html
        agency = Client().get("/thong-ke/?from=2026-01-01&to=2026-03-31&agency=000.00.12.H26")
        assert agency.status_code == 200 and "UBND phường Ba Đình" in agency.content.decode()

    def test_detail_parameters_are_ignored_not_leaked(self, data):
        html = Client().get(f"/thong-ke/?{MARCH}&procedure=T.0001&group_by=day").content.decode()
        assert "Phạm Thu Hà" not in html

    def test_bad_input(self, data):
        assert Client().get("/thong-ke/?from=2026-02-30").status_code == 400
        assert Client().get("/thong-ke/?agency=000.00.99.X99").status_code == 404


def test_svg_chart_is_well_formed_and_escaped():
    svg = charts.line_chart("c1", "<Tiêu đề>", ["a&b", "c"], [charts.Series("x<y", [1, None], "dash-c1")])
    root = ET.fromstring(str(svg))
    assert root.tag.endswith("svg")
    assert "&lt;Tiêu đề&gt;" in str(svg) and "x&lt;y" in str(svg)
    bars = charts.bar_chart("c2", "t", ["a", "b"], [charts.Series("s", [3, 0], "dash-c2")])
    ET.fromstring(str(bars))
    assert charts.nice_max(0) == 1
    assert charts.nice_max(23) == 24 and charts.nice_max(7) == 8 and charts.nice_max(180) == 200
    assert charts.nice_max(1) == 1.2


@pytest.mark.django_db
def test_navigation_filter(data):
    from django.contrib.auth.models import AnonymousUser

    from dashboard.templatetags.dashboard_tags import can_view_ioc

    assert can_view_ioc(data.leader) and not can_view_ioc(data.reception) and not can_view_ioc(AnonymousUser())
