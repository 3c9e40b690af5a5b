"""/api/v1/ endpoints for fees and payments (API.md "Payments")."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from payments import selectors
from payments.models import AttemptStatus, PaymentAttempt
from payments.receipts import receipt_pdf
from payments.services import payment_start
from procedures.errors import InvalidInput, NotFound
from procedures.services.dossiers import dossier_get_for


class FeeItemSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=["phi", "le_phi"])
    quantity = serializers.IntegerField()
    unit_amount = serializers.IntegerField()
    amount = serializers.IntegerField()
    exempt = serializers.BooleanField()


class FeesSerializer(serializers.Serializer):
    items = FeeItemSerializer(many=True)
    total = serializers.IntegerField()
    paid = serializers.IntegerField()
    outstanding = serializers.IntegerField()
    payment_timing = serializers.CharField()


class PaymentCreateSerializer(serializers.Serializer):
    provider = serializers.CharField(max_length=20)


class PaymentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    provider = serializers.CharField()
    amount = serializers.IntegerField()
    status = serializers.CharField()
    reference = serializers.CharField()
    redirect_url = serializers.CharField()


class DossierFeesView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["payments"], operation_id="dossier_fees", responses={200: FeesSerializer})
    def get(self, request, dossier_id: str):
        dossier = dossier_get_for(dossier_id=dossier_id, user=request.user)
        lang = "en" if (request.LANGUAGE_CODE or "").startswith("en") else "vi"
        return Response(selectors.dossier_fees(dossier, lang=lang))


class DossierPaymentsView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(
        tags=["payments"],
        operation_id="dossier_payment_create",
        summary="Start paying what the dossier owes (only the applicant); 409 when nothing is owed",
        request=PaymentCreateSerializer,
        responses={201: PaymentSerializer},
    )
    def post(self, request, dossier_id: str):
        body = PaymentCreateSerializer(data=request.data if isinstance(request.data, dict) else {})
        if not body.is_valid():
            raise InvalidInput("Thiếu kênh thanh toán.", errors=body.errors)
        attempt, url = payment_start(
            dossier_id=dossier_id,
            actor=request.user,
            provider_name=body.validated_data["provider"],
            client_ip=request.META.get("REMOTE_ADDR", ""),
        )
        data = {
            "id": attempt.pk,
            "provider": attempt.provider,
            "amount": attempt.amount,
            "status": attempt.status,
            "reference": attempt.reference,
            "redirect_url": url,
        }
        return Response(data, status=status.HTTP_201_CREATED)


class PaymentReceiptView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["payments"],
        operation_id="dossier_payment_receipt_pdf",
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    )
    def get(self, request, dossier_id: str, payment_id: str):
        dossier = dossier_get_for(dossier_id=dossier_id, user=request.user)
        attempt = (
            PaymentAttempt.objects.select_related("dossier__agency", "dossier__procedure", "request", "payer")
            .filter(pk=int(payment_id) if payment_id.isdigit() else 0, dossier=dossier, status=AttemptStatus.PAID)
            .first()
        )
        if attempt is None:
            raise NotFound("Không tìm thấy biên lai.")
        response = HttpResponse(receipt_pdf(attempt), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="bien-lai-{attempt.receipt_number}.pdf"'
        response["Cache-Control"] = "private, no-store"
        return response
