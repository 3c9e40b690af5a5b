"""Validation of a dossier's data against its form."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from procedures import units
from procedures.formschema.clean import _clean_level
from procedures.formschema.core import (
    _EMAIL_RE,
    _NATIONAL_ID_RE,
    _PHONE_RE,
    _PHONE_SEPARATORS_RE,
    ADDRESS_PARTS,
    DEFAULT_MAX_LENGTH,
    STREET_MAX_LENGTH,
    FieldError,
    Message,
    _compile_pattern,
    _date_bound,
    _field_list,
    _is_count,
    _is_empty,
    _is_number,
    _label,
    _m_choice,
    _m_date_max,
    _m_date_min,
    _m_duplicate,
    _m_invalid,
    _m_max_items,
    _m_max_value,
    _m_min_items,
    _m_min_value,
    _m_must_check,
    _m_no_value,
    _m_not_object,
    _m_nul,
    _m_pattern,
    _m_required,
    _m_too_long,
    _m_too_short,
    _m_type,
    _m_unknown,
    _options,
    _parse_iso_date,
    _same,
    _today,
    is_visible,
)

# =====================================================================================================================
# Validation
# =====================================================================================================================


class _Collector:
    def __init__(self, partial: bool, today: date):
        self.partial = partial
        self.today = today
        self.errors: list[FieldError] = []

    def add(self, path: str, labels: tuple[str, str], message: Message) -> None:
        self.errors.append(FieldError(path, labels[0], labels[1], message))


def _labels(field: Mapping, prefix: tuple[str, str] | None) -> tuple[str, str]:
    vi, en = _label(field, "vi"), _label(field, "en")
    if prefix:
        return f"{prefix[0]} › {vi}", f"{prefix[1]} › {en}"
    return vi, en


def _validate_level(
    fields: list[Mapping], data: dict, path: str, prefix: tuple[str, str] | None, out: _Collector
) -> None:
    known = {f["key"] for f in fields}
    for key in data:
        if not isinstance(key, str) or key not in known:
            name = str(key)
            shown = f"{prefix[0]} › {name}" if prefix else name
            shown_en = f"{prefix[1]} › {name}" if prefix else name
            out.add(f"{path}{name}", (shown, shown_en), _m_unknown())
    for field in fields:
        if not is_visible(field, data):
            continue
        key = field["key"]
        _validate_field(field, data.get(key), key in data, f"{path}{key}", _labels(field, prefix), out)


def _validate_field(
    field: Mapping, value: Any, present: bool, path: str, labels: tuple[str, str], out: _Collector
) -> None:
    kind = field.get("type")
    if kind == "heading":
        if present and not _is_empty(value):
            out.add(path, labels, _m_no_value())
        return
    required = field.get("required") is True and not out.partial
    if kind == "checkbox":
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                out.add(path, labels, _m_must_check())
            return
        if not isinstance(value, bool):
            out.add(path, labels, _m_type("phải là có hoặc không.", "must be true or false."))
        elif required and value is not True:
            out.add(path, labels, _m_must_check())
        return
    if _is_empty(value, kind):
        if required:
            out.add(path, labels, _m_required())
        return
    validator = _VALIDATORS.get(kind)
    if validator is not None:
        validator(field, value, path, labels, out)


def _check_string(field: Mapping, value: Any, path: str, labels: tuple[str, str], out: _Collector) -> str | None:
    if not isinstance(value, str):
        out.add(path, labels, _m_type("phải là chuỗi ký tự.", "must be a string."))
        return None
    if "\x00" in value:
        out.add(path, labels, _m_nul())
        return None
    return value


def _check_length(field: Mapping, value: str, path: str, labels: tuple[str, str], out: _Collector) -> None:
    low, high = field.get("min"), field.get("max")
    if not _is_count(high):
        high = DEFAULT_MAX_LENGTH.get(field.get("type"))
    if _is_count(low) and len(value) < low:
        out.add(path, labels, _m_too_short(low))
    if high is not None and len(value) > high:
        out.add(path, labels, _m_too_long(high))


def _check_pattern(field: Mapping, value: str, path: str, labels: tuple[str, str], out: _Collector) -> None:
    compiled = _compile_pattern(field.get("pattern"))
    if compiled is not None and not compiled.fullmatch(value):
        out.add(path, labels, _m_pattern())


def _v_text(field: Mapping, value: Any, path: str, labels: tuple[str, str], out: _Collector) -> None:
    text = _check_string(field, value, path, labels, out)
    if text is None:
        return
    _check_length(field, text, path, labels, out)
    _check_pattern(field, text, path, labels, out)


# No person or deed of this portal lies outside these dates (a date of birth in 9999 is a typing error).
DATE_RANGE = (date(1900, 1, 1), date(2100, 12, 31))


def _v_number(field: Mapping, value: Any, path: str, labels: tuple[str, str], out: _Collector) -> None:
    if not _is_number(value):
        out.add(path, labels, _m_type("phải là một số.", "must be a number."))
        return
    # "integer": true for counts (copies, people) and money in đồng: 1.5 copies is not a request anyone can serve.
    if field.get("integer") is True and isinstance(value, float) and not value.is_integer():
        out.add(path, labels, _m_type("phải là số nguyên.", "must be a whole number."))
        return
    low, high = field.get("min"), field.get("max")
    if _is_number(low) and value < low:
        out.add(path, labels, _m_min_value(low))
    if _is_number(high) and value > high:
        out.add(path, labels, _m_max_value(high))


def _v_date(field: Mapping, value: Any, path: str, labels: tuple[str, str], out: _Collector) -> None:
    parsed = _parse_iso_date(value)
    if parsed is None:
        out.add(
            path,
            labels,
            _m_invalid("invalid_date", "phải là ngày hợp lệ (YYYY-MM-DD).", "must be a valid date (YYYY-MM-DD)."),
        )
        return
    if not DATE_RANGE[0] <= parsed <= DATE_RANGE[1]:  # no person or deed of this portal lies outside it
        out.add(path, labels, _m_date_min(DATE_RANGE[0]) if parsed < DATE_RANGE[0] else _m_date_max(DATE_RANGE[1]))
        return
    low, high = _date_bound(field.get("min"), out.today), _date_bound(field.get("max"), out.today)
    if low is not None and parsed < low:
        out.add(path, labels, _m_date_min(low))
    if high is not None and parsed > high:
        out.add(path, labels, _m_date_max(high))


def _v_select(field: Mapping, value: Any, path: str, labels: tuple[str, str], out: _Collector) -> None:
    if isinstance(value, (list, dict)) or not any(_same(value, o["value"]) for o in _options(field)):
        out.add(path, labels, _m_choice())


def _v_multiselect(field: Mapping, value: Any, path: str, labels: tuple[str, str], out: _Collector) -> None:
    if not isinstance(value, list):
        out.add(path, labels, _m_type("phải là danh sách lựa chọn.", "must be a list of choices."))
        return
    options = _options(field)
    seen: list[Any] = []
    invalid = duplicate = False
    for item in value:
        if isinstance(item, (list, dict)) or not any(_same(item, o["value"]) for o in options):
            invalid = True
        elif any(_same(item, other) for other in seen):
            duplicate = True
        else:
            seen.append(item)
    if invalid:
        out.add(path, labels, _m_choice())
    if duplicate:
        out.add(path, labels, _m_duplicate())
    low, high = field.get("min"), field.get("max")
    if _is_count(low) and len(value) < low and not out.partial:
        out.add(path, labels, _m_min_items(low, "lựa chọn", "choices"))
    if _is_count(high) and len(value) > high:
        out.add(path, labels, _m_max_items(high, "lựa chọn", "choices"))


def _v_email(field: Mapping, value: Any, path: str, labels: tuple[str, str], out: _Collector) -> None:
    text = _check_string(field, value, path, labels, out)
    if text is None:
        return
    if len(text) > DEFAULT_MAX_LENGTH["email"] or not _EMAIL_RE.fullmatch(text) or len(text.split("@")[0]) > 64:
        out.add(
            path, labels, _m_invalid("invalid_email", "địa chỉ email không hợp lệ.", "is not a valid email address.")
        )
        return
    _check_pattern(field, text, path, labels, out)


def _v_phone(field: Mapping, value: Any, path: str, labels: tuple[str, str], out: _Collector) -> None:
    text = _check_string(field, value, path, labels, out)
    if text is None:
        return
    if not _PHONE_RE.fullmatch(_PHONE_SEPARATORS_RE.sub("", text)):
        out.add(
            path,
            labels,
            _m_invalid(
                "invalid_phone",
                "số điện thoại không hợp lệ (0 hoặc +84 và 9 chữ số).",
                "is not a valid phone number (0 or +84 followed by 9 digits).",
            ),
        )
        return
    _check_pattern(field, text, path, labels, out)


def _v_national_id(field: Mapping, value: Any, path: str, labels: tuple[str, str], out: _Collector) -> None:
    text = _check_string(field, value, path, labels, out)
    if text is None:
        return
    if not _NATIONAL_ID_RE.fullmatch(text):
        out.add(
            path,
            labels,
            _m_invalid(
                "invalid_national_id",
                "số định danh cá nhân phải gồm đúng 12 chữ số.",
                "a personal identification number has exactly 12 digits.",
            ),
        )
        return
    _check_pattern(field, text, path, labels, out)


def _v_address(field: Mapping, value: Any, path: str, labels: tuple[str, str], out: _Collector) -> None:
    if not isinstance(value, dict):
        out.add(
            path,
            labels,
            _m_type("phải là địa chỉ (tỉnh/thành phố, xã/phường, số nhà).", "must be an address object."),
        )
        return
    for key in value:
        if key not in ADDRESS_PARTS:
            out.add(f"{path}.{key}", labels, _m_unknown())
    vi, en = labels
    province, commune, street = value.get("province"), value.get("commune"), value.get("street")
    province_labels = (f"{vi} › Tỉnh/thành phố", f"{en} › Province")
    commune_labels = (f"{vi} › Xã/phường", f"{en} › Commune/ward")
    street_labels = (f"{vi} › Số nhà, đường", f"{en} › Street address")
    complete = not out.partial  # a non-empty address must name its province and commune

    province_ok = False
    if _is_empty(province):
        if complete:
            out.add(f"{path}.province", province_labels, _m_required())
    elif not units.is_valid_province(province):
        out.add(
            f"{path}.province",
            province_labels,
            _m_invalid("invalid_province", "tỉnh/thành phố không hợp lệ.", "is not a valid province."),
        )
    else:
        province_ok = True

    if _is_empty(commune):
        if complete:
            out.add(f"{path}.commune", commune_labels, _m_required())
    elif province_ok and not units.is_valid_commune(province, commune):
        out.add(
            f"{path}.commune",
            commune_labels,
            _m_invalid(
                "invalid_commune",
                "xã/phường không thuộc tỉnh/thành phố đã chọn.",
                "is not a commune or ward of the chosen province.",
            ),
        )
    elif not province_ok and units.commune_name(commune) is None:
        out.add(
            f"{path}.commune",
            commune_labels,
            _m_invalid("invalid_commune", "xã/phường không hợp lệ.", "is not a valid commune or ward."),
        )

    if _is_empty(street):
        if field.get("required") is True and not out.partial:
            out.add(f"{path}.street", street_labels, _m_required())
    elif not isinstance(street, str):
        out.add(f"{path}.street", street_labels, _m_type("phải là chuỗi ký tự.", "must be a string."))
    elif "\x00" in street:
        out.add(f"{path}.street", street_labels, _m_nul())
    elif len(street) > STREET_MAX_LENGTH:
        out.add(f"{path}.street", street_labels, _m_too_long(STREET_MAX_LENGTH))


def _v_group(field: Mapping, value: Any, path: str, labels: tuple[str, str], out: _Collector) -> None:
    if not isinstance(value, list):
        out.add(path, labels, _m_type("phải là danh sách.", "must be a list."))
        return
    low, high = field.get("min"), field.get("max")
    if _is_count(low) and len(value) < low and not out.partial:
        out.add(path, labels, _m_min_items(low, "mục", "items"))
    if _is_count(high) and len(value) > high:
        out.add(path, labels, _m_max_items(high, "mục", "items"))
    sub_fields = _field_list(field.get("fields"))
    for index, item in enumerate(value):
        item_path = f"{path}.{index}"
        item_labels = (f"{labels[0]} #{index + 1}", f"{labels[1]} #{index + 1}")
        if not isinstance(item, dict):
            out.add(item_path, item_labels, _m_type("mỗi mục phải là một đối tượng.", "each item must be an object."))
            continue
        _validate_level(sub_fields, item, f"{item_path}.", item_labels, out)


_VALIDATORS = {
    "text": _v_text,
    "textarea": _v_text,
    "number": _v_number,
    "date": _v_date,
    "select": _v_select,
    "multiselect": _v_multiselect,
    "email": _v_email,
    "phone": _v_phone,
    "national_id": _v_national_id,
    "address": _v_address,
    "group": _v_group,
}


def collect_errors(
    fields: list[dict], data: Any, *, partial: bool = False, today: date | None = None
) -> list[FieldError]:
    """Every problem with ``data`` (validated in its cleaned form), in schema order after unknown keys."""
    out = _Collector(partial, _today(today))
    if not isinstance(data, dict):
        out.add("data", ("Dữ liệu biểu mẫu", "Form data"), _m_not_object())
        return out.errors
    field_list = _field_list(fields)
    cleaned = _clean_level(field_list, data)
    _validate_level(field_list, cleaned, "", None, out)
    return out.errors


def validate_data(
    fields: list[dict], data: Any, *, partial: bool = False, lang: str = "vi", today: date | None = None
) -> dict[str, list[str]]:
    """``{path: [message, ...]}`` for every problem, ``{}`` when ``data`` is valid.

    Paths are field keys, ``"group.<index>.<key>"`` inside groups and ``"<address key>.<part>"`` for address parts;
    a non-dict ``data`` gives an error under ``"data"``. Messages name the field by its label in ``lang`` ("vi"/"en").
    """
    errors: dict[str, list[str]] = {}
    for error in collect_errors(fields, data, partial=partial, today=today):
        errors.setdefault(error.path, []).append(error.text(lang))
    return errors
