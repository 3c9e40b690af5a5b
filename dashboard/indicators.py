"""Decision 766/QĐ-TTg: the national indicator set as the national portal (DVCQG) scores it. Pure: no database.

Every rule is a row of data (RULES) with its points, its full-score threshold, its formula and the source of its
numbers, as the team's INDICATORS.md records them:

* [V]  the Decision or an official/press summary of it;
* [3P] the national portal's formula document and METRICS sheet as copied by third parties, or a third-party
  reverse-engineering of the live portal's scoring;
* [U]  not found: the number is this portal's choice and says so in the rule's note.

Where two sources conflict the table follows the live portal's scoring and gives the other reading in `alternative`.
A province corrects a number by data, not code: a `dashboard.models.IndicatorOverride` row (Django admin) replaces a
rule's points, threshold or note (`with_overrides`); the table below is the default.

Scoring: with a threshold X, full points from X up and ratio × points / X below; without one (the live portal's
usual rule), points × ratio. A rule with nothing to measure (denominator 0) earns what its `when_empty` says (the live
portal gives 5.2 and 5.3 full points, everything else 0). A rule whose facts come from another app (payments,
feedback, synchronisation with DVCQG: dashboard.sources) earns 0 with the note "no data source yet" until that app
registers its source. The total is out of 100; rating bands: BANDS.

Numbering follows the DVCQG formula document (3.x online service, 4.x digitisation); the group order follows the
Decision's Article 1. Codes with a letter (3.5b, 4.2b, 4.5a, 4.5b) are rows the live portal scores that the formula
document does not number.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext_lazy as _

DECISION = "Quyết định 766/QĐ-TTg ngày 23/6/2022"
EFFECTIVE_FROM = date(2022, 6, 23)
INDICATORS_DOC = "INDICATORS.md"

V, P3, U = "V", "3P", "U"
SOURCE_LABELS = {
    V: _("Quyết định hoặc bản tóm tắt chính thức"),
    P3: _("Tài liệu công thức và cách chấm của Cổng DVCQG (bản sao của bên thứ ba)"),
    U: _("Chưa tìm thấy nguồn: số do cổng chọn"),
}

# How a rule is measured: from the statistics ledger (summary tables), from the catalogue (procedures, agencies,
# publication records), or from another app's registered source (dashboard.sources).
LEDGER, CATALOGUE, PROVIDED = "ledger", "catalogue", "provided"
# Denominator 0: no points, or full points (the live portal for feedback indicators).
EMPTY_ZERO, EMPTY_FULL = "zero", "full"

# Working days (province level) within which a procedure must be announced before its legal basis takes effect
# (1.1) and published after its announcement (1.2). Ministries: 20 and 10 (INDICATORS.md).
ANNOUNCE_LEAD_DAYS = 5
PUBLISH_WITHIN_DAYS = 5
NO_SOURCE_NOTE = _("Chưa có nguồn dữ liệu: chỉ số tính 0 điểm cho đến khi phân hệ cung cấp dữ liệu được kết nối.")


@dataclass(frozen=True)
class Group:
    code: str
    name: str
    points: int
    source: str = V


@dataclass(frozen=True)
class Rule:
    code: str
    group: str
    name: str
    points: Fraction
    threshold: Fraction | None  # the ratio from which the full points are earned; None: points × ratio
    source: str  # V / 3P / U: where the points and threshold come from
    formula: str  # numerator / denominator, as the source states it
    note: str = ""  # how this portal measures it, and what it cannot see
    alternative: str = ""  # the other source's reading, where sources conflict
    measured_by: str = LEDGER
    when_empty: str = EMPTY_ZERO
    unit: str = "ratio"  # "ratio" (0..1) or "days"
    scored: bool = True  # False: shown, no points (2.2, 5.1)
    provider: str = ""  # the app expected to provide a PROVIDED rule's facts
    overridden: bool = False

    @property
    def basis(self) -> str:
        return f"{DECISION}; {INDICATORS_DOC} [{self.source}]"


GROUPS: tuple[Group, ...] = (
    Group("transparency", _("Công khai, minh bạch"), 18),
    Group("progress", _("Tiến độ, kết quả giải quyết"), 20),
    Group("digitisation", _("Số hoá hồ sơ"), 22),
    Group("online", _("Cung cấp dịch vụ trực tuyến"), 22),
    Group("satisfaction", _("Mức độ hài lòng"), 18),
)

F = Fraction

RULES: tuple[Rule, ...] = (
    # --- 1. Công khai, minh bạch (18) ---
    Rule(
        "1.1",
        "transparency",
        _("Tỷ lệ thủ tục hành chính công bố đúng hạn"),
        F(6),
        None,
        P3,
        _("TTHC công bố đúng hạn / TTHC được công bố trong kỳ (mỗi thủ tục tính một lần; trễ một lần là trễ cả kỳ)."),
        _(
            "Đúng hạn: quyết định công bố ký trước ngày có hiệu lực muộn nhất của văn bản quy định ít nhất 5 ngày "
            "làm việc (cấp tỉnh; cấp bộ 20). Thiếu ngày hiệu lực: tính là không đúng hạn. Nguồn: bản ghi công bố "
            "của thủ tục."
        ),
        measured_by=CATALOGUE,
    ),
    Rule(
        "1.2",
        "transparency",
        _("Tỷ lệ TTHC được cập nhật, công khai đúng hạn"),
        F(4),
        None,
        V,
        _("TTHC được công khai trên CSDL quốc gia đúng hạn / TTHC phải công khai trong kỳ."),
        _(
            "Đúng hạn: công khai trong 5 ngày làm việc (cấp tỉnh; cấp bộ 10) kể từ ngày ký quyết định công bố. "
            "Phải công khai trong kỳ: quyết định công bố ký trong kỳ."
        ),
        measured_by=CATALOGUE,
    ),
    Rule(
        "1.3",
        "transparency",
        _("Tỷ lệ TTHC được công khai có đầy đủ các nội dung quy định về các bộ phận tạo thành của TTHC"),
        F(2),
        None,
        P3,
        _(
            "TTHC có đủ 7 bộ phận (tên, trình tự, cách thức, thành phần hồ sơ, thời hạn, đối tượng, cơ quan; Nghị "
            "định 63/2010 Điều 8 khoản 2) / TTHC đang công khai. Tính tại thời điểm hiện tại, không theo kỳ."
        ),
        _("Trình tự: phiên bản hiện hành có các bước xử lý; cách thức: luôn có (mức độ trực tuyến)."),
        measured_by=CATALOGUE,
    ),
    Rule(
        "1.4",
        "transparency",
        _("Tỷ lệ hồ sơ đồng bộ lên Cổng DVCQG"),
        F(6),
        None,
        P3,
        _(
            "Hồ sơ đã đồng bộ có ngày tiếp nhận trong kỳ / max(hồ sơ tiếp nhận theo Hệ thống báo cáo quốc gia, "
            "hồ sơ tiếp nhận theo DVCQG)."
        ),
        _("Cổng chưa có bộ điều hợp đồng bộ với Cổng DVCQG: 0 điểm cho đến khi có."),
        _(
            "Cách ghi năm 2026: hồ sơ đồng bộ trạng thái đúng thời gian thực / hồ sơ tiếp nhận, đang xử lý, "
            "trả kết quả."
        ),
        measured_by=PROVIDED,
        provider="sync",
    ),
    # --- 2. Tiến độ, kết quả giải quyết (20) ---
    Rule(
        "2.1",
        "progress",
        _("Tỷ lệ hồ sơ xử lý trước hạn, đúng hạn"),
        F(20),
        None,
        V,
        _(
            "Hồ sơ đã xử lý hoặc đang xử lý trước hạn, đúng hạn, còn hạn / hồ sơ tiếp nhận hoặc xử lý trong kỳ "
            "(tồn kỳ trước + tiếp nhận trong kỳ)."
        ),
        _(
            "Kết thúc xử lý: giải quyết xong, dừng xử lý, hoặc rút hồ sơ sau khi tiếp nhận (rút trước khi tiếp nhận "
            "không tính). Hồ sơ còn mở tính đến ngày cuối kỳ. Thời gian chờ bổ sung được trừ; chờ bổ sung một lần "
            "thì dừng đồng hồ tại lúc yêu cầu; yêu cầu bổ sung quá một lần tính là quá hạn. Gia hạn không làm hồ sơ "
            "thành đúng hạn (chặt hơn: DVCQG chấm theo ngày hẹn trả đã đồng bộ, chưa rõ có tính gia hạn)."
        ),
        _("Trước đây cổng chỉ tính hồ sơ đã giải quyết xong: (trước hạn + đúng hạn) / đã giải quyết."),
    ),
    Rule(
        "2.2",
        "progress",
        _("Thời gian giải quyết TTHC trung bình"),
        F(0),
        None,
        P3,
        _(
            "Tổng thời gian xử lý của hồ sơ đã giải quyết xong có thời điểm bắt đầu xử lý trong kỳ / số hồ sơ đó. "
            "Không chấm điểm riêng (cả 20 điểm của nhóm thuộc 2.1)."
        ),
        _(
            "Đơn vị: ngày làm việc, trừ thời gian chờ bổ sung. DVCQG dùng đơn vị thời hạn của từng thủ tục và chỉ "
            "hiển thị khi chọn một thủ tục."
        ),
        unit="days",
        scored=False,
    ),
    # --- 3. Cung cấp dịch vụ trực tuyến (22 = dịch vụ công trực tuyến 12 + thanh toán trực tuyến 10) ---
    Rule(
        "3.1",
        "online",
        _("Tỷ lệ TTHC cung cấp dịch vụ công trực tuyến"),
        F(4),
        F(4, 5),
        U,
        _("TTHC cung cấp trực tuyến một phần hoặc toàn trình / TTHC thuộc thẩm quyền. Đạt tối đa từ 80%."),
        _(
            "Điểm [U]: 12 điểm dịch vụ công trực tuyến chia đều cho 3.1, 3.2, 3.3 (nguồn không nêu). Hiển thị "
            "riêng: toàn trình / TTHC đủ điều kiện toàn trình."
        ),
        _("METRICS 2026 dành 12 điểm cho một tỷ lệ hồ sơ: hồ sơ toàn trình / hồ sơ của TTHC đủ điều kiện toàn trình."),
        measured_by=CATALOGUE,
    ),
    Rule(
        "3.2",
        "online",
        _("Tỷ lệ DVCTT có phát sinh hồ sơ"),
        F(4),
        None,
        U,
        _("DVCTT có ít nhất một hồ sơ trực tuyến trong kỳ / DVCTT (một phần hoặc toàn trình)."),
        _("Điểm [U]: xem 3.1. Nguồn không nêu ngưỡng: chấm điểm × tỷ lệ."),
        measured_by=CATALOGUE,
    ),
    Rule(
        "3.3",
        "online",
        _("Tỷ lệ hồ sơ TTHC theo hình thức nộp trực tuyến"),
        F(4),
        F(1, 2),
        U,
        _(
            "Hồ sơ trực tuyến tiếp nhận trong kỳ / hồ sơ tiếp nhận trong kỳ. Hồ sơ của thủ tục có kết quả giấy chỉ "
            "tính là trực tuyến khi có kết quả điện tử. Đạt tối đa từ 50%."
        ),
        _(
            "Điểm [U]: xem 3.1. DVCQG nhân thêm tỷ lệ đồng bộ (1.4); không áp dụng cho cổng của tỉnh vì cổng chưa "
            "đồng bộ."
        ),
        _("Nhân với tỷ lệ đồng bộ 1.4 như DVCQG."),
    ),
    Rule(
        "3.5",
        "online",
        _("Tỷ lệ TTHC có nghĩa vụ tài chính được tích hợp thanh toán trực tuyến"),
        F(2),
        F(4, 5),
        P3,
        _(
            "TTHC có ít nhất một hồ sơ trong kỳ có dữ liệu phí khác 0 / TTHC có phí, lệ phí trên CSDL quốc gia. "
            "Đạt tối đa từ 80%."
        ),
        _("Điểm: nhóm thanh toán 10 = 2 + 2 + 6 (đối chiếu của bên thứ ba với biểu đồ DVCQG)."),
        _("Cách chấm trực tiếp của DVCQG tái dựng được: 2,5 × tỷ lệ (không chặn ở 2 điểm)."),
        measured_by=PROVIDED,
        provider="payments",
    ),
    Rule(
        "3.5b",
        "online",
        _("Tỷ lệ TTHC có phí có giao dịch thanh toán trực tuyến"),
        F(2),
        F(4, 5),
        P3,
        _("TTHC có phí có ít nhất một giao dịch thanh toán trực tuyến trong kỳ / TTHC có phí. Đạt tối đa từ 80%."),
        _("Dòng thứ hai của nhóm thanh toán trên DVCQG: min(2; 2,5 × tỷ lệ)."),
        measured_by=PROVIDED,
        provider="payments",
    ),
    Rule(
        "3.6",
        "online",
        _("Tỷ lệ hồ sơ thanh toán trực tuyến"),
        F(6),
        None,
        P3,
        _(
            "Hồ sơ thanh toán trực tuyến (qua DVCQG hoặc cổng thanh toán của tỉnh) có thời điểm bắt đầu xử lý trong "
            "kỳ / (hồ sơ của TTHC có phí − hồ sơ có danh sách phí bằng 0)."
        ),
        _("DVCQG chấm tuyến tính: 6 × tỷ lệ."),
        _("Một bộ chấm cũ (Thanh Hoá) dùng ngưỡng 30%; tài liệu công thức không nêu ngưỡng."),
        measured_by=PROVIDED,
        provider="payments",
    ),
    # --- 4. Số hoá hồ sơ (22; phân bổ METRICS/API 2026: 6 + 4 + 2 + 2 + 4 + 2 + 2) ---
    Rule(
        "4.1",
        "digitisation",
        _("Tỷ lệ hồ sơ TTHC có cấp kết quả giải quyết TTHC điện tử"),
        F(6),
        None,
        P3,
        _("Hồ sơ có tệp kết quả điện tử / hồ sơ đã giải quyết trong kỳ của TTHC có yêu cầu kết quả giấy tờ."),
        _(
            "Kết quả điện tử: hồ sơ có tài liệu loại 'kết quả'. Cách ghi 2026 đòi kết quả có giá trị pháp lý (ký số): "
            "khi phân hệ kết quả ký số đăng ký nguồn cho 4.1, nguồn đó thay cho cách đếm này."
        ),
    ),
    Rule(
        "4.2",
        "digitisation",
        _("Tỷ lệ hồ sơ TTHC thực hiện số hoá hồ sơ"),
        F(4),
        None,
        P3,
        _(
            "Hồ sơ (mọi kênh) có tệp đính kèm thành phần hồ sơ và, khi thủ tục có kết quả giấy, có kết quả điện tử / "
            "hồ sơ tiếp nhận trong kỳ."
        ),
        _("DVCQG 2026 chấm tuyến tính."),
        _("Tài liệu công thức: đạt tối đa từ 80%."),
    ),
    Rule(
        "4.2b",
        "digitisation",
        _("Tỷ lệ cung cấp dịch vụ chứng thực bản sao điện tử từ bản chính"),
        F(2),
        None,
        P3,
        _("Cấp xã có cung cấp dịch vụ chứng thực bản sao điện tử / cấp xã quản lý (chỉ số năm 2026)."),
        _(
            "Cung cấp: cơ quan cấp xã có hồ sơ tiếp nhận trong kỳ kèm bản sao điện tử được chứng thực. Không chia "
            "được theo lĩnh vực, thủ tục."
        ),
    ),
    Rule(
        "4.3",
        "digitisation",
        _("Tỷ lệ hồ sơ khai thác, sử dụng lại thông tin, dữ liệu số hoá"),
        F(2),
        F(4, 5),
        P3,
        _(
            "Hồ sơ tiếp nhận trong kỳ có ít nhất một thành phần được đánh dấu tái sử dụng dữ liệu số hoá / hồ sơ "
            "tiếp nhận trong kỳ. Đạt tối đa từ 80%."
        ),
        _("Cách ghi 2026: mẫu số chỉ gồm hồ sơ của TTHC có thành phần được thay thế bằng dữ liệu."),
    ),
    Rule(
        "4.4",
        "digitisation",
        _("Tỷ lệ hồ sơ TTHC được số hoá có kết nối, chia sẻ dữ liệu phục vụ tái sử dụng"),
        F(4),
        None,
        P3,
        _(
            "Hồ sơ có ít nhất một thành phần lấy từ kho dữ liệu cá nhân (hoặc kết quả điện tử đẩy vào kho của người "
            "dân trên DVCQG) / hồ sơ tiếp nhận trong kỳ."
        ),
        _("Cổng đếm thành phần lấy từ kho dữ liệu; việc đẩy kết quả vào kho trên DVCQG chưa được ghi nhận."),
    ),
    Rule(
        "4.5a",
        "digitisation",
        _("Tỷ lệ TTHC kết nối CSDL quốc gia về dân cư"),
        F(2),
        None,
        P3,
        _("TTHC đã kết nối CSDL quốc gia về dân cư / TTHC có đối tượng thực hiện là công dân."),
        measured_by=CATALOGUE,
    ),
    Rule(
        "4.5b",
        "digitisation",
        _("Tỷ lệ hồ sơ sử dụng dữ liệu dân cư"),
        F(2),
        None,
        P3,
        _("Hồ sơ có tài khoản định danh VNeID hoặc dữ liệu từ CSDL dân cư / hồ sơ tiếp nhận trong kỳ."),
        _("Cổng đếm hồ sơ có thành phần lấy từ CSDL dân cư; tài khoản VNeID đã xác thực chưa được ghi nhận."),
    ),
    # --- 5. Mức độ hài lòng (18) ---
    Rule(
        "5.1",
        "satisfaction",
        _("Tỷ lệ PAKN theo phân loại"),
        F(0),
        None,
        P3,
        _("PAKN về quy định, thủ tục hoặc về hành vi cán bộ / PAKN trong kỳ. Chỉ theo dõi, không chấm điểm."),
        measured_by=PROVIDED,
        provider="feedback",
        scored=False,
    ),
    Rule(
        "5.2",
        "satisfaction",
        _("Tỷ lệ PAKN xử lý đúng hạn"),
        F(6),
        None,
        P3,
        _("PAKN xử lý đúng hạn, trước hạn hoặc còn hạn / PAKN thuộc thẩm quyền."),
        _("DVCQG: không có PAKN thì đạt đủ 6 điểm."),
        measured_by=PROVIDED,
        when_empty=EMPTY_FULL,
        provider="feedback",
    ),
    Rule(
        "5.3",
        "satisfaction",
        _("Tỷ lệ hài lòng trong xử lý PAKN"),
        F(6),
        None,
        P3,
        _(
            "(PAKN − PAKN bị đánh giá không hài lòng, có khiếu nại về kết quả hoặc xử lý quá hạn) / PAKN. Không hài "
            "lòng: nhiều 'không thích' hơn 'thích'."
        ),
        _("DVCQG: không có PAKN thì đạt đủ 6 điểm."),
        _("Ghi chú METRICS: không có PAKN thì điểm được chia đều cho 5.2 và 5.4."),
        measured_by=PROVIDED,
        when_empty=EMPTY_FULL,
        provider="feedback",
    ),
    Rule(
        "5.4",
        "satisfaction",
        _("Tỷ lệ hài lòng trong tiếp nhận, giải quyết TTHC"),
        F(6),
        F(9, 10),
        V,
        _(
            "(Hồ sơ − hồ sơ bị đánh giá không hài lòng, có PAKN về tiếp nhận, giải quyết, hoặc quá hạn) / hồ sơ "
            "thuộc thẩm quyền trong kỳ; mỗi hồ sơ trừ một lần. Đạt tối đa từ 90%."
        ),
        _(
            "Hồ sơ thuộc thẩm quyền: như mẫu số 2.1. Không hài lòng: đánh giá của người nộp. PAKN về hồ sơ: khi "
            "phân hệ PAKN đăng ký nguồn. Không có hồ sơ: 0 điểm (như DVCQG)."
        ),
        _("Tài liệu của DVCQG: 100% − (tỷ lệ quá hạn + tỷ lệ hồ sơ bị PAKN hoặc 'không thích'), có thể trừ hai lần."),
    ),
)

# Rating bands of the total (out of 100): the lowest score of each band. Only the two ends are published.
BANDS: tuple[tuple[int, str, str, str], ...] = (
    (90, "excellent", _("Xuất sắc"), V),
    (50, "unsettled", _("Từ 50 đến dưới 90 điểm (khung xếp loại trung gian chưa được công bố)"), U),
    (0, "weak", _("Yếu"), V),
)

RULES_BY_CODE: Mapping[str, Rule] = {rule.code: rule for rule in RULES}
GROUPS_BY_CODE: Mapping[str, Group] = {group.code: group for group in GROUPS}


def band(total: Fraction) -> tuple[str, str, str]:
    """(code, label, source) of the rating band a total out of 100 falls in."""
    for low, code, label, source in BANDS:
        if total >= low:
            return code, str(label), source
    low, code, label, source = BANDS[-1]
    return code, str(label), source


def with_overrides(overrides: Iterable, rules: Iterable[Rule] = RULES) -> tuple[Rule, ...]:
    """The table with a province's corrections (objects with code, points, threshold_percent, note) applied."""
    by_code = {o.code: o for o in overrides}
    out = []
    for rule in rules:
        o = by_code.get(rule.code)
        if o is None:
            out.append(rule)
            continue
        changes: dict = {"overridden": True}
        if o.points is not None:
            changes["points"] = Fraction(Decimal(o.points))
        if o.threshold_percent is not None:
            threshold = Fraction(Decimal(o.threshold_percent)) / 100
            changes["threshold"] = None if threshold >= 1 else threshold
        if o.note:
            changes["note"] = f"{rule.note} {_('Điều chỉnh của tỉnh')}: {o.note}".strip()
        out.append(replace(rule, **changes))
    return tuple(out)


def ratio(numerator: int, denominator: int) -> Fraction | None:
    """numerator / denominator, or None when nothing was there to measure."""
    if not denominator:
        return None
    return Fraction(numerator, denominator)


def score(value: Fraction | None, rule: Rule) -> Fraction:
    """Points earned for a measured ratio (None: nothing to measure, scored by `when_empty`)."""
    if not rule.scored:
        return Fraction(0)
    if value is None:
        return rule.points if rule.when_empty == EMPTY_FULL else Fraction(0)
    value = max(Fraction(0), value)
    full_at = rule.threshold or Fraction(1)
    return min(rule.points, value * rule.points / full_at)


@dataclass(frozen=True)
class Measure:
    """One indicator's facts for a scope and period. `source` "" means no data source yet (0 points)."""

    numerator: int | None
    denominator: int | None
    source: str = "local"
    value: Fraction | None = None  # when not numerator / denominator (2.2 in days)
    detail: str = ""

    def ratio(self) -> Fraction | None:
        if self.value is not None:
            return self.value
        if self.numerator is None or self.denominator is None:
            return None
        return ratio(self.numerator, self.denominator)


NO_SOURCE = Measure(None, None, source="")


@dataclass(frozen=True)
class Catalogue:
    """Facts outside the period counters: the catalogue as it is now, publication records of the period, agencies,
    and the dossiers rated dissatisfied or with feedback (5.4)."""

    procedures: int = 0  # active, published
    online: int = 0  # offered online at any level (full or partial)
    full_online: int = 0
    full_online_eligible: int = 0  # flagged eligible for full-process service
    eligible_full_online: int = 0  # of those, offered full-process
    online_with_dossier: int = 0  # online procedures with at least one dossier received online in the period
    complete_components: int = 0  # procedures with all seven components (1.3)
    citizen_procedures: int = 0  # procedures whose applicants include citizens (4.5a)
    population_connected: int = 0  # of those, connected to the population database
    announced: int = 0  # procedures announced in the period (1.1)
    announced_on_time: int = 0
    to_publish: int = 0  # procedures that had to be published in the period (1.2)
    published_on_time: int = 0
    communes: int | None = 0  # None: not applicable to the scope (a field or procedure)
    communes_certified: int = 0


@dataclass(frozen=True)
class Result:
    rule: Rule
    value: Fraction | None  # the indicator (a ratio, or days for 2.2)
    scoring_ratio: Fraction | None  # the ratio the score is computed from
    numerator: int | None
    denominator: int | None
    score: Fraction
    status: str  # "ok", "empty" (nothing to measure), "no_source" (no data source yet)
    source: str = "local"
    detail: str = ""

    @property
    def note(self) -> str:
        return str(NO_SOURCE_NOTE) if self.status == "no_source" else str(self.rule.note)


def local_measures(figures: Mapping[str, int], catalogue: Catalogue) -> dict[str, Measure]:
    """The measures this portal computes itself, from a scope's period figures (selectors.PeriodFigures) and its
    catalogue facts."""
    f = figures
    processed = f["completed_early"] + f["completed_on_time"] + f["completed_late"]
    ended = f["stopped"] + f["withdrawn"]
    # 2.1: every dossier handled in the period, by how it ended (or stands at the period's last day).
    handled = processed + ended + f["in_progress"]
    good = f["completed_early"] + f["completed_on_time"] + (ended - f["closed_late"])
    good += f["in_progress"] - f["in_progress_late"]
    complained = min(f.get("complained", 0), good)  # dossiers rated dissatisfied or with feedback, not late
    c = catalogue
    m = {
        "1.1": Measure(c.announced_on_time, c.announced),
        "1.2": Measure(c.published_on_time, c.to_publish),
        "1.3": Measure(c.complete_components, c.procedures),
        "2.1": Measure(good, handled),
        "2.2": Measure(
            f["started_days"], f["started_completed"], value=ratio(f["started_days"], f["started_completed"])
        ),
        "3.1": Measure(
            c.online,
            c.procedures,
            detail=str(_("Toàn trình / đủ điều kiện toàn trình: %(a)s / %(b)s; một phần: %(c)s / %(d)s"))
            % {
                "a": c.eligible_full_online,
                "b": c.full_online_eligible,
                "c": c.online - c.full_online,
                "d": c.procedures,
            },
        ),
        "3.2": Measure(c.online_with_dossier, c.online),
        "3.3": Measure(f["received_online_e"], f["received"]),
        "4.1": Measure(f["completed_paper_e"], f["completed_paper"]),
        "4.2": Measure(f["digitised_all"], f["received"]),
        "4.2b": Measure(c.communes_certified, c.communes) if c.communes is not None else Measure(None, None),
        "4.3": Measure(f["reused"], f["received"]),
        "4.4": Measure(f["connected"], f["received"]),
        "4.5a": Measure(c.population_connected, c.citizen_procedures),
        "4.5b": Measure(f["population"], f["received"]),
        "5.4": Measure(good - complained, handled),
    }
    return m


def compute(
    figures: Mapping[str, int],
    catalogue: Catalogue,
    provided: Mapping[str, Measure] | None = None,
    rules: Iterable[Rule] = RULES,
) -> list[Result]:
    """Every rule's value and score. `provided`: measures from registered sources (dashboard.sources); a provided
    measure replaces a local one, and a PROVIDED rule without one reads 0 with "no data source yet"."""
    local = local_measures(figures, catalogue)
    provided = provided or {}
    results = []
    for rule in rules:
        measure = provided.get(rule.code)
        if measure is None:
            measure = NO_SOURCE if rule.measured_by == PROVIDED else local.get(rule.code, NO_SOURCE)
        if not measure.source:
            results.append(Result(rule, None, None, None, None, Fraction(0), "no_source", "", measure.detail))
            continue
        value = measure.ratio()
        status = "ok" if value is not None else "empty"
        results.append(
            Result(
                rule,
                value,
                None if rule.unit == "days" else value,
                measure.numerator,
                measure.denominator,
                score(None if rule.unit == "days" else value, rule),
                status,
                measure.source,
                measure.detail,
            )
        )
    return results


@dataclass(frozen=True)
class GroupResult:
    group: Group
    score: Fraction
    available: Fraction  # the points of the group's rules (the group's points unless a province changed them)


def group_scores(results: list[Result]) -> list[GroupResult]:
    out = []
    for group in GROUPS:
        members = [r for r in results if r.rule.group == group.code]
        out.append(
            GroupResult(
                group,
                sum((r.score for r in members), Fraction(0)),
                sum((r.rule.points for r in members if r.rule.scored), Fraction(0)),
            )
        )
    return out


def total_score(groups: list[GroupResult]) -> tuple[Fraction, Fraction]:
    """(score, points available: 100 with the default table)."""
    return sum((g.score for g in groups), Fraction(0)), sum((g.available for g in groups), Fraction(0))
