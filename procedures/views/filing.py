"""Server-rendered filing: a version's form as HTML, the draft, its documents, and submission.

Works without JavaScript (address communes refresh and group items are added with plain submit buttons); the
portal's small script only hides fields whose `visible_if` condition does not hold and refreshes communes in place.
Validation is `procedures.formschema`'s, the writes are the services' — this module only translates HTML forms.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from procedures import formschema, hooks
from procedures.display import (
    localized,
    money_display,
    time_limit_display,
)
from procedures.enums import EDITABLE
from procedures.errors import DomainError, InvalidInput, NotFound
from procedures.fees import fee_breakdown
from procedures.formschema.html import (
    build_widgets,
    edit_groups,
    error_summary,
    parse_level,
    text_in,
    ui_lang,
    well_formed,
)
from procedures.models import DocumentKind, Status
from procedures.selectors import dossier_detail_for, procedure_get
from procedures.services.documents import document_delete, document_upload
from procedures.services.dossiers import dossier_create, dossier_update_data
from procedures.vocabulary import COPY_TYPE_LABELS, accept_attribute, mime_display

# --- supplement scope and autosave --------------------------------------------------------------------------------


def supplement_scope(dossier) -> tuple[set[str], set[str]] | None:
    """The fields and documents the open supplement request names, or None when it names neither (then the
    applicant may change anything, as the services allow)."""
    if dossier is None or dossier.status != Status.SUPPLEMENT_REQUESTED:
        return None
    event = next(
        (
            e
            for e in sorted(dossier.events.all(), key=lambda e: (e.at, e.id), reverse=True)
            if e.action == "request_supplement"
        ),
        None,
    )
    payload = (event.payload or {}) if event else {}
    fields = {str(k) for k in payload.get("fields") or []}
    documents = {str(c) for c in payload.get("documents") or []}
    return (fields, documents) if fields or documents else None


def _scoped_fields(form_fields: Any, scope: tuple[set[str], set[str]] | None) -> list[Mapping]:
    """Only the fields a supplement request named, shown unconditionally (the officer asked for them)."""
    if scope is None:
        return list(form_fields or [])
    return [{**f, "visible_if": None} for f in well_formed(form_fields) if f["key"] in scope[0]]


def _autosave_response(dossier, errors: Mapping[str, list[str]]) -> JsonResponse:
    return JsonResponse(
        {
            "id": str(dossier.pk),
            "version": dossier.version,
            "edit_url": reverse("dossier-edit", kwargs={"dossier_id": dossier.pk}),
            "skipped": sorted(errors),
            "saved_at": dossier.updated_at.isoformat(),
        }
    )


def _without_invalid(data: dict, errors: Mapping[str, list[str]]) -> dict:
    """Autosave keeps what is valid so far: answers with a problem (half-typed) wait for the next save."""
    bad = {path.split(".", 1)[0] for path in errors}
    return {k: v for k, v in data.items() if k not in bad}


# --- pages -------------------------------------------------------------------------------------------------------


def _form_context(
    version, data, errors, *, case_code: str = "", cases_editable: bool = True, fields: Any = None
) -> dict:
    lang = ui_lang()
    widgets = build_widgets(version.form_fields if fields is None else fields, data, errors)
    cases = [
        {
            "code": case.get("code", ""),
            "name": text_in(case, "name", lang),
            "fee": money_display(fee_breakdown(version=version, case_code=case.get("code", "")).total),
            "time_limit": time_limit_display(
                case["time_limit"].get("value"),
                case["time_limit"].get("unit", "working_days"),
                case["time_limit"].get("same_day_cutoff"),
                short=True,
            )
            if isinstance(case.get("time_limit"), Mapping)
            else "",
        }
        for case in version.cases
        if isinstance(case, Mapping)
    ]
    return {
        "widgets": widgets,
        "error_summary": error_summary(widgets, errors),
        "cases": cases,
        "case_code": case_code,
        "cases_editable": cases_editable,
    }


def _wants_save(post: QueryDict) -> bool:
    return "_save" in post or "_continue" in post


@login_required
def dossier_file(request: HttpRequest, code: str) -> HttpResponse:
    """Step 1 of filing: the procedure's form; saving creates the draft, continuing goes on to the documents."""
    procedure = procedure_get(code=code)
    if procedure is None:
        raise Http404
    version = procedure.current_version
    data: dict = {}
    errors: dict[str, list[str]] = {}
    case_code = ""
    if request.method == "POST":
        case_code = request.POST.get("_case", "")
        saving = _wants_save(request.POST)
        problems: dict[str, list[str]] = {}
        autosave = "_autosave" in request.POST
        data = parse_level(version.form_fields, request.POST, drop_empty_items=saving or autosave, problems=problems)
        if autosave:
            found = {
                **formschema.validate_data(version.form_fields, data, partial=True, lang=ui_lang()),
                **problems,
            }
            try:
                dossier = dossier_create(
                    applicant=request.user,
                    procedure_code=procedure.code,
                    data=_without_invalid(data, found),
                    case_code=case_code,
                )
            except DomainError as exc:
                return JsonResponse({"detail": exc.message, "errors": exc.errors}, status=400)
            return _autosave_response(dossier, found)
        if saving:
            partial = "_continue" not in request.POST
            errors = {
                **formschema.validate_data(version.form_fields, data, partial=partial, lang=ui_lang()),
                **problems,
            }
            if not errors:
                try:
                    dossier = dossier_create(
                        applicant=request.user, procedure_code=procedure.code, data=data, case_code=case_code
                    )
                except DomainError as exc:
                    errors = exc.errors or {"data": [exc.message]}
                else:
                    messages.success(request, _("Đã lưu hồ sơ nháp."))
                    target = "dossier-documents" if "_continue" in request.POST else "dossier-detail"
                    return redirect(target, dossier_id=dossier.pk)
        else:
            edit_groups(version.form_fields, data, request.POST)
    context = {
        "procedure": procedure,
        "procedure_name": localized(procedure),
        "dossier": None,
        "autosave": True,
        **_form_context(version, data, errors, case_code=case_code),
    }
    return render(request, "procedures/filing_form.html", context)


def _own_editable(request: HttpRequest, dossier_id: UUID):
    dossier = dossier_detail_for(user=request.user, dossier_id=dossier_id)
    if dossier is None or dossier.applicant_id != request.user.pk:
        raise Http404
    return dossier


def _autosave(request: HttpRequest, dossier, data: dict, problems: dict) -> JsonResponse:
    """A draft's background save (portal.js posts the form every few seconds after a change)."""
    if dossier.status != Status.DRAFT:
        return JsonResponse({"detail": _("Chỉ hồ sơ nháp được tự động lưu.")}, status=409)
    version = dossier.procedure_version
    merged = {**dossier.data, **data}
    found = {**formschema.validate_data(version.form_fields, merged, partial=True, lang=ui_lang()), **problems}
    valid = _without_invalid(data, found)
    changed = {
        k: v for k, v in formschema.clean_data(version.form_fields, {**dossier.data, **valid}).items() if k in valid
    }
    changed = {k: v for k, v in changed.items() if dossier.data.get(k) != v}
    try:
        version_number = int(request.POST.get("version", ""))
    except ValueError:
        version_number = None
    try:
        if changed:
            dossier = dossier_update_data(
                dossier_id=dossier.pk, actor=request.user, data=changed, version=version_number
            )
    except DomainError as exc:
        return JsonResponse({"detail": exc.message, "errors": exc.errors}, status=exc.status_code)
    return _autosave_response(dossier, found)


@never_cache  # Back after submitting reloads, and a submitted dossier redirects to its detail page
@login_required
def dossier_edit(request: HttpRequest, dossier_id: UUID) -> HttpResponse:
    """Change the answers of a draft (or of a dossier sent back for supplement)."""
    dossier = _own_editable(request, dossier_id)
    if dossier.status not in EDITABLE:
        messages.info(request, _("Hồ sơ đã nộp không thể sửa thông tin."))
        return redirect("dossier-detail", dossier_id=dossier.pk)
    version = dossier.procedure_version
    scope = supplement_scope(dossier)
    form_fields = _scoped_fields(version.form_fields, scope)
    data: dict = dict(dossier.data)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        saving = _wants_save(request.POST)
        problems: dict[str, list[str]] = {}
        autosave = "_autosave" in request.POST
        data = parse_level(form_fields, request.POST, drop_empty_items=saving or autosave, problems=problems)
        if autosave:
            return _autosave(request, dossier, data, problems)
        if saving:
            merged = {**dossier.data, **data}
            partial = dossier.status == Status.DRAFT and "_continue" not in request.POST
            found = formschema.validate_data(version.form_fields, merged, partial=partial, lang=ui_lang())
            errors = {**found, **problems}
            if not errors:
                cleaned = formschema.clean_data(version.form_fields, merged)
                # Only what really changed: a supplement request may allow only some fields to change.
                changed = {k: v for k, v in data.items() if cleaned.get(k) != dossier.data.get(k)}
                try:
                    version_number = int(request.POST.get("version", ""))
                except ValueError:
                    version_number = None
                try:
                    if changed:
                        dossier_update_data(
                            dossier_id=dossier.pk, actor=request.user, data=changed, version=version_number
                        )
                except NotFound:
                    raise Http404
                except DomainError as exc:
                    errors = exc.errors or {"data": [exc.message]}
                    if not exc.errors:
                        messages.error(request, exc.message)
                else:
                    messages.success(request, _("Đã lưu thông tin hồ sơ."))
                    target = "dossier-documents" if "_continue" in request.POST else "dossier-detail"
                    return redirect(target, dossier_id=dossier.pk)
        else:
            edit_groups(form_fields, data, request.POST)
    context = {
        "procedure": dossier.procedure,
        "procedure_name": localized(dossier.procedure),
        "dossier": dossier,
        "scoped": scope is not None,
        "autosave": dossier.status == Status.DRAFT,
        **_form_context(version, data, errors, case_code=dossier.case_code, cases_editable=False, fields=form_fields),
    }
    return render(request, "procedures/filing_form.html", context)


def _attach_offered(request: HttpRequest, dossier):
    """Attach the offered document the applicant picked ("<field>:<value>", see hooks.document_offers)."""
    field, _sep, value = request.POST.get("offer", "").partition(":")
    source = next((hook for hook in hooks.document_sources() if hook.name == field), None)
    if source is None or not value:
        raise InvalidInput(_("Hãy chọn một giấy tờ đã có."))
    return source.run(
        dossier_id=dossier.pk, actor=request.user, requirement=request.POST.get("requirement", ""), value=value
    )


@never_cache  # Back after submitting reloads, and a submitted dossier redirects to its detail page
@login_required
def dossier_documents(request: HttpRequest, dossier_id: UUID) -> HttpResponse:
    """Step 2 of filing: attach a file to each required document, then submit (or send the supplement)."""
    dossier = _own_editable(request, dossier_id)
    if dossier.status not in EDITABLE:
        messages.info(request, _("Hồ sơ đã nộp; giấy tờ không thể thay đổi."))
        return redirect("dossier-detail", dossier_id=dossier.pk)
    if request.method == "POST":
        try:
            if request.POST.get("_op") == "delete":
                document_delete(dossier_id=dossier.pk, document_id=request.POST.get("document", ""), actor=request.user)
                messages.success(request, _("Đã xoá tệp."))
            elif request.POST.get("_op") == "reuse":
                document = _attach_offered(request, dossier)
                messages.success(request, _("Đã dùng giấy tờ đã có: %(name)s.") % {"name": document.name})
            else:
                document = document_upload(
                    dossier_id=dossier.pk,
                    actor=request.user,
                    requirement=request.POST.get("requirement", ""),
                    upload=request.FILES.get("file"),
                )
                messages.success(request, _("Đã tải lên: %(name)s.") % {"name": document.name})
        except NotFound:
            raise Http404
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("dossier-documents", dossier_id=dossier.pk)

    version = dossier.procedure_version
    scope = supplement_scope(dossier)
    files = [d for d in dossier.documents.all() if d.kind == DocumentKind.INPUT]
    # Documents of the applicant's store that answer a requirement, offered instead of a new upload.
    offers = hooks.document_offers(user=request.user, requirements=list(version.documents))
    requirements = []
    for spec in version.documents:
        if scope is not None and spec.get("code") not in scope[1]:
            continue  # a supplement names what to add; the rest stays as filed
        attached = [d for d in files if d.requirement == spec.get("code")]
        requirements.append(
            {
                "code": spec.get("code"),
                "name": localized(spec),
                "copy_type": COPY_TYPE_LABELS.get(spec.get("copy_type"), spec.get("copy_type", "")),
                "required": bool(spec.get("required")),
                "accept": mime_display(spec.get("accept")),
                "accept_attr": accept_attribute(spec.get("accept") or []),
                "max_bytes": spec.get("max_bytes"),
                "files": attached,
                "missing": bool(spec.get("required")) and not attached,
                "offers": offers.get(spec.get("code"), []),
            }
        )
    context = {
        "dossier": dossier,
        "procedure_name": localized(dossier.procedure),
        "requirements": requirements,
        "missing": sum(1 for r in requirements if r["missing"]),
        "submit_action": "submit" if dossier.status == Status.DRAFT else "supplement",
        "scoped": scope is not None,
        "scoped_fields": bool(scope and scope[0]),
    }
    return render(request, "procedures/filing_documents.html", context)
