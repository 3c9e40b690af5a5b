"""Vietnamese administrative units after the 2025 reorganisation.

Since 1 July 2025 local government has two tiers: 34 provinces / centrally-run cities, each divided directly into
communes, wards and special zones (xã, phường, đặc khu). The data comes from the ``vietnam_provinces`` package
(whose default data set is the post-2025 one); it is immutable, so it is loaded once per process and cached.

Codes are strings in the national (GSO) format: two digits for a province (``"01"`` is Hà Nội), five digits for a
commune (``"00070"`` is Phường Hoàn Kiếm). Lookups take codes in exactly that form; ``normalise_code`` turns an
integer or an unpadded numeric string into it.

No Django import: this module is used by the pure form validator (``procedures.formschema``) as well as the API.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from types import MappingProxyType

from vietnam_provinces import Province, Ward

__all__ = [
    "PROVINCE_COUNT",
    "communes",
    "commune_name",
    "commune_province",
    "is_valid_commune",
    "is_valid_province",
    "normalise_code",
    "province_name",
    "provinces",
    "vietnamese_sort_key",
]

PROVINCE_COUNT = 34
_PROVINCE_CODE_WIDTH = 2
_COMMUNE_CODE_WIDTH = 5

# ---------------------------------------------------------------------------------------------------------------------
# Vietnamese collation (no ICU needed)
# ---------------------------------------------------------------------------------------------------------------------

# The Vietnamese alphabet, with the Latin letters Vietnamese does not use (f, j, w, z) in their Latin places.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_RANK = {letter: index for index, letter in enumerate(_ALPHABET)}
# Combining marks that make a different letter (ă, â, ê, ô, ơ, ư) rather than a tone.
_LETTER_MARKS = {
    ("a", "\u0306"): "ă",
    ("a", "\u0302"): "â",
    ("e", "\u0302"): "ê",
    ("o", "\u0302"): "ô",
    ("o", "\u031b"): "ơ",
    ("u", "\u031b"): "ư",
}
# Tones in dictionary order: ngang (none), huyền, hỏi, ngã, sắc, nặng.
_TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_SPACE_RANK = -2
_DIGIT_BASE = -1_000  # digits sort before letters
_OTHER_BASE = 1_000  # anything else after the letters


def _letters(text: str) -> list[tuple[str, int, bool]]:
    """Split ``text`` into (base letter, tone rank, is upper case) triples."""
    result: list[tuple[str, int, bool]] = []
    for char in text:
        decomposed = unicodedata.normalize("NFD", char)
        base, marks = decomposed[0], decomposed[1:]
        upper = base.isupper()
        base = base.lower()
        tone = 0
        for mark in marks:
            if (base, mark) in _LETTER_MARKS:
                base = _LETTER_MARKS[(base, mark)]
            elif mark in _TONE_RANK:
                tone = _TONE_RANK[mark]
        result.append((base, tone, upper))
    return result


def _primary(char: str) -> int:
    if char.isspace():
        return _SPACE_RANK
    if char in _LETTER_RANK:
        return _LETTER_RANK[char]
    if "0" <= char <= "9":
        return _DIGIT_BASE + ord(char)
    return _OTHER_BASE + ord(char)


def vietnamese_sort_key(text: str) -> tuple:
    """A key that orders strings the Vietnamese way.

    Letters first by the alphabet (a < ă < â < b < ... < d < đ < ... < o < ô < ơ < ... < u < ư < ...), then by tone
    (ngang < huyền < hỏi < ngã < sắc < nặng), then lower case before upper case.
    """
    letters = _letters(" ".join(text.split()))
    return (
        tuple(_primary(base) for base, _, _ in letters),
        tuple(tone for _, tone, _ in letters),
        tuple(upper for _, _, upper in letters),
    )


# Division-type prefixes that are not part of what people think of as the name ("Thành phố Hà Nội" sorts at H).
_NAME_PREFIXES = ("thành phố ", "tỉnh ", "phường ", "xã ", "đặc khu ", "thị trấn ")


def _name_sort_key(name: str, code: str) -> tuple:
    bare = name
    lowered = unicodedata.normalize("NFC", name).lower()
    for prefix in _NAME_PREFIXES:
        if lowered.startswith(prefix):
            bare = name[len(prefix) :]
            break
    return (vietnamese_sort_key(bare), vietnamese_sort_key(name), code)


# ---------------------------------------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------------------------------------


def _province_code(value: int) -> str:
    return str(int(value)).zfill(_PROVINCE_CODE_WIDTH)


def _commune_code(value: int) -> str:
    return str(int(value)).zfill(_COMMUNE_CODE_WIDTH)


@lru_cache(maxsize=1)
def _province_index() -> MappingProxyType:
    """{province code: name}, in Vietnamese name order."""
    rows = sorted(
        ((_province_code(p.code), p.name) for p in Province.iter_all()),
        key=lambda row: _name_sort_key(row[1], row[0]),
    )
    return MappingProxyType(dict(rows))


@lru_cache(maxsize=1)
def _commune_index() -> MappingProxyType:
    """{commune code: (name, province code)}."""
    return MappingProxyType({_commune_code(w.code): (w.name, _province_code(w.province_code)) for w in Ward.iter_all()})


@lru_cache(maxsize=1)
def _communes_by_province() -> MappingProxyType:
    """{province code: tuple of (code, name) in Vietnamese name order}."""
    grouped: dict[str, list[tuple[str, str]]] = {code: [] for code in _province_index()}
    for code, (name, province) in _commune_index().items():
        grouped.setdefault(province, []).append((code, name))
    return MappingProxyType(
        {
            province: tuple(sorted(rows, key=lambda row: _name_sort_key(row[1], row[0])))
            for province, rows in grouped.items()
        }
    )


# ---------------------------------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------------------------------


def normalise_code(value: object, *, width: int) -> object:
    """Turn an int or an unpadded numeric string into a zero-padded code string; anything else is returned as is.

    ``normalise_code(1, width=2) == "01"``, ``normalise_code(" 70 ", width=5) == "00070"``.
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value).zfill(width) if value >= 0 else value
    if isinstance(value, str):
        stripped = value.strip()
        if stripped.isascii() and stripped.isdigit() and len(stripped) <= width:
            return stripped.zfill(width)
        return stripped
    return value


def provinces() -> list[dict]:
    """The 34 provinces and centrally-run cities, ``[{"code", "name"}]``, sorted by name in Vietnamese order.

    The division-type prefix is ignored for sorting ("Thành phố Hà Nội" sorts under H) but kept in the name.
    A fresh list is returned each time, so callers may modify it.
    """
    return [{"code": code, "name": name} for code, name in _province_index().items()]


def communes(province_code: str) -> list[dict]:
    """That province's communes, wards and special zones, ``[{"code", "name"}]``, sorted by name.

    Raises ``KeyError`` for an unknown province code.
    """
    if not isinstance(province_code, str) or province_code not in _province_index():
        raise KeyError(province_code)
    return [{"code": code, "name": name} for code, name in _communes_by_province()[province_code]]


def is_valid_province(code: object) -> bool:
    return isinstance(code, str) and code in _province_index()


def is_valid_commune(province_code: object, commune_code: object) -> bool:
    """Whether ``commune_code`` is a commune/ward of ``province_code`` (both as code strings)."""
    if not isinstance(province_code, str) or not isinstance(commune_code, str):
        return False
    entry = _commune_index().get(commune_code)
    return entry is not None and entry[1] == province_code


def province_name(code: object) -> str | None:
    if not isinstance(code, str):
        return None
    return _province_index().get(code)


def commune_name(code: object) -> str | None:
    if not isinstance(code, str):
        return None
    entry = _commune_index().get(code)
    return entry[0] if entry else None


def commune_province(code: object) -> str | None:
    """The code of the province a commune belongs to, or None for an unknown commune."""
    if not isinstance(code, str):
        return None
    entry = _commune_index().get(code)
    return entry[1] if entry else None
