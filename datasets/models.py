"""Datasets that agencies own and publish (open data beyond dossiers), their columns and versions, and the
indicators leaders pin on the IOC."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from datasets.columns import ColumnSpec, ColumnType


class Sector(models.TextChoices):
    HEALTH = "health", _("Y tế")
    EDUCATION = "education", _("Giáo dục")
    LABOUR = "labour", _("Lao động, việc làm")
    PRICES = "prices", _("Giá cả, CPI")
    SOCIAL = "social", _("Trẻ em, an sinh xã hội")
    SCIENCE = "science", _("Khoa học, công nghệ")
    OTHER = "other", _("Khác")


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("Hằng tuần")
    MONTHLY = "monthly", _("Hằng tháng")
    QUARTERLY = "quarterly", _("Hằng quý")
    YEARLY = "yearly", _("Hằng năm")

    @property
    def days(self) -> int:
        return {"weekly": 7, "monthly": 31, "quarterly": 92, "yearly": 366}[self.value]


class Chart(models.TextChoices):
    LINE = "line", _("Đường theo thời gian")
    BAR = "bar", _("Cột theo địa bàn")
    MAP = "map", _("Bản đồ ô theo xã, phường")
    NONE = "none", _("Không vẽ biểu đồ")


class DatasetStatus(models.TextChoices):
    DRAFT = "draft", _("Chưa công bố")
    PUBLISHED = "published", _("Đã công bố")
    WITHDRAWN = "withdrawn", _("Đã rút")


class Dataset(models.Model):
    slug = models.SlugField(_("mã"), max_length=80, unique=True)
    title = models.CharField(_("tên bộ dữ liệu"), max_length=255)
    agency = models.ForeignKey("procedures.Agency", on_delete=models.PROTECT, related_name="datasets")
    sector = models.CharField(_("lĩnh vực"), max_length=12, choices=Sector.choices)
    description = models.TextField(_("mô tả"))
    licence = models.CharField(_("giấy phép"), max_length=120, default="CC BY 4.0")
    frequency = models.CharField(_("tần suất cập nhật"), max_length=10, choices=Frequency.choices)
    period_note = models.CharField(_("mỗi dòng ứng với thời kỳ"), max_length=200, blank=True)
    area_note = models.CharField(_("mỗi dòng ứng với địa bàn"), max_length=200, blank=True)
    chart = models.CharField(_("biểu đồ"), max_length=6, choices=Chart.choices, default=Chart.LINE)
    chart_value = models.CharField(_("cột số liệu vẽ biểu đồ"), max_length=60, blank=True)
    is_demo = models.BooleanField(_("dữ liệu minh họa"), default=False)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=DatasetStatus.choices, default=DatasetStatus.DRAFT
    )
    withdrawn_reason = models.TextField(_("lý do rút"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("bộ dữ liệu")
        verbose_name_plural = _("bộ dữ liệu")
        ordering = ["sector", "title"]

    def __str__(self) -> str:
        return self.title

    def specs(self) -> list[ColumnSpec]:
        return [column.spec() for column in self.columns.all()]


class DatasetColumn(models.Model):
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="columns")
    position = models.PositiveSmallIntegerField()
    name = models.SlugField(_("tên cột (trong tệp)"), max_length=60)
    title = models.CharField(_("tiêu đề"), max_length=120)
    type = models.CharField(_("kiểu"), max_length=14, choices=[(t.value, t.value) for t in ColumnType])
    unit = models.CharField(_("đơn vị"), max_length=40, blank=True)
    meaning = models.CharField(_("ý nghĩa"), max_length=255, blank=True)
    required = models.BooleanField(_("bắt buộc"), default=True)
    allowed = models.JSONField(_("giá trị cho phép"), default=list, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["dataset", "name"], name="dataset_column_name")]

    def __str__(self) -> str:
        return self.name

    def spec(self) -> ColumnSpec:
        return ColumnSpec(
            name=self.name,
            title=self.title,
            type=ColumnType(self.type),
            unit=self.unit,
            required=self.required,
            allowed=tuple(self.allowed or ()),
        )


class DatasetVersion(models.Model):
    """One published table. Rows are kept as checked, typed JSON (datasets are small: at most columns.MAX_ROWS)."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    rows = models.JSONField(default=list)
    row_count = models.PositiveIntegerField()
    source_name = models.CharField(max_length=255, blank=True)
    note = models.CharField(_("ghi chú phiên bản"), max_length=255, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField()

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["dataset", "number"], name="dataset_version_number")]

    def __str__(self) -> str:
        return f"{self.dataset_id} v{self.number}"


class PinnedPanel(models.Model):
    """An indicator from a dataset that a leader pinned on the IOC, with an optional threshold that colours it."""

    class Direction(models.TextChoices):
        ABOVE = "above", _("Cảnh báo khi vượt ngưỡng")
        BELOW = "below", _("Cảnh báo khi dưới ngưỡng")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pinned_panels")
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="panels")
    column = models.CharField(max_length=60)
    area = models.CharField(_("địa bàn"), max_length=10, blank=True)  # a province or commune code; blank: all
    threshold = models.DecimalField(_("ngưỡng"), max_digits=18, decimal_places=4, null=True, blank=True)
    direction = models.CharField(max_length=5, choices=Direction.choices, default=Direction.ABOVE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.dataset_id}:{self.column}"
