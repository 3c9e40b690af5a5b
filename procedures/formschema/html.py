"""The form schema in HTML: a level of a form's POST typed the way the API sends it, and the widgets a template
renders for a level (with the checks portal.js may run before the server, in the server's own words).

Used by the citizen's filing pages and the officer's in-person filing, so neither UI imports the other.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _

from procedures import units
from procedures.display import is_english
from procedures.formschema.core import ADDRESS_PARTS, _m_max_value, _m_min_value, _m_pattern, _m_required

MAX_GROUP_ITEMS = 50
DMY_RE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
ISO_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


def ui_lang() -> str:
    return "en" if is_english() else "vi"


def well_formed(fields: Any) -> list[Mapping]:
    """The field definitions of a level that have a key (malformed entries are ignored at runtime)."""
    return [f for f in fields or [] if isinstance(f, Mapping) and isinstance(f.get("key"), str)]


def text_in(spec: Mapping, attr: str, lang: str) -> str:
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
    for field in well_formed(fields):
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


def edit_groups(fields: Any, data: dict, post: QueryDict) -> None:
    """Apply "add an item" / "remove item i" buttons to the posted data (groups live at the top level only)."""
    add, remove = post.get("_add", ""), post.get("_remove", "")
    for field in well_formed(fields):
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
        {"value": str(o["value"]), "label": text_in(o, "label", lang), "selected": str(o["value"]) in chosen_values}
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
        shown = next(
            (text_in(o, "label", lang) for o in target.get("options") or [] if o.get("value") == equals), equals
        )
    elif isinstance(equals, bool):
        shown = _("được chọn") if equals else _("không được chọn")
    return {
        "name": prefix + str(condition["field"]),
        "equals": json.dumps(equals, ensure_ascii=False),
        "label": text_in(target, "label", lang) if target else condition["field"],
        "value_label": shown,
    }


def _checks(field: Mapping, kind: Any, label: str, lang: str) -> str:
    """The checks portal.js may run before the server does, with the server's own messages (formschema's), so the
    inline message and the one after submitting read the same. The server stays the authority."""
    if kind not in ("text", "textarea", "email", "phone", "national_id", "number", "date", "select"):
        return ""
    checks: dict[str, Any] = {}
    if field.get("required") is True:
        checks["required"] = f"{label}: {_m_required().text(lang)}"
    if kind in ("text", "textarea", "email", "phone") and isinstance(field.get("pattern"), str):
        checks["pattern"] = [field["pattern"], f"{label}: {_m_pattern().text(lang)}"]
    if kind == "number":
        for bound, message in (("min", _m_min_value), ("max", _m_max_value)):
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
    lang = ui_lang()
    level = well_formed(fields)
    widgets = []
    for field in level:
        kind, key = field.get("type"), field["key"]
        name = prefix + key
        value = data.get(key) if isinstance(data, Mapping) else None
        widget: dict[str, Any] = {
            "type": kind,
            "name": name,
            "id": "f-" + name,
            "label": text_in(field, "label", lang),
            "help": text_in(field, "help", lang),
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


def error_summary(widgets: list[dict], errors: Mapping[str, list[str]]) -> list[dict]:
    """The error summary at the top of the form: each message linked to its field (unplaced ones unlinked)."""
    claimed = _claimed(widgets)
    rows = []
    for path, problems in errors.items():
        anchor = path if path in claimed else path.rsplit(".", 1)[0] if path.rsplit(".", 1)[0] in claimed else ""
        rows += [{"href": f"#f-{anchor}" if anchor else "", "message": message} for message in problems]
    return rows
