"""Dossier documents over the API: content sniffing, size limits, safe names, the permission matrix, result files."""

from __future__ import annotations

import io
import unicodedata
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import include, path
from rest_framework.test import APIClient

from procedures.models import Document, DocumentKind, Dossier, Status
from procedures.receipts import qr_png
from procedures.services.catalogue import procedure_import
from procedures.services.documents import document_upload, safe_name, sniff_content_type
from procedures.services.dossiers import dossier_create, dossier_perform_action
from tests.conftest import PDF_BYTES, VALID_DATA, client_for, procedure_template
from tests.helpers import act

PNG_BYTES = qr_png("https://example.org/")
EXE_BYTES = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 240 + b"This program cannot be run"
)
HTML_BYTES = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
TEXT_BYTES = "Họ và tên: Nguyễn Văn An\n".encode()


def zip_bytes(entries: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


def docs_url(dossier) -> str:
    return f"/api/v1/dossiers/{dossier.pk}/documents/"


def doc_url(dossier, document_id) -> str:
    return f"/api/v1/dossiers/{dossier.pk}/documents/{document_id}/"


def upload(client: APIClient, dossier, name: str = "to-khai.pdf", content: bytes = PDF_BYTES, **extra):
    data = {"requirement": "declaration", "file": SimpleUploadedFile(name, content, content_type="application/pdf")}
    data.update(extra)
    return client.post(docs_url(dossier), data, format="multipart")


def read(response) -> bytes:
    # Consume the stream (the test client closes it then); response.close() by hand would fire request_finished
    # and close the test's database connection.
    return b"".join(response.streaming_content)


def stored_files(settings) -> list[Path]:
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def draft(world):
    return dossier_create(applicant=world.citizen, procedure_code=world.procedure.code, data=VALID_DATA)


def submit(world, dossier) -> Dossier:
    if not dossier.documents.exists():
        document_upload(
            dossier_id=dossier.pk,
            actor=world.citizen,
            requirement="declaration",
            upload=SimpleUploadedFile("to-khai.pdf", PDF_BYTES),
        )
    dossier.refresh_from_db()
    return dossier_perform_action(dossier_id=dossier.pk, action="submit", actor=world.citizen, version=dossier.version)


# --- content sniffing ------------------------------------------------------------------------------------------


def test_a_pdf_named_png_is_stored_as_pdf(world, draft, settings):
    before = draft.version
    response = upload(client_for(world.citizen), draft, name="x.png", content=PDF_BYTES)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["content_type"] == "application/pdf"
    assert body["requirement"] == "declaration"
    assert body["kind"] == "input"
    assert body["size"] == len(PDF_BYTES)
    # The name's extension follows the content, so the downloaded file opens with the right program.
    assert body["name"] == "x.pdf"
    document = Document.objects.get(pk=body["id"])
    assert document.uploaded_by == world.citizen
    assert len(document.sha256) == 64
    with document.file.open("rb") as stored:
        assert stored.read() == PDF_BYTES
    # Stored under a random name inside private storage: nothing of the original name leaks into the path.
    assert "x." not in document.file.name
    assert len(stored_files(settings)) == 1
    draft.refresh_from_db()
    assert draft.version == before + 1
    assert body["dossier_version"] == draft.version


def test_a_png_named_pdf_is_detected_as_png(world, draft):
    response = upload(client_for(world.citizen), draft, name="scan.pdf", content=PNG_BYTES)

    assert response.status_code == 201, response.content
    assert response.json()["content_type"] == "image/png"
    assert response.json()["name"] == "scan.png"


@pytest.mark.parametrize(
    ("name", "content", "detected"),
    [
        ("setup.pdf", EXE_BYTES, "application/x-msdownload"),
        ("trang.pdf", HTML_BYTES, "text/html"),
        ("nen.pdf", zip_bytes([("a.txt", b"hello")]), "application/zip"),
        ("ghi-chu.pdf", TEXT_BYTES, "text/plain"),
    ],
)
def test_types_the_requirement_does_not_accept_are_refused_by_name(world, draft, settings, name, content, detected):
    response = upload(client_for(world.citizen), draft, name=name, content=content)

    assert response.status_code == 400, response.content
    body = response.json()
    # Plain words for people: the accepted kinds by extension, never MIME types such as the detected one.
    assert detected not in body["detail"] and "application/" not in body["detail"]
    assert "PDF" in body["detail"]  # the accepted types are listed too
    assert body["file"]
    assert not Document.objects.exists()
    assert stored_files(settings) == []


def test_an_empty_file_is_refused(world, draft):
    response = upload(client_for(world.citizen), draft, content=b"")

    assert response.status_code == 400
    assert "file" in response.json()
    assert not Document.objects.exists()


def test_docx_is_recognised_even_when_its_word_part_comes_late_in_the_archive():
    # filetype only looks at the first few archive entries; the archive's directory settles it.
    filler = [(f"docProps/custom{i}.xml", b"<x/>" * 50) for i in range(6)]
    content = zip_bytes([("[Content_Types].xml", b"<Types/>"), ("_rels/.rels", b"<Relationships/>"), *filler,
                         ("word/document.xml", b"<w:document/>")])  # fmt: skip

    detected = sniff_content_type(SimpleUploadedFile("bao-cao.bin", content))

    assert detected == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_a_docx_upload_is_accepted_where_the_requirement_allows_it(world):
    template = procedure_template("T.0002")
    template["version"]["documents"][0]["accept"] = [
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    ]
    procedure_import(template=template, agency=world.agency)
    dossier = dossier_create(applicant=world.citizen, procedure_code="T.0002", data=VALID_DATA)
    content = zip_bytes([("[Content_Types].xml", b"<Types/>"), ("word/document.xml", b"<w:document/>")])

    response = upload(client_for(world.citizen), dossier, name="don.docx", content=content)

    assert response.status_code == 201, response.content
    assert response.json()["name"] == "don.docx"


# --- sizes -----------------------------------------------------------------------------------------------------


def test_a_file_over_the_requirements_limit_gets_413_and_nothing_is_stored(world, draft, settings):
    # The test procedure's declaration takes at most 1 MiB.
    content = PDF_BYTES + b"0" * (1024 * 1024)

    response = upload(client_for(world.citizen), draft, content=content)

    assert response.status_code == 413, response.content
    assert "1 MB" in response.json()["detail"]
    assert not Document.objects.exists()
    assert stored_files(settings) == []
    version = draft.version
    draft.refresh_from_db()
    assert draft.version == version


def test_a_body_over_max_upload_bytes_gets_413_before_it_is_read(world, draft, settings):
    settings.MAX_UPLOAD_BYTES = 2000
    client = client_for(world.citizen)
    # Not even valid multipart: had anything parsed it, the answer would be 400.
    response = client.generic(
        "POST", docs_url(draft), b"x" * 5000, content_type="multipart/form-data; boundary=nothing-here"
    )

    assert response.status_code == 413, response.content
    assert "MB" in response.json()["detail"]

    response = upload(client, draft, content=PDF_BYTES + b"0" * 3000)
    assert response.status_code == 413
    assert not Document.objects.exists()
    assert stored_files(settings) == []


def test_max_upload_bytes_caps_a_more_generous_requirement(world, draft, settings):
    settings.MAX_UPLOAD_BYTES = 100_000
    response = upload(client_for(world.citizen), draft, content=PDF_BYTES + b"0" * 60_000)
    assert response.status_code == 201

    with pytest.raises(Exception) as caught:
        document_upload(
            dossier_id=draft.pk,
            actor=world.citizen,
            requirement="declaration",
            upload=SimpleUploadedFile("big.pdf", PDF_BYTES + b"0" * 100_000),
        )
    assert getattr(caught.value, "status_code", None) == 413


# --- names -----------------------------------------------------------------------------------------------------


def test_path_traversal_in_the_name_is_dropped(world, draft):
    response = upload(client_for(world.citizen), draft, name="../../etc/passwd.pdf")

    assert response.status_code == 201
    name = response.json()["name"]
    assert "/" not in name and "\\" not in name
    assert name == "passwd.pdf"


@pytest.mark.parametrize(
    ("given", "content_type", "expected"),
    [
        ("..\\..\\Windows\\system32\\a.pdf", "application/pdf", "a.pdf"),
        ("Giấy khai sinh của bé Hồng.pdf", "application/pdf", "Giấy khai sinh của bé Hồng.pdf"),
        # NFD input (macOS) becomes NFC, so the same letters compare equal.
        (unicodedata.normalize("NFD", "Tờ khai.pdf"), "application/pdf", "Tờ khai.pdf"),
        ("bad\x00na\x1bme\r\n.pdf", "application/pdf", "bad na me.pdf"),
        ("invoice\u202efdp.exe", "application/pdf", "invoice fdp.pdf"),
        ("..", "application/pdf", "tep-dinh-kem.pdf"),
        (".hidden.pdf", "application/pdf", "hidden.pdf"),
        ("a:b*c?.pdf", "application/pdf", "a_b_c_.pdf"),
        ("anh.chup", "image/jpeg", "anh.chup.jpg"),
        ("photo.JPEG", "image/jpeg", "photo.JPEG"),
        ("no-extension", "application/pdf", "no-extension.pdf"),
    ],
)
def test_safe_name(given, content_type, expected):
    assert safe_name(given, content_type=content_type) == expected


def test_safe_name_is_at_most_255_characters_and_keeps_the_extension():
    name = safe_name("Đ" * 400 + ".pdf", content_type="application/pdf")
    assert len(name) == 255
    assert name.endswith(".pdf")
    assert name.startswith("ĐĐĐ")


# --- bad input -------------------------------------------------------------------------------------------------


def test_missing_file_or_requirement_is_a_clear_400(world, draft):
    client = client_for(world.citizen)

    response = client.post(docs_url(draft), {"requirement": "declaration"}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()

    response = client.post(docs_url(draft), {"file": SimpleUploadedFile("a.pdf", PDF_BYTES)}, format="multipart")
    assert response.status_code == 400
    assert "requirement" in response.json()


def test_an_unknown_requirement_is_named_in_the_error(world, draft):
    response = upload(client_for(world.citizen), draft, requirement="passport_photo")

    assert response.status_code == 400
    assert "passport_photo" in response.json()["detail"]


def test_an_unknown_kind_is_refused(world, draft):
    response = upload(client_for(world.citizen), draft, kind="other")
    assert response.status_code == 400
    assert "kind" in response.json()


# --- who may upload, see and delete ----------------------------------------------------------------------------


def test_anonymous_gets_401(world, draft):
    document = document_upload(
        dossier_id=draft.pk,
        actor=world.citizen,
        requirement="declaration",
        upload=SimpleUploadedFile("a.pdf", PDF_BYTES),
    )
    anonymous = APIClient()

    assert upload(anonymous, draft).status_code == 401
    assert anonymous.get(doc_url(draft, document.pk)).status_code == 401
    assert anonymous.delete(doc_url(draft, document.pk)).status_code == 401
    assert Document.objects.count() == 1


def test_other_people_and_other_agencies_get_404(world, draft, settings):
    document = document_upload(
        dossier_id=draft.pk,
        actor=world.citizen,
        requirement="declaration",
        upload=SimpleUploadedFile("a.pdf", PDF_BYTES),
    )
    # A draft is the applicant's alone: even the handling agency's reception does not see it.
    for user in (world.citizen2, world.other_reception, world.reception):
        client = client_for(user)
        assert client.get(doc_url(draft, document.pk)).status_code == 404, user
        assert upload(client, draft).status_code == 404, user
        assert client.delete(doc_url(draft, document.pk)).status_code == 404, user

    submit(world, draft)
    for user in (world.citizen2, world.other_reception):
        client = client_for(user)
        assert client.get(doc_url(draft, document.pk)).status_code == 404, user
        assert upload(client, draft).status_code == 404, user
        assert upload(client, draft, kind="result").status_code == 404, user
        assert client.delete(doc_url(draft, document.pk)).status_code == 404, user
    assert Document.objects.count() == 1
    assert len(stored_files(settings)) == 1


def test_a_document_of_another_dossier_is_not_found_through_mine(world, draft):
    other = dossier_create(applicant=world.citizen2, procedure_code=world.procedure.code, data=VALID_DATA)
    theirs = document_upload(
        dossier_id=other.pk,
        actor=world.citizen2,
        requirement="declaration",
        upload=SimpleUploadedFile("a.pdf", PDF_BYTES),
    )

    assert client_for(world.citizen).get(doc_url(draft, theirs.pk)).status_code == 404


def test_malformed_ids_are_a_json_404(world, draft):
    client = client_for(world.citizen)

    for response in (
        client.get(f"/api/v1/dossiers/{draft.pk}/documents/not-a-uuid/"),
        client.delete(f"/api/v1/dossiers/{draft.pk}/documents/not-a-uuid/"),
        client.post("/api/v1/dossiers/not-a-uuid/documents/", {"requirement": "declaration"}, format="multipart"),
        client.get("/api/v1/dossiers/not-a-uuid/receipt.pdf"),
    ):
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert response.json()["code"] == "not_found"


def test_the_handling_reception_downloads_after_submission(world, draft):
    name = "Tờ khai khai sinh.pdf"
    response = upload(client_for(world.citizen), draft, name=name)
    document_id = response.json()["id"]
    submit(world, draft)

    response = client_for(world.reception).get(doc_url(draft, document_id))

    assert response.status_code == 200
    assert read(response) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline;")
    assert "filename*=UTF-8''T%E1%BB%9D%20khai%20khai%20sinh.pdf" in disposition
    assert 'filename="To khai khai sinh.pdf"' in disposition

    forced = client_for(world.citizen).get(doc_url(draft, document_id) + "?download=1")
    assert forced.status_code == 200
    assert forced["Content-Disposition"].startswith("attachment;")
    assert read(forced) == PDF_BYTES


def test_a_row_whose_file_is_gone_is_a_json_404(world, draft):
    document_id = upload(client_for(world.citizen), draft).json()["id"]
    document = Document.objects.get(pk=document_id)
    document.file.storage.delete(document.file.name)

    response = client_for(world.citizen).get(doc_url(draft, document_id))

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_download_ignores_the_clients_accept_header(world, draft):
    document_id = upload(client_for(world.citizen), draft).json()["id"]

    response = client_for(world.citizen).get(doc_url(draft, document_id), HTTP_ACCEPT="application/pdf")

    assert response.status_code == 200
    assert read(response) == PDF_BYTES


def test_staff_cannot_upload_input_documents_and_applicants_cannot_after_submission(world, draft, settings):
    submit(world, draft)

    assert upload(client_for(world.reception), draft).status_code == 403
    assert upload(client_for(world.citizen), draft).status_code == 409
    assert Document.objects.count() == 1
    assert len(stored_files(settings)) == 1


def test_delete_while_editable_removes_row_and_file(world, draft, settings, django_capture_on_commit_callbacks):
    client = client_for(world.citizen)
    document_id = upload(client, draft).json()["id"]
    assert len(stored_files(settings)) == 1
    draft.refresh_from_db()
    version = draft.version

    with django_capture_on_commit_callbacks(execute=True):
        response = client.delete(doc_url(draft, document_id))

    assert response.status_code == 204
    assert not Document.objects.filter(pk=document_id).exists()
    assert stored_files(settings) == []
    draft.refresh_from_db()
    assert draft.version == version + 1
    assert client.get(doc_url(draft, document_id)).status_code == 404


def test_delete_after_submission_is_409_and_keeps_the_file(world, draft, settings):
    client = client_for(world.citizen)
    document_id = upload(client, draft).json()["id"]
    submit(world, draft)

    response = client.delete(doc_url(draft, document_id))

    assert response.status_code == 409
    assert Document.objects.filter(pk=document_id).exists()
    assert len(stored_files(settings)) == 1


def test_a_supplement_request_limits_changes_to_the_documents_it_names(world):
    template = procedure_template("T.0003")
    template["version"]["documents"].append(
        {
            "code": "photo",
            "name": "Ảnh chân dung",
            "required": False,
            "copy_type": "original",
            "accept": ["image/png", "image/jpeg"],
            "max_bytes": 1048576,
        }  # fmt: skip
    )
    procedure_import(template=template, agency=world.agency)
    dossier = dossier_create(applicant=world.citizen, procedure_code="T.0003", data=VALID_DATA)
    declaration_id = upload(client_for(world.citizen), dossier).json()["id"]
    submit(world, dossier)
    act(dossier, "request_supplement", world.reception, items=["Bổ sung ảnh chân dung"], documents=["photo"])
    client = client_for(world.citizen)

    refused = upload(client, dossier)
    assert refused.status_code == 400
    assert "requirement" in refused.json()
    assert client.delete(doc_url(dossier, declaration_id)).status_code == 400

    allowed = upload(client, dossier, requirement="photo", name="anh.png", content=PNG_BYTES)
    assert allowed.status_code == 201, allowed.content


def test_a_supplement_request_naming_no_documents_allows_any(world, draft):
    submit(world, draft)
    act(draft, "request_supplement", world.reception, items=["Tờ khai bị mờ, nộp lại"])

    response = upload(client_for(world.citizen), draft, name="to-khai-moi.pdf")

    assert response.status_code == 201


# --- result documents ------------------------------------------------------------------------------------------


def test_result_documents_by_the_last_steps_role(world, draft):
    submit(world, draft)
    act(draft, "accept", world.reception)  # step 1: reception

    assert upload(client_for(world.specialist), draft, kind="result").status_code == 403
    assert upload(client_for(world.citizen), draft, kind="result").status_code == 403
    # Intake is no place for a result: no decision exists yet.
    assert upload(client_for(world.reception), draft, kind="result", requirement="").status_code == 409

    act(draft, "forward", world.reception)  # step 2: specialist
    assert upload(client_for(world.specialist), draft, kind="result").status_code == 409
    act(draft, "forward", world.specialist)  # step 3 (the last): leader
    assert upload(client_for(world.reception), draft, kind="result").status_code == 403
    response = upload(client_for(world.leader), draft, kind="result", requirement="", name="ket-qua.pdf")
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "result"
    assert response.json()["requirement"] == "result"
    response = upload(client_for(world.leader), draft, kind="result", requirement="giay_khai_sinh")
    assert response.status_code == 201
    assert response.json()["requirement"] == "giay_khai_sinh"

    # The applicant sees the result only once the dossier is completed.
    assert client_for(world.citizen).get(doc_url(draft, response.json()["id"])).status_code == 404
    act(draft, "complete", world.leader, outcome="approved")
    download = client_for(world.citizen).get(doc_url(draft, response.json()["id"]))
    assert download.status_code == 200
    assert read(download) == PDF_BYTES
    assert Document.objects.filter(dossier=draft, kind=DocumentKind.RESULT).count() == 2


def test_result_documents_need_processing_or_completed(world, draft):
    submit(world, draft)  # submitted: not accepted yet

    response = upload(client_for(world.reception), draft, kind="result")

    assert response.status_code == 409
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED


def test_result_documents_only_take_result_types(world, draft):
    submit(world, draft)
    act(draft, "accept", world.reception)
    act(draft, "forward", world.reception)
    act(draft, "forward", world.specialist)  # the last step

    response = upload(client_for(world.leader), draft, kind="result", name="kq.html", content=HTML_BYTES)

    assert response.status_code == 400
    assert "text/html" not in response.json()["detail"] and "PDF" in response.json()["detail"]


# --- schema ----------------------------------------------------------------------------------------------------


def test_the_openapi_schema_describes_the_endpoints_without_warnings():
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    from procedures.api import document_urls

    GENERATOR_STATS.reset()
    generator = SchemaGenerator(patterns=[path("api/v1/", include(document_urls))])
    schema = generator.get_schema(request=None, public=True)

    assert not GENERATOR_STATS._warn_cache and not GENERATOR_STATS._error_cache
    upload_op = schema["paths"]["/api/v1/dossiers/{dossier_id}/documents/"]["post"]
    assert "multipart/form-data" in upload_op["requestBody"]["content"]
    assert {"201", "400", "401", "404", "409", "413"} <= set(upload_op["responses"])
    download = schema["paths"]["/api/v1/dossiers/{dossier_id}/documents/{doc_id}/"]["get"]
    assert download["responses"]["200"]["content"]["application/octet-stream"]["schema"]["format"] == "binary"
    assert [p["schema"].get("format") for p in download["parameters"] if p["in"] == "path"] == ["uuid", "uuid"]
    receipt = schema["paths"]["/api/v1/dossiers/{dossier_id}/receipt.pdf"]["get"]
    assert "application/pdf" in receipt["responses"]["200"]["content"]
