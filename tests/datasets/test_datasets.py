"""Datasets agencies own: define, publish versions (CSV and XLSX, all or nothing), public pages with chart and
downloads, versions and diffs, withdrawal, the DCAT catalogue, IOC panels, and reminders."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from citizens.models import StaffMembership
from citizens.roles import Role
from datasets import services
from datasets.models import Dataset, DatasetStatus, DatasetVersion, PinnedPanel
from datasets.selectors import panel_figures
from datasets.tasks import remind_due_updates
from notifications.models import Kind, Notification
from procedures.errors import ActionForbidden, InvalidInput
from tests.conftest import (
    client_for,
    make_user,
    staff_login,  # noqa: I001
)

pytestmark = pytest.mark.django_db

COLUMNS = [
    {"name": "month", "title": "Tháng", "type": "month"},
    {"name": "commune_code", "title": "Xã, phường", "type": "commune_code"},
    {"name": "free_beds", "title": "Giường trống", "type": "integer", "unit": "giường"},
]
FIELDS = {
    "title": "Giường bệnh trống",
    "sector": "health",
    "description": "Giường trống cuối tháng.",
    "frequency": "monthly",
    "chart": "bar",
    "chart_value": "free_beds",
}


@pytest.fixture
def officer(world):
    user = make_user("data@example.org")
    StaffMembership.objects.create(user=user, agency=world.agency, role=Role.DATA_OFFICER)
    return user


def csv_file(text: str, name: str = "beds.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def define(world, officer, **fields):
    return services.dataset_define(user=officer, agency=world.agency, fields={**FIELDS, **fields}, columns=COLUMNS)


GOOD = "month,commune_code,free_beds\n2026-01,00004,40\n2026-02,00004,35\n2026-02,00008,12\n"


def test_upload_with_a_bad_row_is_refused_with_row_and_column(world, officer):
    dataset = define(world, officer)
    with pytest.raises(InvalidInput) as refused:
        services.version_publish(
            slug=dataset.slug,
            user=officer,
            upload=csv_file("month,commune_code,free_beds\n2026-01,00004,40\n2026-02,12345,x\n"),
        )
    assert refused.value.errors["rows"] == [
        "Dòng 3, cột commune_code: “12345” không phải mã xã, phường.",
        "Dòng 3, cột free_beds: “x” không phải số nguyên.",
    ]
    assert not DatasetVersion.objects.exists()
    assert Dataset.objects.get(pk=dataset.pk).status == DatasetStatus.DRAFT


def test_publish_csv_then_xlsx_versions_and_diff(world, officer, client):
    from openpyxl import Workbook

    dataset = define(world, officer)
    first = services.version_publish(slug=dataset.slug, user=officer, upload=csv_file(GOOD))
    assert (first.number, first.row_count) == (1, 3)
    book = Workbook()
    sheet = book.active
    for row in (["month", "commune_code", "free_beds"], ["2026-02", "00004", 30], ["2026-03", "00004", 20]):
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    second = services.version_publish(
        slug=dataset.slug, user=officer, upload=SimpleUploadedFile("beds.xlsx", data.getvalue())
    )
    assert second.number == 2 and second.rows[1] == {"month": "2026-03", "commune_code": "00004", "free_beds": 20}
    page = client.get(f"/du-lieu-mo/{dataset.slug}/phien-ban/2/")
    assert page.status_code == 200
    assert "Thêm 1 dòng, bỏ 2 dòng, sửa 1 dòng." in page.content.decode()


def test_public_page_shows_table_chart_and_downloads(world, officer, client):
    dataset = define(world, officer)
    services.version_publish(slug=dataset.slug, user=officer, upload=csv_file(GOOD))
    html = client.get(f"/du-lieu-mo/{dataset.slug}/").content.decode()
    assert "<svg" in html and "Giường trống" in html and "Phường Ba Đình" in html
    for fmt in ("csv", "json", "xlsx"):
        assert client.get(f"/api/v1/open-data/{dataset.slug}.{fmt}").status_code == 200
    rows = client.get(f"/api/v1/open-data/{dataset.slug}.json").json()["rows"]
    assert rows[0] == {"month": "2026-01", "commune_code": "00004", "free_beds": 40}
    filtered = client.get(f"/du-lieu-mo/{dataset.slug}/", {"month": "2026-01"}).context["row_total"]
    assert filtered == 1


def test_catalogue_lists_published_datasets_only(world, officer, api):
    draft = define(world, officer, title="Nháp")
    published = define(world, officer)
    services.version_publish(slug=published.slug, user=officer, upload=csv_file(GOOD))
    entries = {d["dct:identifier"]: d for d in api.get("/api/v1/open-data/").json()["dcat:dataset"]}
    assert published.slug in entries and draft.slug not in entries
    entry = entries[published.slug]
    assert entry["dct:publisher"]["foaf:name"] == world.agency.name
    assert entry["dcat:landingPage"].endswith(f"/du-lieu-mo/{published.slug}/")
    assert entry["dct:accrualPeriodicity"].endswith("/MONTHLY")


def test_withdrawal_needs_a_reason_and_hides_the_data(world, officer, client, api):
    dataset = define(world, officer)
    services.version_publish(slug=dataset.slug, user=officer, upload=csv_file(GOOD))
    with pytest.raises(InvalidInput):
        services.dataset_withdraw(slug=dataset.slug, user=officer, reason=" ")
    services.dataset_withdraw(slug=dataset.slug, user=officer, reason="Số liệu sai nguồn")
    page = client.get(f"/du-lieu-mo/{dataset.slug}/")
    assert "Số liệu sai nguồn" in page.content.decode() and page.context["row_total"] == 0
    assert api.get(f"/api/v1/open-data/{dataset.slug}.csv").status_code == 404


def test_only_the_owning_agencys_data_officer_publishes(world, officer):
    dataset = define(world, officer)
    outsider = make_user("data2@example.org")
    StaffMembership.objects.create(user=outsider, agency=world.other_agency, role=Role.DATA_OFFICER)
    with pytest.raises(ActionForbidden):
        services.dataset_define(user=outsider, agency=world.agency, fields=FIELDS, columns=COLUMNS)
    response = client_for(outsider).post(
        f"/api/v1/datasets/{dataset.slug}/versions/", {"file": csv_file(GOOD)}, format="multipart"
    )
    assert response.status_code == 404
    mine = client_for(officer).post(
        f"/api/v1/datasets/{dataset.slug}/versions/", {"file": csv_file(GOOD)}, format="multipart"
    )
    assert mine.status_code == 201 and mine.json()["number"] == 1
    bad = client_for(officer).post(
        f"/api/v1/datasets/{dataset.slug}/versions/",
        {"file": csv_file("month,commune_code,free_beds\n2026-99,00004,1\n")},
        format="multipart",
    )
    assert bad.status_code == 400 and bad.json()["rows"] == [
        "Dòng 2, cột month: “2026-99” không phải tháng dạng YYYY-MM."
    ]


def test_ioc_panel_shows_latest_change_threshold_and_staleness(world, officer):
    dataset = define(world, officer)
    services.version_publish(slug=dataset.slug, user=officer, upload=csv_file(GOOD))
    services.panel_pin(user=world.leader, dataset=dataset, column="free_beds", threshold=50, direction="below")
    with pytest.raises(ActionForbidden):
        services.panel_pin(user=world.citizen, dataset=dataset, column="free_beds")
    (figure,) = panel_figures(user=world.leader)
    assert (figure.period, figure.value, figure.previous, figure.change) == ("2026-02", 47, 40, 7)
    assert figure.alert and not figure.stale
    (later,) = panel_figures(user=world.leader, now=timezone.now() + timedelta(days=40))
    assert later.stale
    client = Client()
    staff_login(client, world.leader)
    html = client.get("/ioc/").content.decode()
    assert "Chỉ số chuyên ngành đã ghim" in html and "ioc-panel--alert" in html


def test_reminder_when_a_dataset_is_due(world, officer, monkeypatch):
    dataset = define(world, officer)
    services.version_publish(slug=dataset.slug, user=officer, upload=csv_file(GOOD))
    assert remind_due_updates() == 0
    later = timezone.now() + timedelta(days=45)
    while later.weekday() >= 5:
        later += timedelta(days=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert remind_due_updates() > 0
    assert remind_due_updates() == 0
    assert Notification.objects.filter(recipient=officer, kind=Kind.DATASET_DUE).exists()


def test_data_officer_pages(world, officer):
    client = Client()
    staff_login(client, officer)
    created = client.post(
        "/du-lieu/quan-ly/",
        {
            **FIELDS,
            "agency": world.agency.pk,
            "columns": "month | Tháng | month\ncommune_code | Xã | commune_code\n"
            "free_beds | Giường trống | integer | giường",
        },
    )
    assert created.status_code == 302, created.context["form"].errors if created.context else created
    slug = Dataset.objects.get().slug
    refused = client.post(f"/du-lieu/quan-ly/{slug}/", {"file": csv_file("month,commune_code,free_beds\nx,00004,1\n")})
    assert "Dòng 2, cột month" in refused.content.decode()
    assert not DatasetVersion.objects.exists()
    client.post(f"/du-lieu/quan-ly/{slug}/", {"file": csv_file(GOOD)})
    assert DatasetVersion.objects.count() == 1
    assert Client().get("/du-lieu/quan-ly/").status_code == 302  # sign-in first
    citizen = Client()
    staff_login(citizen, world.citizen)
    assert citizen.get("/du-lieu/quan-ly/").status_code == 403
    assert PinnedPanel.objects.count() == 0
