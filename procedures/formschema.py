"""Dossier forms: one schema, three uses (API validation, the citizen's form, the officer's view).

A procedure version stores its form as a list of field definitions (see API.md)::

    {"key", "label", "label_en"?, "help"?, "help_en"?, "type", "required"?, "options"?: [{"value", "label",
     "label_en"?}], "min"?, "max"?, "pattern"?, "visible_if"?: {"field", "equals"}, "fields"?: [...]}

This module is pure Python: no ORM, no Django settings, no translation machinery. Every message exists in
Vietnamese and English (``Message``) and carries a stable machine-readable ``code``.

Public API
----------
``FIELD_TYPES``
    frozenset of the type names.
``clean_data(fields, data) -> dict``
    the data as it should be stored: hidden fields removed, values normalised (numeric strings to numbers, strings
    stripped, phone separators removed, "on"/"true" to True, address codes zero-padded). Unknown keys and values of
    the wrong type are kept so that validation reports them. ``data`` must be a dict (else ``TypeError``).
``collect_errors(fields, data, *, partial=False, today=None) -> list[FieldError]``
    every problem, with path, code and both languages.
``validate_data(fields, data, *, partial=False, lang="vi", today=None) -> dict[str, list[str]]``
    ``{path: [message, ...]}``, empty when valid; validates the cleaned view of ``data``.
``validate_definition(fields, *, lang="vi") -> list[str]``
    the problems that prevent publishing a template; empty when publishable.
``display_rows(fields, data, lang="vi") -> list[dict]``
    ``[{"key", "label", "type", "value_display", "level"}]`` for officers (level-1 rows of a group also carry
    ``"item"``, the 1-based item number).
``is_visible(field, values) -> bool``
    whether a field's ``visible_if`` condition holds for the (cleaned) sibling values.

Semantics worth knowing
-----------------------
* ``visible_if`` hides a field unless the referenced field's (cleaned) value equals ``equals``; for a multiselect
  reference the field is also visible when ``equals`` is one of the chosen values. A field whose reference is itself
  hidden is hidden. Hidden fields are never required and their values are dropped by ``clean_data`` (so a value given
  for a hidden field is ignored, not an error).
* "Required" means present and non-empty (``None``, a blank string, an empty list for multiselect/group, an address
  with no parts are empty); a required checkbox must be ``True``. ``partial=True`` (draft saving) skips required
  checks, minimum item counts and address completeness; types and every other rule are still checked.
* A non-required value that is empty is not type-checked.
* ``pattern`` applies to the string types (text, textarea, email, phone, national_id) and must match the whole value;
  it is compiled with ``re.ASCII`` so that ``\\d`` and ``\\w`` mean what they mean in JavaScript.
* ``date`` bounds may be ISO dates or ``"today"`` (the date in Asia/Ho_Chi_Minh, UTC+7, no DST).
* Strings may not contain NUL characters (PostgreSQL cannot store them); text is capped at 1000 characters and
  textarea at 20000 unless ``max`` says otherwise.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from procedures import units

__all__ = [
    "FIELD_TYPES",
    "FieldError",
    "Message",
    "clean_data",
    "collect_errors",
    "display_rows",
    "is_visible",
    "validate_data",
    "validate_definition",
]

FIELD_TYPES = frozenset(
    {
        "text",
        "textarea",
        "number",
        "date",
        "select",
        "multiselect",
        "checkbox",
        "email",
        "phone",
        "national_id",
        "address",
        "group",
        "heading",
    }
)

_CONTAINER_TYPES = frozenset({"multiselect", "group", "address"})
STRING_TYPES = frozenset({"text", "textarea", "email", "phone", "national_id"})
DEFAULT_MAX_LENGTH = {"text": 1000, "textarea": 20000, "email": 254, "phone": 20, "national_id": 12}
STREET_MAX_LENGTH = 500
ADDRESS_PARTS = ("province", "commune", "street")

DATE_RANGE = (date(1900, 1, 1), date(2100, 12, 31))
VIETNAM_TZ = timezone(timedelta(hours=7), "Asia/Ho_Chi_Minh")

_KEY_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ISO_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_INT_RE = re.compile(r"[+-]?[0-9]+")
_FLOAT_RE = re.compile(r"[+-]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)(?:[eE][+-]?[0-9]+)?")
_PHONE_RE = re.compile(r"(?:0|\+84)[1-9][0-9]{8}")
_PHONE_SEPARATORS_RE = re.compile(r"[\s.\-()]")
_NATIONAL_ID_RE = re.compile(r"[0-9]{12}")
_EMAIL_RE = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})"
)
_TRUE_STRINGS = frozenset({"true", "1", "on", "yes", "có"})
_FALSE_STRINGS = frozenset({"false", "0", "off", "no", "không", ""})


# =====================================================================================================================
# Messages
# =====================================================================================================================


@dataclass(frozen=True)
class Message:
    """A message in both languages with a stable machine-readable code."""

    code: str
    vi: str
    en: str

    def text(self, lang: str = "vi") -> str:
        return self.en if lang == "en" else self.vi


@dataclass(frozen=True)
class FieldError:
    """One problem with one value. ``path`` is ``"key"``, ``"group.0.key"`` or ``"address_key.commune"``."""

    path: str
    label_vi: str
    label_en: str
    message: Message

    @property
    def code(self) -> str:
        return self.message.code

    def text(self, lang: str = "vi") -> str:
        label = self.label_en if lang == "en" else self.label_vi
        return f"{label}: {self.message.text(lang)}"


def _fmt(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _m_required() -> Message:
    return Message("required", "trường này là bắt buộc.", "this field is required.")


def _m_must_check() -> Message:
    return Message("required", "bạn phải đánh dấu ô này.", "this box must be ticked.")


def _m_unknown() -> Message:
    return Message("unknown_field", "trường không có trong biểu mẫu.", "field is not in the form.")


def _m_not_object() -> Message:
    return Message("invalid_type", "phải là một đối tượng.", "must be an object.")


def _m_no_value() -> Message:
    return Message("no_value", "mục tiêu đề không nhận giá trị.", "a heading takes no value.")


def _m_type(vi: str, en: str) -> Message:
    return Message("invalid_type", vi, en)


def _m_nul() -> Message:
    return Message("invalid_character", "chứa ký tự không hợp lệ.", "contains an invalid character.")


def _m_too_short(n: Any) -> Message:
    return Message("min_length", f"cần ít nhất {_fmt(n)} ký tự.", f"must be at least {_fmt(n)} characters long.")


def _m_too_long(n: Any) -> Message:
    return Message("max_length", f"không được quá {_fmt(n)} ký tự.", f"must be at most {_fmt(n)} characters long.")


def _m_pattern() -> Message:
    return Message("pattern", "không đúng định dạng.", "is not in the expected format.")


def _m_min_value(n: Any) -> Message:
    return Message("min_value", f"phải lớn hơn hoặc bằng {_fmt(n)}.", f"must be greater than or equal to {_fmt(n)}.")


def _m_max_value(n: Any) -> Message:
    return Message("max_value", f"phải nhỏ hơn hoặc bằng {_fmt(n)}.", f"must be less than or equal to {_fmt(n)}.")


def _m_date_min(d: date) -> Message:
    return Message(
        "min_value",
        f"ngày không được trước {d.strftime('%d/%m/%Y')}.",
        f"the date must not be before {d.isoformat()}.",
    )


def _m_date_max(d: date) -> Message:
    return Message(
        "max_value",
        f"ngày không được sau {d.strftime('%d/%m/%Y')}.",
        f"the date must not be after {d.isoformat()}.",
    )


def _m_choice() -> Message:
    return Message("invalid_choice", "giá trị không nằm trong các lựa chọn.", "is not one of the available choices.")


def _m_duplicate() -> Message:
    return Message("duplicate", "có lựa chọn bị trùng.", "contains the same choice more than once.")


def _m_min_items(n: Any, vi_noun: str, en_noun: str) -> Message:
    return Message("min_items", f"cần ít nhất {_fmt(n)} {vi_noun}.", f"needs at least {_fmt(n)} {en_noun}.")


def _m_max_items(n: Any, vi_noun: str, en_noun: str) -> Message:
    return Message("max_items", f"không được quá {_fmt(n)} {vi_noun}.", f"allows at most {_fmt(n)} {en_noun}.")


def _m_invalid(code: str, vi: str, en: str) -> Message:
    return Message(code, vi, en)


# =====================================================================================================================
# Small helpers
# =====================================================================================================================


def _is_empty(value: Any, kind: Any = None) -> bool:
    """None, a blank string; an empty list/dict for the container types; an address whose parts are all empty."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if kind == "address" and isinstance(value, dict) and set(value) <= set(ADDRESS_PARTS):
        return all(_is_empty(v) for v in value.values())
    if isinstance(value, (list, dict)) and (kind is None or kind in _CONTAINER_TYPES):
        return len(value) == 0
    return False


def _same(a: Any, b: Any) -> bool:
    """Equality that does not confuse True with 1 or 1.0 with "1"."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a is b
    try:
        return bool(a == b)
    except Exception:  # pragma: no cover - exotic objects from Python callers
        return False


def _is_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, float) and math.isfinite(value)


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _options(field: Mapping) -> list[Mapping]:
    options = field.get("options")
    if not isinstance(options, list):
        return []
    return [o for o in options if isinstance(o, Mapping) and "value" in o]


def _label(field: Mapping, lang: str = "vi") -> str:
    vi = field.get("label")
    vi = vi if isinstance(vi, str) and vi.strip() else str(field.get("key", ""))
    if lang == "en":
        en = field.get("label_en")
        return en if isinstance(en, str) and en.strip() else vi
    return vi


def _option_label(option: Mapping, lang: str) -> str:
    vi = option.get("label")
    vi = vi if isinstance(vi, str) and vi.strip() else _fmt(option.get("value"))
    if lang == "en":
        en = option.get("label_en")
        return en if isinstance(en, str) and en.strip() else vi
    return vi


def _field_list(fields: Any) -> list[Mapping]:
    """The well-formed field definitions of a list (malformed entries are ignored at runtime)."""
    if not isinstance(fields, list):
        return []
    return [f for f in fields if isinstance(f, Mapping) and isinstance(f.get("key"), str)]


def _today(today: date | None) -> date:
    return today if today is not None else datetime.now(VIETNAM_TZ).date()


def _parse_iso_date(value: Any) -> date | None:
    if not isinstance(value, str) or not _ISO_DATE_RE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _date_bound(bound: Any, today: date) -> date | None:
    if isinstance(bound, str) and bound.strip().lower() == "today":
        return today
    return _parse_iso_date(bound)


def _compile_pattern(pattern: Any) -> re.Pattern | None:
    if not isinstance(pattern, str):
        return None
    try:
        return re.compile(pattern, re.ASCII)
    except (re.error, RecursionError, OverflowError):
        return None


# =====================================================================================================================
# Visibility
# =====================================================================================================================


def is_visible(field: Mapping, values: Mapping) -> bool:
    """Whether ``field`` is shown, given the (cleaned) values of the fields at its level."""
    condition = field.get("visible_if")
    if not isinstance(condition, Mapping):
        return True
    ref = condition.get("field")
    if not isinstance(ref, str):
        return True
    expected = condition.get("equals")
    if ref not in values:
        return expected is None
    actual = values[ref]
    if _same(actual, expected):
        return True
    if isinstance(actual, list) and not isinstance(expected, list):
        return any(_same(item, expected) for item in actual)
    return False


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
