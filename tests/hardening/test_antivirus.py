"""Every upload passes a real clamd before it is stored; infected files are refused with a message and logged."""

from __future__ import annotations

import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from procedures.models import Document
from tests.api import create_draft, url
from tests.conftest import PDF_BYTES, client_for

pytestmark = pytest.mark.django_db

# The EICAR test file: harmless, recognised by every scanner as a test virus. Kept split so no scanner flags this file.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


@pytest.fixture
def scanner(settings, clamd_socket):
    settings.CLAMAV_SOCKET = clamd_socket
    settings.CLAMAV_HOST = ""
    return clamd_socket


def upload(world, draft, content: bytes, name: str):
    file = SimpleUploadedFile(name, content, "application/pdf")
    return client_for(world.citizen).post(url(draft, "documents/"), {"file": file, "requirement": "declaration"})


def test_an_infected_upload_is_refused_and_logged(world, scanner, caplog):
    draft = create_draft(world)
    with caplog.at_level(logging.WARNING, logger="procedures.services.documents"):
        response = upload(world, draft, EICAR, "to-khai.pdf")
    assert response.status_code == 400
    assert "mã độc" in response.json()["detail"] and "Eicar" in response.json()["detail"]
    assert not Document.objects.exists()
    assert any("Infected upload refused" in record.getMessage() for record in caplog.records)


def test_a_clean_upload_passes_the_scanner(world, scanner):
    draft = create_draft(world)
    assert upload(world, draft, PDF_BYTES, "to-khai.pdf").status_code == 201


def test_an_unreachable_scanner_refuses_rather_than_lets_through(world, settings, tmp_path):
    settings.CLAMAV_SOCKET = str(tmp_path / "nobody-listens.sock")
    draft = create_draft(world)
    response = upload(world, draft, PDF_BYTES, "to-khai.pdf")
    assert response.status_code == 503 and response.json()["code"] == "scanner_unavailable"
    assert not Document.objects.exists()


def test_health_says_whether_uploads_are_scanned(world, settings, client, scanner):
    assert client.get("/health/").json()["antivirus"]["state"] == "up"
    settings.CLAMAV_SOCKET = ""
    body = client.get("/health/").json()
    assert body["antivirus"] == {"ok": True, "state": "not_configured", "ms": body["antivirus"]["ms"]}
