"""The one JSON reader for input from outside: the API parser, allauth's headless endpoints and template imports.

Python's `json` accepts what no client should send and what later layers cannot handle: lone UTF-16 surrogates
(`"\\ud800"` cannot be encoded back to UTF-8, so rendering an echo of it fails), NUL characters (PostgreSQL text
cannot hold them), NaN/Infinity (not JSON) and nesting deep enough to exhaust the interpreter's stack. `loads`
refuses all of them with `InvalidJSON` (a ValueError), so callers answer 400 instead of failing later.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.utils.translation import gettext as _

MAX_DEPTH = 64
_BAD_CHARS = re.compile("[\x00\ud800-\udfff]")


class InvalidJSON(ValueError):
    pass


def _refuse_constant(name: str):
    raise InvalidJSON(_("Giá trị %(name)s không phải JSON hợp lệ.") % {"name": name})


def loads(data: bytes | str, *, encoding: str = "utf-8") -> Any:
    if isinstance(data, bytes | bytearray):
        try:
            data = bytes(data).decode(encoding)
        except (UnicodeDecodeError, LookupError):
            raise InvalidJSON(_("Nội dung không phải văn bản UTF-8 hợp lệ."))
    try:
        value = json.loads(data, parse_constant=_refuse_constant)
    except RecursionError:
        raise InvalidJSON(_("JSON lồng nhau quá sâu (tối đa %(n)s cấp).") % {"n": MAX_DEPTH})
    except InvalidJSON:
        raise
    except ValueError as exc:
        raise InvalidJSON(_("JSON không hợp lệ: %(error)s") % {"error": exc})
    check(value)
    return value


def check(value: Any) -> None:
    """Walks the parsed value without recursion: depth, and no NUL or lone surrogate in any key or string."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if _BAD_CHARS.search(item):
                raise InvalidJSON(_("Chuỗi chứa ký tự không hợp lệ (NUL hoặc nửa cặp UTF-16)."))
        elif isinstance(item, dict | list):
            if depth > MAX_DEPTH:
                raise InvalidJSON(_("JSON lồng nhau quá sâu (tối đa %(n)s cấp).") % {"n": MAX_DEPTH})
            if isinstance(item, dict):
                stack.extend((key, depth) for key in item)
                stack.extend((child, depth + 1) for child in item.values())
            else:
                stack.extend((child, depth + 1) for child in item)
