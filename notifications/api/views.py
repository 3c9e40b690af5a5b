"""The caller's in-app inbox, and a dossier's messages for its agency's staff (list, resend).
Thin: the querysets and the writes live in notifications.services."""

from __future__ import annotations

from uuid import UUID

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.services import audit_record
from notifications.api.serializers import DossierNotificationSerializer, NotificationSerializer
from notifications.models import Notification
from notifications.services import (
    notification_mark_read,
    notification_resend,
    notifications_for_dossier,
    notifications_inbox,
)
from procedures.models import Dossier

TAGS = ["notifications"]


class NotificationListView(generics.ListAPIView):
    serializer_class = NotificationSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation runs without a user
            return Notification.objects.none()
        queryset = notifications_inbox(user=self.request.user)
        unread = self.request.query_params.get("unread", "").lower()
        if unread in {"1", "true", "yes"}:
            queryset = queryset.filter(read_at__isnull=True)
        return queryset

    @extend_schema(
        tags=TAGS,
        operation_id="notifications_list",
        summary="The caller's in-app messages, newest first",
        parameters=[
            OpenApiParameter("unread", OpenApiTypes.BOOL, description="Only messages not read yet."),
        ],
        responses={200: NotificationSerializer(many=True), 401: OpenApiResponse(description="Not signed in.")},
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


class NotificationReadView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="notifications_read",
        summary="Mark one of the caller's in-app messages read",
        request=None,
        responses={
            200: NotificationSerializer,
            401: OpenApiResponse(description="Not signed in."),
            404: OpenApiResponse(description="No such message, or not the caller's."),
        },
    )
    def post(self, request: Request, id: UUID) -> Response:
        notification = notification_mark_read(notification_id=id, user=request.user)
        return Response(NotificationSerializer(notification).data)


class DossierNotificationListView(generics.ListAPIView):
    serializer_class = DossierNotificationSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        return notifications_for_dossier(dossier_id=self.kwargs["dossier_id"], user=self.request.user)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        dossier_id = self.kwargs.get("dossier_id")
        if dossier_id and not getattr(self, "swagger_fake_view", False):
            # Only reached after get_queryset accepted the id and the caller.
            context["applicant_id"] = (
                Dossier.objects.filter(pk=dossier_id).values_list("applicant_id", flat=True).first()
            )
        return context

    @extend_schema(
        tags=TAGS,
        operation_id="dossier_notifications_list",
        summary="Every message about a dossier, with its delivery attempts (staff of the dossier's agency)",
        responses={
            200: DossierNotificationSerializer(many=True),
            401: OpenApiResponse(description="Not signed in."),
            403: OpenApiResponse(description="Not staff of the dossier's agency."),
            404: OpenApiResponse(description="No such dossier, or not visible to the caller."),
        },
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


class NotificationResendView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="notifications_resend",
        summary="Send a message about a dossier again (staff of the dossier's agency)",
        request=None,
        responses={
            202: DossierNotificationSerializer,
            401: OpenApiResponse(description="Not signed in."),
            404: OpenApiResponse(description="No such message, or not one the caller may resend."),
            409: OpenApiResponse(description="The message is being sent right now."),
        },
    )
    def post(self, request: Request, id: str) -> Response:
        notification = notification_resend(notification_id=id, user=request.user)
        audit_record(action="notification.resend", request=request, target=notification)
        data = DossierNotificationSerializer(notification, context={"request": request}).data
        return Response(data, status=202)
