"""Public pages of the portal itself: the home page with the procedure catalogue."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from procedures.display import localized, money_display, time_limit_display
from procedures.models import Field
from procedures.selectors import procedure_list
from procedures.units import vietnamese_sort_key

CATALOGUE_PAGE_SIZE = 20
MAX_QUERY_LENGTH = 200
# The list needs names, fee and time limit; the forms, documents and long texts stay in the database.
HEAVY_FIELDS = (
    "description",
    "description_en",
    "legal_basis",
    "note",
    "current_version__form_fields",
    "current_version__documents",
    "current_version__cases",
    "current_version__routing_rules",
    "current_version__result_template",
    "current_version__fee_note",
)


def home(request: HttpRequest) -> HttpResponse:
    """Hero with the catalogue search, the fields, and the (diacritics-insensitive) results, paginated."""
    q = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    field_code = request.GET.get("field", "").strip()[:50]

    published = Q(procedures__is_active=True, procedures__current_version__isnull=False)
    fields = list(
        Field.objects.annotate(procedure_count=Count("procedures", filter=published)).filter(procedure_count__gt=0)
    )
    for field in fields:
        field.display_name = localized(field)
    fields.sort(key=lambda f: vietnamese_sort_key(f.display_name))
    active_field = next((f for f in fields if f.code == field_code), None)

    # Sorted in Python with the Vietnamese alphabet ("Đăng ký" after "Dừng", not after "Z" as byte order puts it);
    # a province's catalogue is a few thousand rows at most and this is one query.
    procedures = list(procedure_list(q=q, field=active_field.code if active_field else "").defer(*HEAVY_FIELDS))
    for procedure in procedures:
        procedure.display_name = localized(procedure)
    procedures.sort(key=lambda p: vietnamese_sort_key(p.display_name))
    page = Paginator(procedures, CATALOGUE_PAGE_SIZE).get_page(request.GET.get("page"))
    for procedure in page.object_list:
        version = procedure.current_version
        procedure.field_name = localized(procedure.field)
        procedure.agency_name = localized(procedure.agency)
        procedure.time_limit_text = time_limit_display(
            version.time_limit_value, version.time_limit_unit, version.same_day_cutoff, short=True
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
