"""Forms of the template editor: each formset row maps to one entry of a version's JSON (fields, documents, cases,
steps, routing rules); `*_initial` turns JSON into rows and `*_spec` rows back into JSON."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from citizens.roles import HANDLING_ROLES, Role
from procedures.deadlines import SupplementPolicy, TimeUnit
from procedures.fees import BASES, KINDS, MAX_AMOUNT, TIMINGS
from procedures.models import Field, OnlineLevel
from procedures.vocabulary import (
    APPLICANT_TYPE_LABELS,
    COPY_TYPE_LABELS,
    FIELD_TYPE_LABELS,
    MIME_LABELS,
    TEMPLATE_MIME_TYPES,
)

MIB = 1024 * 1024

FIELD_TYPE_CHOICES = list(FIELD_TYPE_LABELS.items())
UNIT_CHOICES = [
    (TimeUnit.WORKING_DAYS.value, _("Ngày làm việc")),
    (TimeUnit.CALENDAR_DAYS.value, _("Ngày (lịch)")),
    (TimeUnit.HOURS.value, _("Giờ")),
]
POLICY_CHOICES = [
    (SupplementPolicy.PAUSE.value, _("Tạm dừng tính thời hạn")),
    (SupplementPolicy.RESTART.value, _("Tính lại từ đầu")),
]
COPY_TYPE_CHOICES = list(COPY_TYPE_LABELS.items())
ROLE_CHOICES = [(role.value, role.label) for role in Role if role in HANDLING_ROLES]
APPLICANT_TYPE_CHOICES = list(APPLICANT_TYPE_LABELS.items())
MIME_CHOICES = [(mime, MIME_LABELS[mime]) for mime in TEMPLATE_MIME_TYPES]
CONDITION_CHOICES = [
    ("", _("Luôn áp dụng")),
    ("equals", _("Khi trường bằng giá trị")),
    ("in", _("Khi trường thuộc các giá trị")),
    ("commune", _("Khi xã/phường của người nộp là")),
    ("province", _("Khi tỉnh/thành của người nộp là")),
    ("json", _("Điều kiện nâng cao (JSON)")),
]


def _scalar(text: str) -> Any:
    """ "12" -> 12, "1.5" -> 1.5, "true" -> True, anything else stays text."""
    text = text.strip()
    if text.lower() in {"true", "false"}:
        return text.lower() == "true"
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _decimal_text(value: Any) -> str:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, TypeError):
        return ""
    return format(number.normalize(), "f")


def _split_list(text: str) -> list[str]:
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


class EditorFormMixin:
    """Give every widget the portal's input class."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if not isinstance(field.widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.HiddenInput):
                field.widget.attrs.setdefault("class", "input")


# --- procedure and version settings ---------------------------------------------------------------------------


class ProcedureForm(EditorFormMixin, forms.Form):
    code = forms.CharField(
        label=_("Mã thủ tục"), max_length=30, help_text=_("Theo Cơ sở dữ liệu quốc gia, ví dụ 1.001193.")
    )
    name = forms.CharField(label=_("Tên thủ tục"), max_length=500)
    name_en = forms.CharField(label=_("Tên tiếng Anh"), max_length=500, required=False)
    field = forms.ModelChoiceField(label=_("Lĩnh vực"), queryset=Field.objects.all(), required=False)
    new_field_name = forms.CharField(
        label=_("…hoặc lĩnh vực mới"),
        max_length=255,
        required=False,
        help_text=_("Tên lĩnh vực nếu chưa có trong danh sách."),
    )
    agency = forms.ChoiceField(label=_("Cơ quan thực hiện"))
    applicant_types = forms.MultipleChoiceField(
        label=_("Đối tượng thực hiện"), choices=APPLICANT_TYPE_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    online_level = forms.ChoiceField(label=_("Mức độ trực tuyến"), choices=OnlineLevel.choices)
    description = forms.CharField(label=_("Mô tả"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    description_en = forms.CharField(
        label=_("Mô tả tiếng Anh"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    legal_basis = forms.CharField(label=_("Căn cứ pháp lý"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    result_name = forms.CharField(label=_("Tên kết quả"), max_length=255, required=False)
    note = forms.CharField(label=_("Ghi chú"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, agencies=(), code_editable=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [(a.identity_code, f"{a.name} ({a.identity_code})") for a in agencies]
        if not code_editable:
            self.fields["code"].disabled = True

    def clean(self):
        data = super().clean()
        if not data.get("field") and not (data.get("new_field_name") or "").strip():
            self.add_error("field", _("Chọn một lĩnh vực hoặc nhập tên lĩnh vực mới."))
        return data


class VersionSettingsForm(EditorFormMixin, forms.Form):
    effective_date = forms.DateField(
        label=_("Ngày hiệu lực"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    fee = forms.IntegerField(label=_("Phí, lệ phí (đồng)"), min_value=0, initial=0)
    fee_note = forms.CharField(label=_("Ghi chú phí"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    time_limit_value = forms.DecimalField(
        label=_("Thời hạn giải quyết"), min_value=0, max_digits=6, decimal_places=2, help_text=_("0 = trong ngày.")
    )
    time_limit_unit = forms.ChoiceField(label=_("Đơn vị"), choices=UNIT_CHOICES)
    same_day_cutoff = forms.TimeField(
        label=_("Giờ chốt trong ngày"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("Hồ sơ nhận sau giờ này được trả vào ngày làm việc tiếp theo (thường 15:00)."),
    )
    supplement_policy = forms.ChoiceField(label=_("Khi yêu cầu bổ sung"), choices=POLICY_CHOICES)
    result_template = forms.CharField(
        label=_("Mẫu kết quả"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text=_("Dùng {khoá_trường} để chèn câu trả lời của người nộp."),
    )

    @staticmethod
    def initial_from(spec: dict) -> dict:
        limit = spec["time_limit"]
        return {
            "effective_date": spec.get("effective_date"),
            "fee": spec["fee"],
            "fee_note": spec["fee_note"],
            "time_limit_value": _decimal_text(limit["value"]),
            "time_limit_unit": limit["unit"],
            "same_day_cutoff": limit.get("same_day_cutoff"),
            "supplement_policy": spec["supplement_policy"],
            "result_template": spec["result_template"],
        }

    def to_spec(self) -> dict:
        data = self.cleaned_data
        cutoff = data.get("same_day_cutoff")
        return {
            "effective_date": data["effective_date"].isoformat() if data.get("effective_date") else None,
            "fee": data["fee"],
            "fee_note": data["fee_note"],
            "time_limit": {
                "value": _decimal_text(data["time_limit_value"]),
                "unit": data["time_limit_unit"],
                "same_day_cutoff": cutoff.strftime("%H:%M") if cutoff else None,
            },
            "supplement_policy": data["supplement_policy"],
            "result_template": data["result_template"],
        }


# --- form fields ----------------------------------------------------------------------------------------------


class FormFieldRow(EditorFormMixin, forms.Form):
    field_order = [
        "key",
        "type",
        "label",
        "label_en",
        "help",
        "help_en",
        "required",
        "min",
        "max",
        "integer",
        "pattern",
        "visible_if_field",
        "visible_if_equals",
        "parent",
        "options",
    ]
    parent = forms.CharField(
        label=_("Thuộc nhóm"), required=False, max_length=60, help_text=_("Khoá của nhóm lặp lại chứa trường này.")
    )
    key = forms.RegexField(
        label=_("Khoá"),
        regex=r"^[A-Za-z_][A-Za-z0-9_]*$",
        max_length=60,
        error_messages={"invalid": _("Chỉ chữ không dấu, số và _, không bắt đầu bằng số.")},
    )
    type = forms.ChoiceField(label=_("Kiểu"), choices=FIELD_TYPE_CHOICES, initial="text")
    label = forms.CharField(label=_("Nhãn"), max_length=500)
    label_en = forms.CharField(label=_("Nhãn tiếng Anh"), max_length=500, required=False)
    help = forms.CharField(label=_("Hướng dẫn"), max_length=1000, required=False)
    help_en = forms.CharField(label=_("Hướng dẫn tiếng Anh"), max_length=1000, required=False)
    required = forms.BooleanField(label=_("Bắt buộc"), required=False, initial=True)
    min = forms.CharField(label=_("Tối thiểu"), required=False, max_length=30)
    max = forms.CharField(label=_("Tối đa"), required=False, max_length=30)
    integer = forms.BooleanField(label=_("Chỉ số nguyên"), required=False, help_text=_("Với trường số: số bản, người."))
    pattern = forms.CharField(label=_("Mẫu (biểu thức chính quy)"), required=False, max_length=500)
    options = forms.CharField(
        label=_("Lựa chọn"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Mỗi dòng: giá_trị|Nhãn|Label"),
    )
    visible_if_field = forms.CharField(label=_("Chỉ hiện khi trường"), required=False, max_length=60)
    visible_if_equals = forms.CharField(label=_("bằng"), required=False, max_length=200)

    def clean_options(self):
        options = []
        for number, line in enumerate((self.cleaned_data.get("options") or "").splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split("|")]
            if not parts[0]:
                raise forms.ValidationError(_("Dòng %(n)s: thiếu giá trị.") % {"n": number})
            option = {"value": parts[0], "label": parts[1] if len(parts) > 1 and parts[1] else parts[0]}
            if len(parts) > 2 and parts[2]:
                option["label_en"] = parts[2]
            options.append(option)
        return options

    def clean(self):
        data = super().clean()
        if (data.get("visible_if_field") or "").strip() and not (data.get("visible_if_equals") or "").strip():
            self.add_error("visible_if_equals", _("Nhập giá trị để so sánh."))
        return data

    @staticmethod
    def initial_from(field: dict, parent: str = "") -> dict:
        condition = field.get("visible_if") or {}
        return {
            "parent": parent,
            "key": field.get("key", ""),
            "type": field.get("type", "text"),
            "label": field.get("label", ""),
            "label_en": field.get("label_en", ""),
            "help": field.get("help", ""),
            "help_en": field.get("help_en", ""),
            "required": bool(field.get("required", False)),
            "min": _text(field.get("min")),
            "max": _text(field.get("max")),
            "integer": field.get("integer") is True,
            "pattern": field.get("pattern", ""),
            "options": "\n".join(
                "|".join([_text(o.get("value")), o.get("label", "")] + ([o["label_en"]] if o.get("label_en") else []))
                for o in field.get("options") or []
            ),
            "visible_if_field": condition.get("field", ""),
            "visible_if_equals": _text(condition.get("equals")) if condition else "",
        }

    def to_field(self, types_by_key: dict[str, str]) -> dict:
        data = self.cleaned_data
        kind = data["type"]
        field: dict[str, Any] = {"key": data["key"], "type": kind, "label": data["label"], "label_en": data["label_en"]}
        if kind == "heading":
            if data["help"] or data["help_en"]:
                field.update(help=data["help"], help_en=data["help_en"])
            return field
        field.update(required=data["required"], help=data["help"], help_en=data["help_en"])
        for bound in ("min", "max"):
            text = (data.get(bound) or "").strip()
            if text:
                field[bound] = text if kind == "date" else _scalar(text)
        if data.get("integer") and kind == "number":
            field["integer"] = True
        if data.get("pattern"):
            field["pattern"] = data["pattern"]
        if data["options"]:
            field["options"] = data["options"]
        reference = (data.get("visible_if_field") or "").strip()
        if reference:
            equals = data["visible_if_equals"].strip()
            referenced_type = types_by_key.get(reference)
            if referenced_type in {"checkbox", "number"}:
                equals = _scalar(equals)
            field["visible_if"] = {"field": reference, "equals": equals}
        if kind == "group":
            field["fields"] = []
        return field


def fields_initial(fields: list[dict]) -> list[dict]:
    rows = []
    for field in fields:
        rows.append(FormFieldRow.initial_from(field))
        for sub in field.get("fields") or []:
            rows.append(FormFieldRow.initial_from(sub, parent=field.get("key", "")))
    return rows


def fields_spec(forms_in_order: list[FormFieldRow]) -> tuple[list[dict], list[tuple[FormFieldRow, str]]]:
    """The nested field list from the rows (sub-fields go into their group), and row errors."""
    errors = []
    types_by_key = {f.cleaned_data["key"]: f.cleaned_data["type"] for f in forms_in_order}
    top: list[dict] = []
    groups: dict[str, dict] = {}
    for row in forms_in_order:
        parent = (row.cleaned_data.get("parent") or "").strip()
        field = row.to_field(types_by_key)
        if parent:
            group = groups.get(parent)
            if group is None:
                errors.append(
                    (row, _("Nhóm '%(p)s' không có ở phía trên (hoặc không phải kiểu nhóm).") % {"p": parent})
                )
                continue
            if field["type"] in {"group", "heading"}:
                errors.append((row, _("Trường con trong nhóm không thể là nhóm hoặc tiêu đề.")))
                continue
            group["fields"].append(field)
        else:
            top.append(field)
            if field["type"] == "group":
                groups[field["key"]] = field
    return top, errors


# --- documents, cases ------------------------------------------------------------------------------------------


class DocumentRow(EditorFormMixin, forms.Form):
    code = forms.SlugField(label=_("Mã"), max_length=60)
    name = forms.CharField(label=_("Tên giấy tờ"), max_length=500)
    name_en = forms.CharField(label=_("Tên tiếng Anh"), max_length=500, required=False)
    copy_type = forms.ChoiceField(label=_("Loại bản"), choices=COPY_TYPE_CHOICES, initial="original")
    required = forms.BooleanField(label=_("Bắt buộc"), required=False, initial=True)
    accept = forms.MultipleChoiceField(
        label=_("Loại tệp được nhận"),
        choices=MIME_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        initial=["application/pdf", "image/jpeg", "image/png"],
    )
    max_mb = forms.DecimalField(
        label=_("Dung lượng tối đa (MB)"), min_value=Decimal("0.01"), max_digits=8, decimal_places=2, initial=10
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Keep MIME types an imported template uses even if the common list lacks them.
        extra = [m for m in (self.initial.get("accept") or []) if m not in dict(MIME_CHOICES)]
        self.fields["accept"].choices = MIME_CHOICES + [(m, m) for m in extra]

    @staticmethod
    def initial_from(doc: dict) -> dict:
        return {
            "code": doc.get("code", ""),
            "name": doc.get("name", ""),
            "name_en": doc.get("name_en", ""),
            "copy_type": doc.get("copy_type", "original"),
            "required": bool(doc.get("required")),
            "accept": list(doc.get("accept") or []),
            "max_mb": _decimal_text(Decimal(doc.get("max_bytes") or 0) / MIB) if doc.get("max_bytes") else "",
        }

    def to_spec(self) -> dict:
        data = self.cleaned_data
        return {
            "code": data["code"],
            "name": data["name"],
            "name_en": data["name_en"],
            "required": data["required"],
            "copy_type": data["copy_type"],
            "accept": [m for m, _label in self.fields["accept"].choices if m in data["accept"]],
            "max_bytes": int(data["max_mb"] * MIB),
        }


class CaseRow(EditorFormMixin, forms.Form):
    code = forms.SlugField(label=_("Mã"), max_length=60)
    name = forms.CharField(label=_("Tên trường hợp"), max_length=500)
    name_en = forms.CharField(label=_("Tên tiếng Anh"), max_length=500, required=False)
    time_limit_value = forms.DecimalField(label=_("Thời hạn"), min_value=0, max_digits=6, decimal_places=2)
    time_limit_unit = forms.ChoiceField(label=_("Đơn vị"), choices=UNIT_CHOICES, initial="working_days")
    same_day_cutoff = forms.TimeField(
        label=_("Giờ chốt"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    fee = forms.IntegerField(label=_("Phí (đồng)"), min_value=0, initial=0)

    @staticmethod
    def initial_from(case: dict) -> dict:
        limit = case.get("time_limit") or {}
        return {
            "code": case.get("code", ""),
            "name": case.get("name", ""),
            "name_en": case.get("name_en", ""),
            "time_limit_value": _decimal_text(limit.get("value")),
            "time_limit_unit": limit.get("unit", "working_days"),
            "same_day_cutoff": limit.get("same_day_cutoff"),
            "fee": case.get("fee", 0),
        }

    def to_spec(self) -> dict:
        data = self.cleaned_data
        cutoff = data.get("same_day_cutoff")
        return {
            "code": data["code"],
            "name": data["name"],
            "name_en": data["name_en"],
            "time_limit": {
                "value": _decimal_text(data["time_limit_value"]),
                "unit": data["time_limit_unit"],
                "same_day_cutoff": cutoff.strftime("%H:%M") if cutoff else None,
            },
            "fee": data["fee"],
        }


# --- workflow ---------------------------------------------------------------------------------------------------


class StepRow(EditorFormMixin, forms.Form):
    name = forms.CharField(label=_("Tên bước"), max_length=255)
    name_en = forms.CharField(label=_("Tên tiếng Anh"), max_length=255, required=False)
    department = forms.ChoiceField(label=_("Phòng ban"))
    role = forms.ChoiceField(label=_("Vai trò"), choices=ROLE_CHOICES, initial="reception")
    allotted_days = forms.DecimalField(label=_("Số ngày làm việc"), min_value=0, max_digits=5, decimal_places=2)

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(d.code, d.name) for d in departments]
        current = self.initial.get("department")
        if current and current not in dict(choices):
            choices.append((current, _("%(c)s (không có trong cơ quan)") % {"c": current}))
        self.fields["department"].choices = choices
        # An untouched blank row must compare equal to its initial values, or it would be validated as a step.
        self.fields["department"].initial = choices[0][0] if choices else None

    @staticmethod
    def initial_from(step: dict) -> dict:
        return {**step, "allotted_days": _decimal_text(step.get("allotted_days"))}

    def to_spec(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "name_en": data["name_en"],
            "role": data["role"],
            "department": data["department"],
            "allotted_days": _decimal_text(data["allotted_days"]),
        }


class RoutingRow(EditorFormMixin, forms.Form):
    name = forms.CharField(label=_("Tên quy tắc"), max_length=255, required=False)
    steps = forms.CharField(
        label=_("Áp dụng cho bước"),
        required=False,
        max_length=60,
        help_text=_("Số thứ tự, cách nhau dấu phẩy; trống = mọi bước."),
    )
    condition = forms.ChoiceField(label=_("Điều kiện"), choices=CONDITION_CHOICES, required=False)
    field = forms.CharField(label=_("Trường"), required=False, max_length=60)
    value = forms.CharField(
        label=_("Giá trị"),
        required=False,
        max_length=1000,
        help_text=_("Nhiều giá trị hoặc mã xã: cách nhau dấu phẩy."),
    )
    when_json = forms.CharField(label=_("Điều kiện JSON"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    agency = forms.CharField(label=_("Chuyển đến cơ quan (mã định danh)"), required=False, max_length=13)
    department = forms.ChoiceField(label=_("Phòng ban xử lý"), required=False)

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("(phòng ban của bước)"))] + [(d.code, d.name) for d in departments]
        current = self.initial.get("department")
        if current and current not in dict(choices):
            choices.append((current, current))
        # A rule sending the step to another agency may name that agency's department.
        submitted = self.data.get(self.add_prefix("department")) if self.is_bound else None
        if submitted and submitted not in dict(choices):
            choices.append((submitted, submitted))
        self.fields["department"].choices = choices

    def clean(self):
        data = super().clean()
        kind = data.get("condition") or ""
        try:
            data["steps_list"] = [int(part) for part in _split_list(data.get("steps") or "")]
        except ValueError:
            self.add_error("steps", _("Chỉ nhập số thứ tự bước."))
        if kind in {"equals", "in"} and not (data.get("field") or "").strip():
            self.add_error("field", _("Chọn trường để so sánh."))
        if kind and kind != "json" and not (data.get("value") or "").strip():
            self.add_error("value", _("Nhập giá trị."))
        if kind == "json":
            try:
                data["when_parsed"] = json.loads(data.get("when_json") or "")
            except ValueError:
                self.add_error("when_json", _("JSON không hợp lệ."))
        if not data.get("agency") and not data.get("department"):
            self.add_error("department", _("Chọn phòng ban hoặc cơ quan nhận."))
        return data

    @staticmethod
    def initial_from(rule: dict) -> dict:
        when = rule.get("when") or {}
        row = {
            "name": rule.get("name", ""),
            "steps": ", ".join(str(s) for s in rule.get("steps") or []),
            "agency": rule.get("agency", ""),
            "department": rule.get("department", ""),
            "condition": "",
        }
        simple_keys = {"field", "equals", "in", "commune", "province"}
        if not when:
            return row
        if set(when) <= simple_keys and "equals" in when and set(when) == {"field", "equals"}:
            return {**row, "condition": "equals", "field": when["field"], "value": _text(when["equals"])}
        if set(when) == {"field", "in"} and isinstance(when["in"], list):
            return {**row, "condition": "in", "field": when["field"], "value": ", ".join(_text(v) for v in when["in"])}
        for part in ("commune", "province"):
            if set(when) == {part}:
                values = when[part] if isinstance(when[part], list) else [when[part]]
                return {**row, "condition": part, "value": ", ".join(str(v) for v in values)}
        return {**row, "condition": "json", "when_json": json.dumps(when, ensure_ascii=False)}

    def to_spec(self) -> dict:
        data = self.cleaned_data
        rule: dict[str, Any] = {}
        if data.get("name"):
            rule["name"] = data["name"]
        if data.get("steps_list"):
            rule["steps"] = data["steps_list"]
        kind = data.get("condition") or ""
        value = (data.get("value") or "").strip()
        if kind == "equals":
            rule["when"] = {"field": data["field"].strip(), "equals": value}
        elif kind == "in":
            rule["when"] = {"field": data["field"].strip(), "in": _split_list(value)}
        elif kind in {"commune", "province"}:
            values = _split_list(value)
            rule["when"] = {kind: values[0] if len(values) == 1 else values}
        elif kind == "json":
            rule["when"] = data["when_parsed"]
        if data.get("agency"):
            rule["agency"] = data["agency"].strip()
        if data.get("department"):
            rule["department"] = data["department"]
        return rule


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp JSON mẫu thủ tục"))
    agency = forms.ChoiceField(label=_("Cơ quan"))

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [(a.identity_code, a.name) for a in agencies]


# --- fees ---------------------------------------------------------------------------------------------------------


def _csv(value: str) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


class PaymentTimingForm(EditorFormMixin, forms.Form):
    payment_timing = forms.ChoiceField(label=_("Thời điểm thanh toán"), choices=list(TIMINGS.items()))


class FeeItemRow(EditorFormMixin, forms.Form):
    """One fee item (procedures/fees.py); lists are typed comma-separated to keep the row a plain form."""

    code = forms.SlugField(label=_("Mã"), max_length=60)
    name = forms.CharField(label=_("Tên khoản"), max_length=255)
    name_en = forms.CharField(label=_("Tên tiếng Anh"), max_length=255, required=False)
    kind = forms.ChoiceField(label=_("Loại"), choices=list(KINDS.items()), initial="le_phi")
    basis = forms.ChoiceField(label=_("Cách tính"), choices=list(BASES.items()), initial="per_case")
    amount = forms.IntegerField(label=_("Đơn giá (đồng)"), min_value=0, max_value=MAX_AMOUNT)
    quantity_field = forms.CharField(
        label=_("Trường số bản/số trang"), max_length=100, required=False, help_text=_("Khoá trường trong biểu mẫu.")
    )
    copies_field = forms.CharField(label=_("Trường số bản (tính theo trang)"), max_length=100, required=False)
    free_units = forms.IntegerField(label=_("Số đơn vị đầu miễn phí"), min_value=0, required=False)
    tiers = forms.CharField(
        label=_("Giá theo trang"), required=False, help_text=_("Ví dụ: 3:1000 (từ trang 3 giá 1.000 đồng).")
    )
    cap = forms.IntegerField(label=_("Mức tối đa (đồng)"), min_value=0, max_value=MAX_AMOUNT, required=False)
    cases = forms.CharField(
        label=_("Chỉ áp dụng cho trường hợp"), required=False, help_text=_("Mã trường hợp, cách nhau bởi dấu phẩy.")
    )
    channels = forms.CharField(
        label=_("Chỉ áp dụng cho kênh nộp"), required=False, help_text=_("online, in_person, post")
    )
    exempt_field = forms.CharField(label=_("Miễn khi trường"), max_length=100, required=False)
    exempt_values = forms.CharField(
        label=_("có một trong các giá trị"), required=False, help_text=_("Cách nhau bởi dấu phẩy.")
    )

    @staticmethod
    def initial_from(item: dict) -> dict:
        rule = (item.get("exempt_if") or [{}])[0]
        return {
            "code": item.get("code", ""),
            "name": item.get("name", ""),
            "name_en": item.get("name_en", ""),
            "kind": item.get("kind", "le_phi"),
            "basis": item.get("basis", "per_case"),
            "amount": item.get("amount", 0),
            "quantity_field": item.get("quantity_field", ""),
            "copies_field": item.get("copies_field", ""),
            "free_units": item.get("free_units"),
            "tiers": ", ".join(f"{t.get('from')}:{t.get('amount')}" for t in item.get("tiers") or []),
            "cap": item.get("cap"),
            "cases": ", ".join(c or "-" for c in item.get("cases") or []),
            "channels": ", ".join(item.get("channels") or []),
            "exempt_field": rule.get("field", ""),
            "exempt_values": ", ".join(rule.get("in") or []),
        }

    def clean_tiers(self):
        tiers = []
        for part in _csv(self.cleaned_data.get("tiers", "")):
            try:
                start, amount = (int(x) for x in part.split(":"))
            except ValueError:
                raise forms.ValidationError(_("Viết dạng trang:giá, ví dụ 3:1000."))
            tiers.append({"from": start, "amount": amount})
        return tiers

    def to_spec(self) -> dict:
        data = self.cleaned_data
        item = {k: data[k] for k in ("code", "name", "name_en", "kind", "basis", "amount")}
        for key in ("quantity_field", "copies_field"):
            if data.get(key):
                item[key] = data[key].strip()
        for key in ("free_units", "cap"):
            if data.get(key):
                item[key] = data[key]
        if data.get("tiers"):
            item["tiers"] = data["tiers"]
        if data.get("cases"):
            # "-" stands for the general case (no specific case chosen).
            item["cases"] = ["" if c == "-" else c for c in _csv(data["cases"])]
        if data.get("channels"):
            item["channels"] = _csv(data["channels"])
        if data.get("exempt_field"):
            item["exempt_if"] = [{"field": data["exempt_field"].strip(), "in": _csv(data.get("exempt_values", ""))}]
        return item
