"""Summary tables behind the dashboard.

`DossierStat` is a projection of each dossier's workflow events (one row per filed dossier): the facts the statistics
need, folded event by event by `dashboard.ledger.fold`. `DailyStat` holds, per local day, agency and procedure, the
sum of every dossier's contribution (`dashboard.ledger.contribution`): flow counters (what happened that day) and
stock deltas (+1 the day a dossier enters a state such as "open" or "late", -1 the day it leaves). `MonthlyStat` holds
the same sums per calendar month. A period's figures are sums over a bounded number of summary rows (whole months
from MonthlyStat, the partial months at its edges from DailyStat), whatever the number of dossiers.

The three tables are kept up to date inside the workflow transaction by `dashboard.services.stats_record_event` and
can be rebuilt from the events at any time with `manage.py rebuild_stats`.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# The counters of DailyStat, in the order of dashboard.ledger.FLOW_COLUMNS + STOCK_COLUMNS (a test checks both agree).
COUNTER_HELP = {
    "submitted": _("Hồ sơ nộp trong ngày"),
    "refused": _("Hồ sơ bị từ chối tiếp nhận"),
    "received": _("Hồ sơ tiếp nhận"),
    "received_online": _("Tiếp nhận trực tuyến"),
    "received_direct": _("Tiếp nhận trực tiếp hoặc qua bưu chính"),
    "digitised": _("Hồ sơ trực tiếp đã được số hoá"),
    "reused": _("Hồ sơ tái sử dụng dữ liệu số hoá"),
    "fee_due": _("Hồ sơ phải nộp phí, lệ phí"),
    "paid_online": _("Hồ sơ đã thanh toán trực tuyến"),
    "completed_early": _("Giải quyết trước hạn"),
    "completed_on_time": _("Giải quyết đúng hạn"),
    "completed_late": _("Giải quyết quá hạn"),
    "completed_e_result": _("Giải quyết có kết quả điện tử"),
    "processing_days": _("Tổng số ngày làm việc đã dùng"),
    "allowed_days": _("Tổng số ngày làm việc theo quy định"),
    "delivered": _("Đã trả kết quả"),
    "stopped": _("Dừng xử lý"),
    "withdrawn": _("Rút hồ sơ sau khi tiếp nhận"),
    "closed_late": _("Dừng xử lý hoặc rút hồ sơ khi đã quá hạn"),
    "started_completed": _("Hồ sơ đã giải quyết, theo ngày bắt đầu xử lý"),
    "started_days": _("Số ngày làm việc đã dùng, theo ngày bắt đầu xử lý"),
    "received_online_e": _("Tiếp nhận trực tuyến, có kết quả điện tử khi thủ tục có kết quả giấy"),
    "completed_paper": _("Giải quyết, thủ tục có kết quả giấy"),
    "completed_paper_e": _("Giải quyết, thủ tục có kết quả giấy, có kết quả điện tử"),
    "digitised_all": _("Hồ sơ (mọi kênh) đã số hoá thành phần và kết quả"),
    "connected": _("Hồ sơ có thành phần lấy từ kho dữ liệu cá nhân"),
    "population": _("Hồ sơ có dữ liệu từ CSDL quốc gia về dân cư"),
    "certified_copy": _("Hồ sơ có bản sao điện tử được chứng thực"),
    "open_delta": _("Biến động số hồ sơ đang giải quyết"),
    "late_delta": _("Biến động số hồ sơ đang giải quyết quá hạn"),
    "near_delta": _("Biến động số hồ sơ sắp đến hạn"),
    "uncollected_delta": _("Biến động số hồ sơ chờ trả kết quả"),
}


def _counter(name: str) -> models.BigIntegerField:
    return models.BigIntegerField(COUNTER_HELP[name], default=0)


class StatCounters(models.Model):
    """The counters shared by the daily and monthly summaries (dashboard.ledger.COLUMNS)."""

    agency = models.ForeignKey(
        "procedures.Agency", on_delete=models.CASCADE, related_name="+", db_index=False, verbose_name=_("cơ quan")
    )
    procedure = models.ForeignKey(
        "procedures.Procedure", on_delete=models.CASCADE, related_name="+", db_index=False, verbose_name=_("thủ tục")
    )
    field = models.ForeignKey(
        "procedures.Field", on_delete=models.CASCADE, related_name="+", db_index=False, verbose_name=_("lĩnh vực")
    )
    submitted = _counter("submitted")
    refused = _counter("refused")
    received = _counter("received")
    received_online = _counter("received_online")
    received_direct = _counter("received_direct")
    digitised = _counter("digitised")
    reused = _counter("reused")
    fee_due = _counter("fee_due")
    paid_online = _counter("paid_online")
    completed_early = _counter("completed_early")
    completed_on_time = _counter("completed_on_time")
    completed_late = _counter("completed_late")
    completed_e_result = _counter("completed_e_result")
    processing_days = _counter("processing_days")
    allowed_days = _counter("allowed_days")
    delivered = _counter("delivered")
    stopped = _counter("stopped")
    withdrawn = _counter("withdrawn")
    closed_late = _counter("closed_late")
    started_completed = _counter("started_completed")
    started_days = _counter("started_days")
    received_online_e = _counter("received_online_e")
    completed_paper = _counter("completed_paper")
    completed_paper_e = _counter("completed_paper_e")
    digitised_all = _counter("digitised_all")
    connected = _counter("connected")
    population = _counter("population")
    certified_copy = _counter("certified_copy")
    open_delta = _counter("open_delta")
    late_delta = _counter("late_delta")
    near_delta = _counter("near_delta")
    uncollected_delta = _counter("uncollected_delta")

    class Meta:
        abstract = True


class DailyStat(StatCounters):
    """Per local day (Asia/Ho_Chi_Minh), agency and procedure: flow counters and stock deltas (see module doc)."""

    day = models.DateField(_("ngày"))

    class Meta:
        verbose_name = _("thống kê theo ngày")
        verbose_name_plural = _("thống kê theo ngày")
        constraints = [
            models.UniqueConstraint(fields=["day", "agency", "procedure"], name="dailystat_key"),
        ]
        indexes = [
            models.Index(fields=["agency", "day"], name="dailystat_agency_idx"),
            models.Index(fields=["field", "day"], name="dailystat_field_idx"),
            models.Index(fields=["procedure", "day"], name="dailystat_procedure_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.day} · {self.agency_id} · {self.procedure_id}"


class MonthlyStat(StatCounters):
    """The same counters summed per calendar month (`month` is its first day): long periods and the stock before a
    period read a few dozen monthly rows instead of hundreds of daily ones. Kept in step with DailyStat by the same
    upsert, and rebuilt with it."""

    month = models.DateField(_("tháng"))

    class Meta:
        verbose_name = _("thống kê theo tháng")
        verbose_name_plural = _("thống kê theo tháng")
        constraints = [
            models.UniqueConstraint(fields=["month", "agency", "procedure"], name="monthlystat_key"),
        ]
        indexes = [
            models.Index(fields=["agency", "month"], name="monthlystat_agency_idx"),
            models.Index(fields=["field", "month"], name="monthlystat_field_idx"),
            models.Index(fields=["procedure", "month"], name="monthlystat_procedure_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} · {self.agency_id} · {self.procedure_id}"


OPEN = Q(accepted_at__isnull=False, closed_at__isnull=True)


class DossierStat(models.Model):
    """What the statistics know about one dossier, folded from its events (see dashboard.ledger.LedgerState)."""

    dossier = models.OneToOneField(
        "procedures.Dossier", on_delete=models.CASCADE, primary_key=True, related_name="stat", verbose_name=_("hồ sơ")
    )
    agency = models.ForeignKey("procedures.Agency", on_delete=models.CASCADE, related_name="+", db_index=False)
    procedure = models.ForeignKey("procedures.Procedure", on_delete=models.CASCADE, related_name="+", db_index=False)
    field = models.ForeignKey("procedures.Field", on_delete=models.CASCADE, related_name="+", db_index=False)
    channel = models.CharField(max_length=12)
    last_event_id = models.BigIntegerField(default=0)
    submitted_at = models.DateTimeField(null=True, blank=True)
    refused_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    # The due date the law promises: the acceptance due date moved by supplement pauses, never by extensions.
    statutory_due_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    extended = models.BooleanField(default=False)
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_days = models.IntegerField(default=0)
    supplement_count = models.IntegerField(default=0)
    second_supplement_at = models.DateTimeField(null=True, blank=True)
    # The moment the dossier's statutory clock first ran out while the agency held it (kept once passed).
    overdue_since = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completion = models.CharField(max_length=8, blank=True)
    processing_days = models.IntegerField(default=0)
    allowed_days = models.IntegerField(default=0)
    delivered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_kind = models.CharField(max_length=10, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    fee_amount = models.BigIntegerField(default=0)
    has_input_docs = models.BooleanField(default=False)
    has_result_doc = models.BooleanField(default=False)
    requires_paper_result = models.BooleanField(default=False)
    has_reused_doc = models.BooleanField(default=False)
    has_store_doc = models.BooleanField(default=False)
    has_population_doc = models.BooleanField(default=False)
    has_certified_copy = models.BooleanField(default=False)
    # Derived, stored so that a later calendar change never makes the old contribution unknowable.
    late_at = models.DateTimeField(null=True, blank=True)
    near_day = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("thống kê hồ sơ")
        verbose_name_plural = _("thống kê hồ sơ")
        indexes = [
            # Live in-progress splits and the overdue list only read open dossiers.
            # Covering: the live split is an index-only scan of the open dossiers.
            models.Index(
                fields=["agency", "procedure", "field", "late_at", "near_day"],
                name="dossierstat_open_idx",
                condition=OPEN,
            ),
            models.Index(fields=["late_at"], name="dossierstat_open_late_idx", condition=OPEN),
            # The indicator drill-down lists the dossiers received or completed in a period.
            models.Index(fields=["agency", "accepted_at"], name="dossierstat_accepted_idx"),
            models.Index(fields=["agency", "completed_at"], name="dossierstat_completed_idx"),
        ]

    def __str__(self) -> str:
        return str(self.dossier_id)


class IndicatorOverride(models.Model):
    """A province's correction of one Decision 766 rule (dashboard.indicators.RULES is the default table): points,
    threshold or note. Empty fields keep the table's value. Read once per statistics request."""

    code = models.CharField(_("mã chỉ số"), max_length=8, unique=True)
    points = models.DecimalField(_("điểm tối đa"), max_digits=5, decimal_places=2, null=True, blank=True)
    threshold_percent = models.DecimalField(
        _("ngưỡng đạt điểm tối đa (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Để trống: giữ ngưỡng của bảng. 100: chấm tuyến tính (điểm × tỷ lệ)."),
    )
    note = models.TextField(_("ghi chú, căn cứ sửa"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("điều chỉnh chỉ số 766")
        verbose_name_plural = _("điều chỉnh chỉ số 766")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(points__gte=0) | Q(points__isnull=True), name="indicator_points_gte_0"),
            models.CheckConstraint(
                condition=Q(threshold_percent__gt=0, threshold_percent__lte=100) | Q(threshold_percent__isnull=True),
                name="indicator_threshold_range",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from dashboard.indicators import RULES_BY_CODE

        if self.code not in RULES_BY_CODE:
            raise ValidationError({"code": _("Không có chỉ số mã %(code)s.") % {"code": self.code}})
