"""Open data: the DCAT catalogue (JSON-LD) and every distribution downloads without login as valid CSV and JSON."""

from __future__ import annotations

import csv
import io

import pytest

from dashboard import opendata
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

DATASETS = {"thu-tuc-hanh-chinh", "thong-ke-ho-so-theo-thang", "hoi-dap-cong-khai"}


def test_catalogue_is_dcat_json_ld(world, api):
    response = api.get("/api/v1/open-data/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    body = response.json()
    assert body["@type"] == "dcat:Catalog"
    assert body["@context"]["dcat"] == "http://www.w3.org/ns/dcat#"
    assert {item["dct:identifier"] for item in body["dcat:dataset"]} == DATASETS
    for item in body["dcat:dataset"]:
        assert item["@type"] == "dcat:Dataset" and item["dct:title"] and item["dct:license"]
        assert "dct:modified" in item
        media = {d["dcat:mediaType"] for d in item["dcat:distribution"]}
        assert media == {"text/csv", "application/json", opendata.XLSX}


def test_every_distribution_downloads_without_login_and_parses(world, api):
    catalogue = api.get("/api/v1/open-data/").json()
    for item in catalogue["dcat:dataset"]:
        for distribution in item["dcat:distribution"]:
            path = distribution["dcat:downloadURL"].split("://", 1)[1].split("/", 1)[1]
            response = api.get("/" + path)
            assert response.status_code == 200, path
            if distribution["dcat:mediaType"] == opendata.XLSX:
                from openpyxl import load_workbook

                sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
                assert len(list(sheet.iter_rows(values_only=True))) >= 2  # names and titles
            elif distribution["dcat:mediaType"] == "text/csv":
                rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
                assert len(rows[0]) == len(set(rows[0])) > 1
                assert all(len(row) == len(rows[0]) for row in rows)
            else:
                body = response.json()
                assert {c["name"] for c in body["columns"]} and isinstance(body["rows"], list)


def test_the_procedure_catalogue_lists_the_published_procedure(world, api):
    rows = api.get("/api/v1/open-data/thu-tuc-hanh-chinh.json").json()["rows"]
    assert [row["code"] for row in rows] == [world.procedure.code]
    assert rows[0]["agency_code"] == world.agency.identity_code


def test_public_questions_dataset_carries_only_published_answers(world, api):
    citizen = client_for(world.citizen)
    item = citizen.post(
        "/api/v1/feedback/",
        {
            "agency": world.agency.identity_code,
            "category": "question",
            "title": "Lệ phí?",
            "content": "Bao nhiêu?",
            "public": True,
        },
        format="json",
    ).json()
    client_for(world.reception).post(f"/api/v1/feedback/{item['id']}/answer/", {"content": "8.000 đồng"}, format="json")
    assert api.get("/api/v1/open-data/hoi-dap-cong-khai.json").json()["rows"] == []
    client_for(world.leader).post(f"/api/v1/feedback/{item['id']}/actions/", {"action": "publish"}, format="json")
    rows = api.get("/api/v1/open-data/hoi-dap-cong-khai.json").json()["rows"]
    assert [(row["title"], row["answer"]) for row in rows] == [("Lệ phí?", "8.000 đồng")]


def test_unknown_dataset_is_404(api):
    assert api.get("/api/v1/open-data/nope.csv").status_code == 404
    assert api.get("/api/v1/open-data/thu-tuc-hanh-chinh.xml").status_code == 404


def test_open_data_page(world, client):
    page = client.get("/du-lieu-mo/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "CC BY 4.0" in html and "/api/v1/open-data/thu-tuc-hanh-chinh.csv" in html
