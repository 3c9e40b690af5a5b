"""Citizen-side fixes: upload errors in plain words, Back after submitting, empty drafts, `make demo HOST=`."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from procedures.errors import ActionForbidden, ActionNotAvailable, InvalidInput
from procedures.models import Dossier, DossierEvent, Status
from procedures.services.documents import document_upload, kinds_display
from procedures.services.dossiers import dossier_create
from procedures.services.drafts import dossier_draft_delete
from tests.conftest import VALID_DATA
from tests.web.test_pages import attach, browser, text

pytestmark = pytest.mark.django_db


def test_a_refused_file_type_is_named_in_plain_words(world):
    dossier = dossier_create(applicant=world.citizen, procedure_code=world.procedure.code)
    with pytest.raises(InvalidInput) as refused:
        document_upload(
            dossier_id=dossier.pk,
            actor=world.citizen,
            requirement="declaration",
            upload=SimpleUploadedFile("ghi-chu.txt", b"just some text\n", content_type="text/plain"),
        )
    message = refused.value.message
    assert "PDF" in message and "PNG" in message and "JPG" in message
    assert "/" not in message.replace("“", "").split("Hãy")[1]  # no "application/pdf" or "text/plain"
    assert "text/plain" not in message and "application/" not in message


def test_kinds_display_names_extensions_and_wildcards():
    assert kinds_display(["application/pdf", "image/jpeg", "image/*"]) == "PDF, JPG, ảnh"


def test_the_documents_page_hint_has_no_mime_types(world):
    dossier = dossier_create(applicant=world.citizen, procedure_code=world.procedure.code)
    page = text(browser(world.citizen).get(reverse("dossier-documents", kwargs={"dossier_id": dossier.pk})))
    hint = page.split('id="file-1-hint">')[1].split("</p>")[0]
    assert hint.startswith("Định dạng PDF, PNG, JPG") and "/" not in hint


def test_back_after_submitting_redirects_and_a_second_submit_says_it_is_done(world):
    dossier = dossier_create(applicant=world.citizen, procedure_code=world.procedure.code, data=VALID_DATA)
    attach(dossier, world.citizen)
    client = browser(world.citizen)
    stale_version = dossier.version
    review = client.get(reverse("dossier-review", kwargs={"dossier_id": dossier.pk}))
    assert "no-store" in review["Cache-Control"]  # Back reloads it instead of showing a live "Nộp hồ sơ"
    url = reverse("dossier-action", kwargs={"dossier_id": dossier.pk})
    client.post(url, {"action": "submit", "version": stale_version})
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED

    for name in ("dossier-review", "dossier-edit", "dossier-documents"):
        response = client.get(reverse(name, kwargs={"dossier_id": dossier.pk}))
        assert response.url == reverse("dossier-detail", kwargs={"dossier_id": dossier.pk}), name
    again = client.post(url, {"action": "submit", "version": stale_version}, follow=True)
    shown = [str(m) for m in again.context["messages"]]
    assert shown[-1] == f"Hồ sơ này đã được nộp (mã {dossier.code}), không cần nộp lại."
    assert not any("phiên bản" in m.lower() or "version" in m.lower() for m in shown)


def test_an_empty_draft_shows_its_date_and_can_be_deleted_by_its_owner_only(world):
    empty = dossier_create(applicant=world.citizen, procedure_code=world.procedure.code)
    filled = dossier_create(applicant=world.citizen, procedure_code=world.procedure.code, data={"full_name": "An"})
    client = browser(world.citizen)
    page = text(client.get(reverse("dossier-list")))
    assert empty.created_at.astimezone().strftime("%d/%m/%Y") in page
    assert reverse("dossier-draft-delete", kwargs={"dossier_id": empty.pk}) in page
    assert reverse("dossier-draft-delete", kwargs={"dossier_id": filled.pk}) not in page

    # Another person cannot (and does not learn it exists); a draft with answers stays.
    other = browser(world.citizen2).post(reverse("dossier-draft-delete", kwargs={"dossier_id": empty.pk}))
    assert other.status_code == 404
    with pytest.raises(ActionNotAvailable):
        dossier_draft_delete(dossier_id=filled.pk, actor=world.citizen)

    response = client.post(reverse("dossier-draft-delete", kwargs={"dossier_id": empty.pk}), follow=True)
    assert "Đã xoá hồ sơ nháp trống." in text(response)
    # The event log is append-only: the draft is marked discarded, not deleted, and leaves the list.
    assert Dossier.objects.get(pk=empty.pk).purged_at is not None
    assert DossierEvent.objects.filter(dossier_id=empty.pk).exists()
    assert reverse("dossier-draft-delete", kwargs={"dossier_id": empty.pk}) not in text(
        client.get(reverse("dossier-list"))
    )
    assert Dossier.objects.filter(pk=filled.pk).exists()


def test_a_submitted_dossier_or_an_officer_cannot_delete_a_draft(world):
    dossier = dossier_create(applicant=world.citizen, procedure_code=world.procedure.code, data=VALID_DATA)
    attach(dossier, world.citizen)
    browser(world.citizen).post(
        reverse("dossier-action", kwargs={"dossier_id": dossier.pk}), {"action": "submit", "version": dossier.version}
    )
    with pytest.raises(ActionNotAvailable):
        dossier_draft_delete(dossier_id=dossier.pk, actor=world.citizen)
    with pytest.raises(ActionForbidden):
        dossier_draft_delete(dossier_id=dossier.pk, actor=world.reception)


def test_make_demo_host_sets_site_url():
    root = Path(__file__).resolve().parents[2]
    dry = subprocess.run(
        ["make", "-n", "demo", "HOST=192.168.1.5:8000", "PY=python"], cwd=root, capture_output=True, text=True
    ).stdout
    assert "SITE_URL=http://192.168.1.5:8000" in dry and "runserver 192.168.1.5:8000" in dry
