"""API for dossier documents (upload, download, delete) and the receipt PDF.

Thin views: they translate HTTP to the services in procedures.services.documents and procedures.receipts, which
hold every rule. Files are streamed only after the same visibility check as their dossier.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.services import audit_record
from portal.throttles import CreationThrottle
from procedures import hooks
from procedures.errors import ActionNotAvailable, FileTooLarge, InvalidInput, NotFound
from procedures.models import Document, DocumentKind, Status
from procedures.receipts import receipt_pdf
from procedures.services.documents import (
    INLINE_TYPES,
    document_delete,
    document_open_for,
    document_upload,
    megabytes_text,
)
from procedures.services.dossiers import dossier_get_for

# --- serializers (shapes and schema only: the services validate) ---------------------------------------------


class DocumentUploadRequestSerializer(serializers.Serializer):
    requirement = serializers.CharField(
        max_length=64, help_text="The document code of the procedure version (`documents[].code`)."
    )
    file = serializers.FileField(help_text="The file. Its type is detected from its content, not its name.")
    kind = serializers.ChoiceField(
        choices=DocumentKind.choices,
        default=DocumentKind.INPUT,
        required=False,
        help_text="`input` (the applicant's documents) or `result` (the result, uploaded by the handling officer).",
    )


class DocumentSerializer(serializers.ModelSerializer):
    dossier_version = serializers.IntegerField(source="dossier.version", read_only=True)

    class Meta:
        model = Document
        fields = [
            "id",
            "requirement",
            "name",
            "size",
            "content_type",
            "kind",
            "sha256",
            "created_at",
            "dossier_version",
        ]
        read_only_fields = fields


class DocumentErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField(required=False)


def _errors(*codes: int) -> dict:
    descriptions = {
        400: "Bad input: missing file or requirement, unknown requirement, empty file, type not accepted.",
        401: "Not logged in.",
        403: "The dossier is visible but the caller may not change its documents.",
        404: "No such dossier or document, or not the caller's.",
        409: "The dossier's state does not allow this now, or the caller's storage quota is used up.",
        413: "The request or the file is larger than allowed.",
        429: "Too many uploads in a short time; retry after the time given.",
        503: "PDF rendering is not available on this server.",
    }
    return {code: OpenApiResponse(DocumentErrorSerializer, description=descriptions[code]) for code in codes}


DOSSIER_ID = OpenApiParameter("dossier_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The dossier's id.")
DOCUMENT_ID = OpenApiParameter("doc_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The document's id.")


class IgnoreClientContentNegotiation(BaseContentNegotiation):
    """Binary endpoints answer with their file whatever the client's Accept says; errors are always JSON."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


# --- helpers --------------------------------------------------------------------------------------------------


def _ascii_fallback(name: str) -> str:
    """An ASCII stand-in for old clients that ignore filename*: "Tờ khai.pdf" -> "To khai.pdf"."""
    text = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = "".join(ch if 32 <= ord(ch) < 127 and ch not in '"\\;' else "_" for ch in text)
    return text or "file"


def content_disposition(name: str, *, inline: bool) -> str:
    """A Content-Disposition with both a plain filename and the RFC 5987/6266 UTF-8 filename*."""
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{_ascii_fallback(name)}\"; filename*=UTF-8''{quote(name, safe='')}"


def _private_file_headers(response: HttpResponse) -> HttpResponse:
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


class _UploadLimitMixin:
    """Refuse an oversized body from its Content-Length alone, before anything reads it.

    Runs before authentication on purpose: session authentication's CSRF check reads request.POST, which would
    parse (and spool to disk) the whole multipart body."""

    def initial(self, request, *args, **kwargs):
        if request.method in {"POST", "PUT", "PATCH"}:
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            limit = int(settings.MAX_UPLOAD_BYTES)
            if length > limit:
                megabytes = megabytes_text(limit)
                raise FileTooLarge(
                    _("Yêu cầu vượt quá dung lượng cho phép: tối đa %(mb)s MB.") % {"mb": megabytes},
                    errors={"file": [_("Dung lượng tối đa %(mb)s MB.") % {"mb": megabytes}]},
                )
        super().initial(request, *args, **kwargs)


# --- views ----------------------------------------------------------------------------------------------------


class DossierDocumentUploadView(_UploadLimitMixin, APIView):
    permission_classes = [IsAuthenticated]
    # JSON for a document taken from another source instead of a file (`{"requirement", "from_store"}`).
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_throttles(self):
        return [CreationThrottle("document_upload")]

    @extend_schema(
        operation_id="dossier_document_upload",
        summary="Attach a file to a dossier",
        description=(
            "Multipart upload. Input documents: by the applicant while the dossier is a draft or a supplement is "
            "requested (then only the requirements the request named). Result documents (`kind=result`): by staff "
            "holding the current step's role while processing or completed. The type is sniffed from the content "
            "and must be one the requirement accepts; the size must be within its `max_bytes`. Requests whose "
            "Content-Length exceeds the portal's upload limit get 413 before the body is read. Instead of a file, "
            'a JSON body `{"requirement", "from_store": id}` reuses a document of the applicant\'s store '
            "(GET /api/v1/me/documents/) with the same checks, and counts as reuse of digitised data."
        ),
        tags=["documents"],
        parameters=[DOSSIER_ID],
        request={"multipart/form-data": DocumentUploadRequestSerializer},
        responses={201: DocumentSerializer, **_errors(400, 401, 403, 404, 409, 413, 429)},
    )
    def post(self, request, dossier_id):
        upload = request.FILES.get("file")
        requirement = str(request.data.get("requirement") or "").strip()
        for source in hooks.document_sources():
            value = request.data.get(source.name) if upload is None else None
            if value:
                document = source.run(dossier_id=dossier_id, actor=request.user, requirement=requirement, value=value)
                return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)
        kind = str(request.data.get("kind") or DocumentKind.INPUT).strip()
        missing = {}
        if upload is None:
            missing["file"] = [_("Chưa chọn tệp để tải lên (trường 'file').")]
        if not requirement and kind != DocumentKind.RESULT:
            missing["requirement"] = [_("Thiếu mã thành phần hồ sơ (trường 'requirement').")]
        if missing:
            dossier_get_for(dossier_id=dossier_id, user=request.user)  # someone else's dossier is 404 first
            raise InvalidInput(
                " ".join(message for messages in missing.values() for message in messages), errors=missing
            )
        document = document_upload(
            dossier_id=dossier_id, actor=request.user, requirement=requirement, upload=upload, kind=kind
        )
        return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)


class DossierDocumentView(APIView):
    permission_classes = [IsAuthenticated]
    content_negotiation_class = IgnoreClientContentNegotiation

    @extend_schema(
        operation_id="dossier_document_download",
        summary="Download a dossier document",
        description=(
            "Streams the file with its detected content type, `X-Content-Type-Options: nosniff` and "
            "`Cache-Control: private, no-store`. PDFs and images are sent inline (add `?download=1` for an "
            "attachment), anything else as an attachment."
        ),
        tags=["documents"],
        parameters=[
            DOSSIER_ID,
            DOCUMENT_ID,
            OpenApiParameter("download", OpenApiTypes.BOOL, description="Force `Content-Disposition: attachment`."),
        ],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, **_errors(401, 404)},
    )
    def get(self, request, dossier_id, doc_id):
        document = document_open_for(dossier_id=dossier_id, document_id=doc_id, user=request.user)
        try:
            handle = document.file.open("rb")
        except (FileNotFoundError, ValueError):
            raise NotFound(_("Tệp của tài liệu không còn trên máy chủ."))
        if document.dossier.applicant_id != request.user.pk:  # staff reading a citizen's document
            details = {"dossier": str(document.dossier_id)}
            audit_record(action="document.download", request=request, target=document, details=details)
        inline = document.content_type in INLINE_TYPES and request.query_params.get("download") not in {"1", "true"}
        response = FileResponse(handle, content_type=document.content_type)
        response["Content-Disposition"] = content_disposition(document.name, inline=inline)
        return _private_file_headers(response)

    @extend_schema(
        operation_id="dossier_document_delete",
        summary="Remove a document while the dossier may be edited",
        tags=["documents"],
        parameters=[DOSSIER_ID, DOCUMENT_ID],
        responses={204: None, **_errors(401, 403, 404, 409)},
    )
    def delete(self, request, dossier_id, doc_id):
        document_delete(dossier_id=dossier_id, document_id=doc_id, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DossierReceiptView(APIView):
    permission_classes = [IsAuthenticated]
    content_negotiation_class = IgnoreClientContentNegotiation

    @extend_schema(
        operation_id="dossier_receipt_pdf",
        summary="The receipt (form 01) of a filed dossier",
        description=(
            "The receipt and appointment slip (Giấy tiếp nhận hồ sơ và hẹn trả kết quả, form 01) as PDF: the code, "
            "the dates, the appointment date once accepted, the documents received and a QR code of the public "
            "tracking URL. 409 for a draft; 503 when the server cannot render PDF."
        ),
        tags=["documents"],
        parameters=[DOSSIER_ID],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, **_errors(401, 404, 409, 503)},
    )
    def get(self, request, dossier_id):
        dossier = dossier_get_for(dossier_id=dossier_id, user=request.user)
        if dossier.status == Status.DRAFT or not dossier.code:
            raise ActionNotAvailable(_("Hồ sơ chưa được nộp nên chưa có giấy tiếp nhận."))
        pdf = receipt_pdf(dossier)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = content_disposition(f"giay-tiep-nhan-{dossier.code}.pdf", inline=True)
        return _private_file_headers(response)
