"""Public pages of the portal itself: the home page with the procedure catalogue."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from procedures.models import Field
from procedures.selectors import procedure_list
from procedures.views.common import localized, money_display, time_limit_display

CATALOGUE_PAGE_SIZE = 10
MAX_QUERY_LENGTH = 200


def home(request: HttpRequest) -> HttpResponse:
    """Hero with the catalogue search, the fields, and the (diacritics-insensitive) results, paginated."""
    q = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    field_code = request.GET.get("field", "").strip()[:50]

    published = Q(procedures__is_active=True, procedures__current_version__isnull=False)
    fields = list(
        Field.objects.annotate(procedure_count=Count("procedures", filter=published))
        .filter(procedure_count__gt=0)
        .order_by("name")
    )
    for field in fields:
        field.display_name = localized(field)
    active_field = next((f for f in fields if f.code == field_code), None)

    page = Paginator(
        procedure_list(q=q, field=active_field.code if active_field else ""), CATALOGUE_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    for procedure in page.object_list:
        version = procedure.current_version
        procedure.display_name = localized(procedure)
        procedure.field_name = localized(procedure.field)
        procedure.agency_name = localized(procedure.agency)
        procedure.time_limit_text = time_limit_display(
            version.time_limit_value, version.time_limit_unit, version.same_day_cutoff
        )
        procedure.fee_text = money_display(version.fee)

    return render(
        request,
        "portal/home.html",
        {
            "q": q,
            "fields": fields,
            "active_field": active_field,
            "page": page,
            "searching": bool(q or active_field),
        },
    )
