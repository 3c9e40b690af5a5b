"""Cleaning: the data as it should be stored."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from procedures import units
from procedures.formschema.core import (
    _FALSE_STRINGS,
    _FLOAT_RE,
    _INT_RE,
    _PHONE_SEPARATORS_RE,
    _TRUE_STRINGS,
    _field_list,
    _fmt,
    _options,
    _same,
    is_visible,
)

# =====================================================================================================================
# Cleaning
# =====================================================================================================================


def _to_number(value: str) -> Any:
    text = value.strip()
    if len(text) > 100:
        return text
    try:
        if _INT_RE.fullmatch(text):
            return int(text)
        if _FLOAT_RE.fullmatch(text):
            number = float(text)
            return number if math.isfinite(number) else text
    except (ValueError, OverflowError):
        pass
    return text


def _match_option(field: Mapping, value: Any) -> Any:
    """A submitted string stripped, and mapped to the option whose value it spells ("1" for 1, as HTML forms send)."""
    if not isinstance(value, str):
        return value
    value = value.strip()
    options = _options(field)
    if any(_same(value, o["value"]) for o in options):
        return value
    for option in options:
        candidate = option["value"]
        if isinstance(candidate, (int, float)) and not isinstance(candidate, bool) and _fmt(candidate) == value:
            return candidate
    return value


def _clean_value(field: Mapping, value: Any) -> Any:
    kind = field.get("type")
    if kind == "group":
        if not isinstance(value, list):
            return value
        sub_fields = _field_list(field.get("fields"))
        return [_clean_level(sub_fields, item) if isinstance(item, dict) else item for item in value]
    if kind == "number":
        return _to_number(value) if isinstance(value, str) else value
    if kind == "checkbox":
        if isinstance(value, str):
            lowered = value.strip().lower()
            if lowered in _TRUE_STRINGS:
                return True
            if lowered in _FALSE_STRINGS:
                return False
        return value
    if kind == "phone":
        return _PHONE_SEPARATORS_RE.sub("", value) if isinstance(value, str) else value
    if kind == "select":
        return _match_option(field, value)
    if kind == "multiselect":
        if isinstance(value, list):
            return [_match_option(field, item) for item in value]
        return value
    if kind == "date" and isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    if kind == "address":
        if not isinstance(value, dict):
            return value
        cleaned = dict(value)
        if "province" in cleaned:
            cleaned["province"] = units.normalise_code(cleaned["province"], width=2)
        if "commune" in cleaned:
            cleaned["commune"] = units.normalise_code(cleaned["commune"], width=5)
        if isinstance(cleaned.get("street"), str):
            cleaned["street"] = " ".join(cleaned["street"].split())
        return cleaned
    if isinstance(value, str):
        return value.strip()
    return value


def _clean_level(fields: list[Mapping], data: dict) -> dict:
    by_key = {f["key"]: f for f in fields}
    cleaned: dict = {}
    # Unknown keys are kept (validation reports them); known keys are normalised, then hidden ones dropped in order.
    for key, value in data.items():
        field = by_key.get(key) if isinstance(key, str) else None
        cleaned[key] = value if field is None else _clean_value(field, value)
    for field in fields:
        key = field["key"]
        if key in cleaned and not is_visible(field, cleaned):
            del cleaned[key]
    return cleaned


def clean_data(fields: list[dict], data: Any) -> dict:
    """The data to store: hidden fields removed and values normalised; a new dict, ``data`` is not modified.

    Raises ``TypeError`` when ``data`` is not a dict (``validate_data`` reports that as an error instead).
    """
    if not isinstance(data, dict):
        raise TypeError("form data must be a dict")
    return _clean_level(_field_list(fields), data)
