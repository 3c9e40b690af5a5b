"""The records API: the signed result PDF, public verification of a file, the citizen's document store, revocation
and the notices (forms 02, 03, 05). Thin views over records.services and records.selectors."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from procedures.api.documents import (
    IgnoreClientContentNegotiation,
    _private_file_headers,
    _UploadLimitMixin,
    content_disposition,
)
from procedures.errors import InvalidInput, NotFound
from procedures.services.dossiers import dossier_get_for
from records import rendering, selectors, services, verification
from records.models import StoredDocument


class StoredDocumentSerializer(serializers.ModelSerializer):
    source_dossier = serializers.SerializerMethodField()
    content_type = serializers.CharField(source="document.content_type")
    size = serializers.IntegerField(source="document.size")
    digitised = serializers.SerializerMethodField()

    class Meta:
        model = StoredDocument
        fields = [
            "id",
            "name",
            "kind",
            "requirement",
            "source_dossier",
            "issued_at",
            "content_type",
            "size",
            "digitised",
        ]

    def get_source_dossier(self, obj) -> dict:
        dossier = obj.document.dossier
        return {"id": str(dossier.id), "code": dossier.code}

    def get_digitised(self, obj) -> bool:
        """True for paper the reception desk scanned (indicator 4.2)."""
        return obj.kind == "scan"


class KeepRequestSerializer(serializers.Serializer):
    document = serializers.UUIDField(help_text="A document of one of the caller's own dossiers.")


class VerifyRequestSerializer(serializers.Serializer):
    file = serializers.FileField()


class VerifyResponseSerializer(serializers.Serializer):
    valid = serializers.BooleanField()
    dossier_code = serializers.CharField(allow_null=True)
    issued_by = serializers.CharField(allow_null=True)
    signed_at = serializers.DateTimeField(allow_null=True)
    revoked = serializers.BooleanField()
    revoked_at = serializers.DateTimeField(allow_null=True)
    revoke_reason = serializers.CharField(allow_blank=True)
    register_number = serializers.CharField(allow_null=True)
    verification_code = serializers.CharField(allow_null=True)
    reason = serializers.CharField(allow_blank=True)


class RevokeRequestSerializer(serializers.Serializer):
    reason = serializers.CharField()


class MyDocumentsView(generics.ListCreateAPIView):
    """GET the caller's document store (kho dữ liệu); POST {"document": id} keeps one of their dossier documents."""

    permission_classes = [IsAuthenticated]
    serializer_class = StoredDocumentSerializer

    def get_queryset(self):
        return selectors.store_documents_for(self.request.user)

    @extend_schema(
        operation_id="me_documents_keep",
        request=KeepRequestSerializer,
        responses={201: StoredDocumentSerializer, 400: OpenApiResponse(description="Bad input"), 404: None},
    )
    def post(self, request, *args, **kwargs):
        body = KeepRequestSerializer(data=request.data)
        if not body.is_valid():
            raise InvalidInput(_("Thiếu mã tài liệu cần lưu (trường 'document')."), errors=body.errors)
        stored = services.store_keep(owner=request.user, document_id=body.validated_data["document"])
        stored = selectors.store_documents_for(request.user).get(pk=stored.pk)
        return Response(StoredDocumentSerializer(stored).data, status=status.HTTP_201_CREATED)


class ResultPdfView(APIView):
    permission_classes = [IsAuthenticated]
    content_negotiation_class = IgnoreClientContentNegotiation

    @extend_schema(
        operation_id="dossier_result_pdf",
        summary="The signed electronic result of a completed dossier",
        description=(
            "A PDF with the handling agency's PAdES signature and a QR code to its verification page. Applicant "
            "and handling agency only; 404 before completion. The applicant's download of a completed dossier's "
            "result is its delivery (channel online)."
        ),
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, 401: None, 404: None},
    )
    def get(self, request, dossier_id):
        result = services.result_take(dossier_id=dossier_id, user=request.user)
        try:
            with result.document.file.open("rb") as handle:
                content = handle.read()
        except (FileNotFoundError, ValueError, OSError):
            raise NotFound(_("Tệp kết quả không còn trên máy chủ."))
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = content_disposition(result.document.name, inline=True)
        return _private_file_headers(response)


class VerifyView(_UploadLimitMixin, APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []  # public; no CSRF or session needed to check a file
    parser_classes = [MultiPartParser, FormParser]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "tracking"

    @extend_schema(
        operation_id="verify_result",
        summary="Verify an electronic result file",
        description=(
            "Multipart `file`. `valid` is true only when the file is byte for byte a result this portal issued and "
            "its signature is intact and chains to a trusted CA; any changed byte makes it false. `revoked` says "
            "whether the issuing agency has withdrawn it."
        ),
        request={"multipart/form-data": VerifyRequestSerializer},
        responses={200: VerifyResponseSerializer, 400: None, 413: None, 429: None},
    )
    def post(self, request):
        upload = request.FILES.get("file")
        if upload is None:
            raise InvalidInput(_("Chưa chọn tệp cần kiểm tra (trường 'file')."), errors={"file": [_("Bắt buộc.")]})
        if upload.size > settings.MAX_UPLOAD_BYTES:
            raise InvalidInput(_("Tệp quá lớn."), errors={"file": [_("Tệp quá lớn.")]})
        content = upload.read()
        return Response(verification.verify_file(content))


class RevokeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="result_revoke",
        summary="Revoke a signed result (leader of the issuing agency)",
        request=RevokeRequestSerializer,
        responses={200: VerifyResponseSerializer, 400: None, 403: None, 404: None, 409: None},
    )
    def post(self, request, result_id):
        result = services.result_revoke(result_id=result_id, actor=request.user, reason=request.data.get("reason"))
        return Response(verification.describe(result, valid=True, reason=""))


class NoticePdfView(APIView):
    permission_classes = [IsAuthenticated]
    content_negotiation_class = IgnoreClientContentNegotiation

    @extend_schema(
        operation_id="dossier_notice_pdf",
        summary="Form 02 (supplement request), 03 (refusal) or 05 (stop) of a dossier",
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, 401: None, 404: None, 503: None},
    )
    def get(self, request, dossier_id, form):
        if form not in rendering.NOTICE_FORMS:
            raise NotFound(_("Không có mẫu phiếu này."))
        dossier = dossier_get_for(dossier_id=dossier_id, user=request.user)
        action = rendering.NOTICE_FORMS[form][0]
        event = dossier.events.select_related("actor").filter(action=action).order_by("-at", "-id").first()
        if event is None:
            raise NotFound(_("Hồ sơ không có phiếu này."))
        pdf = rendering.notice_pdf(dossier, form, event)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = content_disposition(f"mau-{form}-{dossier.code}.pdf", inline=True)
        return _private_file_headers(response)
