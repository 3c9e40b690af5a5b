"""Plain JSON-ready shapes of the statistics, shared by the API, the pages and the exports."""

from __future__ import annotations

from fractions import Fraction

from dashboard.indicators import GroupResult, Result
from dashboard.query import StatsRequest
from dashboard.selectors import Evaluation, Overview, Row


def _num(value: Fraction | None, digits: int) -> float | None:
    return None if value is None else round(float(value), digits)


def indicator_json(result: Result) -> dict:
    rule = result.rule
    return {
        "code": rule.code,
        "name": str(rule.name),
        "group": rule.group,
        "unit": rule.unit,
        "value": _num(result.value, 1 if rule.unit == "days" else 4),
        "numerator": result.numerator,
        "denominator": result.denominator,
        "scoring_ratio": _num(result.scoring_ratio, 4),
        "threshold": _num(rule.threshold or 1, 4),
        "scoring": "threshold" if rule.threshold is not None else "linear",
        "points": _num(rule.points, 2),
        "score": _num(result.score, 2),
        "scored": rule.scored,
        "status": result.status,
        "source_tag": rule.source,
        "data_source": result.source or None,
        "measured_by": rule.measured_by,
        "formula": str(rule.formula),
        "basis": rule.basis,
        "note": result.note,
        "alternative": str(rule.alternative),
        "detail": result.detail,
        "overridden": rule.overridden,
    }


def group_json(group: GroupResult) -> dict:
    return {
        "code": group.group.code,
        "name": str(group.group.name),
        "points": group.group.points,
        "available_points": _num(group.available, 2),
        "score": _num(group.score, 2),
    }


def evaluation_json(evaluation: Evaluation, *, full: bool = True) -> dict:
    data = {
        "counters": evaluation.figures.counters(),
        "score": {
            "value": _num(evaluation.score, 2),
            "available_points": _num(evaluation.available, 2),
            "percent": evaluation.score_percent,
            "band": dict(zip(("code", "label", "source_tag"), evaluation.band, strict=True)),
        },
    }
    if full:
        data["indicators"] = [indicator_json(r) for r in evaluation.results]
        data["groups"] = [group_json(g) for g in evaluation.groups]
    else:
        data["indicators"] = {
            r.rule.code: {"value": _num(r.value, 1 if r.rule.unit == "days" else 4), "score": _num(r.score, 2)}
            for r in evaluation.results
        }
    return data


def row_json(row: Row, rank: int | None = None) -> dict:
    if row.evaluation is not None:
        data = {"key": row.code, "code": row.code, "name": row.name, **evaluation_json(row.evaluation, full=False)}
        if rank is not None:
            data["rank"] = rank
        return data
    return {
        "key": row.code,
        "start": row.start.isoformat() if row.start else None,
        "end": row.end.isoformat() if row.end else None,
        "counters": row.figures.counters() if row.figures else {},
    }


def overview_json(overview: Overview, request: StatsRequest) -> dict:
    data = {
        "period": {
            "from": overview.start.isoformat(),
            "to": overview.end.isoformat(),
            "as_of": overview.as_of.isoformat(),
            "live": overview.live,
        },
        "scope": {
            "level": "procedure"
            if request.procedure
            else "field"
            if request.field
            else ("agency" if request.agency or overview.scope.agency_ids is not None else "province"),
            "agency": {"code": request.agency.identity_code, "name": request.agency.name} if request.agency else None,
            "field": {"code": request.field.code, "name": request.field.name} if request.field else None,
            "procedure": {"code": request.procedure.code, "name": request.procedure.name}
            if request.procedure
            else None,
        },
        **evaluation_json(overview.total),
    }
    if overview.group_by:
        data["group_by"] = overview.group_by
        ranked = overview.group_by in ("agency", "field", "procedure")
        data["rows"] = [row_json(row, rank=index if ranked else None) for index, row in enumerate(overview.rows, 1)]
    return data
