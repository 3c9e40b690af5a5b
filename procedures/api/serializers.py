"""JSON in and out of the v1 API (shapes: /work/shared/API.md). Translation only: no business rule lives here.

Input serializers check shapes and types (a wrong type is a 400 here, before any service runs); the services decide
everything else. Output serializers read querysets the selectors already loaded, plus what the view puts in the
context once per request (`lang`, `now`, `roles`), so serialising a page never costs a query per row.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from procedures.enums import IN_PROGRESS
from procedures.fees import fee_items
from procedures.formschema import FIELD_TYPES
from procedures.models import Channel, DocumentKind, Dossier, DossierEvent, OnlineLevel, Outcome, Procedure, Status
from procedures.selectors import dossier_available_actions, is_overdue, result_released
from procedures.workflow import Action

LANGUAGES = ("vi", "en")
# The orderings `selectors.dossier_list_for` honours; anything else is a 400 rather than silently ignored.
DOSSIER_ORDERINGS = (
    "due_at",
    "-due_at",
    "submitted_at",
    "-submitted_at",
    "created_at",
    "-created_at",
    "code",
    "-code",
)
DELIVERY_CHANNELS = ("online", "desk", "post")
MAX_INT64 = 2**63 - 1
MAX_TEXT = 4000


# --- helpers ----------------------------------------------------------------------------------------------------


def localized(vi: Any, en: Any, lang: str) -> str:
    """The English text when English is asked for and exists, else the Vietnamese one."""
    if lang == "en" and isinstance(en, str) and en.strip():
        return en
    return vi if isinstance(vi, str) else ("" if vi is None else str(vi))


def number(value: Any) -> int | float | None:
    """Decimals (and decimal strings) as JSON numbers: 5 rather than "5.00", 0.5 rather than "0.50"."""
    if value is None or value == "":
        return None
    try:
        parsed = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    if not parsed.is_finite():
        return None
    return int(parsed) if parsed == parsed.to_integral_value() else float(parsed)


def _lang(serializer: serializers.Serializer) -> str:
    lang = serializer.context.get("lang", "vi")
    return lang if lang in LANGUAGES else "vi"


def code_name(code: str, name: str, name_en: str, lang: str) -> dict:
    return {"code": code, "name": localized(name, name_en, lang)}


def localize_form_field(field: Any, lang: str) -> Any:
    """A form field definition for clients: `label`/`help`/option labels in `lang`, `label_en` kept beside."""
    if not isinstance(field, dict):
        return field
    handled = {"label", "label_en", "help", "help_en", "options", "fields", "required"}
    out: dict[str, Any] = {k: v for k, v in field.items() if k not in handled}
    out["label"] = localized(field.get("label") or field.get("key") or "", field.get("label_en"), lang)
    if field.get("label_en"):
        out["label_en"] = field["label_en"]
    out["required"] = bool(field.get("required", False))
    help_text = localized(field.get("help") or "", field.get("help_en"), lang)
    if help_text:
        out["help"] = help_text
    if isinstance(field.get("options"), list):
        out["options"] = [_localize_option(option, lang) for option in field["options"]]
    if isinstance(field.get("fields"), list):
        out["fields"] = [localize_form_field(sub, lang) for sub in field["fields"]]
    return out


def _localize_option(option: Any, lang: str) -> Any:
    if not isinstance(option, dict):
        return option
    out = {"value": option.get("value"), "label": localized(option.get("label") or "", option.get("label_en"), lang)}
    if out["label"] == "":
        out["label"] = "" if option.get("value") is None else str(option.get("value"))
    if option.get("label_en"):
        out["label_en"] = option["label_en"]
    return out


def time_limit_of(spec: Any) -> dict | None:
    if not isinstance(spec, dict):
        return None
    cutoff = spec.get("same_day_cutoff")
    return {"value": number(spec.get("value")), "unit": spec.get("unit") or "working_days", "same_day_cutoff": cutoff}


# --- schema-only building blocks ---------------------------------------------------------------------------------


class ErrorSerializer(serializers.Serializer):
    """DRF's error shape, plus `errors` (field -> messages) for domain errors; field keys may also appear on top."""

    detail = serializers.CharField()
    code = serializers.CharField(required=False)
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)


class CodeNameSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class TimeLimitSerializer(serializers.Serializer):
    value = serializers.FloatField(help_text="Number of units; 0 with a cutoff means 'within the day'.")
    unit = serializers.ChoiceField(choices=["working_days", "calendar_days", "hours"])
    same_day_cutoff = serializers.CharField(allow_null=True, help_text="HH:MM, or null.")


class FormOptionSerializer(serializers.Serializer):
    value = serializers.JSONField()
    label = serializers.CharField()
    label_en = serializers.CharField(required=False)


class VisibleIfSerializer(serializers.Serializer):
    field = serializers.CharField()
    equals = serializers.JSONField()


class FormFieldSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField(help_text="In the request's language (vi by default, en on request).")
    label_en = serializers.CharField(required=False)
    type = serializers.ChoiceField(choices=sorted(FIELD_TYPES))
    required = serializers.BooleanField()
    help = serializers.CharField(required=False)
    options = FormOptionSerializer(many=True, required=False)
    min = serializers.JSONField(required=False)
    max = serializers.JSONField(required=False)
    pattern = serializers.CharField(required=False)
    visible_if = VisibleIfSerializer(required=False)
    fields = serializers.ListField(
        child=serializers.DictField(), required=False, help_text="For type `group`: its fields, in this same shape."
    )


class DocumentRequirementSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField(required=False)
    required = serializers.BooleanField()
    copy_type = serializers.CharField()
    accept = serializers.ListField(child=serializers.CharField())
    max_bytes = serializers.IntegerField()


class StepSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    name = serializers.CharField()
    name_en = serializers.CharField()
    role = serializers.CharField()
    department = serializers.CharField(help_text="Department code within the agency.")
    department_name = serializers.CharField()
    allotted_days = serializers.FloatField()


class CaseSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField(required=False)
    time_limit = TimeLimitSerializer(allow_null=True)
    fee = serializers.IntegerField(allow_null=True)


class UnitSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


# --- catalogue ----------------------------------------------------------------------------------------------------


class ProcedureQuerySerializer(serializers.Serializer):
    """Query parameters of the catalogue list."""

    q = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="Words of the name or code; case and diacritics."
    )
    agency = serializers.CharField(required=False, allow_blank=True, max_length=13, help_text="Agency identity code.")
    field = serializers.CharField(required=False, allow_blank=True, max_length=50, help_text="Field (sector) code.")
    online_level = serializers.ChoiceField(choices=OnlineLevel.choices, required=False, allow_blank=True)
    applicant_type = serializers.CharField(required=False, allow_blank=True, max_length=30)


class ProcedureListSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.SerializerMethodField()
    name_en = serializers.CharField()
    field = serializers.SerializerMethodField()
    agency = serializers.SerializerMethodField()
    online_level = serializers.ChoiceField(choices=OnlineLevel.choices)
    applicant_types = serializers.ListField(child=serializers.CharField())
    fee = serializers.SerializerMethodField()
    time_limit = serializers.SerializerMethodField()
    version = serializers.SerializerMethodField()

    def get_name(self, obj: Procedure) -> str:
        return localized(obj.name, obj.name_en, _lang(self))

    @extend_schema_field(CodeNameSerializer)
    def get_field(self, obj: Procedure) -> dict:
        return code_name(obj.field.code, obj.field.name, obj.field.name_en, _lang(self))

    @extend_schema_field(CodeNameSerializer)
    def get_agency(self, obj: Procedure) -> dict:
        return code_name(obj.agency.identity_code, obj.agency.name, obj.agency.name_en, _lang(self))

    def get_fee(self, obj: Procedure) -> int:
        return obj.current_version.fee

    @extend_schema_field(TimeLimitSerializer)
    def get_time_limit(self, obj: Procedure) -> dict:
        version = obj.current_version
        cutoff = version.same_day_cutoff.strftime("%H:%M") if version.same_day_cutoff else None
        return {"value": number(version.time_limit_value), "unit": version.time_limit_unit, "same_day_cutoff": cutoff}

    def get_version(self, obj: Procedure) -> int:
        return obj.current_version.number


class ProcedureDetailSerializer(ProcedureListSerializer):
    """The current published version of a procedure, everything a client needs to render its form."""

    description = serializers.SerializerMethodField()
    legal_basis = serializers.CharField()
    result_name = serializers.CharField()
    fee_note = serializers.SerializerMethodField()
    effective_date = serializers.SerializerMethodField()
    # Serializer.get_fields exists already, hence the explicit method name.
    fields = serializers.SerializerMethodField(method_name="get_form_fields")
    documents = serializers.SerializerMethodField()
    steps = serializers.SerializerMethodField()
    cases = serializers.SerializerMethodField()
    fee_items = serializers.SerializerMethodField()
    payment_timing = serializers.SerializerMethodField()

    def get_fee_items(self, obj: Procedure) -> list[dict]:
        # The items procedures/fees.py computes every dossier's amount from (a legacy single fee included).
        return fee_items(obj.current_version)

    def get_payment_timing(self, obj: Procedure) -> str:
        return obj.current_version.payment_timing

    def get_description(self, obj: Procedure) -> str:
        return localized(obj.description, obj.description_en, _lang(self))

    def get_fee_note(self, obj: Procedure) -> str:
        return obj.current_version.fee_note

    @extend_schema_field(OpenApiTypes.DATE)
    def get_effective_date(self, obj: Procedure):
        value = obj.current_version.effective_date
        return value.isoformat() if value else None

    @extend_schema_field(FormFieldSerializer(many=True))
    def get_form_fields(self, obj: Procedure) -> list:
        lang = _lang(self)
        return [localize_form_field(field, lang) for field in obj.current_version.form_fields or []]

    @extend_schema_field(DocumentRequirementSerializer(many=True))
    def get_documents(self, obj: Procedure) -> list:
        lang = _lang(self)
        out = []
        for doc in obj.current_version.documents or []:
            if not isinstance(doc, dict):
                continue
            out.append(
                {
                    "code": doc.get("code"),
                    "name": localized(doc.get("name") or doc.get("code") or "", doc.get("name_en"), lang),
                    "name_en": doc.get("name_en", ""),
                    "required": bool(doc.get("required", False)),
                    "copy_type": doc.get("copy_type", ""),
                    "accept": list(doc.get("accept") or []),
                    "max_bytes": doc.get("max_bytes"),
                }
            )
        return out

    @extend_schema_field(StepSerializer(many=True))
    def get_steps(self, obj: Procedure) -> list:
        lang = _lang(self)
        departments = self.context.get("departments", {})
        steps = sorted(obj.current_version.steps.all(), key=lambda step: step.position)
        return [
            {
                "index": step.position,
                "name": localized(step.name, step.name_en, lang),
                "name_en": step.name_en,
                "role": step.role,
                "department": step.department_code,
                "department_name": localized(*departments.get(step.department_code, (step.department_code, "")), lang),
                "allotted_days": number(step.allotted_days),
            }
            for step in steps
        ]

    @extend_schema_field(CaseSerializer(many=True))
    def get_cases(self, obj: Procedure) -> list:
        lang = _lang(self)
        out = []
        for case in obj.current_version.cases or []:
            if not isinstance(case, dict):
                continue
            out.append(
                {
                    "code": case.get("code"),
                    "name": localized(case.get("name") or case.get("code") or "", case.get("name_en"), lang),
                    "name_en": case.get("name_en", ""),
                    "time_limit": time_limit_of(case.get("time_limit")),
                    "fee": case.get("fee"),
                }
            )
        return out


class UnitQuerySerializer(serializers.Serializer):
    province = serializers.CharField(
        required=False, allow_blank=True, max_length=10, help_text="A province code: list its communes instead."
    )


# --- dossiers: input ----------------------------------------------------------------------------------------------


class DossierListQuerySerializer(serializers.Serializer):
    """Query parameters of the dossier list. Unknown values are a 400, never silently ignored."""

    status = serializers.CharField(
        required=False, allow_blank=True, max_length=300, help_text="One status or several, comma-separated."
    )
    procedure = serializers.CharField(required=False, allow_blank=True, max_length=30, help_text="Procedure code.")
    overdue = serializers.BooleanField(required=False, allow_null=True, default=None)
    assigned = serializers.ChoiceField(choices=["me"], required=False, allow_blank=True)
    ordering = serializers.ChoiceField(choices=DOSSIER_ORDERINGS, required=False, allow_blank=True)
    audience = serializers.ChoiceField(
        choices=["staff", "applicant"],
        required=False,
        allow_blank=True,
        help_text="`staff`: my agencies' filed dossiers (the default for staff); `applicant`: my own dossiers "
        "(the default for everyone else).",
    )

    def validate_status(self, value: str) -> str:
        wanted = [part.strip() for part in value.split(",") if part.strip()]
        unknown = [part for part in wanted if part not in Status.values]
        if unknown:
            raise serializers.ValidationError(
                _("Trạng thái không hợp lệ: %(s)s.") % {"s": ", ".join(unknown)}, code="invalid_choice"
            )
        return ",".join(wanted)


class DossierCreateSerializer(serializers.Serializer):
    procedure = serializers.CharField(max_length=30, help_text="Procedure code, e.g. 1.001193.")
    data = serializers.DictField(default=dict, help_text="Form answers keyed by field key; may be incomplete.")
    case = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")


class DossierUpdateSerializer(serializers.Serializer):
    data = serializers.DictField(help_text="Answers to change; merged into the stored ones.")
    version = serializers.IntegerField(
        min_value=1, max_value=MAX_INT64, required=False, help_text="The version you read; 409 if it changed since."
    )


class DossierSubmitSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1, max_value=MAX_INT64, required=False, help_text="The version you read; 409 if it changed since."
    )


class DossierActionSerializer(serializers.Serializer):
    """`{"action", "version", ...}`: the extra fields each action reads are listed in API.md."""

    action = serializers.ChoiceField(choices=[action.value for action in Action])
    version = serializers.IntegerField(min_value=1, max_value=MAX_INT64)
    comment = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)
    reason = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)
    items = serializers.ListField(
        child=serializers.CharField(max_length=1000), required=False, max_length=50, help_text="request_supplement"
    )
    outcome = serializers.ChoiceField(choices=Outcome.choices, required=False, help_text="complete")
    due_at = serializers.CharField(max_length=40, required=False, help_text="extend: YYYY-MM-DD (a working day).")
    amount = serializers.IntegerField(min_value=1, max_value=10**13, required=False, help_text="request_payment")
    assignee = serializers.IntegerField(min_value=1, max_value=MAX_INT64, required=False, help_text="assign, forward")
    channel = serializers.ChoiceField(choices=DELIVERY_CHANNELS, required=False, help_text="deliver")
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True, help_text="pay")
    # Declared fields are popped from the class by DRF's metaclass, so this does not shadow Serializer.fields.
    fields = serializers.ListField(
        child=serializers.CharField(max_length=64),
        required=False,
        max_length=200,
        help_text="request_supplement: the form fields the applicant may change.",
    )
    documents = serializers.ListField(
        child=serializers.CharField(max_length=64),
        required=False,
        max_length=200,
        help_text="request_supplement: the document codes to add or replace.",
    )

    def payload(self) -> dict:
        return {key: value for key, value in self.validated_data.items() if key not in ("action", "version")}


# --- dossiers: output ---------------------------------------------------------------------------------------------


class CurrentStepSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    name = serializers.CharField()
    role = serializers.CharField()
    due_at = serializers.DateTimeField(allow_null=True)


class StaffRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class DossierDocumentSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    requirement = serializers.CharField()
    name = serializers.CharField()
    size = serializers.IntegerField()
    content_type = serializers.CharField()
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    url = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def get_url(self, obj) -> str:
        return f"/api/v1/dossiers/{obj.dossier_id}/documents/{obj.id}/"


class HistoryEntrySerializer(serializers.Serializer):
    action = serializers.CharField()
    from_status = serializers.CharField(allow_null=True)
    to_status = serializers.CharField(allow_null=True)
    step = serializers.IntegerField(allow_null=True)
    actor = serializers.CharField(help_text="A display name, never an email.")
    comment = serializers.CharField()
    at = serializers.DateTimeField()


_DATETIME = serializers.DateTimeField()


def _moment(value) -> str | None:
    return None if value is None else _DATETIME.to_representation(value)


class DossierListSerializer(serializers.Serializer):
    # Lists render up to 100 rows per request: `to_representation` builds each row directly (the same values the
    # declared fields produce, which the schema and DossierDetailSerializer still use; tests/api/test_dossier_paging.py
    # compares both), instead of walking thirteen field objects per row.
    fast_rows = True

    id = serializers.UUIDField()
    code = serializers.CharField(allow_null=True)
    procedure = serializers.SerializerMethodField()
    agency = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=Status.choices)
    current_step = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)
    overdue = serializers.SerializerMethodField()
    version = serializers.IntegerField()
    available_actions = serializers.SerializerMethodField()
    assignee = serializers.SerializerMethodField()

    def to_representation(self, obj: Dossier) -> dict:
        if not self.fast_rows:
            return super().to_representation(obj)
        return {
            "id": str(obj.id),
            "code": obj.code,
            "procedure": self.get_procedure(obj),
            "agency": self.get_agency(obj),
            "status": obj.status,
            "current_step": self.get_current_step(obj),
            "created_at": _moment(obj.created_at),
            "submitted_at": _moment(obj.submitted_at),
            "due_at": _moment(obj.due_at),
            "overdue": self.get_overdue(obj),
            "version": obj.version,
            "available_actions": self.get_available_actions(obj),
            "assignee": self.get_assignee(obj),
        }

    @extend_schema_field(CodeNameSerializer)
    def get_procedure(self, obj: Dossier) -> dict:
        return code_name(obj.procedure.code, obj.procedure.name, obj.procedure.name_en, _lang(self))

    @extend_schema_field(CodeNameSerializer)
    def get_agency(self, obj: Dossier) -> dict:
        return code_name(obj.agency.identity_code, obj.agency.name, obj.agency.name_en, _lang(self))

    def _steps(self, obj: Dossier) -> list:
        # Prefetched by the selectors (procedure_version__steps, ordered); sorting keeps it right either way.
        return sorted(obj.procedure_version.steps.all(), key=lambda step: step.position)

    @extend_schema_field(CurrentStepSerializer(allow_null=True))
    def get_current_step(self, obj: Dossier) -> dict | None:
        if obj.current_step is None or obj.status not in IN_PROGRESS:  # elsewhere `current_step` means nothing
            return None
        steps = self._steps(obj)
        if not 1 <= obj.current_step <= len(steps):
            return None
        step = steps[obj.current_step - 1]
        due = _moment(obj.step_due_at)
        return {
            "index": step.position,
            "name": localized(step.name, step.name_en, _lang(self)),
            "role": step.role,
            "due_at": due,
        }

    def get_overdue(self, obj: Dossier) -> bool:
        return is_overdue(obj, self.context.get("now"))

    # Plain strings in the schema: the same choice set as `action` below would otherwise need a second enum name.
    @extend_schema_field(serializers.ListField(child=serializers.CharField(help_text="A workflow action name.")))
    def get_available_actions(self, obj: Dossier) -> list[str]:
        roles = self.context["roles"].for_dossier(obj)
        actions = dossier_available_actions(obj, None, steps=self._steps(obj), roles=roles)
        return [action.value for action in actions]

    @extend_schema_field(StaffRefSerializer(allow_null=True))
    def get_assignee(self, obj: Dossier) -> dict | None:
        # Who holds a dossier is internal to the agency: applicants get null.
        if obj.assignee_id is None or not self.context["roles"].is_staff_on(obj):
            return None
        return {"id": obj.assignee_id, "name": obj.assignee.full_name or _officer(_lang(self))}


def _officer(lang: str) -> str:
    return "Officer" if lang == "en" else "Cán bộ"


class DossierDetailSerializer(DossierListSerializer):
    """One dossier as its applicant or the agency's staff see it (internal events for staff only)."""

    fast_rows = False

    data = serializers.JSONField()
    case = serializers.CharField(source="case_code")
    channel = serializers.ChoiceField(choices=Channel.choices)
    documents = serializers.SerializerMethodField()
    accepted_at = serializers.DateTimeField(allow_null=True)
    original_due_at = serializers.DateTimeField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    delivered_at = serializers.DateTimeField(allow_null=True)
    outcome = serializers.SerializerMethodField()
    fee_amount = serializers.IntegerField()
    paid_at = serializers.DateTimeField(allow_null=True)
    delivery_channel = serializers.CharField()
    supplement_items = serializers.ListField(child=serializers.CharField())
    supplement_fields = serializers.SerializerMethodField()
    supplement_documents = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ChoiceField(choices=Outcome.choices, allow_null=True))
    def get_outcome(self, obj: Dossier) -> str | None:
        return obj.outcome or None

    def _open_request(self, obj: Dossier) -> dict:
        if obj.status != Status.SUPPLEMENT_REQUESTED:
            return {}
        requests = [event for event in obj.events.all() if event.action == Action.REQUEST_SUPPLEMENT]
        payload = requests[-1].payload if requests else {}
        return payload if isinstance(payload, dict) else {}

    @extend_schema_field(DossierDocumentSerializer(many=True))
    def get_documents(self, obj: Dossier) -> list[dict]:
        # An applicant sees result documents only once the dossier is decided (completed or delivered).
        staff = self.context["roles"].is_staff_on(obj)
        documents = [d for d in obj.documents.all() if staff or result_released(obj, d)]
        return DossierDocumentSerializer(documents, many=True, context=self.context).data

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_supplement_fields(self, obj: Dossier) -> list[str]:
        return list(self._open_request(obj).get("fields") or [])

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_supplement_documents(self, obj: Dossier) -> list[str]:
        return list(self._open_request(obj).get("documents") or [])

    @extend_schema_field(HistoryEntrySerializer(many=True))
    def get_history(self, obj: Dossier) -> list[dict]:
        roles = self.context["roles"]
        show_internal = roles.is_staff_on(obj)
        lang = _lang(self)
        # Officers act for their agency: applicants see the agency's name, never an officer's (as the pages do).
        agency_name = None if show_internal else localized(obj.agency.name, obj.agency.name_en, lang)
        at = serializers.DateTimeField()
        return [
            {
                "action": event.action,
                "from_status": event.from_status or None,
                "to_status": event.to_status or None,
                "step": event.step,
                "actor": self._actor_name(event, obj, roles.user_id, lang, agency_name),
                "comment": event.comment,
                "at": at.to_representation(event.at),
            }
            for event in obj.events.all()
            if show_internal or not event.internal
        ]

    @staticmethod
    def _actor_name(
        event: DossierEvent, dossier: Dossier, caller_id: int | None, lang: str, agency_name: str | None = None
    ) -> str:
        actor = event.actor
        if actor is None:
            return "System" if lang == "en" else "Hệ thống"
        if actor.pk == dossier.applicant_id:
            if actor.pk == caller_id:
                return "You" if lang == "en" else "Bạn"
            return actor.full_name or ("Applicant" if lang == "en" else "Người nộp hồ sơ")
        if agency_name is not None:
            return agency_name
        return actor.full_name or _officer(lang)


# --- public tracking ----------------------------------------------------------------------------------------------


class TimelineEntrySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices)
    at = serializers.DateTimeField()


class TrackSerializer(serializers.Serializer):
    """What anyone holding a dossier code may see: status and dates, no names, IDs, contact data or documents."""

    code = serializers.CharField()
    procedure = serializers.SerializerMethodField()
    agency = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=Status.choices)
    submitted_at = serializers.DateTimeField(allow_null=True)
    accepted_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    delivered_at = serializers.DateTimeField(allow_null=True)
    overdue = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()

    @extend_schema_field(CodeNameSerializer)
    def get_procedure(self, obj: Dossier) -> dict:
        return code_name(obj.procedure.code, obj.procedure.name, obj.procedure.name_en, _lang(self))

    @extend_schema_field(CodeNameSerializer)
    def get_agency(self, obj: Dossier) -> dict:
        return code_name(obj.agency.identity_code, obj.agency.name, obj.agency.name_en, _lang(self))

    def get_overdue(self, obj: Dossier) -> bool:
        return is_overdue(obj, self.context.get("now"))

    @extend_schema_field(TimelineEntrySerializer(many=True))
    def get_timeline(self, obj: Dossier) -> list[dict]:
        # The selector prefetches public events only; drafts are nobody's business but the applicant's.
        at = serializers.DateTimeField()
        return [
            {"status": event.to_status, "at": at.to_representation(event.at)}
            for event in obj.events.all()
            if not event.internal
            and event.to_status
            and event.to_status != event.from_status
            and event.to_status != Status.DRAFT
        ]
