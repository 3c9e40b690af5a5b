"""The form schema's shared parts: limits, patterns, messages in both languages, small helpers, visibility."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from procedures.vocabulary import FIELD_TYPES

__all__ = ["FIELD_TYPES"]  # the vocabulary's, for the checks that import it from here

_CONTAINER_TYPES = frozenset({"multiselect", "group", "address"})
STRING_TYPES = frozenset({"text", "textarea", "email", "phone", "national_id"})
DEFAULT_MAX_LENGTH = {"text": 1000, "textarea": 20000, "email": 254, "phone": 20, "national_id": 12}
STREET_MAX_LENGTH = 500
ADDRESS_PARTS = ("province", "commune", "street")

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
