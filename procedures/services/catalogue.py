"""Writes on the catalogue: procedure templates (JSON round-trip), versions and their publication."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, time
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from citizens.models import StaffMembership
from citizens.roles import HANDLING_ROLES
from procedures import formschema
from procedures.deadlines import TimeUnit
from procedures.errors import InvalidInput
from procedures.fees import TIMINGS, base_fee, fee_items_problems
from procedures.models import Agency, Field, OnlineLevel, Procedure, ProcedureStep, ProcedureVersion, VersionStatus
from procedures.vocabulary import COPY_TYPES


def version_problems(version_spec: Mapping[str, Any], *, agency: Agency | None = None) -> list[str]:
    """Every reason a version may not be published, each naming the problem (empty list: publishable)."""
    problems = list(formschema.validate_definition(version_spec.get("fields") or []))
    limit = version_spec.get("time_limit") or {}
    try:
        limit_value = Decimal(str(limit.get("value")))
    except (InvalidOperation, TypeError):
        problems.append(_("Thời hạn giải quyết không hợp lệ."))
        limit_value = None
    if limit.get("unit", TimeUnit.WORKING_DAYS) not in TimeUnit.__members__.values():
        problems.append(_("Đơn vị thời hạn không hợp lệ: %(u)s.") % {"u": limit.get("unit")})
    steps = version_spec.get("steps") or []
    if not steps:
        problems.append(_("Quy trình phải có ít nhất một bước."))
    total = Decimal(0)
    for index, step in enumerate(steps, start=1):
        if step.get("role") not in HANDLING_ROLES:
            problems.append(_("Bước %(i)s: vai trò không hợp lệ (%(r)s).") % {"i": index, "r": step.get("role")})
        try:
            total += Decimal(str(step.get("allotted_days")))
        except (InvalidOperation, TypeError):
            problems.append(_("Bước %(i)s: số ngày không hợp lệ.") % {"i": index})
        if agency is not None:
            if not agency.departments.filter(code=step.get("department")).exists():
                problems.append(
                    _("Bước %(i)s: cơ quan không có phòng ban '%(d)s'.") % {"i": index, "d": step.get("department")}
                )
            elif (
                step.get("role") in HANDLING_ROLES
                and not StaffMembership.objects.filter(agency=agency, role=step.get("role"), is_active=True).exists()
            ):
                problems.append(
                    _("Bước %(i)s: cơ quan chưa có cán bộ vai trò '%(r)s'.") % {"i": index, "r": step["role"]}
                )
    problems.extend(
        fee_items_problems(
            version_spec.get("fee_items"),
            field_keys=_all_field_keys(version_spec.get("fields") or []),
            case_codes={c.get("code") for c in version_spec.get("cases") or [] if isinstance(c, Mapping)},
        )
    )
    if version_spec.get("payment_timing", "after_appraisal") not in TIMINGS:
        problems.append(_("Thời điểm thanh toán không hợp lệ."))
    if limit_value is not None:
        # A within-the-day procedure (value 0) may allot fractions of its one day.
        ceiling = limit_value if limit_value > 0 else Decimal(1)
        if total > ceiling:
            problems.append(
                _("Tổng số ngày của các bước (%(t)s) vượt thời hạn giải quyết (%(l)s).") % {"t": total, "l": ceiling}
            )
    for index, step in enumerate(steps, start=1):
        if not str(step.get("name") or "").strip():
            problems.append(_("Bước %(i)s: chưa có tên bước.") % {"i": index})
    cutoff = limit.get("same_day_cutoff")
    if cutoff:
        try:
            time.fromisoformat(str(cutoff))
        except ValueError:
            problems.append(_("Giờ chốt trong ngày không hợp lệ: %(c)s.") % {"c": cutoff})
    problems += _document_problems(version_spec.get("documents") or [])
    problems += _case_problems(version_spec.get("cases") or [])
    problems += _routing_problems(version_spec.get("routing_rules") or [], version_spec, agency=agency)
    return problems


def _all_field_keys(fields: list) -> set[str]:
    keys = set()
    for field in fields:
        if isinstance(field, Mapping):
            keys.add(field.get("key"))
            keys |= {sub.get("key") for sub in field.get("fields") or [] if isinstance(sub, Mapping)}
    return keys


def _document_problems(documents: list) -> list[str]:
    problems = []
    codes = [doc.get("code") for doc in documents]
    if len(codes) != len(set(codes)):
        problems.append(_("Mã thành phần hồ sơ bị trùng."))
    for index, doc in enumerate(documents, start=1):
        where = _("Thành phần hồ sơ %(i)s (%(c)s)") % {"i": index, "c": doc.get("code") or "?"}
        if not doc.get("code"):
            problems.append(_("%(w)s: chưa có mã.") % {"w": where})
        if not str(doc.get("name") or "").strip():
            problems.append(_("%(w)s: chưa có tên.") % {"w": where})
        if doc.get("copy_type") not in COPY_TYPES:
            problems.append(_("%(w)s: loại bản không hợp lệ.") % {"w": where})
        if not doc.get("accept"):
            problems.append(_("%(w)s: cần ít nhất một loại tệp được chấp nhận.") % {"w": where})
        max_bytes = doc.get("max_bytes")
        if not isinstance(max_bytes, int) or isinstance(max_bytes, bool) or max_bytes <= 0:
            problems.append(_("%(w)s: dung lượng tối đa phải là số dương.") % {"w": where})
    return problems


def _case_problems(cases: list) -> list[str]:
    problems = []
    codes = [case.get("code") for case in cases]
    if len(codes) != len(set(codes)):
        problems.append(_("Mã trường hợp bị trùng."))
    for index, case in enumerate(cases, start=1):
        where = _("Trường hợp %(i)s (%(c)s)") % {"i": index, "c": case.get("code") or "?"}
        if not case.get("code") or not str(case.get("name") or "").strip():
            problems.append(_("%(w)s: cần mã và tên.") % {"w": where})
        case_limit = case.get("time_limit")
        if case_limit is not None:
            try:
                Decimal(str(case_limit.get("value")))
            except (InvalidOperation, TypeError, AttributeError):
                problems.append(_("%(w)s: thời hạn không hợp lệ.") % {"w": where})
        fee = case.get("fee")
        if fee is not None and (not isinstance(fee, int) or isinstance(fee, bool) or fee < 0):
            problems.append(_("%(w)s: phí phải là số đồng không âm.") % {"w": where})
    return problems


def _routing_problems(rules: Any, spec: Mapping[str, Any], *, agency: Agency | None) -> list[str]:
    from procedures.services.routing import routing_rules_problems

    problems = routing_rules_problems(rules)
    if problems or not isinstance(rules, list):
        return problems
    keys = {f.get("key") for f in spec.get("fields") or [] if isinstance(f, Mapping)}
    step_count = len(spec.get("steps") or [])
    for index, rule in enumerate(rules, start=1):
        where = _("Quy tắc điều phối %(i)s") % {"i": index}
        for position in rule.get("steps") or []:
            if not 1 <= position <= step_count:
                problems.append(_("%(w)s: không có bước %(p)s.") % {"w": where, "p": position})
        for key in _condition_fields(rule.get("when")):
            if key not in keys:
                problems.append(_("%(w)s: trường '%(k)s' không có trong biểu mẫu.") % {"w": where, "k": key})
        target = agency
        if rule.get("agency"):
            target = Agency.objects.filter(identity_code=rule["agency"], is_active=True).first()
            if target is None:
                problems.append(_("%(w)s: không có cơ quan '%(a)s'.") % {"w": where, "a": rule["agency"]})
        if target is not None and rule.get("department"):
            if not target.departments.filter(code=rule["department"]).exists():
                problems.append(
                    _("%(w)s: cơ quan %(a)s không có phòng ban '%(d)s'.")
                    % {"w": where, "a": target.identity_code, "d": rule["department"]}
                )
    return problems


def _condition_fields(condition: Any) -> list[str]:
    if not isinstance(condition, Mapping):
        return []
    if "all" in condition or "any" in condition:
        return [k for part in condition.get("all") or condition.get("any") or [] for k in _condition_fields(part)]
    if "not" in condition:
        return _condition_fields(condition["not"])
    return [condition["field"]] if condition.get("field") else []


def _assurance(value: Any) -> int:
    if isinstance(value, bool) or value not in (0, 1, 2):
        raise InvalidInput(
            _("Mức định danh tối thiểu không hợp lệ."), errors={"min_assurance_level": [_("Chọn 0, 1 hoặc 2.")]}
        )
    return value


def _cutoff(value: str | None) -> time | None:
    return time.fromisoformat(value) if value else None


@transaction.atomic
def procedure_import(
    *, template: Mapping[str, Any], agency: Agency, publish: bool = True, rename_field: bool = True
) -> Procedure:
    """Create or update a procedure from its JSON template, adding a new version (published unless asked not to).

    Idempotent for seeding: if the current published version already equals the template, nothing changes.
    With `publish=False` the template lands in the procedure's open draft (replacing its content) or a new one.
    Fields (sectors) are shared by every agency: with `rename_field=False` (an agency admin's import) an existing
    field keeps its names and only a missing one is created; renaming one is a system admin's act."""
    field_spec = template["field"]
    names = {"name": field_spec["name"], "name_en": field_spec.get("name_en", "")}
    if rename_field:
        field, _created = Field.objects.update_or_create(code=field_spec["code"], defaults=names)
    else:
        field, _created = Field.objects.get_or_create(code=field_spec["code"], defaults=names)
    online_level = template.get("online_level", OnlineLevel.FULL)
    if online_level not in OnlineLevel.values:
        raise InvalidInput(_("Mức độ trực tuyến không hợp lệ."), errors={"online_level": [online_level]})
    procedure, _created = Procedure.objects.update_or_create(
        code=template["code"],
        defaults={
            "name": template["name"],
            "name_en": template.get("name_en", ""),
            "field": field,
            "agency": agency,
            "applicant_types": list(template.get("applicant_types") or ["citizen"]),
            "online_level": online_level,
            "description": template.get("description", ""),
            "description_en": template.get("description_en", ""),
            "legal_basis": template.get("legal_basis", ""),
            "result_name": template.get("result_name", ""),
            "note": template.get("note", ""),
            "min_assurance_level": _assurance(template.get("min_assurance_level", 0)),
        },
    )
    spec = template["version"]
    current = procedure.current_version
    if current is not None and version_export(current) == _normalised(spec):
        return procedure
    problems = version_problems(spec, agency=agency) if publish else []
    if problems:
        raise InvalidInput(_("Mẫu thủ tục chưa hợp lệ."), errors={"version": problems})
    draft = None if publish else procedure.versions.filter(status=VersionStatus.DRAFT).order_by("-number").first()
    if draft is None:
        number = (procedure.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        draft = ProcedureVersion(procedure=procedure, number=number, status=VersionStatus.DRAFT)
    version = version_write(version=draft, spec=spec)
    if publish:
        version_publish(version=version)
        procedure.refresh_from_db()
    return procedure


def _effective_date(value: Any) -> date | None:
    if not value:
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value))


@transaction.atomic
def version_write(*, version: ProcedureVersion, spec: Mapping[str, Any]) -> ProcedureVersion:
    """Store `spec` (a template's `version` object) as the whole content of a draft, steps included.

    A published or retired version is refused (by the model's guard): dossiers were filed under it."""
    limit = spec.get("time_limit") or {}
    try:
        limit_value = Decimal(str(limit.get("value")))
        cutoff = _cutoff(limit.get("same_day_cutoff"))
        effective = _effective_date(spec.get("effective_date"))
        steps = [
            ProcedureStep(
                position=index,
                name=step["name"],
                name_en=step.get("name_en", ""),
                department_code=step["department"],
                role=step["role"],
                allotted_days=Decimal(str(step["allotted_days"])),
            )
            for index, step in enumerate(spec.get("steps") or [], start=1)
        ]
    except (InvalidOperation, TypeError, ValueError, KeyError) as exc:
        raise InvalidInput(_("Mẫu thủ tục chưa hợp lệ."), errors={"version": [str(exc)]}) from exc
    version.effective_date = effective
    version.fee_note = spec.get("fee_note", "")
    version.fee_items = list(spec.get("fee_items") or [])
    version.payment_timing = spec.get("payment_timing") or "after_appraisal"
    version.time_limit_value = limit_value
    version.time_limit_unit = limit.get("unit", TimeUnit.WORKING_DAYS)
    version.same_day_cutoff = cutoff
    version.supplement_policy = spec.get("supplement_policy", "pause")
    version.form_fields = list(spec.get("fields") or [])
    version.documents = list(spec.get("documents") or [])
    version.cases = list(spec.get("cases") or [])
    # With fee items the single `fee` is derived (the general case's fee), so lists and the API stay consistent.
    version.fee = base_fee(version) if version.fee_items else int(spec.get("fee") or 0)
    version.routing_rules = list(spec.get("routing_rules") or [])
    version.result_template = spec.get("result_template", "")
    version.save()
    version.steps.all().delete()
    for step in steps:
        step.version = version
    ProcedureStep.objects.bulk_create(steps)
    return version


@transaction.atomic
def version_publish(*, version: ProcedureVersion) -> ProcedureVersion:
    """Make a draft the procedure's current version; the previous one is retired, dossiers keep theirs."""
    problems = version_problems(version_export(version), agency=version.procedure.agency)
    if problems:
        raise InvalidInput(_("Không thể công bố phiên bản."), errors={"version": problems})
    procedure = Procedure.objects.select_for_update().get(pk=version.procedure_id)
    if procedure.current_version_id and procedure.current_version_id != version.pk:
        ProcedureVersion.objects.filter(pk=procedure.current_version_id).update(status=VersionStatus.RETIRED)
    ProcedureVersion.objects.filter(pk=version.pk).update(status=VersionStatus.PUBLISHED, published_at=timezone.now())
    procedure.current_version = version
    procedure.save(update_fields=["current_version"])
    version.refresh_from_db()
    return version


def _decimal_str(value: Any) -> str:
    normalised = Decimal(str(value)).normalize()
    return format(normalised, "f")


def _normalised(spec: Mapping[str, Any]) -> dict:
    limit = spec.get("time_limit") or {}
    effective = spec.get("effective_date")
    return {
        "effective_date": effective.isoformat() if isinstance(effective, date) else (effective or None),
        "fee": int(spec.get("fee") or 0),
        "fee_note": spec.get("fee_note", ""),
        "fee_items": list(spec.get("fee_items") or []),
        "payment_timing": spec.get("payment_timing") or "after_appraisal",
        "time_limit": {
            "value": _decimal_str(limit.get("value", 0)),
            "unit": limit.get("unit", TimeUnit.WORKING_DAYS),
            "same_day_cutoff": limit.get("same_day_cutoff") or None,
        },
        "supplement_policy": spec.get("supplement_policy", "pause"),
        "cases": list(spec.get("cases") or []),
        "fields": list(spec.get("fields") or []),
        "documents": list(spec.get("documents") or []),
        "steps": [
            {
                "name": s["name"],
                "name_en": s.get("name_en", ""),
                "role": s["role"],
                "department": s["department"],
                "allotted_days": _decimal_str(s["allotted_days"]),
            }
            for s in spec.get("steps") or []
        ],
        "routing_rules": list(spec.get("routing_rules") or []),
        "result_template": spec.get("result_template", ""),
    }


def version_export(version: ProcedureVersion) -> dict:
    """A version as the template's `version` object (the shape `procedure_import` reads)."""
    return _normalised(
        {
            "effective_date": version.effective_date,
            "fee": version.fee,
            "fee_note": version.fee_note,
            "fee_items": version.fee_items,
            "payment_timing": version.payment_timing,
            "time_limit": {
                "value": version.time_limit_value,
                "unit": version.time_limit_unit,
                "same_day_cutoff": version.same_day_cutoff.strftime("%H:%M") if version.same_day_cutoff else None,
            },
            "supplement_policy": version.supplement_policy,
            "cases": version.cases,
            "fields": version.form_fields,
            "documents": version.documents,
            "steps": [
                {
                    "name": s.name,
                    "name_en": s.name_en,
                    "role": s.role,
                    "department": s.department_code,
                    "allotted_days": s.allotted_days,
                }
                for s in version.steps.order_by("position")
            ],
            "routing_rules": version.routing_rules,
            "result_template": version.result_template,
        }
    )


def procedure_export(procedure: Procedure, version: ProcedureVersion | None = None) -> dict:
    version = version or procedure.current_version
    extra = {"min_assurance_level": procedure.min_assurance_level} if procedure.min_assurance_level else {}
    return {
        **extra,
        "code": procedure.code,
        "name": procedure.name,
        "name_en": procedure.name_en,
        "field": {"code": procedure.field.code, "name": procedure.field.name, "name_en": procedure.field.name_en},
        "applicant_types": procedure.applicant_types,
        "online_level": procedure.online_level,
        "description": procedure.description,
        "description_en": procedure.description_en,
        "legal_basis": procedure.legal_basis,
        "result_name": procedure.result_name,
        "note": procedure.note,
        "version": version_export(version) if version else None,
    }
