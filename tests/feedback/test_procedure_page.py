"""The procedure page links each legal document to the national legal database and offers the blank form."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from procedures.blank_form import legal_basis_items

pytestmark = pytest.mark.django_db


def test_legal_document_numbers_become_links():
    items = legal_basis_items(
        "Luật Hộ tịch 60/2014/QH13; Nghị định 123/2015/NĐ-CP (sửa đổi bởi Nghị định 07/2025/NĐ-CP)"
    )
    assert [item["text"] for item in items] == [
        "Luật Hộ tịch 60/2014/QH13",
        "Nghị định 123/2015/NĐ-CP (sửa đổi bởi Nghị định 07/2025/NĐ-CP)",
    ]
    assert [link["number"] for link in items[1]["links"]] == ["123/2015/NĐ-CP", "07/2025/NĐ-CP"]
    assert items[0]["links"][0]["url"].endswith("Keyword=60/2014/QH13")


def test_blank_form_pdf_lists_the_fields(world, client):
    pytest.importorskip("weasyprint")
    response = client.get(f"/thu-tuc/{world.procedure.code}/to-khai.pdf")
    if response.status_code == 503:
        pytest.skip("Pango is not installed (the README's optional library)")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-", "-"], input=response.content, capture_output=True).stdout.decode()
        assert "TỜ KHAI" in text
        for field in world.version.form_fields:
            if field.get("type") != "heading":
                assert field["label"] in text
    page = client.get(f"/thu-tuc/{world.procedure.code}/").content.decode()
    assert f"/thu-tuc/{world.procedure.code}/to-khai.pdf" in page


def test_unknown_procedure_has_no_form(client):
    assert client.get("/thu-tuc/NOPE/to-khai.pdf").status_code == 404
