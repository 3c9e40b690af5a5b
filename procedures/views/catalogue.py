"""The public page of one procedure: the seven components the catalogue must publish, plus fee, basis, result."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from procedures.blank_form import blank_form_pdf, legal_basis_items
from procedures.display import (
    decimal_display,
    grouped,
    localized,
    money_display,
    time_limit_display,
)
from procedures.errors import DomainError
from procedures.fees import KINDS, TIMINGS, base_fee, fee_breakdown, fee_items, is_fee_bearing, item_description
from procedures.models import Channel, OnlineLevel
from procedures.selectors import procedure_get
from procedures.vocabulary import APPLICANT_TYPE_LABELS, COPY_TYPE_LABELS, mime_display


def filing_url(request: HttpRequest, code: str) -> str:
    """Where "Nộp trực tuyến" leads: the filing page once it exists, else the API docs (or login first)."""
    try:
        target = reverse("dossier-file", kwargs={"code": code})
    except NoReverseMatch:
        target = reverse("api-docs")
    if not request.user.is_authenticated:
        return f"{reverse('account_login')}?{urlencode({'next': target})}"
    return target


def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    procedure = procedure_get(code=code)
    if procedure is None:
        raise Http404
    version = procedure.current_version
    departments = {d.code: localized(d) for d in procedure.agency.departments.all()}

    steps = [
        {
            "position": step.position,
            "name": localized(step),
            "department": departments.get(step.department_code, ""),
            "days": decimal_display(step.allotted_days),
        }
        for step in version.steps.all()
    ]
    documents = [
        {
            "name": localized(doc),
            "copy_type": COPY_TYPE_LABELS.get(doc.get("copy_type"), doc.get("copy_type", "")),
            "required": bool(doc.get("required")),
            "accept": mime_display(doc.get("accept")),
            "max_bytes": doc.get("max_bytes"),
        }
        for doc in version.documents
    ]
    cases = [
        {
            "name": localized(case),
            "time_limit": time_limit_display(
                (case.get("time_limit") or {}).get("value", version.time_limit_value),
                (case.get("time_limit") or {}).get("unit", version.time_limit_unit),
                (case.get("time_limit") or {}).get("same_day_cutoff"),
            )
            if case.get("time_limit")
            else "",
            "fee": money_display(fee_breakdown(version=version, case_code=case.get("code", "")).total),
        }
        for case in version.cases
    ]
    # Full-process services take everything online; partial ones still need a visit for some step (result, originals).
    channels = [Channel.ONLINE.label, Channel.IN_PERSON.label, Channel.POST.label]

    context = {
        "procedure": procedure,
        "version": version,
        "name": localized(procedure),
        "description": localized(procedure, "description"),
        "field_name": localized(procedure.field),
        "agency": procedure.agency,
        "agency_name": localized(procedure.agency),
        "is_full_online": procedure.online_level == OnlineLevel.FULL,
        "online_level": procedure.get_online_level_display(),
        "channels": channels,
        "applicant_types": [APPLICANT_TYPE_LABELS.get(t, t) for t in procedure.applicant_types],
        "steps": steps,
        "documents": documents,
        "cases": cases,
        "time_limit": time_limit_display(version.time_limit_value, version.time_limit_unit, version.same_day_cutoff),
        "time_limit_short": time_limit_display(
            version.time_limit_value, version.time_limit_unit, version.same_day_cutoff, short=True
        ),
        "fee": money_display(base_fee(version)),
        "fee_items": _fee_items(version),
        "payment_timing": TIMINGS.get(version.payment_timing) if is_fee_bearing(version) else "",
        "legal_basis": legal_basis_items(procedure.legal_basis),
        "filing_url": filing_url(request, procedure.code),
    }
    return render(request, "procedures/procedure_detail.html", context)


def procedure_blank_form(request: HttpRequest, code: str) -> HttpResponse:
    """The procedure's blank declaration form (tờ khai) as a PDF, for filing on paper or preparing at home."""
    procedure = procedure_get(code=code)
    if procedure is None:
        raise Http404
    try:
        pdf = blank_form_pdf(procedure)
    except DomainError as error:
        return HttpResponse(error.message, status=error.status_code, content_type="text/plain; charset=utf-8")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="to-khai-{procedure.code}.pdf"'
    return response


def _fee_items(version) -> list[dict]:
    """Each fee item in words ("8.000 đồng mỗi bản"), from the same items the amount is computed from."""
    case_names = {c.get("code"): localized(c) for c in version.cases}
    case_names[""] = _("Trường hợp thông thường")
    return [
        {
            "name": localized(item),
            "kind": KINDS.get(item.get("kind"), ""),
            "text": item_description(item, money=grouped),
            "cases": ", ".join(str(case_names.get(code, code)) for code in item.get("cases") or []),
        }
        for item in fee_items(version)
    ]
