"""The citizen's document store, the signed result download (delivery), reuse without upload, desk scans."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from procedures.models import Channel, Document, Dossier, Status
from procedures.services.documents import document_upload
from procedures.services.dossiers import dossier_create
from records import selectors
from records.models import DocumentOrigin, Origin, SignedResult, StoredDocument
from tests.conftest import PDF_BYTES, VALID_DATA, client_for
from tests.procedures.dossier_flow import drive, new_draft
from tests.records.helpers import complete


def _upload(dossier, actor, requirement="declaration"):
    return document_upload(
        dossier_id=dossier.pk,
        actor=actor,
        requirement=requirement,
        upload=SimpleUploadedFile("to-khai.pdf", PDF_BYTES, content_type="application/pdf"),
    )


def test_the_store_lists_the_signed_result_of_its_owner_only(world, signing):
    dossier = complete(world)
    body = client_for(world.citizen).get("/api/v1/me/documents/").json()
    assert body["count"] == 1
    (entry,) = body["results"]
    assert entry["kind"] == "result" and entry["content_type"] == "application/pdf"
    assert entry["source_dossier"] == {"id": str(dossier.pk), "code": dossier.code}
    assert entry["issued_at"].startswith("2026-10-05T") and entry["digitised"] is False
    assert client_for(world.citizen2).get("/api/v1/me/documents/").json()["count"] == 0
    assert client_for(world.citizen).get("/api/v1/me/documents/", HTTP_ACCEPT="application/json").status_code == 200


def test_anonymous_store_is_401(api):
    assert api.get("/api/v1/me/documents/").status_code in (401, 403)


def test_downloading_the_result_delivers_it(world, signing):
    dossier = complete(world)
    assert client_for(world.citizen2).get(f"/api/v1/dossiers/{dossier.pk}/result.pdf").status_code == 404
    assert client_for(world.other_leader).get(f"/api/v1/dossiers/{dossier.pk}/result.pdf").status_code == 404
    staff = client_for(world.reception).get(f"/api/v1/dossiers/{dossier.pk}/result.pdf")
    assert staff.status_code == 200 and Dossier.objects.get(pk=dossier.pk).status == Status.COMPLETED
    response = client_for(world.citizen).get(f"/api/v1/dossiers/{dossier.pk}/result.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content == SignedResult.objects.get(dossier=dossier).document.file.open("rb").read()
    fresh = Dossier.objects.get(pk=dossier.pk)
    assert (fresh.status, fresh.delivery_channel) == (Status.DELIVERED, "online")
    assert SignedResult.objects.get(dossier=dossier).downloaded_at is not None
    # A second download serves the file again and changes nothing.
    again = client_for(world.citizen).get(f"/api/v1/dossiers/{dossier.pk}/result.pdf")
    assert again.status_code == 200 and Dossier.objects.get(pk=dossier.pk).version == fresh.version


def test_no_result_before_completion(world, signing):
    dossier = drive(world, "processing@3", e_result=False)
    assert client_for(world.citizen).get(f"/api/v1/dossiers/{dossier.pk}/result.pdf").status_code == 404


def test_keep_an_upload_then_reuse_it_without_uploading(world, signing):
    first = new_draft(world, documents=())
    uploaded = _upload(first, world.citizen)
    assert DocumentOrigin.objects.get(document=uploaded).origin == Origin.UPLOAD
    kept = client_for(world.citizen).post("/api/v1/me/documents/", {"document": str(uploaded.pk)}, format="json")
    assert kept.status_code == 201 and kept.json()["kind"] == "upload"
    stored_id = kept.json()["id"]
    # Someone else cannot keep it, nor reuse the entry.
    assert client_for(world.citizen2).post("/api/v1/me/documents/", {"document": str(uploaded.pk)}).status_code == 404
    second = new_draft(world, documents=())
    other = new_draft(world, applicant=world.citizen2, documents=())
    refused = client_for(world.citizen2).post(
        f"/api/v1/dossiers/{other.pk}/documents/",
        {"requirement": "declaration", "from_store": stored_id},
        format="json",
    )
    assert refused.status_code == 400
    response = client_for(world.citizen).post(
        f"/api/v1/dossiers/{second.pk}/documents/",
        {"requirement": "declaration", "from_store": stored_id},
        format="json",
    )
    assert response.status_code == 201, response.json()
    document = Document.objects.get(pk=response.json()["id"])
    assert document.dossier_id == second.pk and document.sha256 == uploaded.sha256
    origin = DocumentOrigin.objects.get(document=document)
    assert origin.origin == Origin.REUSE and str(origin.reused_from_id) == stored_id
    # A requirement the procedure does not have is refused with a message, as for an upload.
    bad = client_for(world.citizen).post(
        f"/api/v1/dossiers/{second.pk}/documents/", {"requirement": "nope", "from_store": stored_id}, format="json"
    )
    assert bad.status_code == 400


def test_a_paper_dossier_scanned_at_the_desk_is_marked_digitised(world):
    dossier = dossier_create(
        applicant=world.citizen,
        procedure_code=world.procedure.code,
        data=VALID_DATA,
        channel=Channel.IN_PERSON,
        created_by=world.reception,
    )
    scan = _upload(dossier, world.reception)
    assert DocumentOrigin.objects.get(document=scan).origin == Origin.SCAN
    stored = StoredDocument.objects.get(owner=world.citizen, document=scan)
    assert stored.kind == "scan"
    body = client_for(world.citizen).get("/api/v1/me/documents/").json()
    assert body["results"][0]["digitised"] is True


def test_removing_a_document_removes_its_origin(world):
    dossier = new_draft(world, documents=())
    uploaded = _upload(dossier, world.citizen)
    client_for(world.citizen).delete(f"/api/v1/dossiers/{dossier.pk}/documents/{uploaded.pk}/")
    assert not DocumentOrigin.objects.exists()


def test_the_store_costs_the_same_queries_whatever_its_size(world):
    dossier = new_draft(world, documents=())
    for _ in range(1):
        StoredDocument.objects.create(
            owner=world.citizen,
            document=_upload(dossier, world.citizen),
            kind="upload",
            name="a",
            issued_at=dossier.created_at,
        )
    with CaptureQueriesContext(connection) as one:
        list(selectors.store_documents_for(world.citizen))
        [(row.document.dossier.code, row.document.content_type) for row in selectors.store_documents_for(world.citizen)]
    for _ in range(4):
        StoredDocument.objects.create(
            owner=world.citizen,
            document=_upload(dossier, world.citizen),
            kind="upload",
            name="a",
            issued_at=dossier.created_at,
        )
    with CaptureQueriesContext(connection) as five:
        list(selectors.store_documents_for(world.citizen))
        [(row.document.dossier.code, row.document.content_type) for row in selectors.store_documents_for(world.citizen)]
    assert len(one) == len(five) == 2


def test_the_store_matches_requirements_for_the_filing_wizard(world):
    dossier = new_draft(world, documents=())
    uploaded = _upload(dossier, world.citizen)
    StoredDocument.objects.create(
        owner=world.citizen,
        document=uploaded,
        kind="upload",
        requirement="declaration",
        name="x",
        issued_at=dossier.created_at,
    )
    matches = selectors.store_matches_for(world.citizen, [{"code": "declaration"}, {"code": "birth_cert"}])
    assert list(matches) == ["declaration"] and matches["declaration"][0].document_id == uploaded.pk
    assert selectors.store_matches_for(world.citizen2, [{"code": "declaration"}]) == {}


def test_the_filing_wizard_offers_stored_documents_and_reuses_one(world, client):
    earlier = new_draft(world, documents=())
    stored = StoredDocument.objects.create(
        owner=world.citizen,
        document=_upload(earlier, world.citizen),
        kind="upload",
        requirement="declaration",
        name="Tờ khai đã nộp",
        issued_at=earlier.created_at,
    )
    draft = new_draft(world, documents=())
    client.force_login(world.citizen)
    page = client.get(f"/ho-so/{draft.pk}/giay-to/").content.decode()
    assert "Dùng giấy tờ đã có" in page and "Tờ khai đã nộp" in page
    response = client.post(
        f"/ho-so/{draft.pk}/giay-to/",
        {"_op": "reuse", "requirement": "declaration", "offer": f"from_store:{stored.pk}"},
    )
    assert response.status_code == 302
    (document,) = Document.objects.filter(dossier=draft)
    assert DocumentOrigin.objects.get(document=document).origin == Origin.REUSE
    # Another applicant is offered nothing of it.
    client.force_login(world.citizen2)
    other = new_draft(world, applicant=world.citizen2, documents=())
    assert "Tờ khai đã nộp" not in client.get(f"/ho-so/{other.pk}/giay-to/").content.decode()
