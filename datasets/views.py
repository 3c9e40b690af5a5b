"""Dataset pages: the public page of one dataset (table, filters, chart, downloads, versions, pin for leaders), a
version's changes, and the data officer's pages (define, upload a version, withdraw)."""

from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from citizens.models import StaffMembership
from citizens.roles import Role
from datasets import charts, selectors, services
from datasets.columns import AREA_TYPES, PERIOD_TYPES, ColumnType, diff
from datasets.models import Chart, Dataset, DatasetStatus, Frequency, Sector
from procedures.errors import DomainError
from procedures.models import Agency

TABLE_LIMIT = 500


def dataset_detail(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = Dataset.objects.select_related("agency").filter(slug=slug).exclude(status=DatasetStatus.DRAFT).first()
    if dataset is None:
        raise Http404
    specs = dataset.specs()
    version = selectors.latest_version(dataset)
    rows = version.rows if version and dataset.status == DatasetStatus.PUBLISHED else []
    filterable = [c for c in specs if c.type in PERIOD_TYPES | AREA_TYPES | {ColumnType.CHOICE}]
    filters = {c.name: (request.GET.get(c.name) or "")[:20] for c in filterable}
    options = {c.name: sorted({str(r.get(c.name)) for r in rows if r.get(c.name) is not None}) for c in filterable}
    shown = selectors.filter_rows(rows, filters)
    measures = selectors.measure_columns(specs)
    value = next((c for c in measures if c.name == dataset.chart_value), measures[0] if measures else None)
    chart, chart_points = "", []
    if value is not None and dataset.chart != Chart.NONE:
        title = f"{value.title} ({value.unit})" if value.unit else value.title
        if dataset.chart == Chart.LINE:
            # Summing different goods or groups over time means nothing: draw the first one unless a filter chose.
            series_rows = shown
            for spec in specs:
                if spec.type == ColumnType.CHOICE and not filters.get(spec.name) and spec.allowed:
                    series_rows = [r for r in series_rows if r.get(spec.name) == spec.allowed[0]]
                    title = f"{title} · {spec.title}: {spec.allowed[0]}"
            chart_points = selectors.series_over_time(series_rows, specs, value.name)
            chart = charts.line(chart_points, title=title)
        elif dataset.chart == Chart.BAR:
            chart_points = selectors.latest_by_area(shown, specs, value.name)
            chart = charts.bars(chart_points, title=title)
        else:
            chart_points = selectors.latest_by_area(shown, specs, value.name)
            chart = charts.tile_map(chart_points, title=title)
    area = selectors.area_column(specs)
    can_pin = request.user.is_authenticated and (
        request.user.is_superuser
        or StaffMembership.objects.filter(
            user=request.user, role__in=[Role.LEADER, Role.IOC_VIEWER], is_active=True
        ).exists()
    )
    context = {
        "dataset": dataset,
        "specs": specs,
        "version": version,
        "versions": dataset.versions.only("number", "published_at", "row_count", "note").order_by("-number"),
        "filterable": [{"spec": c, "options": options[c.name], "value": filters[c.name]} for c in filterable],
        "rows": [[row.get(c.name) for c in specs] for row in shown[:TABLE_LIMIT]],
        "row_total": len(shown),
        "table_limit": TABLE_LIMIT,
        "chart": chart,
        "chart_points": chart_points,
        "chart_column": value,
        "measures": measures,
        "area_column": area,
        "can_pin": can_pin and dataset.status == DatasetStatus.PUBLISHED,
        "current": "open-data",
    }
    return render(request, "datasets/detail.html", context)


@login_required
def dataset_pin(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = Dataset.objects.filter(slug=slug, status=DatasetStatus.PUBLISHED).first()
    if dataset is None or request.method != "POST":
        raise Http404
    threshold = request.POST.get("threshold", "").replace(",", ".").strip()
    try:
        services.panel_pin(
            user=request.user,
            dataset=dataset,
            column=request.POST.get("column", ""),
            area=request.POST.get("area", ""),
            threshold=float(threshold) if threshold else None,
            direction=request.POST.get("direction", "above"),
        )
    except ValueError:
        messages.error(request, _("Ngưỡng phải là một số."))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Đã ghim chỉ số lên IOC."))
    return redirect("dataset-detail", slug=slug)


def version_changes(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    dataset = Dataset.objects.filter(slug=slug).exclude(status=DatasetStatus.DRAFT).first()
    if dataset is None:
        raise Http404
    version = dataset.versions.filter(number=number).first()
    if version is None:
        raise Http404
    previous = dataset.versions.filter(number__lt=number).order_by("-number").first()
    specs = dataset.specs()
    changes = diff(previous.rows if previous else [], version.rows, specs)
    return render(
        request,
        "datasets/version.html",
        {"dataset": dataset, "version": version, "previous": previous, "specs": specs, "changes": changes},
    )


# --- the data officer's pages ---------------------------------------------------------------------------------


class DatasetForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Tên bộ dữ liệu"), max_length=255)
    agency = forms.ModelChoiceField(label=gettext_lazy("Cơ quan sở hữu"), queryset=Agency.objects.none())
    sector = forms.ChoiceField(label=gettext_lazy("Lĩnh vực"), choices=Sector.choices)
    description = forms.CharField(label=gettext_lazy("Mô tả"), widget=forms.Textarea(attrs={"rows": 3}))
    frequency = forms.ChoiceField(label=gettext_lazy("Tần suất cập nhật"), choices=Frequency.choices)
    period_note = forms.CharField(label=gettext_lazy("Mỗi dòng ứng với thời kỳ"), required=False, max_length=200)
    area_note = forms.CharField(label=gettext_lazy("Mỗi dòng ứng với địa bàn"), required=False, max_length=200)
    chart = forms.ChoiceField(label=gettext_lazy("Biểu đồ"), choices=Chart.choices)
    chart_value = forms.CharField(label=gettext_lazy("Cột số liệu vẽ biểu đồ"), required=False, max_length=60)
    columns = forms.CharField(
        label=gettext_lazy("Các cột"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy(
            "Mỗi dòng một cột: tên_cột | Tiêu đề | kiểu | đơn vị | ý nghĩa | giá trị cho phép "
            "(cách nhau bằng dấu phẩy). "
            "Kiểu: text, integer, decimal, date, month, year, province_code, commune_code, choice."
        ),
    )

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        queryset = Agency.objects.filter(is_active=True).order_by("name")
        self.fields["agency"].queryset = queryset if agencies is None else queryset.filter(pk__in=agencies)

    def clean_columns(self) -> list[dict]:
        columns = []
        for number, line in enumerate(self.cleaned_data["columns"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")] + [""] * 6
            if not parts[1] or not parts[2]:
                raise forms.ValidationError(_("Dòng %(n)s cần ít nhất tên cột, tiêu đề và kiểu.") % {"n": number})
            columns.append(
                {
                    "name": parts[0],
                    "title": parts[1],
                    "type": parts[2],
                    "unit": parts[3],
                    "meaning": parts[4],
                    "allowed": [v.strip() for v in parts[5].split(",") if v.strip()],
                }
            )
        return columns


def _officer(request) -> set[int] | None:
    agencies = services.data_agencies(request.user)
    if agencies is not None and not agencies:
        raise PermissionDenied
    return agencies


@login_required
def manage_list(request: HttpRequest) -> HttpResponse:
    agencies = _officer(request)
    form = DatasetForm(request.POST or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        agency, columns = data.pop("agency"), data.pop("columns")
        try:
            dataset = services.dataset_define(user=request.user, agency=agency, fields=data, columns=columns)
        except DomainError as error:
            form.add_error(None, error.message)
            for key, problems in error.errors.items():
                form.add_error(None, f"{key}: {' '.join(problems)}")
        else:
            messages.success(request, _("Đã tạo bộ dữ liệu; hãy tải lên số liệu để công bố."))
            return redirect("dataset-manage", slug=dataset.slug)
    queryset = Dataset.objects.select_related("agency").order_by("title")
    if agencies is not None:
        queryset = queryset.filter(agency_id__in=agencies)
    return render(request, "datasets/manage_list.html", {"form": form, "datasets": queryset})


@login_required
def manage(request: HttpRequest, slug: str) -> HttpResponse:
    _officer(request)
    try:
        dataset = services.dataset_get_managed(slug=slug, user=request.user)
    except DomainError:
        raise Http404
    problems: list[str] = []
    if request.method == "POST":
        try:
            if request.POST.get("withdraw"):
                services.dataset_withdraw(slug=slug, user=request.user, reason=request.POST.get("reason", ""))
                messages.success(request, _("Đã rút bộ dữ liệu."))
                return redirect("dataset-manage", slug=slug)
            upload = request.FILES.get("file")
            if upload is None:
                raise services.InvalidInput(_("Hãy chọn tệp CSV hoặc XLSX."))
            version = services.version_publish(
                slug=slug, user=request.user, upload=upload, note=request.POST.get("note", "")
            )
        except DomainError as error:
            messages.error(request, error.message)
            problems = [p for values in error.errors.values() for p in values]
        else:
            messages.success(
                request,
                _("Đã công bố phiên bản %(n)s (%(rows)s dòng).") % {"n": version.number, "rows": version.row_count},
            )
            return redirect("dataset-manage", slug=slug)
    sample = ",".join(c.name for c in dataset.specs())
    return render(
        request,
        "datasets/manage.html",
        {
            "dataset": dataset,
            "specs": dataset.specs(),
            "versions": dataset.versions.order_by("-number"),
            "problems": problems,
            "sample": sample,
            "columns_json": json.dumps([c.name for c in dataset.specs()]),
        },
    )
