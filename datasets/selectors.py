"""Reads on datasets: the latest published table, filtered views, chart series, IOC panel figures, and the datasets
as open-data entries for the DCAT catalogue."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Max, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from dashboard import opendata
from datasets.columns import AREA_TYPES, MEASURE_TYPES, PERIOD_TYPES, ColumnSpec
from datasets.models import Dataset, DatasetColumn, DatasetStatus, DatasetVersion, Frequency, PinnedPanel
from procedures import units

DCAT_FREQUENCY = {"weekly": "weekly", "monthly": "monthly", "quarterly": "quarterly", "yearly": "annual"}


def published_datasets() -> QuerySet[Dataset]:
    return (
        Dataset.objects.filter(status=DatasetStatus.PUBLISHED)
        .select_related("agency")
        .prefetch_related(Prefetch("columns", queryset=DatasetColumn.objects.order_by("position")))
        .annotate(last_published=Max("versions__published_at"))
        .order_by("sector", "title")
    )


def latest_version(dataset: Dataset) -> DatasetVersion | None:
    return dataset.versions.order_by("-number").first()


def latest_versions(dataset_ids) -> list[DatasetVersion]:
    """The newest version of each dataset: one query for the numbers, one for the rows."""
    numbers = (
        DatasetVersion.objects.filter(dataset_id__in=list(dataset_ids))
        .values("dataset_id")
        .annotate(last=Max("number"))
    )
    wanted = Q()
    for row in numbers:
        wanted |= Q(dataset_id=row["dataset_id"], number=row["last"])
    return list(DatasetVersion.objects.filter(wanted)) if wanted else []


def open_datasets() -> Iterable[opendata.Dataset]:
    """Every published dataset as an open-data entry (its rows are read only when downloaded)."""
    for ds in published_datasets():

        def rows(ds=ds):
            version = latest_version(ds)
            return version.rows if version else []

        yield opendata.Dataset(
            slug=ds.slug,
            title=ds.title + (" (dữ liệu minh họa)" if ds.is_demo else ""),
            description=ds.description,
            theme=ds.get_sector_display(),
            columns=tuple(
                opendata.Column(c.name, f"{c.title} ({c.unit})" if c.unit else c.title, _json_type(c.type))
                for c in ds.columns.all()
            ),
            rows=rows,
            modified=lambda ds=ds: ds.last_published,
            frequency=DCAT_FREQUENCY.get(ds.frequency, "irregular"),
            publisher=ds.agency.name,
            landing_page=reverse("dataset-detail", kwargs={"slug": ds.slug}),
        )


def _json_type(kind: str) -> str:
    return {"integer": "integer", "decimal": "number", "date": "date"}.get(kind, "string")


def period_column(specs: list[ColumnSpec]) -> ColumnSpec | None:
    return next((c for c in specs if c.type in PERIOD_TYPES), None)


def area_column(specs: list[ColumnSpec]) -> ColumnSpec | None:
    return next((c for c in specs if c.type in AREA_TYPES), None)


def measure_columns(specs: list[ColumnSpec]) -> list[ColumnSpec]:
    return [c for c in specs if c.type in MEASURE_TYPES]


def area_name(code: str | None) -> str:
    if not code:
        return ""
    return units.commune_name(code) or units.province_name(code) or code


def filter_rows(rows: list[Mapping], filters: Mapping[str, str]) -> list[Mapping]:
    return [row for row in rows if all(str(row.get(k) or "") == v for k, v in filters.items() if v)]


def _value(row: Mapping, column: str) -> Decimal | None:
    value = row.get(column)
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


@dataclass(frozen=True)
class Point:
    label: str
    value: Decimal


def series_over_time(rows: list[Mapping], specs: list[ColumnSpec], column: str) -> list[Point]:
    """One value per period: the sum over areas (a dataset by area and month gives the province's total)."""
    period = period_column(specs)
    if period is None:
        return []
    totals: dict[str, Decimal] = {}
    for row in rows:
        value = _value(row, column)
        if value is not None and row.get(period.name):
            totals[row[period.name]] = totals.get(row[period.name], Decimal(0)) + value
    return [Point(label, totals[label]) for label in sorted(totals)]


def latest_by_area(rows: list[Mapping], specs: list[ColumnSpec], column: str) -> list[Point]:
    """The latest period's value for each area, largest first."""
    period, area = period_column(specs), area_column(specs)
    if area is None:
        return []
    latest = max((row.get(period.name) for row in rows if row.get(period.name)), default=None) if period else None
    points = [
        Point(area_name(row.get(area.name)), value)
        for row in rows
        if (latest is None or row.get(period.name) == latest) and (value := _value(row, column)) is not None
    ]
    return sorted(points, key=lambda p: -p.value)


@dataclass(frozen=True)
class PanelFigure:
    panel: PinnedPanel
    title: str
    unit: str
    period: str
    value: Decimal | None
    previous: Decimal | None
    alert: bool
    stale: bool
    url: str

    @property
    def change(self) -> Decimal | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous


def panel_figures(*, user, now: datetime | None = None) -> list[PanelFigure]:
    """The user's pinned indicators: latest value, change since the previous period, threshold colour, and whether
    the data is older than its declared frequency. Two queries whatever the number of panels."""
    now = now or timezone.now()
    panels = list(
        PinnedPanel.objects.filter(user=user, dataset__status=DatasetStatus.PUBLISHED)
        .select_related("dataset")
        .prefetch_related("dataset__columns")
    )
    versions = {version.dataset_id: version for version in latest_versions({p.dataset_id for p in panels})}
    figures = []
    for panel in panels:
        specs = panel.dataset.specs()
        version = versions.get(panel.dataset_id)
        rows = version.rows if version else []
        area = area_column(specs)
        if panel.area and area:
            rows = [row for row in rows if row.get(area.name) == panel.area]
        points = series_over_time(rows, specs, panel.column)
        value = points[-1].value if points else None
        previous = points[-2].value if len(points) > 1 else None
        alert = False
        if value is not None and panel.threshold is not None:
            alert = (
                value > panel.threshold if panel.direction == PinnedPanel.Direction.ABOVE else value < panel.threshold
            )
        column = next((c for c in specs if c.name == panel.column), None)
        max_age = timedelta(days=Frequency(panel.dataset.frequency).days)
        figures.append(
            PanelFigure(
                panel=panel,
                title=(column.title if column else panel.column)
                + (f" · {area_name(panel.area)}" if panel.area else ""),
                unit=column.unit if column else "",
                period=points[-1].label if points else "",
                value=value,
                previous=previous,
                alert=alert,
                stale=version is None or now - version.published_at > max_age,
                url=reverse("dataset-detail", kwargs={"slug": panel.dataset.slug}),
            )
        )
    return figures
