"""The receipt (form 01) PDF and the QR code of the tracking URL."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from rest_framework.test import APIClient

from procedures.receipts import (
    ServiceUnavailable,
    _data_only_fetcher,
    qr_png,
    receipt_context,
    receipt_html,
    receipt_pdf,
    tracking_url,
)
from procedures.services.documents import document_upload
from procedures.services.dossiers import dossier_create, dossier_perform_action
from tests.conftest import PDF_BYTES, VALID_DATA, VN, client_for

PDFTOTEXT = shutil.which("pdftotext")


def pdf_text(pdf: bytes) -> str | None:
    """The PDF's text through poppler's pdftotext, or None where it is not installed."""
    if not PDFTOTEXT:
        return None
    result = subprocess.run([PDFTOTEXT, "-layout", "-", "-"], input=pdf, capture_output=True, check=True, timeout=60)
    return result.stdout.decode("utf-8")


def receipt_url(dossier) -> str:
    return f"/api/v1/dossiers/{dossier.pk}/receipt.pdf"


@pytest.fixture
def submitted(world):
    dossier = dossier_create(applicant=world.citizen, procedure_code=world.procedure.code, data=VALID_DATA)
    document_upload(
        dossier_id=dossier.pk,
        actor=world.citizen,
        requirement="declaration",
        upload=SimpleUploadedFile("Tờ khai đăng ký khai sinh.pdf", PDF_BYTES),
    )
    dossier.refresh_from_db()
    return dossier_perform_action(dossier_id=dossier.pk, action="submit", actor=world.citizen, version=dossier.version)


def accept(world, dossier):
    dossier.refresh_from_db()
    return dossier_perform_action(
        dossier_id=dossier.pk, action="accept", actor=world.reception, version=dossier.version
    )


def test_the_applicant_gets_the_receipt_of_a_submitted_dossier(world, submitted):
    response = client_for(world.citizen).get(receipt_url(submitted))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert submitted.code in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")
    assert len(response.content) > 5000  # text, fonts and the QR image are in it
    text = pdf_text(response.content)
    if text is not None:
        assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
        assert submitted.code in text
        assert "Nguyễn Văn An" in text
        assert "Đăng ký khai sinh thử nghiệm" in text
        assert "UBND phường Ba Đình" in text
        assert "Tờ khai đăng ký khai sinh.pdf" in text
        assert "Chưa tiếp nhận" in text


def test_after_acceptance_the_receipt_gives_the_appointment_date(world, submitted):
    dossier = accept(world, submitted)
    expected = dossier.due_at.astimezone(VN).strftime("%d/%m/%Y")
    assert receipt_context(dossier)["due_date"] == expected

    response = client_for(world.reception).get(receipt_url(dossier))

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    if text is not None:
        assert expected in text
        assert "Chưa tiếp nhận" not in text


def test_the_appointment_date_is_the_vietnamese_calendar_day(world, submitted):
    dossier = accept(world, submitted)
    # 17:30 UTC on 1 December is 00:30 on 2 December in Hà Nội.
    dossier.due_at = datetime(2026, 12, 1, 17, 30, tzinfo=UTC)
    dossier.submitted_at = datetime(2026, 11, 26, 2, 5, tzinfo=UTC)

    context = receipt_context(dossier)

    assert context["due_date"] == "02/12/2026"
    assert context["submitted_at"] == "09 giờ 05 phút, ngày 26/11/2026"
    assert context["accepted"] is True
    assert context["tracking_url"] == tracking_url(dossier.code)
    assert context["tracking_url"].endswith(f"/track/{dossier.code}/")
    assert context["receiver_name"] == world.reception.get_full_name()
    assert [row["requirement"] for row in context["documents"]] == ["Tờ khai"]


def test_before_acceptance_there_is_no_appointment_date(submitted):
    context = receipt_context(submitted)

    assert context["accepted"] is False
    assert context["due_date"] == ""
    assert "Chưa tiếp nhận" in receipt_html(submitted)


def test_user_data_is_escaped_in_the_receipt(world, submitted):
    world.citizen.full_name = '<img src="http://127.0.0.1:9/steal">'
    world.citizen.save()
    submitted.refresh_from_db()

    html = receipt_html(submitted)

    assert '<img src="http://127.0.0.1:9/steal">' not in html
    assert "&lt;img" in html
    assert receipt_pdf(submitted).startswith(b"%PDF")


def test_the_renderer_may_only_load_data_uris():
    import weasyprint

    fetcher = _data_only_fetcher(weasyprint)
    with pytest.raises(ValueError):
        (fetcher.fetch if hasattr(fetcher, "fetch") else fetcher)("file:///etc/passwd")


def test_the_receipt_of_a_draft_is_409(world):
    draft = dossier_create(applicant=world.citizen, procedure_code=world.procedure.code, data=VALID_DATA)

    response = client_for(world.citizen).get(receipt_url(draft))

    assert response.status_code == 409
    assert response.json()["code"] == "action_not_available"


def test_the_receipt_is_private(world, submitted):
    assert APIClient().get(receipt_url(submitted)).status_code == 401
    assert client_for(world.citizen2).get(receipt_url(submitted)).status_code == 404
    assert client_for(world.other_reception).get(receipt_url(submitted)).status_code == 404
    assert client_for(world.reception).get(receipt_url(submitted)).status_code == 200


def test_without_weasyprint_the_receipt_is_a_clear_503(world, submitted, monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # `import weasyprint` now raises ImportError

    with pytest.raises(ServiceUnavailable):
        receipt_pdf(submitted)
    response = client_for(world.citizen).get(receipt_url(submitted))

    assert response.status_code == 503
    assert "PDF" in response.json()["detail"]
    assert response.json()["code"] == "service_unavailable"


def test_qr_png_is_a_png_image():
    data = qr_png("http://127.0.0.1:8000/track/000.00.12.H26-261126-0001/")

    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    assert image.size[0] == image.size[1] >= 100
    # A longer URL needs a larger code.
    assert Image.open(io.BytesIO(qr_png("http://x/" + "a" * 300))).size[0] > image.size[0]
