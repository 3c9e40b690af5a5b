"""/api/v1/datasets/: the published datasets (public) and publishing a version by API (data officers)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from datasets import selectors, services


class DatasetSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    sector = serializers.CharField()
    agency = serializers.CharField(source="agency.name")
    frequency = serializers.CharField()
    licence = serializers.CharField()
    is_demo = serializers.BooleanField()
    last_published = serializers.DateTimeField(allow_null=True)


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=255)


class VersionSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    row_count = serializers.IntegerField()
    published_at = serializers.DateTimeField()


class DatasetListView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(responses=DatasetSerializer(many=True))
    def get(self, request):
        return Response(DatasetSerializer(selectors.published_datasets(), many=True).data)


class VersionCreateView(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(request={"multipart/form-data": UploadSerializer}, responses={201: VersionSerializer})
    def post(self, request, slug: str):
        """Publish the next version from a CSV or XLSX; 400 lists every problem by row and column."""
        services.dataset_get_managed(slug=slug, user=request.user)  # 404 before 400
        body = UploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        version = services.version_publish(
            slug=slug, user=request.user, upload=body.validated_data["file"], note=body.validated_data.get("note", "")
        )
        return Response(VersionSerializer(version).data, status=status.HTTP_201_CREATED)
