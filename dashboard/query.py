"""Reading and checking the statistics query parameters, shared by the API, the IOC page and the exports.

Who sees what (decided here, once):

* Everyone, anonymous included, may read province- and agency-level figures and indicators, overall or by agency or
  month: the public statistics page publishes exactly these, and they hold no personal data.
* Details — a field or procedure filter, a breakdown by field, procedure, day or week, and the overdue list (which
  names officers) — are for IOC viewers and superusers (every agency) and leaders. Anonymous callers asking for
  details get 401, other users 403.
* A leader sees only the agencies they lead (and the agencies under them): with no `agency` their scope is those
  agencies, and naming another agency is 403, in the API as on the IOC page. (The public statistics page, being
  public, shows everyone the same province and agency figures.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from dashboard.selectors import GROUPINGS, Scope, StatsAccess, agency_subtree, today_local
from procedures.models import Agency, Field, Procedure

MAX_YEARS = 3
PUBLIC_GROUPINGS = frozenset({None, "agency", "month"})
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Statistics exist from the portal's first years to a far future; outside this range month and year arithmetic
# (period splits, the three-year cap) would leave Python's date range near year 1 or 9999.
MIN_DATE, MAX_DATE = date(2000, 1, 1), date(2100, 12, 31)


class QueryError(Exception):
    def __init__(self, status: int, detail: str, errors: dict[str, list[str]] | None = None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors or {}


@dataclass(frozen=True)
class StatsRequest:
    start: date
    end: date
    group_by: str | None
    agency: Agency | None
    field: Field | None
    procedure: Procedure | None
    scope: Scope
    detailed: bool

    def params(self, **overrides: Any) -> dict[str, str]:
        """The query string that reproduces this request (drill-down links and exports)."""
        values = {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "agency": self.agency.identity_code if self.agency else "",
            "field": self.field.code if self.field else "",
            "procedure": self.procedure.code if self.procedure else "",
            "group_by": self.group_by or "",
        }
        values.update({key: ("" if value is None else str(value)) for key, value in overrides.items()})
        return {key: value for key, value in values.items() if value}


def _date(params, name: str) -> date | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    if not DATE_RE.match(raw):
        raise QueryError(
            400, _("Ngày không hợp lệ: dùng định dạng YYYY-MM-DD."), {name: [_("Dùng định dạng YYYY-MM-DD.")]}
        )
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise QueryError(400, _("Ngày không tồn tại: %(value)s.") % {"value": raw}, {name: [_("Ngày không tồn tại.")]})
    if not MIN_DATE <= day <= MAX_DATE:
        message = _("Ngày phải trong khoảng %(low)s đến %(high)s.") % {"low": MIN_DATE, "high": MAX_DATE}
        raise QueryError(400, message, {name: [message]})
    return day


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def parse_period(params, *, now: datetime | None = None) -> tuple[date, date]:
    """`from` and `to` (inclusive local dates). Defaults: `to` today, `from` the first day of `to`'s month."""
    today = today_local(now or timezone.now())
    start, end = _date(params, "from"), _date(params, "to")
    end = end or (today if start is None or start <= today else start)
    start = start or end.replace(day=1)
    if end < start:
        raise QueryError(
            400, _("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu."), {"to": [_("Phải từ ngày 'from' trở đi.")]}
        )
    if end > _years_after(start, MAX_YEARS):
        raise QueryError(
            400,
            _("Kỳ thống kê dài tối đa %(n)s năm.") % {"n": MAX_YEARS},
            {"to": [_("Kỳ thống kê dài tối đa %(n)s năm.") % {"n": MAX_YEARS}]},
        )
    return start, end


def _lookup(model, params, name: str, lookup: str, label: str):
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    obj = model.objects.filter(**{lookup: raw[:100]}).first()
    if obj is None:
        raise QueryError(404, _("Không tìm thấy %(what)s '%(code)s'.") % {"what": label, "code": raw[:100]})
    return obj


def parse_stats_request(
    params,
    *,
    access: StatsAccess,
    authenticated: bool,
    require_details: bool = False,
    allowed_groupings=GROUPINGS,
    now: datetime | None = None,
) -> StatsRequest:
    """Check every parameter and the caller's right to the scope; raise QueryError (400/401/403/404) otherwise."""
    start, end = parse_period(params, now=now)
    group_by = (params.get("group_by") or "").strip() or None
    if group_by is not None and group_by not in allowed_groupings:
        choices = ", ".join(allowed_groupings)
        raise QueryError(
            400,
            _("Cách nhóm không hợp lệ: chọn một trong %(choices)s.") % {"choices": choices},
            {"group_by": [_("Chọn một trong %(choices)s.") % {"choices": choices}]},
        )
    agency = _lookup(Agency, params, "agency", "identity_code", _("cơ quan"))
    field = _lookup(Field, params, "field", "code", _("lĩnh vực"))
    procedure = _lookup(Procedure, params, "procedure", "code", _("thủ tục"))
    detailed = require_details or field is not None or procedure is not None or group_by not in PUBLIC_GROUPINGS
    agency_ids = agency_subtree(agency) if agency else None
    if detailed and not access.is_staff_viewer:
        if not authenticated:
            raise QueryError(401, _("Hãy đăng nhập để xem số liệu chi tiết."))
        raise QueryError(403, _("Số liệu chi tiết chỉ dành cho lãnh đạo và cán bộ giám sát IOC."))
    if access.level == "leader":
        # A leader works on their own agencies: that is their default scope, and another agency is refused.
        if agency_ids is None:
            agency_ids = access.agency_ids
        elif not access.covers(agency_ids):
            raise QueryError(403, _("Bạn chỉ xem được số liệu của cơ quan mình phụ trách."))
    scope = Scope(
        agency_ids=agency_ids,
        field_id=field.pk if field else None,
        procedure_id=procedure.pk if procedure else None,
    )
    return StatsRequest(start, end, group_by, agency, field, procedure, scope, detailed)
