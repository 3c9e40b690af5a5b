"""Demonstration sector data for `seed_demo`: five datasets of the province (health, education, labour market, CPI,
essential goods prices), each labelled as demonstration data, published through the real upload path, and one
indicator pinned on the demo leaders' IOC. Figures are plausible, generated from fixed formulas, not statistics."""

from __future__ import annotations

import csv
import io
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from citizens.models import User
from citizens.roles import Role
from datasets import services
from datasets.models import Dataset, PinnedPanel
from procedures import units

PROVINCE_CODE = "01"


def _months(count: int, end: date) -> list[str]:
    months, year, month = [], end.year, end.month
    for _ in range(count):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return sorted(months)


def _csv(header: list[str], rows: list[list]) -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile("demo.csv", out.getvalue().encode("utf-8"), content_type="text/csv")


def _definitions(communes: list[str], months: list[str]) -> list[tuple[dict, list[dict], list[str], list[list]]]:
    goods = ["gao_te", "thit_lon", "trung_ga", "xang_ron95"]
    base_price = {"gao_te": 16500, "thit_lon": 128000, "trung_ga": 32000, "xang_ron95": 21800}
    return [
        (
            {
                "slug": "giuong-benh-cong-lap",
                "title": "Giường bệnh tại các bệnh viện công lập",
                "sector": "health",
                "description": "Số giường kế hoạch và giường còn trống cuối tháng theo xã, phường có bệnh viện.",
                "frequency": "monthly",
                "period_note": "Cuối mỗi tháng",
                "area_note": "Xã, phường",
                "chart": "bar",
                "chart_value": "free_beds",
            },
            [
                {"name": "month", "title": "Tháng", "type": "month"},
                {"name": "commune_code", "title": "Xã, phường", "type": "commune_code"},
                {"name": "beds", "title": "Giường kế hoạch", "type": "integer", "unit": "giường"},
                {"name": "free_beds", "title": "Giường trống", "type": "integer", "unit": "giường"},
            ],
            ["month", "commune_code", "beds", "free_beds"],
            [
                [m, c, 300 + 40 * i, max(5, 60 - 7 * i + (k * 3) % 11)]
                for k, m in enumerate(months)
                for i, c in enumerate(communes[:6])
            ],
        ),
        (
            {
                "slug": "hoc-sinh-pho-thong",
                "title": "Học sinh phổ thông theo xã, phường",
                "sector": "education",
                "description": "Số học sinh và giáo viên phổ thông công lập đầu năm học.",
                "frequency": "yearly",
                "period_note": "Đầu năm học",
                "area_note": "Xã, phường",
                "chart": "map",
                "chart_value": "students",
            },
            [
                {"name": "year", "title": "Năm học (năm bắt đầu)", "type": "year"},
                {"name": "commune_code", "title": "Xã, phường", "type": "commune_code"},
                {"name": "students", "title": "Học sinh", "type": "integer", "unit": "em"},
                {"name": "teachers", "title": "Giáo viên", "type": "integer", "unit": "người"},
            ],
            ["year", "commune_code", "students", "teachers"],
            [
                [y, c, 2400 + 173 * (i % 9) + 40 * (y - 2023), 120 + 9 * (i % 9)]
                for y in (2024, 2025)
                for i, c in enumerate(communes[:24])
            ],
        ),
        (
            {
                "slug": "cung-cau-lao-dong",
                "title": "Cung cầu lao động qua sàn giao dịch việc làm",
                "sector": "labour",
                "description": "Số chỗ làm việc trống, người tìm việc và người được kết nối việc làm mỗi tháng.",
                "frequency": "monthly",
                "period_note": "Tháng",
                "area_note": "Toàn tỉnh",
                "chart": "line",
                "chart_value": "vacancies",
            },
            [
                {"name": "month", "title": "Tháng", "type": "month"},
                {"name": "vacancies", "title": "Chỗ làm việc trống", "type": "integer", "unit": "chỗ"},
                {"name": "seekers", "title": "Người tìm việc", "type": "integer", "unit": "người"},
                {"name": "placed", "title": "Được kết nối việc làm", "type": "integer", "unit": "người"},
            ],
            ["month", "vacancies", "seekers", "placed"],
            [[m, 8200 + 310 * (k % 5) + 90 * k, 6100 + 150 * (k % 4), 2300 + 70 * k] for k, m in enumerate(months)],
        ),
        (
            {
                "slug": "chi-so-gia-tieu-dung",
                "title": "Chỉ số giá tiêu dùng (CPI)",
                "sector": "prices",
                "description": "CPI chung so với cùng kỳ năm trước và so với tháng trước (%).",
                "frequency": "monthly",
                "period_note": "Tháng",
                "area_note": "Toàn tỉnh",
                "chart": "line",
                "chart_value": "cpi_yoy",
            },
            [
                {"name": "month", "title": "Tháng", "type": "month"},
                {"name": "cpi_yoy", "title": "CPI so với cùng kỳ", "type": "decimal", "unit": "%"},
                {"name": "cpi_mom", "title": "CPI so với tháng trước", "type": "decimal", "unit": "%"},
            ],
            ["month", "cpi_yoy", "cpi_mom"],
            [
                [m, f"{102.6 + ((k * 7) % 10) / 10:.2f}", f"{100 + ((k * 3) % 7 - 2) / 10:.2f}"]
                for k, m in enumerate(months)
            ],
        ),
        (
            {
                "slug": "gia-hang-thiet-yeu",
                "title": "Giá một số mặt hàng thiết yếu",
                "sector": "prices",
                "description": "Giá bán lẻ bình quân tại các chợ, cửa hàng trên địa bàn (đồng).",
                "frequency": "monthly",
                "period_note": "Bình quân tháng",
                "area_note": "Toàn tỉnh",
                "chart": "line",
                "chart_value": "price",
            },
            [
                {"name": "month", "title": "Tháng", "type": "month"},
                {"name": "item", "title": "Mặt hàng", "type": "choice", "allowed": goods},
                {"name": "price", "title": "Giá", "type": "integer", "unit": "đồng/kg, đồng/chục, đồng/lít"},
            ],
            ["month", "item", "price"],
            [
                [m, g, int(base_price[g] * (1 + ((k * 5 + j) % 9 - 3) / 100))]
                for k, m in enumerate(months)
                for j, g in enumerate(goods)
            ],
        ),
    ]


def seed_datasets(*, agencies) -> str:
    owner = agencies["province"]
    # The data officer is one of the seed's staff accounts (procedures.demo.seed.STAFF).
    officer = User.objects.filter(memberships__role=Role.DATA_OFFICER, memberships__agency=owner).first()
    if officer is None:
        return "Sector datasets: no data officer in the province agency"
    communes = [c["code"] for c in units.communes(PROVINCE_CODE)]
    months = _months(12, date.today().replace(day=1))
    created = 0
    for fields, columns, header, rows in _definitions(communes, months):
        if Dataset.objects.filter(slug=fields["slug"]).exists():
            continue
        dataset = services.dataset_define(
            user=officer, agency=owner, fields={**fields, "is_demo": True}, columns=columns, slug=fields["slug"]
        )
        services.version_publish(slug=dataset.slug, user=officer, upload=_csv(header, rows), note="Dữ liệu minh họa")
        created += 1
    beds = Dataset.objects.filter(slug="giuong-benh-cong-lap").first()
    for email in ("leader@example.org", "ioc@example.org"):
        leader = User.objects.filter(email=email).first()
        if leader and beds and not PinnedPanel.objects.filter(user=leader, dataset=beds).exists():
            PinnedPanel.objects.create(user=leader, dataset=beds, column="free_beds", threshold=200, direction="below")
    return f"Sector datasets: {created} new demo datasets (data officer: data@example.org)"
