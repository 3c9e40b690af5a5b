"""The officer workspace: queues, the dossier page with one form per available action, bulk actions at the desk,
PDFs (process-control slip, apology letter) and in-person filing.

Thin views: they translate HTML forms into service calls (`dossier_perform_action` for every status change) and
domain errors into messages. Everything works without JavaScript; procedures/static/workspace/workspace.js only
adds "select all" and a confirmation count on the bulk form.
"""

from __future__ import annotations

import functools
import uuid
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from citizens.roles import HANDLING_ROLES, Role
from procedures import events, formschema
from procedures.display import money_display, status_label, status_tone
from procedures.errors import DomainError, StaleVersion
from procedures.formschema.html import build_widgets, parse_level
from procedures.models import DocumentKind, Dossier, DossierEvent, Procedure, Status
from procedures.selectors import actor_roles, dossier_available_actions, dossier_detail_for, is_overdue
from procedures.services.calendar import portal_tz
from procedures.services.documents import document_upload
from procedures.services.dossiers import dossier_due_if_accepted, dossier_perform_action
from procedures.workflow import ACTION_LABELS, Action
from workspace import pdf
from workspace.counts import queue_counts
from workspace.forms import ACTION_FORMS, ApplicantForm
from workspace.search import dossier_search
from workspace.selectors import (
    DEFAULT_QUEUE,
    QUEUES,
    agency_officers,
    due_state,
    near_due_limit,
    page_of,
    queue_dossiers,
    queue_ordering,
    workspace_memberships,
)
from workspace.services import AccountNeedsConfirmation, citizen_for_desk, dossier_file_in_person, dossiers_bulk_action

PER_PAGE = 25
STALE_MESSAGE = "Hồ sơ vừa được người khác cập nhật"
DUE_LABELS = {
    "overdue": ("danger", "Quá hạn"),
    "near": ("warning", "Sắp đến hạn"),
    "on_time": ("success", "Trong hạn"),
    "done": ("neutral", "Đã kết thúc"),
}
BULK_ACTIONS = {"accept": Action.ACCEPT, "assign": Action.ASSIGN}


def workspace_view(view):
    """Logged in (else the login page) and holding an active staff membership (else 403)."""

    @login_required
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        memberships = workspace_memberships(request.user)
        if not memberships and not request.user.is_superuser:
            raise PermissionDenied(_("Trang này dành cho cán bộ tiếp nhận và xử lý hồ sơ."))
        request.workspace_memberships = memberships
        return view(request, *args, **kwargs)

    return wrapper


def _nav(request: HttpRequest, current: str, *, with_counts: bool = False) -> dict:
    roles = {m.role for m in request.workspace_memberships}
    # Counts on the queue pages only (one capped query per queue); the dossier page keeps its fixed query budget.
    counts = queue_counts(user=request.user, memberships=request.workspace_memberships) if with_counts else {}
    return {
        "queues": [{"slug": q.slug, "label": q.label, "count": counts.get(q.slug, "")} for q in QUEUES.values()],
        "current_queue": current,
        "is_reception": Role.RECEPTION in roles or request.user.is_superuser,
        "agencies": sorted({m.agency.name for m in request.workspace_memberships}),
    }


def _due_badge(state: str) -> dict | None:
    if not state:
        return None
    tone, text = DUE_LABELS[state]
    return {"tone": tone, "text": _(text), "state": state}


# --- queues ---------------------------------------------------------------------------------------------------


@workspace_view
def home(request: HttpRequest) -> HttpResponse:
    return redirect("workspace:queue", queue=DEFAULT_QUEUE)


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, min(int(request.GET.get("page", "1")), 100_000))
    except ValueError:
        return 1


@workspace_view
def queue(request: HttpRequest, queue: str) -> HttpResponse:
    if queue not in QUEUES:
        raise Http404
    procedure = request.GET.get("procedure", "").strip()
    status = request.GET.get("status", "").strip()
    q = request.GET.get("q", "").strip()[:100]
    descending = request.GET.get("sort") == "-due"
    now = timezone.now()
    qs = queue_dossiers(
        user=request.user,
        memberships=request.workspace_memberships,
        queue=queue,
        procedure=procedure,
        status=status,
        descending=descending,
        now=now,
    )
    qs = dossier_search(qs, q)  # accents optional; code, name, ID or phone (workspace/search.py)
    page = page_of(
        qs,
        ordering=queue_ordering(descending),
        per_page=PER_PAGE,
        cursor=request.GET.get("cursor", "")[:1000],
        number=_page_number(request),
    )
    near_limit = near_due_limit(now)
    rows = [
        {
            "dossier": d,
            "status_text": status_label(d.status),
            "status_tone": status_tone(d.status),
            "due": _due_badge(due_state(d, now, near_limit)),
        }
        for d in page.rows
    ]
    agency_ids = {m.agency_id for m in request.workspace_memberships}
    procedures = Procedure.objects.filter(is_active=True).order_by("name").only("code", "name")
    if not request.user.is_superuser:
        procedures = procedures.filter(agency_id__in=agency_ids)
    context = {
        **_nav(request, queue, with_counts=True),
        "queue": QUEUES[queue],
        "rows": rows,
        "page": page,
        "procedures": list(procedures),
        "statuses": [(s.value, s.label) for s in Status if s != Status.DRAFT],
        "filters": {"procedure": procedure, "status": status, "q": q, "sort": "-due" if descending else "due"},
        "bulk": queue == "tiep-nhan",
    }
    if context["bulk"] and len(agency_ids) == 1:
        context["officers"] = agency_officers(next(iter(agency_ids)))
    return render(request, "workspace/queue.html", context)


def _bulk_items(values: list[str]) -> list[tuple[str, int]]:
    items = []
    for value in values:
        dossier_id, _sep, version = value.partition(":")
        try:
            items.append((str(uuid.UUID(dossier_id)), int(version)))
        except ValueError:
            continue
    return items


@workspace_view
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    action = BULK_ACTIONS.get(request.POST.get("bulk_action", ""))
    items = _bulk_items(request.POST.getlist("dossier"))
    back = reverse("workspace:queue", kwargs={"queue": "tiep-nhan"})
    if action is None or not items:
        messages.error(request, _("Hãy chọn ít nhất một hồ sơ và một thao tác."))
        return redirect(back)
    payload = {}
    if action == Action.ASSIGN:
        try:
            payload["assignee"] = int(request.POST.get("assignee", ""))
        except ValueError:
            messages.error(request, _("Hãy chọn cán bộ được phân công."))
            return redirect(back)
    results = dossiers_bulk_action(actor=request.user, action=action, items=items, payload=payload)
    done = sum(r.ok for r in results)
    context = {
        **_nav(request, "tiep-nhan"),
        "results": results,
        "action_label": ACTION_LABELS[action],
        "done": done,
        "failed": len(results) - done,
    }
    return render(request, "workspace/bulk_result.html", context)


# --- the dossier page -----------------------------------------------------------------------------------------


def _dossier_or_404(request: HttpRequest, dossier_id) -> Dossier:
    dossier = dossier_detail_for(user=request.user, dossier_id=dossier_id)
    if dossier is None or dossier.status == Status.DRAFT:
        raise Http404
    return dossier


def _moment(value: datetime | None) -> str:
    return timezone.localtime(value, portal_tz()).strftime("%H:%M %d/%m/%Y") if value else ""


def _action_forms(dossier: Dossier, actions: list[Action], bound: dict | None = None) -> list[dict]:
    officers = None
    steps = sorted(dossier.procedure_version.steps.all(), key=lambda s: s.position)
    forms = []
    for action in actions:
        form_class = ACTION_FORMS.get(action)
        if form_class is None:
            continue
        if bound and action in bound:
            form = bound[action]
        else:
            kwargs = {"dossier": dossier}
            if action in (Action.ASSIGN, Action.FORWARD):
                officers = officers if officers is not None else _officers_with_roles(dossier.agency_id)
                if action == Action.ASSIGN:
                    kwargs["officers"] = [u for u, _roles in officers]
                else:
                    nxt = steps[dossier.current_step].role if dossier.current_step < len(steps) else None
                    kwargs["next_step_officers"] = [u for u, roles in officers if nxt in roles]
            form = form_class(**kwargs)
        forms.append({"action": action.value, "label": ACTION_LABELS[action], "form": form})
    return forms


def _officers_with_roles(agency_id: int):
    from citizens.models import StaffMembership

    by_user: dict = {}
    for m in StaffMembership.objects.filter(agency_id=agency_id, is_active=True, user__is_active=True).select_related(
        "user"
    ):
        if m.role not in HANDLING_ROLES:
            continue
        by_user.setdefault(m.user_id, (m.user, set()))[1].add(m.role)
    return sorted(by_user.values(), key=lambda pair: (pair[0].full_name, pair[0].email))


def _history(dossier: Dossier, steps) -> list[dict]:
    names = {s.position: s.name for s in steps}
    rows = []
    for event in dossier.events.all():
        try:
            label = ACTION_LABELS[Action(event.action)]
        except ValueError:
            label = _("Tạo hồ sơ") if event.action == "create" else event.action
        payload = events.read(event.action, event.payload)
        assignment = events.assignment_of(payload)
        rows.append(
            {
                "event": event,
                "label": label,
                "at": _moment(event.at),
                "actor": event.actor.get_full_name() if event.actor else _("Hệ thống"),
                "from": status_label(event.from_status) if event.from_status else "",
                "to": status_label(event.to_status) if event.to_status else "",
                "step": names.get(event.step, "") if event.step else "",
                "items": payload.items if isinstance(payload, events.SupplementRequested) else [],
                "apology": event.action == Action.EXTEND,
                "assignee": assignment.assignee_name if assignment else "",
            }
        )
    return rows


def _render_dossier(request: HttpRequest, dossier: Dossier, *, bound: dict | None = None, status: int = 200):
    steps = sorted(dossier.procedure_version.steps.all(), key=lambda s: s.position)
    roles = actor_roles(dossier, request.user)
    actions = dossier_available_actions(dossier, request.user, steps=steps, roles=roles)
    now = timezone.now()
    accept_preview = ""
    if Action.ACCEPT in actions:
        accept_preview = _moment(dossier_due_if_accepted(dossier, now))
    step = steps[dossier.current_step - 1] if dossier.current_step and dossier.current_step <= len(steps) else None
    documents = list(dossier.documents.all())
    names = {d.get("code"): d.get("name") for d in dossier.procedure_version.documents}
    for document in documents:
        document.requirement_name = names.get(document.requirement) or document.requirement
    near = near_due_limit(now)
    context = {
        **_nav(request, ""),
        "dossier": dossier,
        "status_text": status_label(dossier.status),
        "status_tone": status_tone(dossier.status),
        "overdue": is_overdue(dossier, now),
        "due": _due_badge(due_state(dossier, now, near)),
        "rows": formschema.display_rows(dossier.procedure_version.form_fields, dossier.data, "vi"),
        "inputs": [d for d in documents if d.kind == DocumentKind.INPUT],
        "results": [d for d in documents if d.kind == DocumentKind.RESULT],
        "history": _history(dossier, steps),
        "steps": steps,
        "step": step,
        "forms": _action_forms(dossier, actions, bound),
        "accept_preview": accept_preview,
        "fee": money_display(dossier.fee_amount),
        "moments": {
            "submitted": _moment(dossier.submitted_at),
            "accepted": _moment(dossier.accepted_at),
            "due": _moment(dossier.due_at),
            "original_due": _moment(dossier.original_due_at),
            "step_due": _moment(dossier.step_due_at),
        },
    }
    return render(request, "workspace/dossier.html", context, status=status)


@workspace_view
def dossier(request: HttpRequest, dossier_id) -> HttpResponse:
    return _render_dossier(request, _dossier_or_404(request, dossier_id))


@workspace_view
@require_POST
def dossier_action(request: HttpRequest, dossier_id, action: str) -> HttpResponse:
    dossier = _dossier_or_404(request, dossier_id)
    try:
        action = Action(action)
        form_class = ACTION_FORMS[action]
    except (ValueError, KeyError):
        raise Http404
    form = form_class(request.POST, request.FILES, dossier=dossier)
    if action in (Action.ASSIGN, Action.FORWARD):
        officers = _officers_with_roles(dossier.agency_id)
        form = form_class(
            request.POST,
            request.FILES,
            dossier=dossier,
            **{"officers" if action == Action.ASSIGN else "next_step_officers": [u for u, _r in officers]},
        )
    here = reverse("workspace:dossier", kwargs={"dossier_id": dossier.pk})
    if not form.is_valid():
        messages.error(
            request, _("Thông tin chưa hợp lệ, hãy kiểm tra lại biểu mẫu “%(a)s”.") % {"a": ACTION_LABELS[action]}
        )
        return _render_dossier(request, dossier, bound={action: form}, status=400)
    version = form.cleaned_data["version"]
    try:
        if action == Action.COMPLETE:
            _complete(request, dossier, form, version)
        else:
            dossier_perform_action(
                dossier_id=dossier.pk, action=action, actor=request.user, version=version, payload=form.payload()
            )
    except StaleVersion:
        messages.warning(request, _(STALE_MESSAGE) + ". " + _("Trang đã được tải lại với dữ liệu mới nhất."))
        return redirect(here)
    except DomainError as exc:
        for field, errors in exc.errors.items():
            form.add_error(field if field in form.fields else None, errors)
        if not exc.errors:
            form.add_error(None, exc.message)
        messages.error(request, exc.message)
        return _render_dossier(request, _dossier_or_404(request, dossier.pk), bound={action: form}, status=400)
    messages.success(request, _("Đã thực hiện: %(a)s.") % {"a": ACTION_LABELS[action]})
    return redirect(here)


def _complete(request: HttpRequest, dossier: Dossier, form, version: int) -> None:
    """Attach the result (uploaded, or generated from the template), then complete; all or nothing."""
    source = form.cleaned_data["result_source"]
    with transaction.atomic():
        if dossier.version != version:
            raise StaleVersion(STALE_MESSAGE)
        if source in ("upload", "generate"):
            if source == "upload":
                upload = form.cleaned_data["result_file"]
            else:
                content = pdf.result_pdf(dossier)
                upload = SimpleUploadedFile(f"ket-qua-{dossier.code}.pdf", content, content_type="application/pdf")
            document_upload(
                dossier_id=dossier.pk,
                actor=request.user,
                requirement="result",
                upload=upload,
                kind=DocumentKind.RESULT,
            )
            version += 1  # the upload bumped it
        dossier_perform_action(
            dossier_id=dossier.pk, action=Action.COMPLETE, actor=request.user, version=version, payload=form.payload()
        )


# --- PDFs -----------------------------------------------------------------------------------------------------


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@workspace_view
def slip(request: HttpRequest, dossier_id) -> HttpResponse:
    dossier = _dossier_or_404(request, dossier_id)
    try:
        content = pdf.slip_pdf(dossier)
    except DomainError as exc:
        return HttpResponse(exc.message, status=exc.status_code, content_type="text/plain; charset=utf-8")
    return _pdf_response(content, f"phieu-kiem-soat-{dossier.code}.pdf")


@workspace_view
def apology(request: HttpRequest, dossier_id, event_id: int) -> HttpResponse:
    dossier = _dossier_or_404(request, dossier_id)
    event = (
        DossierEvent.objects.select_related("actor").filter(dossier=dossier, pk=event_id, action=Action.EXTEND).first()
    )
    if event is None:
        raise Http404
    try:
        content = pdf.apology_pdf(dossier, event)
    except DomainError as exc:
        return HttpResponse(exc.message, status=exc.status_code, content_type="text/plain; charset=utf-8")
    return _pdf_response(content, f"phieu-xin-loi-{dossier.code}.pdf")


# --- in-person filing -----------------------------------------------------------------------------------------


@workspace_view
def in_person(request: HttpRequest) -> HttpResponse:
    """Step 1: choose the procedure; step 2 (?procedure=code): the applicant, the form and the scans."""
    reception_agencies = {m.agency_id for m in request.workspace_memberships if m.role == Role.RECEPTION}
    if not reception_agencies and not request.user.is_superuser:
        raise PermissionDenied(_("Chỉ bộ phận một cửa được tiếp nhận hồ sơ trực tiếp."))
    procedures = Procedure.objects.filter(is_active=True, current_version__isnull=False).order_by("name")
    if not request.user.is_superuser:
        procedures = procedures.filter(agency_id__in=reception_agencies)
    code = request.GET.get("procedure") or request.POST.get("procedure") or ""
    procedure = procedures.select_related("current_version").filter(code=code).first() if code else None
    context = {**_nav(request, "truc-tiep"), "procedures": procedures, "procedure": procedure}
    if procedure is None:
        return render(request, "workspace/in_person.html", context)
    version = procedure.current_version
    data, errors, match = {}, {}, None
    applicant_form = ApplicantForm(request.POST or None)
    if request.method == "POST":
        problems: dict = {}
        data = parse_level(version.form_fields, request.POST, drop_empty_items=True, problems=problems)
        errors = {**formschema.validate_data(version.form_fields, data, partial=False, lang="vi"), **problems}
        uploads = []
        for doc in version.documents:
            for upload in request.FILES.getlist(f"doc-{doc['code']}"):
                uploads.append((doc["code"], upload))
            if doc.get("required") and not request.FILES.getlist(f"doc-{doc['code']}"):
                errors[f"documents.{doc['code']}"] = [_("Chưa có bản quét của thành phần này.")]
        if applicant_form.is_valid() and not errors:
            try:
                with transaction.atomic():
                    citizen = citizen_for_desk(officer=request.user, **applicant_form.cleaned_data)
                    dossier = dossier_file_in_person(
                        officer=request.user,
                        applicant=citizen,
                        procedure_code=procedure.code,
                        data=data,
                        uploads=uploads,
                    )
            except AccountNeedsConfirmation as exc:
                # Show whose account it is; the officer confirms (and attaches the scans again) or corrects the data.
                match = exc.user
                applicant_form = ApplicantForm(
                    {**request.POST.dict(), f"{ApplicantForm.prefix}-confirm_account": match.pk}
                )
                applicant_form.is_valid()
                messages.warning(request, exc.message)
            except DomainError as exc:
                errors = {**exc.errors} or {"__all__": [exc.message]}
                messages.error(request, exc.message)
            else:
                messages.success(
                    request,
                    _("Đã tiếp nhận hồ sơ %(code)s, hẹn trả %(due)s.")
                    % {"code": dossier.code, "due": _moment(dossier.due_at)},
                )
                return redirect("workspace:dossier", dossier_id=dossier.pk)
    context.update(
        {
            "applicant_form": applicant_form,
            "match": match,
            "widgets": build_widgets(version.form_fields, data, errors),
            "documents": [
                {
                    "code": d["code"],
                    "name": d.get("name") or d["code"],
                    "required": d.get("required"),
                    "errors": errors.get(f"documents.{d['code']}", []),
                    "accept": ",".join(d.get("accept") or []),
                }
                for d in version.documents
            ],
            "other_errors": [m for k, msgs in errors.items() if k == "__all__" for m in msgs],
        }
    )
    return render(request, "workspace/in_person.html", context, status=400 if request.method == "POST" else 200)
