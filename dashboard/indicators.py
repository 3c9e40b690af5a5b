"""Decision 766/QĐ-TTg indicators that the portal's own data supports, and their scoring rule. Pure: no database.

The rules are data (RULES, GROUPS): a later decision changes the table, not the code. Scoring (Decision 766,
as DOMAIN.md states it): an indicator at or above its threshold earns its full points; below, ratio × points /
threshold. Where DOMAIN.md names no threshold the table uses 100% and says so in `basis`.

Numbering and group names follow DOMAIN.md. Group totals are DOMAIN.md's (transparency 18, progress 20,
digitisation 22, online service 22, satisfaction 18). DOMAIN.md does not give the points of each indicator inside
its group; the table's allocation (POINTS_NOTE) is this portal's reading and must be checked against the annex of the
decision before official use — changing it is a data change here.

Groups the portal cannot compute (transparency: publication and synchronisation with the national portal are not
recorded here) are left out, and a group's score is reported with its `available` points (the points of the
indicators computed) next to the group's official points.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from django.utils.translation import gettext_lazy as _

DECISION = "Quyết định 766/QĐ-TTg ngày 23/6/2022"
EFFECTIVE_FROM = date(2022, 6, 23)
POINTS_NOTE = _(
    "Điểm từng chỉ số trong nhóm là phân bổ của cổng (DOMAIN.md chỉ nêu điểm của nhóm); cần đối chiếu phụ lục "
    "Quyết định 766/QĐ-TTg trước khi dùng chính thức."
)


@dataclass(frozen=True)
class Group:
    code: str
    name: str
    points: int


@dataclass(frozen=True)
class Rule:
    code: str
    group: str
    name: str
    threshold: Fraction  # the ratio at which the indicator earns its full points
    points: Fraction
    basis: str  # legal basis and where the threshold comes from
    note: str = ""  # how the portal computes it, and what it cannot see yet
    unit: str = "ratio"  # "ratio" (0..1) or "days"


GROUPS: tuple[Group, ...] = (
    Group("transparency", _("Công khai, minh bạch"), 18),
    Group("progress", _("Tiến độ, kết quả giải quyết"), 20),
    Group("digitisation", _("Số hoá hồ sơ"), 22),
    Group("online", _("Cung cấp dịch vụ trực tuyến"), 22),
    Group("satisfaction", _("Mức độ hài lòng"), 18),
)

NO_THRESHOLD = "DOMAIN.md không nêu ngưỡng: dùng 100%."

RULES: tuple[Rule, ...] = (
    Rule(
        "2.1",
        "progress",
        _("Tỷ lệ hồ sơ giải quyết đúng hạn"),
        Fraction(1),
        Fraction(12),
        f"{DECISION}, chỉ số 2.1. {NO_THRESHOLD}",
        _(
            "(trước hạn + đúng hạn) / đã giải quyết trong kỳ; gia hạn không làm hồ sơ thành đúng hạn; "
            "yêu cầu bổ sung quá một lần tính là quá hạn."
        ),
    ),
    Rule(
        "2.2",
        "progress",
        _("Thời gian giải quyết trung bình"),
        Fraction(1),
        Fraction(8),
        f"{DECISION}, chỉ số 2.2. {NO_THRESHOLD}",
        _(
            "Giá trị: số ngày làm việc trung bình từ tiếp nhận đến khi giải quyết xong, trừ thời gian chờ bổ sung. "
            "Tỷ lệ chấm điểm: tổng thời hạn quy định / tổng thời gian thực tế (tối đa 100%)."
        ),
        unit="days",
    ),
    Rule(
        "3.1",
        "online",
        _("Tỷ lệ thủ tục cung cấp dịch vụ công trực tuyến toàn trình"),
        Fraction(4, 5),
        Fraction(4),
        f"{DECISION}, chỉ số 3.1; Nghị định 42/2022/NĐ-CP. Đạt điểm tối đa ở 80% (DOMAIN.md).",
        _("Thủ tục đang áp dụng có mức độ toàn trình / thủ tục đang áp dụng (danh mục hiện tại)."),
    ),
    Rule(
        "3.2",
        "online",
        _("Tỷ lệ dịch vụ công trực tuyến có phát sinh hồ sơ"),
        Fraction(1),
        Fraction(4),
        f"{DECISION}, chỉ số 3.2. {NO_THRESHOLD}",
        _(
            "Thủ tục trực tuyến (toàn trình hoặc một phần) có ít nhất một hồ sơ tiếp nhận trực tuyến trong kỳ / "
            "thủ tục trực tuyến."
        ),
    ),
    Rule(
        "3.3",
        "online",
        _("Tỷ lệ hồ sơ trực tuyến"),
        Fraction(1, 2),
        Fraction(6),
        f"{DECISION}, chỉ số 3.3. Đạt điểm tối đa ở 50% (DOMAIN.md).",
        _("Hồ sơ tiếp nhận qua kênh trực tuyến / hồ sơ tiếp nhận trong kỳ."),
    ),
    Rule(
        "3.5",
        "online",
        _("Tỷ lệ thủ tục có phí, lệ phí được thanh toán trực tuyến"),
        Fraction(4, 5),
        Fraction(4),
        f"{DECISION}, chỉ số 3.5. Đạt điểm tối đa ở 80% (DOMAIN.md).",
        _(
            "Thủ tục có phí (phiên bản hiện hành hoặc một trường hợp) ở mức toàn trình, nơi cổng nhận thanh toán "
            "trực tuyến / thủ tục có phí."
        ),
    ),
    Rule(
        "3.6",
        "online",
        _("Tỷ lệ hồ sơ thanh toán trực tuyến"),
        Fraction(1),
        Fraction(4),
        f"{DECISION}, chỉ số 3.6. {NO_THRESHOLD}",
        _(
            "Hồ sơ tiếp nhận trong kỳ đã thanh toán qua cổng / hồ sơ tiếp nhận trong kỳ phải nộp phí. Cổng chưa "
            "ghi nhận thanh toán tại quầy, nên mọi khoản đã thanh toán là trực tuyến."
        ),
    ),
    Rule(
        "4.1",
        "digitisation",
        _("Tỷ lệ hồ sơ có kết quả điện tử"),
        Fraction(1),
        Fraction(8),
        f"{DECISION}, chỉ số 4.1; Nghị định 45/2020/NĐ-CP. {NO_THRESHOLD}",
        _("Hồ sơ đã giải quyết trong kỳ có tài liệu loại 'kết quả' / hồ sơ đã giải quyết trong kỳ."),
    ),
    Rule(
        "4.2",
        "digitisation",
        _("Tỷ lệ số hoá hồ sơ"),
        Fraction(4, 5),
        Fraction(7),
        f"{DECISION}, chỉ số 4.2. Đạt điểm tối đa ở 80% (DOMAIN.md).",
        _(
            "Hồ sơ nộp trực tiếp hoặc qua bưu chính, tiếp nhận trong kỳ, có thành phần hồ sơ được tải lên / "
            "hồ sơ nộp trực tiếp hoặc qua bưu chính tiếp nhận trong kỳ."
        ),
    ),
    Rule(
        "4.3",
        "digitisation",
        _("Tỷ lệ hồ sơ tái sử dụng dữ liệu số hoá"),
        Fraction(4, 5),
        Fraction(7),
        f"{DECISION}, chỉ số 4.3. Đạt điểm tối đa ở 80% (DOMAIN.md).",
        _("Cổng chưa hỗ trợ tái sử dụng giấy tờ đã số hoá: tử số bằng 0 cho đến khi có tính năng này."),
    ),
    Rule(
        "5.4",
        "satisfaction",
        _("Mức độ hài lòng trong tiếp nhận, giải quyết thủ tục hành chính"),
        Fraction(9, 10),
        Fraction(9),
        f"{DECISION}, chỉ số 5.4. Đạt điểm tối đa ở 90% (DOMAIN.md).",
        _(
            "100% − (tỷ lệ quá hạn + tỷ lệ hồ sơ bị phản ánh hoặc đánh giá 'không hài lòng'). Cổng chưa có đánh giá "
            "và phản ánh, kiến nghị: phần thứ hai bằng 0. Tỷ lệ quá hạn = tỷ lệ trễ hạn của kỳ."
        ),
    ),
)

RULES_BY_CODE: Mapping[str, Rule] = {rule.code: rule for rule in RULES}
GROUPS_BY_CODE: Mapping[str, Group] = {group.code: group for group in GROUPS}


def ratio(numerator: int, denominator: int) -> Fraction | None:
    """numerator / denominator, or None when nothing was there to measure."""
    if not denominator:
        return None
    return Fraction(numerator, denominator)


def score(value: Fraction | None, rule: Rule) -> Fraction | None:
    """Full points at or above the threshold; ratio × points / threshold below it; None when not measurable."""
    if value is None:
        return None
    if value >= rule.threshold:
        return rule.points
    return max(Fraction(0), value) * rule.points / rule.threshold


@dataclass(frozen=True)
class Catalogue:
    """Facts about the procedures in scope (the catalogue as it is now: it has no history)."""

    procedures: int = 0  # active, published
    full_online: int = 0  # of which online level "full" (toàn trình)
    online: int = 0  # offered online at any level (full or partial)
    online_with_dossier: int = 0  # of those, with at least one dossier received online in the period
    fee_bearing: int = 0
    fee_bearing_full_online: int = 0


@dataclass(frozen=True)
class Result:
    rule: Rule
    value: Fraction | None  # the indicator (a ratio, or days for 2.2)
    scoring_ratio: Fraction | None  # the ratio the score is computed from
    numerator: int | None
    denominator: int | None
    score: Fraction | None


def compute(figures: Mapping[str, int], catalogue: Catalogue) -> list[Result]:
    """Every rule's value and score from a scope's period figures (see selectors.PeriodFigures) and catalogue."""
    processed = figures["completed_early"] + figures["completed_on_time"] + figures["completed_late"]
    on_time = figures["completed_early"] + figures["completed_on_time"]
    to_process = figures["received"] + figures["carried_over"]
    late = figures["in_progress_late"] + figures["completed_late"]
    measures: dict[str, tuple[Fraction | None, Fraction | None, int | None, int | None]] = {}

    def plain(code: str, numerator: int, denominator: int) -> None:
        value = ratio(numerator, denominator)
        measures[code] = (value, value, numerator, denominator)

    plain("2.1", on_time, processed)
    average = ratio(figures["processing_days"], processed)
    if processed:
        used, allowed = figures["processing_days"], figures["allowed_days"]
        speed = Fraction(1) if used <= allowed else Fraction(allowed, used)
    else:
        speed = None
    measures["2.2"] = (average, speed, figures["processing_days"], processed)
    plain("3.1", catalogue.full_online, catalogue.procedures)
    plain("3.2", catalogue.online_with_dossier, catalogue.online)
    plain("3.3", figures["received_online"], figures["received"])
    plain("3.5", catalogue.fee_bearing_full_online, catalogue.fee_bearing)
    plain("3.6", figures["paid_online"], figures["fee_due"])
    plain("4.1", figures["completed_e_result"], processed)
    plain("4.2", figures["digitised"], figures["received_direct"])
    plain("4.3", figures["reused"], figures["received"])
    late_rate = ratio(late, to_process)
    complaints = Fraction(0)  # no ratings or feedback in the portal yet
    satisfaction = None if late_rate is None else max(Fraction(0), 1 - (late_rate + complaints))
    measures["5.4"] = (satisfaction, satisfaction, to_process - late if to_process else None, to_process or None)

    results = []
    for rule in RULES:
        value, scoring_ratio, numerator, denominator = measures[rule.code]
        results.append(Result(rule, value, scoring_ratio, numerator, denominator, score(scoring_ratio, rule)))
    return results


@dataclass(frozen=True)
class GroupResult:
    group: Group
    score: Fraction
    available: Fraction  # points of the group's indicators that could be computed


def group_scores(results: list[Result]) -> list[GroupResult]:
    """Per group: the sum of its computed indicators' scores, out of their points. Groups with none are omitted."""
    out = []
    for group in GROUPS:
        computed = [r for r in results if r.rule.group == group.code and r.score is not None]
        if computed:
            out.append(
                GroupResult(
                    group,
                    sum((r.score for r in computed), Fraction(0)),
                    sum((r.rule.points for r in computed), Fraction(0)),
                )
            )
    return out


def total_score(groups: list[GroupResult]) -> tuple[Fraction, Fraction]:
    """(score, available points) over the computed groups."""
    return sum((g.score for g in groups), Fraction(0)), sum((g.available for g in groups), Fraction(0))
