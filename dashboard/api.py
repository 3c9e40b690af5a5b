"""Statistics API (API.md "Statistics").

GET /api/v1/stats/overview/?from=YYYY-MM-DD&to=YYYY-MM-DD&agency=<identity code>&field=<code>&procedure=<code>
    &group_by=agency|field|procedure|day|week|month
    The operational counters and the Decision 766 indicators of the period (dashboard.ledger and
    dashboard.selectors define each), with `rows` when grouped (entity rows ranked by score). Open to everyone at
    province and agency level; details follow dashboard.query's rules.
GET /api/v1/stats/overdue/?agency=&field=&procedure=&page=&page_size=
    Staff only: the open dossiers that are late now, with who holds each. Paginated; a fixed number of queries.
"""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from dashboard.presenters import overview_json
from dashboard.query import QueryError, parse_stats_request
from dashboard.selectors import overdue_rows, stats_access_for, stats_overdue, stats_overview
from portal.pagination import PagePagination

PERIOD_PARAMETERS = [
    OpenApiParameter("from", str, description="YYYY-MM-DD (mặc định: ngày đầu tháng của 'to')"),
    OpenApiParameter("to", str, description="YYYY-MM-DD (mặc định: hôm nay)"),
]
SCOPE_PARAMETERS = [
    OpenApiParameter("agency", str, description="Mã định danh cơ quan (gồm cả các cơ quan trực thuộc)"),
    OpenApiParameter("field", str, description="Mã lĩnh vực (chi tiết)"),
    OpenApiParameter("procedure", str, description="Mã thủ tục (chi tiết)"),
]


def raise_for(error: QueryError):
    if error.status == 401:
        raise exceptions.NotAuthenticated(error.detail)
    if error.status == 403:
        raise exceptions.PermissionDenied(error.detail)
    if error.status == 404:
        raise exceptions.NotFound(error.detail)
    raise exceptions.ValidationError({"detail": error.detail, **error.errors})


class StatsOverviewView(APIView):
    permission_classes = [AllowAny]  # public at province/agency level; details are checked in parse_stats_request

    @extend_schema(
        parameters=[
            *PERIOD_PARAMETERS,
            *SCOPE_PARAMETERS,
            OpenApiParameter("group_by", str, enum=["agency", "field", "procedure", "day", "week", "month"]),
        ],
        responses={200: dict},
        summary="Chỉ tiêu thống kê và bộ chỉ số 766 của một kỳ",
    )
    def get(self, request):
        now = timezone.now()
        try:
            query = parse_stats_request(
                request.query_params,
                access=stats_access_for(request.user),
                authenticated=request.user.is_authenticated,
                now=now,
            )
        except QueryError as error:
            raise_for(error)
        overview = stats_overview(scope=query.scope, start=query.start, end=query.end, group_by=query.group_by, now=now)
        return Response(overview_json(overview, query))


class StatsOverdueView(APIView):
    permission_classes = [AllowAny]  # staff check below gives 401/403 with a clear message

    @extend_schema(
        parameters=[
            *SCOPE_PARAMETERS,
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int, description="tối đa 100"),
        ],
        responses={200: dict},
        summary="Hồ sơ đang quá hạn và người giữ hồ sơ",
    )
    def get(self, request):
        now = timezone.now()
        try:
            query = parse_stats_request(
                request.query_params,
                access=stats_access_for(request.user),
                authenticated=request.user.is_authenticated,
                require_details=True,
                now=now,
            )
        except QueryError as error:
            raise_for(error)
        paginator = PagePagination()
        page = paginator.paginate_queryset(stats_overdue(scope=query.scope, now=now), request, view=self)
        return paginator.get_paginated_response(overdue_rows(page, now=now))
