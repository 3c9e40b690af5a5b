"""/api/v1/feedback/ (PAKN), /api/v1/dossiers/{id}/messages/ and the open-data catalogue. Thin: shape checks,
one service or selector call, serialisation."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from citizens.models import StaffMembership
from dashboard import opendata
from feedback import lifecycle, selectors, services
from feedback.api import serializers as s
from feedback.models import DossierMessage
from procedures.errors import NotFound
from procedures.services.dossiers import dossier_get_for


def _detail(item, user) -> dict:
    facts = lifecycle.Facts(lifecycle.Status(item.status), item.reopened, item.is_public, item.published_at is not None)
    item.available_actions = [a.value for a in lifecycle.available_actions(facts, services.actors_for(item, user))]
    return s.FeedbackDetailSerializer(item).data


class FeedbackListCreateView(generics.GenericAPIView):
    serializer_class = s.FeedbackListSerializer

    @extend_schema(responses=s.FeedbackListSerializer(many=True))
    def get(self, request):
        """The caller's own items; staff get their agencies' queue (`?mine=1` for their own)."""
        handles = StaffMembership.objects.filter(
            user=request.user, role__in=services.HANDLER_ROLES, is_active=True
        ).exists()
        if handles and request.query_params.get("mine") != "1":
            queryset = selectors.feedback_queue(user=request.user, status=request.query_params.get("status"))
        else:
            queryset = selectors.feedback_for_author(user=request.user)
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(s.FeedbackListSerializer(page, many=True).data)

    @extend_schema(request=s.FeedbackCreateSerializer, responses={201: s.FeedbackCreatedSerializer})
    def post(self, request):
        body = s.FeedbackCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        item = services.feedback_submit(
            author=request.user,
            category=data["category"],
            title=data["title"],
            content=data["content"],
            agency_code=data.get("agency") or None,
            procedure_code=data.get("procedure") or None,
            dossier_id=str(data["dossier"]) if data.get("dossier") else None,
            is_public=data.get("public", False),
            attachments=request.FILES.getlist("files"),
        )
        return Response(s.FeedbackCreatedSerializer(item).data, status=status.HTTP_201_CREATED)


class FeedbackDetailView(APIView):
    @extend_schema(responses=s.FeedbackDetailSerializer)
    def get(self, request, feedback_id: str):
        item = services.feedback_get_for(feedback_id=feedback_id, user=request.user)
        return Response(_detail(item, request.user))


class FeedbackActionView(APIView):
    @extend_schema(request=s.FeedbackActionSerializer, responses=s.FeedbackDetailSerializer)
    def post(self, request, feedback_id: str):
        services.feedback_get_for(feedback_id=feedback_id, user=request.user)  # 404 before 400
        body = s.FeedbackActionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        item = services.feedback_perform_action(
            feedback_id=feedback_id,
            action=data.pop("action"),
            actor=request.user,
            version=data.pop("version", None),
            payload=data,
        )
        return Response(_detail(item, request.user))


class FeedbackAnswerView(APIView):
    @extend_schema(request=s.AnswerSerializer, responses=s.FeedbackDetailSerializer)
    def post(self, request, feedback_id: str):
        services.feedback_get_for(feedback_id=feedback_id, user=request.user)
        body = s.AnswerSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        item = services.feedback_perform_action(
            feedback_id=feedback_id,
            action=lifecycle.Action.ANSWER,
            actor=request.user,
            version=body.validated_data.get("version"),
            payload={"content": body.validated_data["content"]},
        )
        return Response(_detail(item, request.user))


class PublicFeedbackView(generics.GenericAPIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    serializer_class = s.PublicAnswerSerializer

    @extend_schema(responses=s.PublicAnswerSerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(selectors.public_answers(q=(request.query_params.get("q") or "")[:100]))
        rows = [selectors.public_answer_row(item) for item in page]
        return self.get_paginated_response(s.PublicAnswerSerializer(rows, many=True).data)


class DossierMessagesView(generics.GenericAPIView):
    serializer_class = s.MessageSerializer

    @extend_schema(responses=s.MessageSerializer(many=True))
    def get(self, request, dossier_id: str):
        dossier = dossier_get_for(dossier_id=dossier_id, user=request.user)
        messages = DossierMessage.objects.filter(dossier=dossier).select_related("author", "dossier__agency")
        page = self.paginate_queryset(messages)
        return self.get_paginated_response(s.MessageSerializer(page, many=True).data)

    @extend_schema(request=s.MessageCreateSerializer, responses={201: s.MessageSerializer})
    def post(self, request, dossier_id: str):
        dossier = dossier_get_for(dossier_id=dossier_id, user=request.user)
        body = s.MessageCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        message = services.dossier_message_post(
            dossier=dossier,
            author=request.user,
            body=body.validated_data["body"],
            attachments=request.FILES.getlist("files"),
        )
        return Response(s.MessageSerializer(message).data, status=status.HTTP_201_CREATED)


class OpenDataCatalogueView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(responses={(200, "application/ld+json"): OpenApiTypes.OBJECT})
    def get(self, request):
        return Response(opendata.catalogue(settings.SITE_URL), content_type="application/ld+json")


class OpenDataDownloadView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.STR, (200, "application/json"): OpenApiTypes.OBJECT})
    def get(self, request, slug: str, fmt: str):
        ds = opendata.dataset(slug)
        if ds is None or fmt not in ("csv", "json", "xlsx"):
            raise NotFound("Không tìm thấy bộ dữ liệu.")
        if fmt == "json":
            return Response(opendata.as_json(ds))
        if fmt == "xlsx":
            response = HttpResponse(opendata.as_xlsx(ds), content_type=opendata.XLSX)
            response["Content-Disposition"] = f'attachment; filename="{ds.slug}.xlsx"'
            return response
        response = HttpResponse(opendata.as_csv(ds), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{ds.slug}.csv"'
        return response
