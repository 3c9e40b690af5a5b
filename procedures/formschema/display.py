"""The officer's read-only view of a dossier's data."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from procedures import units
from procedures.formschema.clean import _clean_level
from procedures.formschema.core import (
    _field_list,
    _fmt,
    _label,
    _option_label,
    _options,
    _parse_iso_date,
    _same,
    is_visible,
)

# =====================================================================================================================
# Officer display
# =====================================================================================================================


def _display_value(field: Mapping, value: Any, lang: str) -> str:
    kind = field.get("type")
    if value is None or kind == "heading":
        return ""
    if kind == "checkbox":
        if value is True:
            return "Yes" if lang == "en" else "Có"
        if value is False:
            return "No" if lang == "en" else "Không"
        return _fmt(value)
    if kind == "select":
        for option in _options(field):
            if _same(option["value"], value):
                return _option_label(option, lang)
        return _fmt(value)
    if kind == "multiselect" and isinstance(value, list):
        labels = []
        for item in value:
            label = next((_option_label(o, lang) for o in _options(field) if _same(o["value"], item)), None)
            labels.append(label if label is not None else _fmt(item))
        return ", ".join(labels)
    if kind == "date":
        parsed = _parse_iso_date(value)
        if parsed is not None:
            return parsed.isoformat() if lang == "en" else parsed.strftime("%d/%m/%Y")
        return _fmt(value)
    if kind == "address" and isinstance(value, dict):
        street, commune, province = value.get("street"), value.get("commune"), value.get("province")
        parts = [
            street if isinstance(street, str) else None,
            (units.commune_name(commune) or commune) if commune not in (None, "") else None,
            (units.province_name(province) or province) if province not in (None, "") else None,
        ]
        return ", ".join(_fmt(part) for part in parts if part not in (None, ""))
    if kind == "group" and isinstance(value, list):
        count = len(value)
        return f"{count} item{'s' if count != 1 else ''}" if lang == "en" else f"{count} mục"
    if isinstance(value, (list, dict)):
        return ""
    return _fmt(value)


def _display_level(fields: list[Mapping], data: dict, lang: str, path: str, level: int, item: int | None) -> list:
    rows: list[dict] = []
    for field in fields:
        if not is_visible(field, data):
            continue
        key = field["key"]
        value = data.get(key)
        row = {
            "key": f"{path}{key}",
            "label": _label(field, lang),
            "type": field.get("type"),
            "value_display": _display_value(field, value, lang),
            "level": level,
        }
        if item is not None:
            row["item"] = item
        rows.append(row)
        if field.get("type") == "group" and isinstance(value, list) and level == 0:
            sub_fields = _field_list(field.get("fields"))
            for index, entry in enumerate(value):
                if isinstance(entry, dict):
                    rows.extend(_display_level(sub_fields, entry, lang, f"{path}{key}.{index}.", level + 1, index + 1))
    return rows


def display_rows(fields: list[dict], data: Any, lang: str = "vi") -> list[dict]:
    """Rows for the officer's view, in schema order, hidden fields skipped.

    ``[{"key", "label", "type", "value_display", "level"}]``: select and multiselect show option labels, checkbox
    Có/Không (Yes/No), date dd/mm/yyyy (ISO in English), address "street, commune, province" by name, a group its
    item count followed by its items' rows at level 1 (keys ``group.<index>.<key>``, plus ``"item"``: the 1-based
    item number). Headings appear with an empty value. Missing values display as "".
    """
    field_list = _field_list(fields)
    cleaned = _clean_level(field_list, data) if isinstance(data, dict) else {}
    return _display_level(field_list, cleaned, lang, "", 0, None)
