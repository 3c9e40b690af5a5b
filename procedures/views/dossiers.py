"""The applicant's own dossiers: the list, one dossier in full, and the few actions an applicant takes on it."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from citizens.roles import Role
from procedures import formschema
from procedures.display import is_english, localized, money_display, status_label, status_tone
from procedures.enums import EDITABLE
from procedures.errors import DomainError, NotFound
from procedures.models import DocumentKind, Dossier, Rating, Status
from procedures.selectors import (
    actor_roles,
    dossier_available_actions,
    dossier_detail_for,
    dossier_list_for_applicant,
    is_overdue,
    result_released,
)
from procedures.services.dossiers import dossier_perform_action
from procedures.services.drafts import dossier_draft_delete, draft_is_empty
from procedures.workflow import ACTION_LABELS, Action

DOSSIER_PAGE_SIZE = 20

# What an applicant can do from this page without a payment gateway or a form editor; the labels speak to them.
APPLICANT_ACTIONS = {
    Action.SUBMIT: gettext_lazy("Nộp hồ sơ"),
    Action.SUPPLEMENT: gettext_lazy("Gửi hồ sơ đã bổ sung"),
    Action.WITHDRAW: gettext_lazy("Rút hồ sơ"),
    Action.DELIVER: gettext_lazy("Xác nhận đã nhận kết quả"),
}
EVENT_LABELS = {"create": gettext_lazy("Tạo hồ sơ")}


def _decorate(dossier) -> None:
    dossier.procedure_name = localized(dossier.procedure)
    dossier.agency_name = localized(dossier.agency)
    dossier.status_text = status_label(dossier.status)
    dossier.tone = status_tone(dossier.status)
    dossier.overdue = is_overdue(dossier)
    dossier.fee_text = money_display(dossier.fee_amount)


@login_required
def dossier_list(request: HttpRequest) -> HttpResponse:
    """The signed-in person's own dossiers (as applicant), newest first. Staff queues live elsewhere."""
    listing = dossier_list_for_applicant(user=request.user)
    queryset = listing.queryset.annotate(document_count=Count("documents")).order_by(*listing.ordering.order_by())
    page = Paginator(queryset, DOSSIER_PAGE_SIZE).get_page(request.GET.get("page"))
    for dossier in page.object_list:
        _decorate(dossier)
        dossier.deletable = dossier.status == Status.DRAFT and draft_is_empty(dossier.data, dossier.document_count)
    return render(request, "procedures/dossier_list.html", {"page": page})


@login_required
@require_POST
def dossier_draft_remove(request: HttpRequest, dossier_id: UUID) -> HttpResponse:
    """ "Xoá nháp" on the list: the service checks owner, draft and emptiness."""
    try:
        dossier_draft_delete(dossier_id=dossier_id, actor=request.user)
    except NotFound:
        raise Http404
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã xoá hồ sơ nháp trống."))
    return redirect("dossier-list")


def _data_sections(rows: list[dict]) -> list[dict]:
    """display_rows grouped under their headings, so the page can show one titled list per section."""
    sections: list[dict] = [{"title": "", "rows": []}]
    for row in rows:
        if row.get("type") == "heading" and row.get("level", 0) == 0:
            sections.append({"title": row["label"], "rows": []})
        else:
            sections[-1]["rows"].append(row)
    return [section for section in sections if section["rows"]]


def _status_reason(dossier, events) -> str:
    """Why the dossier is where it is (refusal, stop, send-back reason) from the event that put it there."""
    for event in reversed(events):
        if event.to_status == dossier.status and not event.internal:
            return event.comment
    return ""


def _timeline(dossier, events, *, viewer) -> list[dict]:
    rows = []
    for event in events:
        if event.action in EVENT_LABELS:
            label = EVENT_LABELS[event.action]
        else:
            try:
                label = ACTION_LABELS[Action(event.action)]
            except ValueError:
                label = event.action
        if event.actor_id and event.actor_id == dossier.applicant_id:
            who = _("Bạn") if viewer.pk == dossier.applicant_id else _("Người nộp hồ sơ")
        elif event.actor_id:
            who = localized(dossier.agency)  # officers act for their agency; their names are not shown to applicants
        else:
            who = _("Hệ thống")
        rows.append(
            {
                "label": label,
                "at": event.at,
                "who": who,
                "to_status": status_label(event.to_status) if event.to_status != event.from_status else "",
                "tone": status_tone(event.to_status),
                "comment": event.comment,
                "items": (event.payload or {}).get("items") or [],
                "internal": event.internal,
            }
        )
    return rows


def _supplement_request(events) -> dict | None:
    """The open supplement request's items and how many fields and documents it names."""
    event = next((e for e in reversed(events) if e.action == Action.REQUEST_SUPPLEMENT), None)
    if event is None:
        return None
    payload = event.payload or {}
    return {
        "at": event.at,
        "fields": len(payload.get("fields") or []),
        "documents": len(payload.get("documents") or []),
    }


@login_required
def dossier_detail(request: HttpRequest, dossier_id: UUID) -> HttpResponse:
    dossier = dossier_detail_for(user=request.user, dossier_id=dossier_id)
    if dossier is None:
        raise Http404  # another person's dossier is "not found", never "forbidden"
    _decorate(dossier)
    roles = actor_roles(dossier, request.user)
    is_applicant = Role.APPLICANT in roles
    sees_internal = bool(roles - {Role.APPLICANT})
    steps = list(dossier.procedure_version.steps.all())
    events = [e for e in dossier.events.all() if sees_internal or not e.internal]
    # Before the decision the applicant sees no result document (one uploaded early is the agency's draft).
    documents = [d for d in dossier.documents.all() if sees_internal or result_released(dossier, d)]
    version = dossier.procedure_version
    requirement_names = {doc.get("code"): localized(doc) for doc in version.documents}

    actions = []
    if is_applicant:
        available = dossier_available_actions(dossier, request.user, steps=steps, roles={Role.APPLICANT})
        has_result = any(d.kind == DocumentKind.RESULT for d in documents)
        for action in available:
            if action not in APPLICANT_ACTIONS or (action == Action.DELIVER and not has_result):
                continue
            actions.append(
                {"name": action.value, "label": APPLICANT_ACTIONS[action], "danger": action == Action.WITHDRAW}
            )

    current_step = None
    if dossier.current_step and dossier.current_step <= len(steps) and dossier.status == Status.PROCESSING:
        step = steps[dossier.current_step - 1]
        current_step = {"index": dossier.current_step, "count": len(steps), "name": localized(step)}

    context = {
        "dossier": dossier,
        "data_sections": _data_sections(
            formschema.display_rows(version.form_fields, dossier.data, "en" if is_english() else "vi")
        ),
        "status_reason": _status_reason(dossier, events),
        "input_documents": [
            {"doc": d, "requirement": requirement_names.get(d.requirement, d.requirement)}
            for d in documents
            if d.kind == DocumentKind.INPUT
        ],
        "result_documents": [d for d in documents if d.kind == DocumentKind.RESULT],
        "timeline": _timeline(dossier, events, viewer=request.user),
        "actions": actions,
        "current_step": current_step,
        "is_applicant": is_applicant,
        "editable": is_applicant and dossier.status in EDITABLE,
        "can_pay": is_applicant and dossier.status == Status.AWAITING_PAYMENT and bool(dossier.fee_amount),
        # E-receipts of paid fees (the payments app's records, read through the reverse relation it declares).
        "receipts": list(
            dossier.payment_attempts.filter(status="paid").order_by("finished_at").values("pk", "receipt_number")
        )
        if hasattr(dossier, "payment_attempts")
        else [],
        "rating": Rating.objects.filter(dossier_id=dossier.pk).first(),
        "can_rate": is_applicant and dossier.status == Status.DELIVERED,
        "supplement_request": _supplement_request(events) if dossier.status == Status.SUPPLEMENT_REQUESTED else None,
        "extended": bool(dossier.original_due_at and dossier.due_at and dossier.due_at != dossier.original_due_at),
    }
    return render(request, "procedures/dossier_detail.html", context)


@login_required
@require_POST
def dossier_action(request: HttpRequest, dossier_id: UUID) -> HttpResponse:
    """Apply one applicant action through the workflow service; errors come back as messages on the detail page."""
    action = request.POST.get("action", "")
    if action not in {a.value for a in APPLICANT_ACTIONS}:
        messages.error(request, _("Thao tác không hợp lệ."))
        return redirect("dossier-detail", dossier_id=dossier_id)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    try:
        dossier = dossier_perform_action(
            dossier_id=dossier_id, action=action, actor=request.user, version=version, payload={}
        )
    except NotFound:
        raise Http404
    except DomainError as exc:
        if action in (Action.SUBMIT, Action.SUPPLEMENT):
            # Back after submitting can show the old review page again: say what happened, not a version number.
            current = Dossier.objects.filter(pk=dossier_id, applicant=request.user).values_list("status", "code")
            status, code = current.first() or (None, "")
            if status is not None and status not in EDITABLE:
                messages.info(request, _("Hồ sơ này đã được nộp (mã %(code)s), không cần nộp lại.") % {"code": code})
                return redirect("dossier-detail", dossier_id=dossier_id)
        details = [message for problems in exc.errors.values() for message in problems]
        messages.error(request, exc.message + (" " + " ".join(details) if details else ""))
        if action in (Action.SUBMIT, Action.SUPPLEMENT):
            return redirect("dossier-documents", dossier_id=dossier_id)  # where the missing pieces are fixed
    else:
        if action == Action.SUBMIT:
            messages.success(request, _("Đã nộp hồ sơ. Mã hồ sơ của bạn: %(code)s.") % {"code": dossier.code})
            return redirect("dossier-submitted", dossier_id=dossier_id)
        else:
            label = APPLICANT_ACTIONS[Action(action)]
            messages.success(request, _("Đã thực hiện: %(action)s.") % {"action": label})
    return redirect("dossier-detail", dossier_id=dossier_id)
