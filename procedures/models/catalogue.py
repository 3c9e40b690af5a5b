from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from citizens.roles import HANDLING_ROLES, Role
from procedures.deadlines import SupplementPolicy, TimeLimit, TimeUnit
from procedures.text import fold


class Field(models.Model):
    """A sector procedures belong to (lĩnh vực): civil status, construction, ..."""

    code = models.SlugField(_("mã"), max_length=50, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OnlineLevel(models.TextChoices):
    FULL = "full", _("Toàn trình")
    PARTIAL = "partial", _("Một phần")


class Procedure(models.Model):
    code = models.CharField(_("mã thủ tục"), max_length=30, unique=True)
    name = models.CharField(_("tên thủ tục"), max_length=500)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=500, blank=True)
    field = models.ForeignKey(Field, on_delete=models.PROTECT, related_name="procedures", verbose_name=_("lĩnh vực"))
    agency = models.ForeignKey(
        "procedures.Agency", on_delete=models.PROTECT, related_name="procedures", verbose_name=_("cơ quan thực hiện")
    )
    applicant_types = models.JSONField(_("đối tượng thực hiện"), default=list, blank=True)
    online_level = models.CharField(_("mức độ trực tuyến"), max_length=10, choices=OnlineLevel.choices)
    description = models.TextField(_("mô tả"), blank=True)
    description_en = models.TextField(_("mô tả tiếng Anh"), blank=True)
    legal_basis = models.TextField(_("căn cứ pháp lý"), blank=True)
    result_name = models.CharField(_("kết quả"), max_length=255, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    is_active = models.BooleanField(_("đang áp dụng"), default=True)
    # Facts the Decision 766 indicators need (dashboard.indicators) that the procedure's content does not say.
    requires_paper_result = models.BooleanField(
        _("có kết quả giấy"),
        default=False,
        help_text=_("Thủ tục cấp kết quả bằng giấy tờ: hồ sơ chỉ tính là trực tuyến, số hoá khi có kết quả điện tử."),
    )
    full_online_eligible = models.BooleanField(
        _("đủ điều kiện cung cấp toàn trình"),
        default=False,
        help_text=_("Được đánh dấu đủ điều kiện cung cấp dịch vụ công trực tuyến toàn trình trên CSDL quốc gia."),
    )
    uses_population_data = models.BooleanField(
        _("kết nối CSDL quốc gia về dân cư"),
        default=False,
        help_text=_("Thủ tục đã kết nối, khai thác dữ liệu từ Cơ sở dữ liệu quốc gia về dân cư."),
    )
    # Archival periods (Luật Lưu trữ; Thông tư 10/2022/TT-BNV): how long after a dossier is closed its input
    # documents and its results are kept. Empty = kept indefinitely. procedures.services.retention applies them.
    documents_retention_years = models.PositiveSmallIntegerField(_("thời hạn lưu giấy tờ (năm)"), null=True, blank=True)
    results_retention_years = models.PositiveSmallIntegerField(_("thời hạn lưu kết quả (năm)"), null=True, blank=True)
    # citizens.models.AssuranceLevel: filing needs an account at least this sure of who the applicant is
    # (e.g. 2 = level-2 e-ID or a card checked at the desk).
    min_assurance_level = models.PositiveSmallIntegerField(
        _("mức định danh tối thiểu để nộp"), default=0, choices=[(0, "0"), (1, "1"), (2, "2")]
    )
    # Lower-case, diacritic-free copy of code and names so "dang ky khai sinh" finds "Đăng ký khai sinh" on any DB.
    search_text = models.TextField(editable=False, default="")
    current_version = models.ForeignKey(
        "procedures.ProcedureVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("phiên bản hiện hành"),
    )

    class Meta:
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        ordering = ["name"]
        indexes = [models.Index(fields=["agency", "is_active"]), models.Index(fields=["field", "is_active"])]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"

    def save(self, *args, **kwargs):
        # Derived for search only; kept here so every write path (admin, import, seed) stays consistent.
        self.search_text = fold(f"{self.code} {self.name} {self.name_en}")
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)


class ProcedurePublication(models.Model):
    """One announcement of a procedure (quyết định công bố) and its publication on the national procedure database:
    what Decision 766 indicators 1.1 and 1.2 measure. A procedure has one record per announcement."""

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="publications", verbose_name=_("thủ tục")
    )
    decision_number = models.CharField(_("số quyết định công bố"), max_length=100)
    decision_date = models.DateField(_("ngày ký quyết định công bố"))
    legal_basis_effective_date = models.DateField(
        _("ngày hiệu lực của văn bản quy định"),
        null=True,
        blank=True,
        help_text=_("Ngày có hiệu lực muộn nhất của các văn bản quy phạm pháp luật quy định thủ tục."),
    )
    published_on = models.DateField(
        _("ngày công khai trên CSDL quốc gia"), null=True, blank=True, help_text=_("Để trống khi chưa công khai.")
    )
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("công bố thủ tục")
        verbose_name_plural = _("công bố thủ tục")
        ordering = ["procedure", "-decision_date"]
        indexes = [models.Index(fields=["decision_date"], name="publication_decision_idx")]

    def __str__(self) -> str:
        return f"{self.decision_number} ({self.decision_date:%d/%m/%Y})"


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    PUBLISHED = "published", _("Đã công bố")
    RETIRED = "retired", _("Ngừng áp dụng")


class ProcedureVersion(models.Model):
    """One immutable (once published) configuration of a procedure; dossiers keep the one they were filed under."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("số phiên bản"))
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    published_at = models.DateTimeField(_("ngày công bố"), null=True, blank=True)
    effective_date = models.DateField(_("ngày hiệu lực"), null=True, blank=True)
    fee = models.PositiveBigIntegerField(_("phí, lệ phí (đồng)"), default=0)
    fee_note = models.TextField(_("ghi chú phí"), blank=True)
    # procedures/fees.py reads these; `fee` is then derived (the general case's fee).
    fee_items = models.JSONField(_("các khoản phí, lệ phí"), default=list, blank=True)
    payment_timing = models.CharField(
        _("thời điểm thanh toán"),
        max_length=16,
        choices=[("after_appraisal", _("Sau thẩm định")), ("at_filing", _("Khi nộp hồ sơ"))],
        default="after_appraisal",
    )
    time_limit_value = models.DecimalField(_("thời hạn giải quyết"), max_digits=6, decimal_places=2)
    time_limit_unit = models.CharField(
        _("đơn vị thời hạn"),
        max_length=16,
        choices=[(u.value, u.value) for u in TimeUnit],
        default=TimeUnit.WORKING_DAYS,
    )
    same_day_cutoff = models.TimeField(_("giờ chốt trong ngày"), null=True, blank=True)
    supplement_policy = models.CharField(
        _("khi bổ sung hồ sơ"),
        max_length=10,
        choices=[
            (SupplementPolicy.PAUSE.value, _("Tạm dừng tính thời hạn")),
            (SupplementPolicy.RESTART.value, _("Tính lại từ đầu")),
        ],
        default=SupplementPolicy.PAUSE,
    )
    form_fields = models.JSONField(_("trường biểu mẫu"), default=list, blank=True)
    documents = models.JSONField(_("thành phần hồ sơ"), default=list, blank=True)
    cases = models.JSONField(_("trường hợp"), default=list, blank=True)
    routing_rules = models.JSONField(_("quy tắc điều phối"), default=list, blank=True)
    result_template = models.TextField(_("mẫu kết quả"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("phiên bản thủ tục")
        verbose_name_plural = _("phiên bản thủ tục")
        ordering = ["procedure", "-number"]
        constraints = [models.UniqueConstraint(fields=["procedure", "number"], name="version_number_unique")]

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.number}"

    def save(self, *args, **kwargs):
        # Integrity guard, not a business rule: a published version's content can never change under dossiers.
        if self.pk and kwargs.get("update_fields") not in ({"status"}, ["status"]):
            stored = ProcedureVersion.objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored and stored != VersionStatus.DRAFT:
                raise ValidationError(_("Phiên bản đã công bố không thể sửa; hãy tạo phiên bản mới."))
        super().save(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.status != VersionStatus.DRAFT

    @property
    def time_limit(self) -> TimeLimit:
        return TimeLimit(
            value=Decimal(self.time_limit_value),
            unit=TimeUnit(self.time_limit_unit),
            same_day_cutoff=self.same_day_cutoff,
        )

    def document_requirement(self, code: str) -> dict | None:
        return next((doc for doc in self.documents if doc.get("code") == code), None)


class ProcedureStep(models.Model):
    """An ordered workflow step of a version: who handles it and how many working days it is allotted."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("thứ tự"))
    name = models.CharField(_("tên bước"), max_length=255)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=255, blank=True)
    department_code = models.SlugField(_("phòng ban xử lý"), max_length=50)
    role = models.CharField(
        _("vai trò"),
        max_length=20,
        choices=[(r.value, r.label) for r in Role if r in HANDLING_ROLES],
    )
    allotted_days = models.DecimalField(_("số ngày làm việc"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("bước xử lý")
        verbose_name_plural = _("bước xử lý")
        ordering = ["version", "position"]
        constraints = [models.UniqueConstraint(fields=["version", "position"], name="step_position_unique")]

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"
