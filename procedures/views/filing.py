"""Server-rendered filing: a version's form as HTML, the draft, its documents, and submission.

Works without JavaScript (address communes refresh and group items are added with plain submit buttons); the
portal's small script only hides fields whose `visible_if` condition does not hold and refreshes communes in place.
Validation is `procedures.formschema`'s, the writes are the services' — this module only translates HTML forms.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import date
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from procedures import formschema, units
from procedures.errors import DomainError, NotFound
from procedures.models import DocumentKind, Status
from procedures.selectors import dossier_detail_for, procedure_get
from procedures.services.documents import document_delete, document_upload
from procedures.services.dossiers import EDITABLE_STATUSES, dossier_create, dossier_update_data
from procedures.views.common import (
    COPY_TYPE_LABELS,
    accept_display,
    is_english,
    localized,
    money_display,
    time_limit_display,
)

MAX_GROUP_ITEMS = 50
DMY_RE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
ISO_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
ADDRESS_PARTS = ("province", "commune", "street")
ACCEPT_EXTENSIONS = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg,.jpeg",
    "image/png": ".png",
    "image/tiff": ".tif,.tiff",
}


def _accept_attr(mime_types: list[str]) -> str:
    """The file input's `accept`: the MIME types plus their extensions (some phones only honour extensions)."""
    return ",".join([*mime_types, *(ACCEPT_EXTENSIONS[m] for m in mime_types if m in ACCEPT_EXTENSIONS)])


def _lang() -> str:
    return "en" if is_english() else "vi"


def _fields(fields: Any) -> list[Mapping]:
    return [f for f in fields or [] if isinstance(f, Mapping) and isinstance(f.get("key"), str)]


def _text(spec: Mapping, attr: str, lang: str) -> str:
    if lang == "en" and spec.get(f"{attr}_en"):
        return str(spec[f"{attr}_en"])
    return str(spec.get(attr) or "")


# --- POST -> data ---------------------------------------------------------------------------------------------


def _is_blank(value: Any) -> bool:
    if value is None or value is False or value == "" or value == [] or value == {}:
        return True
    if isinstance(value, dict):
        return all(_is_blank(v) for v in value.values())
    return False


def parse_date(raw: str) -> str | None:
    """dd/mm/yyyy (also with "." or "-", and ISO yyyy-mm-dd) to ISO; None when it is not a real date."""
    match = DMY_RE.fullmatch(raw)
    try:
        if match:
            day, month, year = (int(part) for part in match.groups())
            return date(year, month, day).isoformat()
        if ISO_RE.fullmatch(raw):
            return date.fromisoformat(raw).isoformat()
    except ValueError:
        return None
    return None


def parse_level(
    fields: Any,
    post: QueryDict,
    prefix: str = "",
    *,
    drop_empty_items: bool = False,
    problems: dict[str, list[str]] | None = None,
) -> dict:
    """The data a level of the form posted, typed the way the API sends it (strings, booleans, lists, dicts).

    Dates are typed as dd/mm/yyyy and stored as ISO; one that cannot be read is kept as typed and reported in
    `problems` (by field name) so the page can say how to write it."""
    problems = problems if problems is not None else {}
    data: dict[str, Any] = {}
    for field in _fields(fields):
        kind, name = field.get("type"), prefix + field["key"]
        if kind == "heading":
            continue
        if kind == "checkbox":
            data[field["key"]] = name in post
        elif kind == "multiselect":
            data[field["key"]] = [v for v in post.getlist(name) if v != ""]
        elif kind == "address":
            parts = {part: post.get(f"{name}.{part}", "").strip() for part in ADDRESS_PARTS}
            data[field["key"]] = parts if any(parts.values()) else None
        elif kind == "group":
            try:
                count = min(max(int(post.get(f"{name}.count", "0")), 0), MAX_GROUP_ITEMS)
            except ValueError:
                count = 0
            items = [parse_level(field.get("fields"), post, f"{name}.{i}.", problems=problems) for i in range(count)]
            data[field["key"]] = [i for i in items if not _is_blank(i)] if drop_empty_items else items
        elif kind == "date":
            raw = post.get(name, "").strip()
            parsed = parse_date(raw) if raw else None
            if raw and parsed is None:
                problems[name] = [_("Ngày không hợp lệ: hãy nhập theo dạng ngày/tháng/năm, ví dụ 02/05/2026.")]
            data[field["key"]] = parsed or raw or None
        else:
            value = post.get(name, "").strip()
            data[field["key"]] = value or None
    return data


def _edit_groups(fields: Any, data: dict, post: QueryDict) -> None:
    """Apply "add an item" / "remove item i" buttons to the posted data (groups live at the top level only)."""
    add, remove = post.get("_add", ""), post.get("_remove", "")
    for field in _fields(fields):
        if field.get("type") != "group":
            continue
        items = data.setdefault(field["key"], [])
        if add == field["key"] and len(items) < MAX_GROUP_ITEMS:
            items.append({})
        if remove.startswith(field["key"] + "."):
            try:
                del items[int(remove.rsplit(".", 1)[1])]
            except (ValueError, IndexError):
                pass


# --- data -> widgets ----------------------------------------------------------------------------------------------


def _option_list(field: Mapping, chosen: Any, lang: str) -> list[dict]:
    if isinstance(chosen, list):
        chosen_values = {str(v) for v in chosen}
    else:
        chosen_values = {str(chosen)} if chosen is not None else set()
    return [
        {"value": str(o["value"]), "label": _text(o, "label", lang), "selected": str(o["value"]) in chosen_values}
        for o in field.get("options") or []
        if isinstance(o, Mapping) and "value" in o
    ]


def _condition(field: Mapping, level: list[Mapping], prefix: str, lang: str) -> dict | None:
    condition = field.get("visible_if")
    if not isinstance(condition, Mapping) or "field" not in condition:
        return None
    target = next((f for f in level if f["key"] == condition["field"]), None)
    equals = condition.get("equals")
    shown = equals
    if target is not None and target.get("type") in ("select", "multiselect"):
        shown = next((_text(o, "label", lang) for o in target.get("options") or [] if o.get("value") == equals), equals)
    elif isinstance(equals, bool):
        shown = _("được chọn") if equals else _("không được chọn")
    return {
        "name": prefix + str(condition["field"]),
        "equals": json.dumps(equals, ensure_ascii=False),
        "label": _text(target, "label", lang) if target else condition["field"],
        "value_label": shown,
    }


def _checks(field: Mapping, kind: Any, label: str, lang: str) -> str:
    """The checks portal.js may run before the server does, with the server's own messages (formschema's), so the
    inline message and the one after submitting read the same. The server stays the authority."""
    if kind not in ("text", "textarea", "email", "phone", "national_id", "number", "date", "select"):
        return ""
    checks: dict[str, Any] = {}
    if field.get("required") is True:
        checks["required"] = f"{label}: {formschema._m_required().text(lang)}"
    if kind in ("text", "textarea", "email", "phone") and isinstance(field.get("pattern"), str):
        checks["pattern"] = [field["pattern"], f"{label}: {formschema._m_pattern().text(lang)}"]
    if kind == "number":
        for bound, message in (("min", formschema._m_min_value), ("max", formschema._m_max_value)):
            if isinstance(field.get(bound), int | float) and not isinstance(field.get(bound), bool):
                checks[bound] = [field[bound], f"{label}: {message(field[bound]).text(lang)}"]
    if kind == "national_id":
        checks["digits"] = [
            12,
            label
            + ": "
            + (
                "a personal identification number has exactly 12 digits."
                if lang == "en"
                else "số định danh cá nhân phải gồm đúng 12 chữ số."
            ),
        ]
    return json.dumps(checks, ensure_ascii=False) if checks else ""


def build_widgets(fields: Any, data: Mapping, errors: Mapping[str, list[str]], prefix: str = "") -> list[dict]:
    """What the template needs for each field of a level: name, id, label, help, value(s), options, errors."""
    lang = _lang()
    level = _fields(fields)
    widgets = []
    for field in level:
        kind, key = field.get("type"), field["key"]
        name = prefix + key
        value = data.get(key) if isinstance(data, Mapping) else None
        widget: dict[str, Any] = {
            "type": kind,
            "name": name,
            "id": "f-" + name,
            "label": _text(field, "label", lang),
            "help": _text(field, "help", lang),
            "required": bool(field.get("required")) and kind != "heading",
            "errors": list(errors.get(name, [])),
            "visible_if": _condition(field, level, prefix, lang),
        }
        widget["checks"] = _checks(field, kind, widget["label"], lang)
        if kind in ("text", "textarea", "email", "phone", "national_id", "number", "date"):
            widget["value"] = "" if value is None else str(value)
            if kind == "date" and isinstance(value, str) and ISO_RE.fullmatch(value):
                widget["value"] = f"{value[8:10]}/{value[5:7]}/{value[0:4]}"
            widget["maxlength"] = field.get("max") if kind in ("text", "textarea") else None
            widget["pattern"] = field.get("pattern") if kind in ("text", "textarea", "email", "phone") else None
            if kind == "number":
                widget["min"], widget["max"] = field.get("min"), field.get("max")
        elif kind in ("select", "multiselect"):
            widget["options"] = _option_list(field, value, lang)
        elif kind == "checkbox":
            widget["checked"] = value is True or str(value).lower() in ("true", "on", "1")
        elif kind == "address":
            value = value if isinstance(value, Mapping) else {}
            province = str(value.get("province") or "")
            widget.update(
                province=province,
                commune=str(value.get("commune") or ""),
                street=str(value.get("street") or ""),
                provinces=units.provinces(),
                communes=units.communes(province) if units.is_valid_province(province) else [],
            )
            for part in ADDRESS_PARTS:
                widget["errors"] += errors.get(f"{name}.{part}", [])
        elif kind == "group":
            items = value if isinstance(value, list) else []
            widget["items"] = [
                {
                    "index": index,
                    "number": index + 1,
                    "name": f"{name}.{index}",
                    "widgets": build_widgets(
                        field.get("fields"), item if isinstance(item, Mapping) else {}, errors, f"{name}.{index}."
                    ),
                    "errors": list(errors.get(f"{name}.{index}", [])),
                }
                for index, item in enumerate(items)
            ]
            widget["count"] = len(items)
            widget["can_add"] = len(items) < min(field.get("max") or MAX_GROUP_ITEMS, MAX_GROUP_ITEMS)
        widgets.append(widget)
    return widgets


def _claimed(widgets: list[dict]) -> set[str]:
    names = set()
    for widget in widgets:
        names.add(widget["name"])
        if widget["type"] == "address":
            names.update(f"{widget['name']}.{part}" for part in ADDRESS_PARTS)
        for item in widget.get("items", []):
            names.add(item["name"])
            names |= _claimed(item["widgets"])
    return names


def _summary(widgets: list[dict], errors: Mapping[str, list[str]]) -> list[dict]:
    """The error summary at the top of the form: each message linked to its field (unplaced ones unlinked)."""
    claimed = _claimed(widgets)
    rows = []
    for path, problems in errors.items():
        anchor = path if path in claimed else path.rsplit(".", 1)[0] if path.rsplit(".", 1)[0] in claimed else ""
        rows += [{"href": f"#f-{anchor}" if anchor else "", "message": message} for message in problems]
    return rows


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
    return [{**f, "visible_if": None} for f in _fields(form_fields) if f["key"] in scope[0]]


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
    lang = _lang()
    widgets = build_widgets(version.form_fields if fields is None else fields, data, errors)
    cases = [
        {
            "code": case.get("code", ""),
            "name": _text(case, "name", lang),
            "fee": money_display(case["fee"]) if case.get("fee") is not None else "",
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
        "error_summary": _summary(widgets, errors),
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
            found = {**formschema.validate_data(version.form_fields, data, partial=True, lang=_lang()), **problems}
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
            errors = {**formschema.validate_data(version.form_fields, data, partial=partial, lang=_lang()), **problems}
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
            _edit_groups(version.form_fields, data, request.POST)
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
    found = {**formschema.validate_data(version.form_fields, merged, partial=True, lang=_lang()), **problems}
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
    if dossier.status not in EDITABLE_STATUSES:
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
            found = formschema.validate_data(version.form_fields, merged, partial=partial, lang=_lang())
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
            _edit_groups(form_fields, data, request.POST)
    context = {
        "procedure": dossier.procedure,
        "procedure_name": localized(dossier.procedure),
        "dossier": dossier,
        "scoped": scope is not None,
        "autosave": dossier.status == Status.DRAFT,
        **_form_context(version, data, errors, case_code=dossier.case_code, cases_editable=False, fields=form_fields),
    }
    return render(request, "procedures/filing_form.html", context)


@never_cache  # Back after submitting reloads, and a submitted dossier redirects to its detail page
@login_required
def dossier_documents(request: HttpRequest, dossier_id: UUID) -> HttpResponse:
    """Step 2 of filing: attach a file to each required document, then submit (or send the supplement)."""
    dossier = _own_editable(request, dossier_id)
    if dossier.status not in EDITABLE_STATUSES:
        messages.info(request, _("Hồ sơ đã nộp; giấy tờ không thể thay đổi."))
        return redirect("dossier-detail", dossier_id=dossier.pk)
    if request.method == "POST":
        try:
            if request.POST.get("_op") == "delete":
                document_delete(dossier_id=dossier.pk, document_id=request.POST.get("document", ""), actor=request.user)
                messages.success(request, _("Đã xoá tệp."))
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
                "accept": accept_display(spec.get("accept")),
                "accept_attr": _accept_attr(spec.get("accept") or []),
                "max_bytes": spec.get("max_bytes"),
                "files": attached,
                "missing": bool(spec.get("required")) and not attached,
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
