"""The dashboard's tables as plain headers + rows, for the pages' screen-reader tables and the CSV/XLSX exports."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from dashboard.presenters import indicator_json
from dashboard.selectors import Evaluation, HeatRow, Row


@dataclass
class Table:
    slug: str
    title: str
    headers: list[str]
    rows: list[list[Any]]


# (path in PeriodFigures.counters(), label)
COUNTER_LABELS: tuple[tuple[str, Any], ...] = (
    ("received", _("Tiếp nhận trong kỳ")),
    ("carried_over", _("Kỳ trước chuyển sang")),
    ("to_process", _("Tổng số phải giải quyết")),
    ("processed.total", _("Đã giải quyết")),
    ("processed.early", _("Đã giải quyết trước hạn")),
    ("processed.on_time", _("Đã giải quyết đúng hạn")),
    ("processed.late", _("Đã giải quyết quá hạn")),
    ("in_progress.total", _("Đang giải quyết cuối kỳ")),
    ("in_progress.not_due", _("Đang giải quyết trong hạn")),
    ("in_progress.near_due", _("Đang giải quyết sắp đến hạn")),
    ("in_progress.late", _("Đang giải quyết quá hạn")),
    ("stopped", _("Dừng xử lý")),
    ("withdrawn", _("Rút hồ sơ sau khi tiếp nhận")),
    ("completed_not_collected", _("Đã có kết quả, chưa trả")),
    ("delivered", _("Đã trả kết quả")),
    ("submitted", _("Hồ sơ nộp trong kỳ")),
    ("refused", _("Từ chối tiếp nhận")),
    ("received_online", _("Tiếp nhận trực tuyến")),
    ("on_time_rate", _("Tỷ lệ giải quyết đúng hạn")),
    ("late_rate", _("Tỷ lệ trễ hạn")),
    ("average_processing_days", _("Thời gian giải quyết trung bình (ngày làm việc)")),
)
RATE_KEYS = frozenset({"on_time_rate", "late_rate"})


def counter_value(counters: dict, path: str):
    value: Any = counters
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def counters_table(evaluation: Evaluation) -> Table:
    counters = evaluation.figures.counters()
    rows = [[str(label), counter_value(counters, path)] for path, label in COUNTER_LABELS]
    return Table("counters", str(_("Chỉ tiêu tình hình giải quyết")), [str(_("Chỉ tiêu")), str(_("Giá trị"))], rows)


def indicators_table(evaluation: Evaluation) -> Table:
    headers = [
        str(h)
        for h in (
            _("Mã"),
            _("Chỉ số"),
            _("Giá trị"),
            _("Tử số"),
            _("Mẫu số"),
            _("Ngưỡng"),
            _("Điểm tối đa"),
            _("Điểm"),
            _("Nguồn"),
            _("Căn cứ"),
        )
    ]
    rows = []
    for result in evaluation.results:
        item = indicator_json(result)
        rows.append(
            [
                item["code"],
                item["name"],
                item["value"],
                item["numerator"],
                item["denominator"],
                item["threshold"],
                item["points"],
                item["score"],
                item["source_tag"],
                item["basis"],
            ]
        )
    return Table("indicators", str(_("Bộ chỉ số 766")), headers, rows)


TREND_HEADERS = (
    _("Kỳ"),
    _("Từ ngày"),
    _("Đến ngày"),
    _("Tiếp nhận"),
    _("Đã giải quyết"),
    _("Trước hạn"),
    _("Đúng hạn"),
    _("Quá hạn"),
    _("Đang giải quyết cuối kỳ"),
    _("Đang quá hạn cuối kỳ"),
    _("Sắp đến hạn cuối kỳ"),
    _("Tỷ lệ đúng hạn"),
    _("Tỷ lệ trễ hạn"),
)


def trend_table(rows: Sequence[Row]) -> Table:
    out = []
    for row in rows:
        c = row.figures.counters()
        out.append(
            [
                row.code,
                row.start,
                row.end,
                c["received"],
                c["processed"]["total"],
                c["processed"]["early"],
                c["processed"]["on_time"],
                c["processed"]["late"],
                c["in_progress"]["total"],
                c["in_progress"]["late"],
                c["in_progress"]["near_due"],
                c["on_time_rate"],
                c["late_rate"],
            ]
        )
    return Table("trend", str(_("Diễn biến theo thời gian")), [str(h) for h in TREND_HEADERS], out)


BREAKDOWN_HEADERS = (
    _("Hạng"),
    _("Mã"),
    _("Tên"),
    _("Tiếp nhận"),
    _("Kỳ trước chuyển sang"),
    _("Phải giải quyết"),
    _("Đã giải quyết"),
    _("Tỷ lệ đúng hạn"),
    _("Đang quá hạn"),
    _("Sắp đến hạn"),
    _("Tỷ lệ trễ hạn"),
    _("Điểm 766 (%)"),
)


def breakdown_table(rows: Sequence[Row], title: str) -> Table:
    out = []
    for rank, row in enumerate(rows, start=1):
        c = row.figures.counters()
        out.append(
            [
                rank,
                row.code,
                row.name,
                c["received"],
                c["carried_over"],
                c["to_process"],
                c["processed"]["total"],
                c["on_time_rate"],
                c["in_progress"]["late"],
                c["in_progress"]["near_due"],
                c["late_rate"],
                row.evaluation.score_percent,
            ]
        )
    return Table("breakdown", title, [str(h) for h in BREAKDOWN_HEADERS], out)


def heatmap_table(months: Sequence[date], rows: Sequence[HeatRow]) -> Table:
    headers = [str(_("Mã")), str(_("Cơ quan")), *[f"{m:%m/%Y}" for m in months], str(_("Cả kỳ"))]
    out = [[r.code, r.name, *[rate for _processed, rate in r.cells], r.on_time_rate] for r in rows]
    return Table("heatmap", str(_("Tỷ lệ đúng hạn theo cơ quan và tháng")), headers, out)


OVERDUE_HEADERS = (
    _("Mã hồ sơ"),
    _("Thủ tục"),
    _("Cơ quan"),
    _("Phòng ban"),
    _("Người đang giữ"),
    _("Hạn theo quy định"),
    _("Hạn đã gia hạn"),
    _("Số ngày làm việc quá hạn"),
)


def overdue_table(items: Sequence[dict]) -> Table:
    out = [
        [
            i["code"],
            i["procedure"]["name"],
            i["agency"]["name"],
            i["department"] or "",
            i["assignee"] or "",
            i["statutory_due_at"],
            i["due_at"] if i["extended"] else "",
            i["days_late"],
        ]
        for i in items
    ]
    return Table("overdue", str(_("Hồ sơ đang quá hạn")), [str(h) for h in OVERDUE_HEADERS], out)
