"""The procedure template editor for agency admins (mounted at /quan-tri-thu-tuc/).

Server-rendered Django formsets that work without JavaScript (`editor.js` only adds rows, removes and reorders).
Every edit goes to the procedure's draft version; publishing runs `version_problems` and lists each problem.
An agency admin sees and edits only their agencies' procedures (another agency's is a 404); superusers see all;
other signed-in users get 403 and anonymous visitors the login page.
"""

from __future__ import annotations

import json
from decimal import Decimal
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.forms import formset_factory
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from audit.services import audit_record
from citizens.models import StaffMembership
from citizens.roles import Role
from editor.forms import (
    CaseRow,
    DocumentRow,
    FeeItemRow,
    FormFieldRow,
    ImportForm,
    PaymentTimingForm,
    ProcedureForm,
    RoutingRow,
    StepRow,
    VersionSettingsForm,
    fields_initial,
    fields_spec,
)
from portal import jsonsafe
from procedures import formschema
from procedures.errors import InvalidInput
from procedures.fees import fee_items_problems
from procedures.models import Agency, Field, Procedure, ProcedureVersion, VersionStatus
from procedures.search import search_procedures
from procedures.services.catalogue import (
    procedure_export,
    procedure_import,
    version_export,
    version_problems,
    version_publish,
)
from procedures.services.versions import (
    NEW_VERSION_SPEC,
    version_diff,
    version_draft_create,
    version_draft_discard,
    version_draft_get,
    version_draft_update,
)
from procedures.text import fold

FieldFormSet = formset_factory(FormFieldRow, extra=0, can_order=True, can_delete=True)
DocumentFormSet = formset_factory(DocumentRow, extra=0, can_order=True, can_delete=True)
CaseFormSet = formset_factory(CaseRow, extra=0, can_delete=True)
FeeFormSet = formset_factory(FeeItemRow, extra=0, can_delete=True)
StepFormSet = formset_factory(StepRow, extra=0, can_order=True, can_delete=True)
RoutingFormSet = formset_factory(RoutingRow, extra=0, can_order=True, can_delete=True)

SECTIONS = [
    ("settings", gettext_lazy("Thông tin chung")),
    ("fields", gettext_lazy("Biểu mẫu")),
    ("documents", gettext_lazy("Thành phần hồ sơ")),
    ("cases", gettext_lazy("Trường hợp")),
    ("fees", gettext_lazy("Phí, lệ phí")),
    ("workflow", gettext_lazy("Quy trình, điều phối")),
]


# --- permissions ----------------------------------------------------------------------------------------------


def admin_agencies(user) -> QuerySet[Agency]:
    """The agencies whose procedures `user` may configure."""
    if user.is_superuser:
        return Agency.objects.filter(is_active=True)
    ids = StaffMembership.objects.filter(user=user, role=Role.AGENCY_ADMIN, is_active=True).values("agency_id")
    return Agency.objects.filter(pk__in=ids)


def agency_admin_required(view):
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        if not request.user.is_superuser and not admin_agencies(request.user).exists():
            raise PermissionDenied(_("Chỉ quản trị cơ quan mới cấu hình được thủ tục."))
        return view(request, *args, **kwargs)

    return wrapped


def _procedure(request: HttpRequest, code: str) -> Procedure:
    # Another agency's procedure is "not found": do not reveal what others configure.
    return get_object_or_404(
        Procedure.objects.select_related("field", "agency", "current_version").filter(
            agency__in=admin_agencies(request.user)
        ),
        code=code,
    )


def _draft_or_redirect(procedure: Procedure):
    draft = version_draft_get(procedure)
    if draft is None:
        raise Http404(_("Thủ tục chưa có bản nháp."))
    return draft


def _problems_of(exc: InvalidInput) -> list[str]:
    return [str(p) for items in (exc.errors or {}).values() for p in items] or [str(exc.message)]


# --- list, create, import ----------------------------------------------------------------------------------------


@agency_admin_required
def procedure_list(request: HttpRequest) -> HttpResponse:
    agencies = admin_agencies(request.user)
    procedures = Procedure.objects.filter(agency__in=agencies).select_related("field", "agency", "current_version")
    q = request.GET.get("q", "").strip()
    procedures = search_procedures(procedures, q) if q else procedures.order_by("name")
    drafts = set(
        ProcedureVersion.objects.filter(procedure__in=procedures, status=VersionStatus.DRAFT).values_list(
            "procedure_id", flat=True
        )
    )
    rows = [{"procedure": p, "has_draft": p.pk in drafts} for p in procedures[:300]]
    return render(
        request,
        "editor/procedure_list.html",
        {"rows": rows, "q": q, "import_form": ImportForm(agencies=agencies)},
    )


@agency_admin_required
def procedure_create(request: HttpRequest) -> HttpResponse:
    agencies = list(admin_agencies(request.user))
    form = ProcedureForm(request.POST or None, agencies=agencies, initial={"applicant_types": ["citizen"]})
    if request.method == "POST" and form.is_valid():
        if Procedure.objects.filter(code=form.cleaned_data["code"]).exists():
            form.add_error("code", _("Mã thủ tục đã tồn tại."))
        else:
            with transaction.atomic():
                procedure = _save_procedure(form, Procedure(code=form.cleaned_data["code"]))
                version_draft_create(procedure=procedure)
            messages.success(request, _("Đã tạo thủ tục; hãy soạn biểu mẫu, giấy tờ và quy trình rồi công bố."))
            return redirect("procedure_editor:edit", code=procedure.code, section="fields")
    return render(request, "editor/procedure_create.html", {"form": form})


def _save_procedure(form: ProcedureForm, procedure: Procedure) -> Procedure:
    data = form.cleaned_data
    field = data.get("field")
    if field is None:
        name = data["new_field_name"].strip()
        code = slugify(fold(name))[:50] or "linh-vuc"
        field, _created = Field.objects.get_or_create(code=code, defaults={"name": name})
    procedure.name = data["name"]
    procedure.name_en = data["name_en"]
    procedure.field = field
    procedure.agency = Agency.objects.get(identity_code=data["agency"])
    procedure.applicant_types = data["applicant_types"]
    procedure.online_level = data["online_level"]
    for attr in ("description", "description_en", "legal_basis", "result_name", "note"):
        setattr(procedure, attr, data[attr])
    procedure.save()
    return procedure


@agency_admin_required
@require_POST
def procedure_import_upload(request: HttpRequest) -> HttpResponse:
    agencies = admin_agencies(request.user)
    form = ImportForm(request.POST, request.FILES, agencies=agencies)
    if not form.is_valid():
        messages.error(request, _("Chọn tệp JSON và cơ quan."))
        return redirect("procedure_editor:list")
    try:
        template = jsonsafe.loads(form.cleaned_data["file"].read())
        code = template["code"]
        template["version"]  # noqa: B018 - a template without a version is not a template
    except (ValueError, KeyError, TypeError):  # jsonsafe.InvalidJSON is a ValueError
        messages.error(request, _("Tệp không phải mẫu thủ tục JSON hợp lệ."))
        return redirect("procedure_editor:list")
    existing = Procedure.objects.filter(code=code).select_related("agency").first()
    if existing is not None and not agencies.filter(pk=existing.agency_id).exists():
        messages.error(request, _("Mã thủ tục %(c)s thuộc cơ quan khác.") % {"c": code})
        return redirect("procedure_editor:list")
    agency = agencies.get(identity_code=form.cleaned_data["agency"])
    try:
        procedure = procedure_import(
            template=template, agency=agency, publish=False, rename_field=request.user.is_superuser
        )
    except (InvalidInput, KeyError, TypeError, ValueError) as exc:
        problems = _problems_of(exc) if isinstance(exc, InvalidInput) else [str(exc)]
        messages.error(request, _("Không nhập được mẫu: %(p)s") % {"p": "; ".join(problems)})
        return redirect("procedure_editor:list")
    messages.success(request, _("Đã nhập mẫu thành bản nháp; kiểm tra rồi công bố."))
    return redirect("procedure_editor:detail", code=procedure.code)


# --- one procedure -------------------------------------------------------------------------------------------------


@agency_admin_required
def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    procedure = _procedure(request, code)
    versions = list(procedure.versions.order_by("-number"))
    draft = next((v for v in versions if v.status == VersionStatus.DRAFT), None)
    problems = version_problems(version_export(draft), agency=procedure.agency) if draft else []
    return render(
        request,
        "editor/procedure_detail.html",
        {"procedure": procedure, "versions": versions, "draft": draft, "problems": problems},
    )


@agency_admin_required
@require_POST
def draft_create(request: HttpRequest, code: str) -> HttpResponse:
    procedure = _procedure(request, code)
    draft = version_draft_create(procedure=procedure)
    messages.success(request, _("Bản nháp phiên bản %(n)s sẵn sàng để sửa.") % {"n": draft.number})
    return redirect("procedure_editor:edit", code=code, section="settings")


@agency_admin_required
@require_POST
def draft_discard(request: HttpRequest, code: str) -> HttpResponse:
    procedure = _procedure(request, code)
    version_draft_discard(version=_draft_or_redirect(procedure))
    messages.success(request, _("Đã xoá bản nháp."))
    return redirect("procedure_editor:detail", code=code)


@agency_admin_required
@require_POST
def draft_publish(request: HttpRequest, code: str) -> HttpResponse:
    procedure = _procedure(request, code)
    draft = _draft_or_redirect(procedure)
    try:
        version_publish(version=draft)
    except InvalidInput as exc:
        messages.error(request, _("Chưa công bố được: hãy sửa các vấn đề dưới đây."))
        for problem in _problems_of(exc):
            messages.error(request, problem)
        return redirect("procedure_editor:detail", code=code)
    audit_record(action="template.publish", request=request, target=procedure, details={"version": draft.number})
    messages.success(request, _("Đã công bố phiên bản %(n)s; hồ sơ đang xử lý giữ phiên bản cũ.") % {"n": draft.number})
    return redirect("procedure_editor:detail", code=code)


def _section_context(procedure, draft, section):
    keys = [key for key, _label in SECTIONS]
    position = keys.index(section)
    return {
        "procedure": procedure,
        "draft": draft,
        "section": section,
        "section_title": dict(SECTIONS)[section],
        "next_section": keys[position + 1] if position + 1 < len(keys) else "",
        "sections": SECTIONS,
    }


@agency_admin_required
def draft_edit(request: HttpRequest, code: str, section: str) -> HttpResponse:
    procedure = _procedure(request, code)
    if section not in dict(SECTIONS):
        raise Http404
    draft = version_draft_get(procedure)
    if draft is None:
        messages.info(request, _("Phiên bản đã công bố không sửa được; hãy tạo bản nháp."))
        return redirect("procedure_editor:detail", code=code)
    spec = version_export(draft)
    handler = {
        "settings": _edit_settings,
        "fields": _edit_fields,
        "documents": _edit_documents,
        "cases": _edit_cases,
        "fees": _edit_fees,
        "workflow": _edit_workflow,
    }[section]
    context = _section_context(procedure, draft, section)
    result = handler(request, procedure, draft, spec, context)
    if isinstance(result, HttpResponse):
        return result
    context.update(result)
    return render(request, f"editor/edit_{section}.html", context)


def _saved(request, procedure, section):
    messages.success(request, _("Đã lưu bản nháp."))
    target = request.POST.get("next_section")
    url = reverse("procedure_editor:edit", kwargs={"code": procedure.code, "section": section})
    if request.POST.get("add_row"):
        return redirect(f"{url}?them=1")
    if request.POST.get("add_rule"):
        return redirect(f"{url}?them_quy_tac=1")
    if target in dict(SECTIONS):
        return redirect("procedure_editor:edit", code=procedure.code, section=target)
    return redirect("procedure_editor:edit", code=procedure.code, section=section)


def _extra(request, param: str = "them") -> int:
    try:
        return max(0, min(int(request.GET.get(param, 0)), 20))
    except ValueError:
        return 0


def _formset(cls, request, initial, prefix, *, extra_param="them", blank_row=True, **form_kwargs):
    """A bound formset on POST; else the rows of `initial`, plus one blank row for an empty required section
    (fields, documents, steps) or when the no-JavaScript "add a row" button asked for it."""
    if request.method == "POST":
        return cls(request.POST, prefix=prefix, form_kwargs=form_kwargs)
    extra = _extra(request, extra_param) or (0 if initial or not blank_row else 1)
    formset_cls = type(cls.__name__, (cls,), {"extra": extra})
    return formset_cls(initial=initial, prefix=prefix, form_kwargs=form_kwargs)


def _kept(formset) -> list:
    if getattr(formset, "can_order", False):
        return list(formset.ordered_forms)
    return [f for f in formset.forms if f.has_changed() and not (formset.can_delete and formset._should_delete_form(f))]


def _edit_settings(request, procedure, draft, spec, context):
    agencies = list(admin_agencies(request.user))
    procedure_initial = {
        "code": procedure.code,
        "name": procedure.name,
        "name_en": procedure.name_en,
        "field": procedure.field_id,
        "agency": procedure.agency.identity_code,
        "applicant_types": procedure.applicant_types,
        "online_level": procedure.online_level,
        "description": procedure.description,
        "description_en": procedure.description_en,
        "legal_basis": procedure.legal_basis,
        "result_name": procedure.result_name,
        "note": procedure.note,
    }
    data = request.POST if request.method == "POST" else None
    procedure_form = ProcedureForm(data, initial=procedure_initial, agencies=agencies, code_editable=False, prefix="p")
    settings_form = VersionSettingsForm(data, initial=VersionSettingsForm.initial_from(spec), prefix="v")
    if data is not None and procedure_form.is_valid() and settings_form.is_valid():
        with transaction.atomic():
            _save_procedure(procedure_form, procedure)
            version_draft_update(version=draft, changes=settings_form.to_spec())
        return _saved(request, procedure, "settings")
    return {"procedure_form": procedure_form, "settings_form": settings_form}


def _edit_fields(request, procedure, draft, spec, context):
    formset = _formset(FieldFormSet, request, fields_initial(spec["fields"]), "f")
    problems = []
    if request.method == "POST" and formset.is_valid():
        rows = _kept(formset)
        fields, row_errors = fields_spec(rows)
        for row, message in row_errors:
            row.add_error("parent", message)
        keys = [r.cleaned_data["key"] for r in rows]
        for row in rows:
            if keys.count(row.cleaned_data["key"]) > 1 and not row.cleaned_data.get("parent"):
                row.add_error("key", _("Khoá bị trùng."))
        if not row_errors and all(not r.errors for r in rows):
            version_draft_update(version=draft, changes={"fields": fields})
            # Show definition problems (conditions on later fields, missing options) right away, not at publish.
            for problem in formschema.validate_definition(fields):
                messages.warning(request, problem)
            return _saved(request, procedure, "fields")
    return {"formset": formset, "problems": problems, "type_help": True}


def _edit_documents(request, procedure, draft, spec, context):
    formset = _formset(DocumentFormSet, request, [DocumentRow.initial_from(d) for d in spec["documents"]], "d")
    if request.method == "POST" and formset.is_valid():
        version_draft_update(version=draft, changes={"documents": [f.to_spec() for f in _kept(formset)]})
        return _saved(request, procedure, "documents")
    return {"formset": formset}


def _edit_cases(request, procedure, draft, spec, context):
    formset = _formset(CaseFormSet, request, [CaseRow.initial_from(c) for c in spec["cases"]], "c", blank_row=False)
    if request.method == "POST" and formset.is_valid():
        version_draft_update(version=draft, changes={"cases": [f.to_spec() for f in _kept(formset)]})
        return _saved(request, procedure, "cases")
    return {"formset": formset}


def _edit_fees(request, procedure, draft, spec, context):
    formset = _formset(
        FeeFormSet, request, [FeeItemRow.initial_from(i) for i in spec["fee_items"]], "fe", blank_row=False
    )
    data = request.POST if request.method == "POST" else None
    timing = PaymentTimingForm(data, initial={"payment_timing": spec["payment_timing"]}, prefix="t")
    if data is not None and formset.is_valid() and timing.is_valid():
        items = [f.to_spec() for f in _kept(formset)]
        version_draft_update(
            version=draft, changes={"fee_items": items, "payment_timing": timing.cleaned_data["payment_timing"]}
        )
        # Show problems (a field that does not exist, an unknown case) now rather than at publish time.
        case_codes = {c.get("code") for c in spec["cases"]}
        for problem in fee_items_problems(items, field_keys=_field_keys(spec["fields"]), case_codes=case_codes):
            messages.warning(request, problem)
        return _saved(request, procedure, "fees")
    return {"formset": formset, "timing_form": timing}


def _field_keys(fields) -> set[str]:
    return {f.get("key") for f in fields} | {s.get("key") for f in fields for s in f.get("fields") or []}


def _edit_workflow(request, procedure, draft, spec, context):
    departments = list(procedure.agency.departments.order_by("name"))
    steps = _formset(
        StepFormSet, request, [StepRow.initial_from(s) for s in spec["steps"]], "s", departments=departments
    )
    rules = _formset(
        RoutingFormSet,
        request,
        [RoutingRow.initial_from(r) for r in spec["routing_rules"]],
        "r",
        extra_param="them_quy_tac",
        blank_row=False,
        departments=departments,
    )
    if request.method == "POST" and steps.is_valid() and rules.is_valid():
        version_draft_update(
            version=draft,
            changes={
                "steps": [f.to_spec() for f in _kept(steps)],
                "routing_rules": [f.to_spec() for f in _kept(rules)],
            },
        )
        return _saved(request, procedure, "workflow")
    total = sum(Decimal(s["allotted_days"]) for s in spec["steps"])
    return {"steps_formset": steps, "rules_formset": rules, "total_days": total, "time_limit": spec["time_limit"]}


# --- versions: view, diff, export ----------------------------------------------------------------------------


@agency_admin_required
def version_detail(request: HttpRequest, code: str, number: int) -> HttpResponse:
    procedure = _procedure(request, code)
    version = get_object_or_404(procedure.versions, number=number)
    spec = version_export(version)
    return render(
        request,
        "editor/version_detail.html",
        {
            "procedure": procedure,
            "version": version,
            "spec": spec,
            "field_rows": fields_initial(spec["fields"]),
            "json": json.dumps(spec, ensure_ascii=False, indent=2),
            "others": procedure.versions.exclude(pk=version.pk).order_by("-number"),
        },
    )


@agency_admin_required
def version_compare(request: HttpRequest, code: str) -> HttpResponse:
    procedure = _procedure(request, code)
    versions = list(procedure.versions.order_by("-number"))
    if len(versions) < 2:
        messages.info(request, _("Cần ít nhất hai phiên bản để so sánh."))
        return redirect("procedure_editor:detail", code=code)
    by_number = {v.number: v for v in versions}
    try:
        new = by_number[int(request.GET.get("moi") or versions[0].number)]
        old = by_number[int(request.GET.get("cu") or versions[1].number)]
    except (KeyError, ValueError) as exc:
        raise Http404 from exc
    return render(
        request,
        "editor/version_diff.html",
        {"procedure": procedure, "versions": versions, "old": old, "new": new, "diff": version_diff(old, new)},
    )


@agency_admin_required
def procedure_download(request: HttpRequest, code: str) -> HttpResponse:
    procedure = _procedure(request, code)
    number = request.GET.get("phien-ban")
    version = None
    if number:
        try:
            version = procedure.versions.get(number=int(number))
        except (ValueError, ProcedureVersion.DoesNotExist) as exc:
            raise Http404 from exc
    document = procedure_export(procedure, version)
    if document["version"] is None:
        document["version"] = dict(NEW_VERSION_SPEC)
    body = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    suffix = f"-v{version.number}" if version else ""
    response["Content-Disposition"] = f'attachment; filename="thu-tuc-{procedure.code}{suffix}.json"'
    return response
