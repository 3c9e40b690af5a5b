"""Definition checks: what prevents publishing a template's form."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from procedures.formschema.core import (
    _KEY_RE,
    STRING_TYPES,
    _date_bound,
    _fmt,
    _is_count,
    _is_number,
    _options,
    _parse_iso_date,
    _same,
)
from procedures.vocabulary import FIELD_TYPES

# =====================================================================================================================
# Definition checks (publishing a template)
# =====================================================================================================================


def _js_incompatibility(pattern: str) -> str | None:
    """A construct Python and JavaScript read differently (or only one of them reads), if the pattern has one."""
    i, n = 0, len(pattern)
    in_class = False
    while i < n:
        char = pattern[i]
        if char == "\\":
            nxt = pattern[i + 1 : i + 2]
            if nxt in ("A", "Z", "z", "G"):
                return f"\\{nxt}"
            i += 2
            continue
        if in_class:
            if char == "]":
                in_class = False
        elif char == "[":
            in_class = True
            if pattern[i + 1 : i + 2] == "]":  # "[]...]" means "]" in Python, an empty class in JS
                return "[]"
        elif char == "(" and pattern[i + 1 : i + 2] == "?":
            ahead = pattern[i + 2 : i + 3]
            if ahead == "P":
                return "(?P"
            if ahead in ("#", ">") or (ahead and ahead in "aiLmsux-"):
                return f"(?{ahead}"
        elif char in "*+?}" and pattern[i + 1 : i + 2] == "+":
            return f"{char}+"
        i += 1
    return None


_DEF_MESSAGES = {
    "not_list": ("Danh sách trường phải là một mảng.", "The field list must be an array."),
    "not_object": ("mỗi trường phải là một đối tượng.", "each field must be an object."),
    "bad_key": (
        "khoá phải bắt đầu bằng chữ cái hoặc dấu _ và chỉ gồm chữ cái không dấu, chữ số, dấu _.",
        "the key must start with a letter or _ and contain only ASCII letters, digits and _.",
    ),
    "duplicate_key": ("khoá '{key}' bị trùng.", "the key '{key}' is used more than once."),
    "no_label": ("thiếu nhãn (label).", "the label is missing."),
    "bad_text": ("'{attr}' phải là chuỗi ký tự.", "'{attr}' must be a string."),
    "bad_type": ("kiểu '{type}' không được hỗ trợ.", "the type '{type}' is not supported."),
    "bad_required": ("'required' phải là true hoặc false.", "'required' must be true or false."),
    "heading_required": ("mục tiêu đề không thể bắt buộc.", "a heading cannot be required."),
    "no_options": (
        "kiểu lựa chọn cần danh sách 'options' không rỗng.",
        "a choice field needs a non-empty 'options' list.",
    ),
    "bad_option": (
        "mỗi lựa chọn cần 'value' và 'label' (chuỗi ký tự).",
        "each option needs a 'value' and a string 'label'.",
    ),
    "duplicate_option": ("giá trị lựa chọn '{value}' bị trùng.", "the option value '{value}' is used more than once."),
    "options_not_applicable": ("'options' chỉ dùng cho kiểu lựa chọn.", "'options' only applies to choice fields."),
    "bad_pattern": ("biểu thức chính quy không hợp lệ: {error}.", "the regular expression is invalid: {error}."),
    "pattern_js": (
        "biểu thức chính quy dùng '{construct}', Python và JavaScript hiểu khác nhau.",
        "the regular expression uses '{construct}', which Python and JavaScript read differently.",
    ),
    "pattern_not_applicable": (
        "'pattern' chỉ dùng cho các kiểu chuỗi ký tự.",
        "'pattern' only applies to string fields.",
    ),
    "bound_not_applicable": ("'{attr}' không áp dụng cho kiểu này.", "'{attr}' does not apply to this type."),
    "bad_count": ("'{attr}' phải là số nguyên không âm.", "'{attr}' must be a non-negative integer."),
    "bad_number": ("'{attr}' phải là một số.", "'{attr}' must be a number."),
    "bad_date": (
        "'{attr}' phải là ngày YYYY-MM-DD hoặc \"today\".",
        "'{attr}' must be a YYYY-MM-DD date or \"today\".",
    ),
    "min_gt_max": ("'min' lớn hơn 'max'.", "'min' is greater than 'max'."),
    "bad_visible_if": (
        '\'visible_if\' phải có dạng {{"field", "equals"}}.',
        '\'visible_if\' must be {{"field", "equals"}}.',
    ),
    "visible_if_unknown": (
        "'visible_if' tham chiếu '{ref}', không phải trường đứng trước ở cùng cấp.",
        "'visible_if' refers to '{ref}', which is not a field listed earlier at the same level.",
    ),
    "visible_if_heading": (
        "'visible_if' tham chiếu '{ref}', một trường không có giá trị.",
        "'visible_if' refers to '{ref}', which holds no value.",
    ),
    "visible_if_choice": (
        "giá trị 'equals' không nằm trong các lựa chọn của '{ref}'.",
        "the 'equals' value is not one of the options of '{ref}'.",
    ),
    "no_sub_fields": ("nhóm cần danh sách 'fields' không rỗng.", "a group needs a non-empty 'fields' list."),
    "nested_group": ("không được đặt nhóm trong nhóm.", "a group cannot contain another group."),
    "fields_not_applicable": ("'fields' chỉ dùng cho kiểu nhóm.", "'fields' only applies to groups."),
}


class _DefinitionChecker:
    def __init__(self, lang: str):
        self.lang = lang
        self.problems: list[str] = []

    def add(self, where: str, code: str, **params: Any) -> None:
        vi, en = _DEF_MESSAGES[code]
        template = en if self.lang == "en" else vi
        text = template.format(**params)
        self.problems.append(f"{where}: {text}" if where else text)

    def check_level(self, fields: Any, path: str, in_group: bool) -> None:
        if not isinstance(fields, list):
            self.add(path.rstrip("."), "not_list")
            return
        earlier: dict[str, Mapping] = {}
        for index, field in enumerate(fields):
            where = f"{path}{index}"
            if not isinstance(field, Mapping):
                self.add(where, "not_object")
                continue
            key = field.get("key")
            if isinstance(key, str) and key:
                where = f"{path}{key}"
            if not isinstance(key, str) or not _KEY_RE.fullmatch(key):
                self.add(where, "bad_key")
            elif key in earlier:
                self.add(where, "duplicate_key", key=key)
            self.check_field(field, where, earlier, in_group)
            if isinstance(key, str) and key not in earlier:
                earlier[key] = field

    def check_field(self, field: Mapping, where: str, earlier: Mapping[str, Mapping], in_group: bool) -> None:
        label = field.get("label")
        if not isinstance(label, str) or not label.strip():
            self.add(where, "no_label")
        for attr in ("label_en", "help", "help_en"):
            if attr in field and field[attr] is not None and not isinstance(field[attr], str):
                self.add(where, "bad_text", attr=attr)
        kind = field.get("type")
        if kind not in FIELD_TYPES:
            self.add(where, "bad_type", type=kind)
        if "required" in field and not isinstance(field["required"], bool):
            self.add(where, "bad_required")
        if kind == "heading" and field.get("required") is True:
            self.add(where, "heading_required")
        self.check_options(field, kind, where)
        self.check_pattern(field, kind, where)
        self.check_bounds(field, kind, where)
        self.check_visible_if(field, where, earlier)
        if kind == "group":
            if in_group:
                self.add(where, "nested_group")
            sub_fields = field.get("fields")
            if not isinstance(sub_fields, list) or not sub_fields:
                self.add(where, "no_sub_fields")
            else:
                self.check_level(sub_fields, f"{where}.", in_group=True)
        elif "fields" in field:
            self.add(where, "fields_not_applicable")

    def check_options(self, field: Mapping, kind: Any, where: str) -> None:
        options = field.get("options")
        if kind not in ("select", "multiselect"):
            if options is not None:
                self.add(where, "options_not_applicable")
            return
        if not isinstance(options, list) or not options:
            self.add(where, "no_options")
            return
        seen: list[Any] = []
        for option in options:
            if (
                not isinstance(option, Mapping)
                or "value" not in option
                or isinstance(option["value"], (list, dict))
                or option["value"] is None
                or not isinstance(option.get("label"), str)
                or not option["label"].strip()
                or ("label_en" in option and option["label_en"] is not None and not isinstance(option["label_en"], str))
            ):
                self.add(where, "bad_option")
                continue
            value = option["value"]
            if any(_same(value, other) for other in seen):
                self.add(where, "duplicate_option", value=_fmt(value))
            else:
                seen.append(value)

    def check_pattern(self, field: Mapping, kind: Any, where: str) -> None:
        if "pattern" not in field or field["pattern"] is None:
            return
        pattern = field["pattern"]
        if kind not in STRING_TYPES:
            self.add(where, "pattern_not_applicable")
            return
        if not isinstance(pattern, str):
            self.add(where, "bad_text", attr="pattern")
            return
        try:
            re.compile(pattern, re.ASCII)
        except (re.error, RecursionError, OverflowError) as exc:
            self.add(where, "bad_pattern", error=str(exc))
            return
        construct = _js_incompatibility(pattern)
        if construct:
            self.add(where, "pattern_js", construct=construct)

    def check_bounds(self, field: Mapping, kind: Any, where: str) -> None:
        present = {attr: field[attr] for attr in ("min", "max") if field.get(attr) is not None}
        if not present:
            return
        if kind in ("text", "textarea", "multiselect", "group"):
            valid = self._check_each(present, where, _is_count, "bad_count")
            if len(valid) == 2 and valid["min"] > valid["max"]:
                self.add(where, "min_gt_max")
        elif kind == "number":
            valid = self._check_each(present, where, _is_number, "bad_number")
            if len(valid) == 2 and valid["min"] > valid["max"]:
                self.add(where, "min_gt_max")
        elif kind == "date":
            valid = self._check_each(present, where, lambda v: _date_bound(v, date.min) is not None, "bad_date")
            if len(valid) == 2:
                low = _parse_iso_date(valid["min"])
                high = _parse_iso_date(valid["max"])
                if low is not None and high is not None and low > high:
                    self.add(where, "min_gt_max")
        else:
            for attr in present:
                self.add(where, "bound_not_applicable", attr=attr)

    def _check_each(self, present: Mapping[str, Any], where: str, ok: Any, code: str) -> dict[str, Any]:
        valid = {}
        for attr, value in present.items():
            if ok(value):
                valid[attr] = value
            else:
                self.add(where, code, attr=attr)
        return valid

    def check_visible_if(self, field: Mapping, where: str, earlier: Mapping[str, Mapping]) -> None:
        if "visible_if" not in field or field["visible_if"] is None:
            return
        condition = field["visible_if"]
        if (
            not isinstance(condition, Mapping)
            or not isinstance(condition.get("field"), str)
            or "equals" not in condition
            or set(condition) - {"field", "equals"}
        ):
            self.add(where, "bad_visible_if")
            return
        ref = condition["field"]
        target = earlier.get(ref)
        if target is None:
            self.add(where, "visible_if_unknown", ref=ref)
            return
        if target.get("type") in ("heading", "group"):
            self.add(where, "visible_if_heading", ref=ref)
            return
        if target.get("type") in ("select", "multiselect"):
            values = [o["value"] for o in _options(target)]
            if values and not any(_same(condition["equals"], v) for v in values):
                self.add(where, "visible_if_choice", ref=ref)


def validate_definition(fields: Any, *, lang: str = "vi") -> list[str]:
    """The problems that prevent publishing ``fields``; ``[]`` when the definition is sound.

    Checks: every field is an object with a well-formed key, unique at its level (top level, or within one group's
    fields), a label, a known type and a boolean ``required``; select/multiselect have a non-empty ``options`` list
    whose values are unique; ``pattern`` compiles (and avoids constructs JavaScript reads differently) and is only on
    string types; ``min``/``max`` fit the type and ``min <= max``; ``visible_if`` names a field listed earlier at the
    same level (one that holds a value, and for choice fields one of its options); groups have sub-fields and are
    not nested. Each message starts with the field's path (``"members.full_name: ..."``).
    """
    checker = _DefinitionChecker(lang)
    checker.check_level(fields, "", in_group=False)
    return checker.problems
