"""Writes on datasets: define (with columns), publish a version from an uploaded CSV or XLSX (all or nothing),
withdraw, pin an indicator on the IOC. Only the owning agency's data officers (or a system admin) write."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from datetime import datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from citizens.models import StaffMembership, User
from citizens.roles import Role
from datasets.columns import ColumnType, check_rows
from datasets.models import Dataset, DatasetColumn, DatasetStatus, DatasetVersion, PinnedPanel
from procedures import units
from procedures.errors import ActionForbidden, ActionNotAvailable, InvalidInput, NotFound
from procedures.models import Agency

MAX_UPLOAD = 10 * 1024 * 1024
XLSX_MAGIC = b"PK\x03\x04"


def data_agencies(user: User) -> set[int] | None:
    """Agencies whose datasets `user` manages; None: all (system admin)."""
    if user.is_superuser:
        return None
    return set(
        StaffMembership.objects.filter(user=user, role=Role.DATA_OFFICER, is_active=True).values_list(
            "agency_id", flat=True
        )
    )


def _check_owner(user: User, agency_id: int) -> None:
    agencies = data_agencies(user)
    if agencies is not None and agency_id not in agencies:
        raise ActionForbidden(_("Chỉ cán bộ dữ liệu của cơ quan sở hữu được thao tác trên bộ dữ liệu này."))


def dataset_get_managed(*, slug: str, user: User, lock: bool = False) -> Dataset:
    queryset = Dataset.objects.select_related("agency")
    agencies = data_agencies(user)
    if agencies is not None:
        queryset = queryset.filter(agency_id__in=agencies)
    if lock:
        queryset = queryset.select_for_update()
    try:
        return queryset.get(slug=slug)
    except Dataset.DoesNotExist:
        raise NotFound(_("Không tìm thấy bộ dữ liệu."))


@transaction.atomic
def dataset_define(
    *, user: User, agency: Agency, fields: Mapping, columns: Sequence[Mapping], slug: str | None = None
) -> Dataset:
    """Create a dataset, or redefine one that has no version yet (columns are fixed once data is published, so old
    versions keep their meaning)."""
    _check_owner(user, agency.pk)
    errors = _column_problems(columns, chart_value=fields.get("chart_value", ""))
    if errors:
        raise InvalidInput(_("Định nghĩa cột chưa hợp lệ."), errors=errors)
    slug = slug or slugify(fields.get("slug") or "") or slugify(_ascii(fields["title"]))[:80]
    dataset = Dataset.objects.select_for_update().filter(slug=slug).first()
    if dataset is not None:
        if dataset.agency_id != agency.pk or dataset.versions.exists():
            raise ActionNotAvailable(_("Mã bộ dữ liệu đã được dùng hoặc bộ dữ liệu đã có số liệu công bố."))
        for key, value in fields.items():
            setattr(dataset, key, value)
        dataset.save()
        dataset.columns.all().delete()
    else:
        dataset = Dataset.objects.create(
            slug=slug, agency=agency, created_by=user, **{k: v for k, v in fields.items() if k != "slug"}
        )
    DatasetColumn.objects.bulk_create(
        [
            DatasetColumn(
                dataset=dataset,
                position=i,
                **{k: column.get(k, "") for k in ("name", "title", "type", "unit", "meaning")},
                required=bool(column.get("required", True)),
                allowed=list(column.get("allowed") or []),
            )
            for i, column in enumerate(columns, start=1)
        ]
    )
    return dataset


def _ascii(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D")).encode("ascii", "ignore").decode()


def _column_problems(columns: Sequence[Mapping], *, chart_value: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    names = [str(c.get("name") or "") for c in columns]
    if not columns:
        errors["columns"] = [_("Cần ít nhất một cột.")]
    for i, column in enumerate(columns, start=1):
        key = f"columns.{i}"
        if not names[i - 1] or slugify(names[i - 1]).replace("-", "_") != names[i - 1]:
            errors.setdefault(key, []).append(_("Tên cột chỉ gồm chữ thường không dấu, số và dấu gạch dưới."))
        if column.get("type") not in {t.value for t in ColumnType}:
            errors.setdefault(key, []).append(_("Kiểu cột không hợp lệ."))
        if column.get("type") == ColumnType.CHOICE and not column.get("allowed"):
            errors.setdefault(key, []).append(_("Cột lựa chọn cần danh sách giá trị cho phép."))
    if len(set(names)) != len(names):
        errors["columns"] = [_("Tên cột bị trùng.")]
    if chart_value and chart_value not in names:
        errors["chart_value"] = [_("Cột vẽ biểu đồ phải là một cột số của bộ dữ liệu.")]
    return errors


def read_table(upload: UploadedFile) -> tuple[list[str], list[list]]:
    """Header and rows from a CSV (UTF-8, with or without BOM; comma or semicolon) or an XLSX (first sheet)."""
    if upload.size > MAX_UPLOAD:
        raise InvalidInput(_("Tệp quá lớn (tối đa 10 MB)."), errors={"file": [_("Tệp quá lớn.")]})
    upload.seek(0)
    head = upload.read(4)
    upload.seek(0)
    if head == XLSX_MAGIC:
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(upload, read_only=True, data_only=True).worksheets[0]
            table = [list(row) for row in sheet.iter_rows(values_only=True)]
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise InvalidInput(_("Không đọc được tệp Excel."), errors={"file": [str(exc)[:200]]})
    else:
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InvalidInput(_("Tệp CSV phải mã hóa UTF-8."), errors={"file": [_("Hãy lưu tệp dạng CSV UTF-8.")]})
        if "\x00" in text:
            raise InvalidInput(_("Tệp không phải CSV."), errors={"file": [_("Tệp có ký tự không hợp lệ.")]})
        dialect = csv.excel
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            pass
        table = [row for row in csv.reader(io.StringIO(text), dialect)]
    if not table:
        raise InvalidInput(_("Tệp không có dữ liệu."), errors={"file": [_("Tệp trống.")]})
    return [str(c or "").strip() for c in table[0]], table[1:]


@transaction.atomic
def version_publish(
    *, slug: str, user: User, upload: UploadedFile, note: str = "", now: datetime | None = None
) -> DatasetVersion:
    """Check every row against the columns and publish it as the next version, or publish nothing and list every
    problem by row and column (InvalidInput.errors["rows"])."""
    dataset = dataset_get_managed(slug=slug, user=user, lock=True)
    if dataset.status == DatasetStatus.WITHDRAWN:
        raise ActionNotAvailable(_("Bộ dữ liệu đã rút; hãy khôi phục trước khi công bố số liệu mới."))
    header, rows = read_table(upload)
    checked = check_rows(
        header,
        rows,
        dataset.specs(),
        is_province=units.is_valid_province,
        is_commune=lambda code: units.commune_province(code) is not None,
    )
    if checked.problems:
        shown = checked.problems[:200]
        raise InvalidInput(
            _("Tệp có %(n)s lỗi; chưa công bố gì. Sửa các dòng được nêu rồi tải lên lại.")
            % {"n": len(checked.problems)},
            errors={"rows": [f"Dòng {p.row}, cột {p.column}: {p.message}" for p in shown]},
        )
    if not checked.rows:
        raise InvalidInput(_("Tệp không có dòng số liệu nào."), errors={"file": [_("Tệp chỉ có dòng tiêu đề.")]})
    last = dataset.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = DatasetVersion.objects.create(
        dataset=dataset,
        number=last + 1,
        rows=checked.rows,
        row_count=len(checked.rows),
        source_name=(upload.name or "")[:255],
        note=note[:255],
        published_by=user,
        published_at=now or timezone.now(),
    )
    if dataset.status != DatasetStatus.PUBLISHED:
        dataset.status = DatasetStatus.PUBLISHED
        dataset.save(update_fields=["status", "updated_at"])
    return version


@transaction.atomic
def dataset_withdraw(*, slug: str, user: User, reason: str) -> Dataset:
    dataset = dataset_get_managed(slug=slug, user=user, lock=True)
    if not (reason or "").strip():
        raise InvalidInput(_("Cần nêu lý do rút bộ dữ liệu."), errors={"reason": [_("Trường này là bắt buộc.")]})
    dataset.status = DatasetStatus.WITHDRAWN
    dataset.withdrawn_reason = reason.strip()[:2000]
    dataset.save(update_fields=["status", "withdrawn_reason", "updated_at"])
    return dataset


def panel_pin(*, user: User, dataset: Dataset, column: str, area: str = "", threshold=None, direction: str = "above"):
    """Leaders and IOC viewers pin a measure of a published dataset on their IOC."""
    if not (
        user.is_superuser
        or StaffMembership.objects.filter(user=user, role__in=[Role.LEADER, Role.IOC_VIEWER], is_active=True).exists()
    ):
        raise ActionForbidden(_("Chỉ lãnh đạo và cán bộ giám sát được ghim chỉ số lên IOC."))
    measures = {c.name for c in dataset.columns.all() if c.type in (ColumnType.INTEGER, ColumnType.DECIMAL)}
    if column not in measures:
        raise InvalidInput(_("Chỉ ghim được cột số."), errors={"column": [_("Chọn một cột số.")]})
    if direction not in PinnedPanel.Direction.values:
        raise InvalidInput(_("Hướng cảnh báo không hợp lệ."))
    return PinnedPanel.objects.create(
        user=user, dataset=dataset, column=column, area=(area or "")[:10], threshold=threshold, direction=direction
    )
