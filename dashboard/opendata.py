"""Open data: the datasets the portal publishes without login, and their DCAT catalogue (JSON-LD).

A dataset is a table with named, described columns; each downloads as CSV (UTF-8 with BOM, so spreadsheet programs
read Vietnamese) and JSON. The dashboard owns the catalogue and the statistics datasets; other apps register theirs
from AppConfig.ready() (feedback registers the answered public questions), so this module imports none of them.
Rows are read with `.values()` in one query per download, streamed from the database iterator.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Max, Sum
from django.utils.translation import gettext_lazy as _

LICENCE = "https://creativecommons.org/licenses/by/4.0/"
LICENCE_NAME = "CC BY 4.0"


@dataclass(frozen=True)
class Column:
    name: str
    title: object  # lazy translation
    type: str = "string"  # string | integer | date | datetime


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: object
    description: object
    theme: object
    columns: tuple[Column, ...]
    rows: Callable[[], Iterable[dict]]
    modified: Callable[[], date | datetime | None]
    frequency: str = "daily"  # DCAT-AP frequency codes, lower case: daily, weekly, monthly, quarterly, annual
    publisher: str = ""
    landing_page: str = ""  # path of the dataset's own page, if it has one


_DATASETS: dict[str, Dataset] = {}
# Apps whose datasets live in the database (agencies' sector data) register a function listing them.
_SOURCES: list[Callable[[], Iterable[Dataset]]] = []


def register_dataset(dataset: Dataset) -> None:
    _DATASETS[dataset.slug] = dataset


def register_source(source: Callable[[], Iterable[Dataset]]) -> None:
    if source not in _SOURCES:
        _SOURCES.append(source)


def datasets() -> list[Dataset]:
    found = dict(_DATASETS)
    for source in _SOURCES:
        found.update({ds.slug: ds for ds in source()})
    return [found[slug] for slug in sorted(found)]


def dataset(slug: str) -> Dataset | None:
    return _DATASETS.get(slug) or next((ds for ds in datasets() if ds.slug == slug), None)


def as_csv(ds: Dataset) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([column.name for column in ds.columns])
    for row in ds.rows():
        writer.writerow([_plain(row.get(column.name)) for column in ds.columns])
    return out.getvalue()


def as_json(ds: Dataset) -> dict:
    return {
        "dataset": ds.slug,
        "title": str(ds.title),
        "license": LICENCE,
        "columns": [{"name": c.name, "title": str(c.title), "type": c.type} for c in ds.columns],
        "rows": [{c.name: _plain(row.get(c.name)) for c in ds.columns} for row in ds.rows()],
    }


def as_xlsx(ds: Dataset) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(ds.slug[:31])
    sheet.append([column.name for column in ds.columns])
    sheet.append([str(column.title) for column in ds.columns])
    for row in ds.rows():
        sheet.append([_plain(row.get(column.name)) for column in ds.columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = (("csv", "text/csv"), ("json", "application/json"), ("xlsx", XLSX))


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def catalogue(base_url: str) -> dict:
    """The DCAT catalogue as JSON-LD (DCAT 2 vocabulary, DCAT-AP frequency terms)."""
    items = []
    for ds in datasets():
        modified = ds.modified()
        items.append(
            {
                "@id": f"{base_url}/du-lieu-mo/#{ds.slug}",
                "@type": "dcat:Dataset",
                "dct:identifier": ds.slug,
                "dct:title": str(ds.title),
                "dct:description": str(ds.description),
                "dcat:theme": str(ds.theme),
                **({"dcat:landingPage": base_url + ds.landing_page} if ds.landing_page else {}),
                **({"dct:publisher": {"@type": "foaf:Agent", "foaf:name": ds.publisher}} if ds.publisher else {}),
                "dct:license": LICENCE,
                "dct:modified": _plain(modified) if modified else None,
                "dct:accrualPeriodicity": f"http://publications.europa.eu/resource/authority/frequency/{ds.frequency.upper()}",
                "dcat:distribution": [
                    {
                        "@type": "dcat:Distribution",
                        "dct:format": fmt.upper(),
                        "dcat:mediaType": media,
                        "dcat:downloadURL": f"{base_url}/api/v1/open-data/{ds.slug}.{fmt}",
                        "dct:license": LICENCE,
                    }
                    for fmt, media in FORMATS
                ],
            }
        )
    return {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
        },
        "@id": f"{base_url}/api/v1/open-data/",
        "@type": "dcat:Catalog",
        "dct:title": "Dữ liệu mở - Cổng dịch vụ công Một Cửa",
        "dct:description": "Open data of the Một Cửa public service portal",
        "dct:license": LICENCE,
        "foaf:homepage": f"{base_url}/du-lieu-mo/",
        "dcat:dataset": items,
    }


# --- the dashboard's own datasets --------------------------------------------------------------------------------


def _procedure_rows() -> Iterable[dict]:
    from procedures.models import Procedure

    queryset = (
        Procedure.objects.filter(is_active=True, current_version__isnull=False)
        .order_by("code")
        .values(
            "code",
            "name",
            "agency__identity_code",
            "agency__name",
            "field__name",
            "online_level",
            "legal_basis",
            "result_name",
            "current_version__number",
            "current_version__fee",
            "current_version__fee_note",
            "current_version__time_limit_value",
            "current_version__time_limit_unit",
        )
    )
    for row in queryset.iterator():
        yield {
            "code": row["code"],
            "name": row["name"],
            "agency_code": row["agency__identity_code"],
            "agency": row["agency__name"],
            "field": row["field__name"],
            "online_level": row["online_level"],
            "time_limit": str(row["current_version__time_limit_value"].normalize()),
            "time_limit_unit": row["current_version__time_limit_unit"],
            "fee": row["current_version__fee"],
            "fee_note": row["current_version__fee_note"],
            "result": row["result_name"],
            "legal_basis": row["legal_basis"],
            "version": row["current_version__number"],
        }


def _procedures_modified():
    from procedures.models import ProcedureVersion

    return ProcedureVersion.objects.aggregate(latest=Max("published_at"))["latest"]


STAT_LABELS = {
    "submitted": _("Hồ sơ đã nộp"),
    "received": _("Hồ sơ tiếp nhận"),
    "received_online": _("Tiếp nhận trực tuyến"),
    "refused": _("Từ chối tiếp nhận"),
    "completed_early": _("Giải quyết trước hạn"),
    "completed_on_time": _("Giải quyết đúng hạn"),
    "completed_late": _("Giải quyết trễ hạn"),
    "completed_e_result": _("Có kết quả điện tử"),
    "delivered": _("Đã trả kết quả"),
    "withdrawn": _("Đã rút"),
    "paid_online": _("Thanh toán trực tuyến"),
}
STAT_COLUMNS = tuple(STAT_LABELS)


def _stats_rows() -> Iterable[dict]:
    from dashboard.models import MonthlyStat

    queryset = (
        MonthlyStat.objects.values("month", "agency__identity_code", "agency__name")
        .annotate(**{name: Sum(name) for name in STAT_COLUMNS})
        .order_by("month", "agency__identity_code")
    )
    for row in queryset.iterator():
        yield {
            "month": row["month"].strftime("%Y-%m"),
            "agency_code": row["agency__identity_code"],
            "agency": row["agency__name"],
            **{name: row[name] or 0 for name in STAT_COLUMNS},
        }


def _stats_modified():
    from dashboard.models import MonthlyStat

    return MonthlyStat.objects.aggregate(latest=Max("month"))["latest"]


register_dataset(
    Dataset(
        slug="thu-tuc-hanh-chinh",
        title=_("Danh mục thủ tục hành chính"),
        description=_(
            "Các thủ tục đang áp dụng: cơ quan, lĩnh vực, mức độ trực tuyến, thời hạn, phí, lệ phí, căn cứ pháp lý."
        ),
        theme=_("Hành chính công"),
        columns=(
            Column("code", _("Mã thủ tục")),
            Column("name", _("Tên thủ tục")),
            Column("agency_code", _("Mã cơ quan")),
            Column("agency", _("Cơ quan thực hiện")),
            Column("field", _("Lĩnh vực")),
            Column("online_level", _("Mức độ trực tuyến")),
            Column("time_limit", _("Thời hạn giải quyết")),
            Column("time_limit_unit", _("Đơn vị thời hạn")),
            Column("fee", _("Phí, lệ phí (đồng)"), "integer"),
            Column("fee_note", _("Ghi chú phí")),
            Column("result", _("Kết quả")),
            Column("legal_basis", _("Căn cứ pháp lý")),
            Column("version", _("Phiên bản"), "integer"),
        ),
        rows=_procedure_rows,
        modified=_procedures_modified,
    )
)
register_dataset(
    Dataset(
        slug="thong-ke-ho-so-theo-thang",
        title=_("Thống kê hồ sơ theo cơ quan và tháng"),
        description=_("Số hồ sơ nộp, tiếp nhận, giải quyết đúng hạn, trễ hạn, trả kết quả theo cơ quan và tháng."),
        theme=_("Thống kê"),
        columns=(
            Column("month", _("Tháng")),
            Column("agency_code", _("Mã cơ quan")),
            Column("agency", _("Cơ quan")),
            *(Column(name, label, "integer") for name, label in STAT_LABELS.items()),
        ),
        rows=_stats_rows,
        modified=_stats_modified,
        frequency="daily",
    )
)
