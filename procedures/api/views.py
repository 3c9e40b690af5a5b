"""The v1 API (contract: /work/shared/API.md). Views are thin: parse and check the request's shape, call one
selector or service, serialise the answer. Domain errors (procedures.errors) become 400/403/404/409 in
portal.api_errors; the order of checks for a dossier is always "is it yours (404)" first, then the body (400),
then what the service decides (403/409).
"""

from __future__ import annotations

import re

from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from citizens.roles import DOSSIER_VIEWER_ROLES
from portal.parsers import JSONParser
from portal.throttles import CreationThrottle, TrackingMissThrottle
from procedures import selectors, units
from procedures.api import serializers as s
from procedures.api.idempotency import HEADER as IDEMPOTENCY_HEADER
from procedures.api.idempotency import idempotent
from procedures.api.pagination import KeysetPagination
from procedures.api.queries import caller_roles, department_names
from procedures.errors import NotFound
from procedures.services.dossiers import (
    dossier_create,
    dossier_get_for,
    dossier_perform_action,
    dossier_update_data,
)
from procedures.workflow import Action

# What a dossier code can look like ({agency identity code}-{YYMMDD}-{NNNN...}); anything else is simply not found,
# and never reaches the database (a NUL byte in a query is an error on PostgreSQL).
TRACKING_CODE_RE = re.compile(r"[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[0-9A-Z]{3}-[0-9]{6}-[0-9]{1,10}")
PROCEDURE_CODE_MAX = 30


class SessionTokenScheme(OpenApiAuthenticationExtension):
    """Documents portal.api_auth's X-Session-Token (allauth headless, client `app`) in the OpenAPI schema."""

    target_class = "portal.api_auth.SessionTokenAuthentication"
    name = "sessionToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "X-Session-Token",
            "description": "meta.session_token from POST /_allauth/app/v1/auth/login",
        }


LANG_PARAMETER = OpenApiParameter(
    "lang",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    enum=list(s.LANGUAGES),
    description="Language of labels and names; overrides Accept-Language (Vietnamese by default).",
)
DOSSIER_ID = OpenApiParameter("dossier_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The dossier's id.")
IDEMPOTENCY_PARAMETER = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="Optional. The same key from the same user within 24 hours returns the first response.",
)


def _errors(*codes: int) -> dict:
    descriptions = {
        400: "Bad input: {'detail'} or {'field': [messages]}",
        401: "Not logged in",
        403: "Not allowed",
        404: "Not found, or not yours",
        409: "Stale version, or the action is not available in the dossier's state",
        422: "Idempotency-Key reused for a different request",
        429: "Throttled",
    }
    return {code: OpenApiResponse(s.ErrorSerializer, description=descriptions[code]) for code in codes}


class LanguageMixin:
    """`?lang=en|vi` overrides Accept-Language (which LocaleMiddleware already applied)."""

    def initial(self, request, *args, **kwargs):
        lang = request.query_params.get("lang")
        if lang in s.LANGUAGES:
            translation.activate(lang)
            request.LANGUAGE_CODE = lang
        super().initial(request, *args, **kwargs)

    def request_language(self) -> str:
        lang = self.request.query_params.get("lang")
        if lang in s.LANGUAGES:
            return lang
        return "en" if (translation.get_language() or "vi").lower().startswith("en") else "vi"


def _query(serializer_class, request):
    """Validated query parameters (a plain dict, so an absent boolean stays absent rather than False)."""
    serializer = serializer_class(data=request.query_params.dict())
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _body(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer


# --- catalogue (public) -------------------------------------------------------------------------------------------


class ProcedureListView(LanguageMixin, generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = s.ProcedureListSerializer
    filter_backends: list = []

    @extend_schema(
        tags=["catalogue"],
        operation_id="procedures_list",
        summary="Search the catalogue",
        parameters=[s.ProcedureQuerySerializer, LANG_PARAMETER],
        responses={200: s.ProcedureListSerializer(many=True), **_errors(400)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def list(self, request, *args, **kwargs):
        queryset = selectors.procedure_list(**_query(s.ProcedureQuerySerializer, request))
        page = self.paginate_queryset(queryset)
        serializer = s.ProcedureListSerializer(page, many=True, context={"lang": self.request_language()})
        return self.get_paginated_response(serializer.data)


class ProcedureDetailView(LanguageMixin, APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["catalogue"],
        operation_id="procedures_retrieve",
        summary="A procedure's current published version",
        parameters=[
            OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.PATH, description="e.g. 1.001193"),
            LANG_PARAMETER,
        ],
        responses={200: s.ProcedureDetailSerializer, **_errors(404)},
    )
    def get(self, request, code: str):
        procedure = None
        if len(code) <= PROCEDURE_CODE_MAX and code.isprintable():
            procedure = selectors.procedure_get(code=code)
        if procedure is None:
            raise NotFound(_("Không tìm thấy thủ tục."))
        context = {"lang": self.request_language(), "departments": department_names(procedure.agency_id)}
        return Response(s.ProcedureDetailSerializer(procedure, context=context).data)


class UnitListView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["units"],
        operation_id="units_list",
        summary="Provinces, or one province's communes",
        parameters=[s.UnitQuerySerializer],
        responses={200: s.UnitSerializer(many=True), **_errors(400)},
    )
    def get(self, request):
        province = _query(s.UnitQuerySerializer, request).get("province", "").strip()
        if province:
            code = units.normalise_code(province, width=2)
            try:
                rows = units.communes(code)
            except KeyError:
                raise exceptions.ValidationError(
                    {"province": [_("Không có tỉnh, thành phố mã '%(code)s'.") % {"code": province}]}, code="invalid"
                )
        else:
            rows = units.provinces()
        response = Response(rows)
        patch_cache_control(response, public=True, max_age=3600)
        return response


# --- dossiers -----------------------------------------------------------------------------------------------------


class DossierViewMixin(LanguageMixin):
    parser_classes = [JSONParser]

    def dossier_context(self, roles=None) -> dict:
        # The caller's memberships are read once here, so available_actions costs no query per dossier.
        return {
            "request": self.request,
            "lang": self.request_language(),
            "now": timezone.now(),
            "roles": roles if roles is not None else caller_roles(self.request.user),
        }

    def detail_data(self, dossier_id) -> dict:
        dossier = selectors.dossier_detail_for(user=self.request.user, dossier_id=dossier_id)
        if dossier is None:
            raise NotFound(_("Không tìm thấy hồ sơ."))
        return s.DossierDetailSerializer(dossier, context=self.dossier_context()).data

    def visible_dossier(self, dossier_id):
        """404 before anything else: a dossier the caller may not see does not exist for them."""
        return dossier_get_for(dossier_id=dossier_id, user=self.request.user)


class DossierListCreateView(DossierViewMixin, generics.ListCreateAPIView):
    serializer_class = s.DossierListSerializer
    filter_backends: list = []
    pagination_class = KeysetPagination

    @extend_schema(
        tags=["dossiers"],
        operation_id="dossiers_list",
        summary="My agencies' filed dossiers (staff), or my own dossiers (applicants, or audience=applicant)",
        description=(
            "`{count, next, previous, results}`. Follow `next`/`previous`: they carry an opaque `cursor` (keyset "
            "paging, every page as fast as the first). `page=N` still works for the first pages. `count` is exact "
            "up to 1000 and reads 1000 beyond ('1000 or more'); it is counted when a listing starts and carried by "
            "its cursors."
        ),
        parameters=[s.DossierListQuerySerializer, LANG_PARAMETER],
        responses={200: s.DossierListSerializer(many=True), **_errors(400, 401)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=["dossiers"],
        operation_id="dossiers_create",
        summary="Start a dossier (draft)",
        parameters=[IDEMPOTENCY_PARAMETER, LANG_PARAMETER],
        request=s.DossierCreateSerializer,
        responses={201: s.DossierDetailSerializer, **_errors(400, 401, 409, 422, 429)},
    )
    def post(self, request, *args, **kwargs):
        return idempotent(request, scope="dossier_create", handler=lambda: self.create(request))

    def get_throttles(self):
        # Creating drafts is throttled per user; reading the list is not.
        return [CreationThrottle("dossier_create")] if self.request.method == "POST" else []

    def list(self, request, *args, **kwargs):
        params = _query(s.DossierListQuerySerializer, request)
        roles = caller_roles(request.user)
        # Agencies whose dossiers the caller sees: template admins and data officers see none (DOSSIER_VIEWER_ROLES).
        viewer_agencies = [agency for agency, held in roles.by_agency.items() if held & DOSSIER_VIEWER_ROLES]
        is_staff = roles.superuser or bool(viewer_agencies)
        audience = params.get("audience") or ("staff" if is_staff else "applicant")
        filters = {
            "status": params.get("status", ""),
            "procedure": params.get("procedure", ""),
            "overdue": params.get("overdue"),
            "ordering": params.get("ordering", ""),
        }
        # One audience per query: an officer's list is their agencies' filed dossiers, anyone's own dossiers are
        # `audience=applicant`. Mixing both in one OR would defeat every index.
        if audience == "staff":
            if not is_staff:
                raise exceptions.PermissionDenied(_("Chỉ cán bộ của cơ quan mới xem được danh sách hồ sơ của cơ quan."))
            listing = selectors.dossier_list_for_staff(
                user=request.user,
                agency_ids=None if roles.superuser else viewer_agencies,
                assigned_to_me=params.get("assigned") == "me",
                **filters,
            )
        else:
            listing = selectors.dossier_list_for_applicant(user=request.user, **filters)
        self.keyset_ordering = listing.ordering
        page = self.paginate_queryset(listing.queryset)
        serializer = s.DossierListSerializer(page, many=True, context=self.dossier_context(roles=roles))
        return self.get_paginated_response(serializer.data)

    def create(self, request, *args, **kwargs):
        payload = _body(s.DossierCreateSerializer, request).validated_data
        dossier = dossier_create(
            applicant=request.user,
            procedure_code=payload["procedure"],
            data=payload["data"],
            case_code=payload.get("case", ""),
        )
        headers = {"Location": f"/api/v1/dossiers/{dossier.pk}/"}
        return Response(self.detail_data(dossier.pk), status=status.HTTP_201_CREATED, headers=headers)


class DossierDetailView(DossierViewMixin, APIView):
    @extend_schema(
        tags=["dossiers"],
        operation_id="dossiers_retrieve",
        summary="One dossier with its history and the actions you may take",
        parameters=[DOSSIER_ID, LANG_PARAMETER],
        responses={200: s.DossierDetailSerializer, **_errors(401, 404)},
    )
    def get(self, request, dossier_id: str):
        return Response(self.detail_data(dossier_id))

    @extend_schema(
        tags=["dossiers"],
        operation_id="dossiers_partial_update",
        summary="Change form answers (draft, or the fields a supplement request names)",
        parameters=[DOSSIER_ID, LANG_PARAMETER],
        request=s.DossierUpdateSerializer,
        responses={200: s.DossierDetailSerializer, **_errors(400, 401, 403, 404, 409)},
    )
    def patch(self, request, dossier_id: str):
        dossier = self.visible_dossier(dossier_id)
        payload = _body(s.DossierUpdateSerializer, request).validated_data
        dossier_update_data(
            dossier_id=dossier.pk, actor=request.user, data=payload["data"], version=payload.get("version")
        )
        return Response(self.detail_data(dossier.pk))


class DossierSubmitView(DossierViewMixin, APIView):
    @extend_schema(
        tags=["dossiers"],
        operation_id="dossiers_submit",
        summary="File a draft: it becomes 'submitted' and gets its code",
        parameters=[DOSSIER_ID, LANG_PARAMETER],
        request=s.DossierSubmitSerializer,
        responses={200: s.DossierDetailSerializer, **_errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, dossier_id: str):
        dossier = self.visible_dossier(dossier_id)
        version = _body(s.DossierSubmitSerializer, request).validated_data.get("version", dossier.version)
        dossier_perform_action(dossier_id=dossier.pk, action=Action.SUBMIT, actor=request.user, version=version)
        return Response(self.detail_data(dossier.pk))


class DossierActionView(DossierViewMixin, APIView):
    @extend_schema(
        tags=["dossiers"],
        operation_id="dossiers_action",
        summary="Perform a workflow action",
        description=(
            "`request_supplement` needs `items` (and may name `fields`/`documents`); `refuse`, `send_back`, `stop` "
            "and `reject_withdrawal` need `reason`; `complete` needs `outcome`; `extend` needs `due_at` and "
            "`reason`; `request_payment` needs `amount`; `assign` needs `assignee`; `comment` needs `comment`."
        ),
        parameters=[DOSSIER_ID, LANG_PARAMETER],
        request=s.DossierActionSerializer,
        responses={200: s.DossierDetailSerializer, **_errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, dossier_id: str):
        dossier = self.visible_dossier(dossier_id)
        body = _body(s.DossierActionSerializer, request)
        dossier_perform_action(
            dossier_id=dossier.pk,
            action=body.validated_data["action"],
            actor=request.user,
            version=body.validated_data["version"],
            payload=body.payload(),
        )
        return Response(self.detail_data(dossier.pk))


# --- public tracking ----------------------------------------------------------------------------------------------


class TrackView(LanguageMixin, APIView):
    # Public and identical for everyone: no authentication, so being logged in never shows more.
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle, TrackingMissThrottle]
    throttle_scope = "tracking"

    @extend_schema(
        tags=["tracking"],
        operation_id="track_retrieve",
        summary="Track a dossier by its code (status and dates, no personal data)",
        parameters=[
            OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.PATH, description="000.00.12.H26-261126-0001"),
            LANG_PARAMETER,
        ],
        responses={200: s.TrackSerializer, **_errors(404, 429)},
        auth=[],
    )
    def get(self, request, code: str):
        code = code.strip().upper()
        dossier = selectors.dossier_track(code=code) if len(code) <= 32 and TRACKING_CODE_RE.fullmatch(code) else None
        if dossier is None:
            TrackingMissThrottle().record_miss(request, self)
            raise NotFound(_("Không tìm thấy hồ sơ với mã này."))
        context = {"lang": self.request_language(), "now": timezone.now()}
        return Response(s.TrackSerializer(dossier, context=context).data)
