"""Pages: the IOC dashboard (/ioc/, leaders and IOC viewers), its exports, and the public statistics (/thong-ke/)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from audit.services import audit_record
from dashboard import charts, exports, tables
from dashboard.charts import Series
from dashboard.indicators import RULES_BY_CODE
from dashboard.query import QueryError, StatsRequest, parse_stats_request
from dashboard.selectors import (
    DOSSIER_DRILLS,
    GROUPINGS,
    PROCEDURE_DRILLS,
    StatsAccess,
    indicator_dossiers,
    indicator_procedures,
    month_starts,
    overdue_rows,
    stats_access_for,
    stats_heatmap,
    stats_overdue,
    stats_overview,
    stats_series,
    today_local,
)
from dashboard.services import STALE_KEY

TRENDS = ("day", "week", "month")
OVERDUE_PAGE_SIZE = 15
EXPORT_TABLES = ("counters", "indicators", "trend", "breakdown", "heatmap", "overdue")
EXPORT_FORMATS = ("csv", "xlsx")


def default_trend(start: date, end: date) -> str:
    days = (end - start).days + 1
    return "day" if days <= 45 else "week" if days <= 200 else "month"


def drill_level(query: StatsRequest, access: StatsAccess) -> str | None:
    """The next level down: province -> agency -> field -> procedure."""
    if query.procedure:
        return None
    if query.field:
        return "procedure"
    if query.agency or (access.level == "leader" and len(query.scope.agency_ids or ()) <= 1):
        return "field"
    return "agency"


def heatmap_start(start: date, end: date) -> date:
    """At least six months of heat-map, so patterns show even for a short period."""
    earliest = end.replace(day=1)
    for _i in range(5):
        earliest = (earliest - timedelta(days=1)).replace(day=1)
    return min(start, earliest)


@dataclass
class IocRequest:
    access: StatsAccess
    query: StatsRequest
    trend: str
    now: datetime


def _ioc_request(request: HttpRequest) -> IocRequest:
    access = stats_access_for(request.user)
    if not access.is_staff_viewer:
        raise PermissionDenied(_("Trang điều hành chỉ dành cho lãnh đạo và cán bộ giám sát IOC."))
    now = timezone.now()
    query = parse_stats_request(
        request.GET, access=access, authenticated=True, require_details=True, allowed_groupings=GROUPINGS, now=now
    )
    trend = request.GET.get("trend")
    if trend not in TRENDS:
        trend = default_trend(query.start, query.end)
    return IocRequest(access, query, trend, now)


def _error_page(request: HttpRequest, error: QueryError) -> HttpResponse:
    return render(request, "dashboard/error.html", {"error": error}, status=error.status)


def _quick_periods(today: date) -> list[tuple[str, dict]]:
    quarter_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    twelve = today.replace(day=1)
    for _i in range(11):
        twelve = (twelve - timedelta(days=1)).replace(day=1)
    return [
        (_("Hôm nay"), {"from": today.isoformat(), "to": today.isoformat()}),
        (_("Tháng này"), {"from": today.replace(day=1).isoformat(), "to": today.isoformat()}),
        (_("Quý này"), {"from": quarter_start.isoformat(), "to": today.isoformat()}),
        (_("Năm nay"), {"from": date(today.year, 1, 1).isoformat(), "to": today.isoformat()}),
        (_("12 tháng"), {"from": twelve.isoformat(), "to": today.isoformat()}),
    ]


def _trend_charts(rows, prefix: str) -> list[dict]:
    labels = [row.code for row in rows]
    counters = [row.figures.counters() for row in rows]
    return [
        {
            "id": f"{prefix}-flow",
            "title": _("Tiếp nhận và giải quyết"),
            "svg": charts.line_chart(
                f"{prefix}-flow",
                _("Tiếp nhận và giải quyết"),
                labels,
                [
                    Series(_("Tiếp nhận"), [c["received"] for c in counters], "dash-c1"),
                    Series(_("Đã giải quyết"), [c["processed"]["total"] for c in counters], "dash-c2"),
                    Series(_("Đang quá hạn"), [c["in_progress"]["late"] for c in counters], "dash-c4"),
                ],
            ),
            "headers": [_("Kỳ"), _("Tiếp nhận"), _("Đã giải quyết"), _("Đang quá hạn cuối kỳ")],
            "rows": [
                [row.code, c["received"], c["processed"]["total"], c["in_progress"]["late"]]
                for row, c in zip(rows, counters, strict=True)
            ],
        },
        {
            "id": f"{prefix}-timeliness",
            "title": _("Kết quả giải quyết theo tiến độ"),
            "svg": charts.bar_chart(
                f"{prefix}-timeliness",
                _("Kết quả giải quyết theo tiến độ"),
                labels,
                [
                    Series(_("Trước hạn"), [c["processed"]["early"] for c in counters], "dash-c2"),
                    Series(_("Đúng hạn"), [c["processed"]["on_time"] for c in counters], "dash-c3"),
                    Series(_("Quá hạn"), [c["processed"]["late"] for c in counters], "dash-c4"),
                ],
            ),
            "headers": [_("Kỳ"), _("Trước hạn"), _("Đúng hạn"), _("Quá hạn"), _("Tỷ lệ đúng hạn")],
            "rows": [
                [
                    row.code,
                    c["processed"]["early"],
                    c["processed"]["on_time"],
                    c["processed"]["late"],
                    c["on_time_rate"],
                ]
                for row, c in zip(rows, counters, strict=True)
            ],
            "rate_column": 4,
        },
    ]


def _breadcrumbs(ioc: IocRequest) -> list[tuple[str, str | None]]:
    query, params = ioc.query, {"from": ioc.query.start.isoformat(), "to": ioc.query.end.isoformat()}
    crumbs: list[tuple[str, str | None]] = []
    if ioc.access.level == "all":
        crumbs.append((_("Toàn tỉnh"), "?" + urlencode(params)))
    else:
        crumbs.append((_("Cơ quan tôi phụ trách"), "?" + urlencode(params)))
    if query.agency:
        params["agency"] = query.agency.identity_code
        crumbs.append((query.agency.name, "?" + urlencode(params)))
    if query.field:
        params["field"] = query.field.code
        crumbs.append((query.field.name, "?" + urlencode(params)))
    if query.procedure:
        crumbs.append((query.procedure.name, None))
    crumbs[-1] = (crumbs[-1][0], None)
    return crumbs


@require_GET
@login_required
def ioc_dashboard(request: HttpRequest) -> HttpResponse:
    """Headline figures, who holds late work, trends, heat-map, drill-down and indicators; numbers refresh live."""
    try:
        ioc = _ioc_request(request)
    except QueryError as error:
        return _error_page(request, error)
    query, now = ioc.query, ioc.now
    level = drill_level(query, ioc.access)
    overview = stats_overview(scope=query.scope, start=query.start, end=query.end, group_by=level, now=now)
    series = stats_series(scope=query.scope, start=query.start, end=query.end, granularity=ioc.trend, now=now)
    months, heat_rows = stats_heatmap(scope=query.scope, start=heatmap_start(query.start, query.end), end=query.end)
    paginator = Paginator(stats_overdue(scope=query.scope, now=now), OVERDUE_PAGE_SIZE)
    overdue_page = paginator.get_page(request.GET.get("overdue_page"))
    overdue = overdue_rows(overdue_page.object_list, now=now)

    base_params = query.params(group_by=None)
    api_params = urlencode(base_params)
    level_titles = {"agency": _("Theo cơ quan"), "field": _("Theo lĩnh vực"), "procedure": _("Theo thủ tục")}
    drill_param = {"agency": "agency", "field": "field", "procedure": "procedure"}.get(level or "")
    context = {
        "ioc": ioc,
        "query": query,
        "params": base_params,
        "overview": overview,
        "counters": overview.total.figures.counters(),
        "evaluation": overview.total,
        "level": level,
        "level_title": level_titles.get(level or ""),
        "drill_param": drill_param,
        "breakdown": overview.rows,
        "charts": _trend_charts(series, "ioc"),
        "trend": ioc.trend,
        "trends": [("day", _("Ngày")), ("week", _("Tuần")), ("month", _("Tháng"))],
        "months": months,
        "heat_rows": heat_rows,
        "overdue": overdue,
        "overdue_page": overdue_page,
        "breadcrumbs": _breadcrumbs(ioc),
        "quick_periods": _quick_periods(today_local(now)),
        "api_url": reverse("stats-overview") + ("?" + api_params if api_params else ""),
        "overdue_api_url": reverse("stats-overdue") + "?" + urlencode({**base_params, "page_size": 1}),
        "export_url": reverse("ioc-export", args=["TABLE", "FMT"]),
        "export_query": urlencode({**base_params, "trend": ioc.trend}),
        "stale": cache.get(STALE_KEY),
        "counter_labels": tables.COUNTER_LABELS,
        "drill_url": reverse("ioc-indicator", args=["CODE"]),
        "drill_codes": DOSSIER_DRILLS + PROCEDURE_DRILLS,
        "drill_query": urlencode(base_params),
    }
    return render(request, "dashboard/ioc.html", context)


DRILL_PAGE_SIZE = 50


@require_GET
@login_required
def ioc_indicator(request: HttpRequest, code: str) -> HttpResponse:
    """`/ioc/chi-so/<code>/`: one indicator of the period and scope, and the dossiers (or procedures) behind it,
    each marked as counted in the numerator or not."""
    if code not in RULES_BY_CODE:
        raise Http404
    try:
        ioc = _ioc_request(request)
    except QueryError as error:
        return _error_page(request, error)
    query, now = ioc.query, ioc.now
    overview = stats_overview(scope=query.scope, start=query.start, end=query.end, now=now)
    result = next(r for r in overview.total.results if r.rule.code == code)
    page = procedures = None
    if code in DOSSIER_DRILLS:
        paginator = Paginator(
            indicator_dossiers(code=code, scope=query.scope, start=query.start, end=query.end, now=now),
            DRILL_PAGE_SIZE,
        )
        page = paginator.get_page(request.GET.get("page"))
    elif code in PROCEDURE_DRILLS:
        procedures = indicator_procedures(code=code, scope=query.scope, start=query.start, end=query.end)
    params = query.params(group_by=None)
    context = {
        "query": query,
        "result": result,
        "page": page,
        "procedures": procedures,
        "back_url": reverse("ioc-dashboard") + "?" + urlencode(params),
        "page_query": urlencode(params),
    }
    return render(request, "dashboard/indicator.html", context)


@require_GET
@login_required
def ioc_export(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    """`/ioc/export/<table>.<csv|xlsx>` with the dashboard's query string: the same rows as the page's table."""
    if table not in EXPORT_TABLES or fmt not in EXPORT_FORMATS:
        raise Http404
    try:
        ioc = _ioc_request(request)
    except QueryError as error:
        return _error_page(request, error)
    query, now = ioc.query, ioc.now
    if table in ("counters", "indicators", "breakdown"):
        level = drill_level(query, ioc.access) if table == "breakdown" else None
        overview = stats_overview(scope=query.scope, start=query.start, end=query.end, group_by=level, now=now)
        if table == "counters":
            data = tables.counters_table(overview.total)
        elif table == "indicators":
            data = tables.indicators_table(overview.total)
        else:
            data = tables.breakdown_table(overview.rows, _("Xếp hạng và số liệu chi tiết"))
    elif table == "trend":
        data = tables.trend_table(
            stats_series(scope=query.scope, start=query.start, end=query.end, granularity=ioc.trend, now=now)
        )
    elif table == "heatmap":
        months, rows = stats_heatmap(scope=query.scope, start=heatmap_start(query.start, query.end), end=query.end)
        data = tables.heatmap_table(months, rows)
    else:
        data = tables.overdue_table(overdue_rows(stats_overdue(scope=query.scope, now=now)[:50_000], now=now))
    filename = f"thong-ke-{table}-{query.start:%Y%m%d}-{query.end:%Y%m%d}"
    audit_record(action="stats.export", request=request, details={"table": table, "format": fmt, **query.params()})
    return exports.csv_response(data, filename) if fmt == "csv" else exports.xlsx_response(data, filename)


@require_GET
def public_statistics(request: HttpRequest) -> HttpResponse:
    """Public statistics (no login, no personal data): province or one agency, by month, and the agencies ranked."""
    now = timezone.now()
    today = today_local(now)
    params = {key: request.GET.get(key, "") for key in ("from", "to", "agency")}
    if not params["from"]:
        start = today.replace(day=1)
        for _i in range(11):
            start = (start - timedelta(days=1)).replace(day=1)
        params["from"] = start.isoformat()
    try:
        query = parse_stats_request(
            params, access=StatsAccess("public"), authenticated=False, allowed_groupings=("month", "agency"), now=now
        )
    except QueryError as error:
        return _error_page(request, error)
    overview = stats_overview(scope=query.scope, start=query.start, end=query.end, group_by="month", now=now)
    agencies = []
    if query.agency is None:
        agencies = stats_overview(scope=query.scope, start=query.start, end=query.end, group_by="agency", now=now).rows
    context = {
        "query": query,
        "params": query.params(group_by=None),
        "overview": overview,
        "counters": overview.total.figures.counters(),
        "evaluation": overview.total,
        "months": overview.rows,
        "charts": _trend_charts(overview.rows, "public"),
        "agencies": agencies,
        "month_count": len(month_starts(query.start, query.end)),
        "counter_labels": tables.COUNTER_LABELS,
    }
    return render(request, "dashboard/public.html", context)


def open_data(request: HttpRequest) -> HttpResponse:
    """The open datasets with licence, update date and downloads (no login); the DCAT catalogue lists the same."""
    from dashboard import opendata

    items = [{"dataset": ds, "modified": ds.modified()} for ds in opendata.datasets()]
    return render(
        request,
        "dashboard/open_data.html",
        {"items": items, "licence": opendata.LICENCE, "licence_name": opendata.LICENCE_NAME, "current": "open-data"},
    )
