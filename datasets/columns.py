"""A dataset's columns and the checking of uploaded rows against them. Pure: no database, so every rule is tested on
small tables. Every problem is reported with its row (as the spreadsheet numbers it, the header being row 1) and
column, and a table with any problem is refused whole."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum


class ColumnType(StrEnum):
    TEXT = "text"
    INTEGER = "integer"
    DECIMAL = "decimal"
    DATE = "date"  # YYYY-MM-DD
    MONTH = "month"  # YYYY-MM
    YEAR = "year"
    PROVINCE = "province_code"  # two digits, from the administrative units
    COMMUNE = "commune_code"  # five digits
    CHOICE = "choice"  # one of `allowed`


# Types that say which period or area a row covers, and those that carry a measure.
PERIOD_TYPES = frozenset({ColumnType.DATE, ColumnType.MONTH, ColumnType.YEAR})
AREA_TYPES = frozenset({ColumnType.PROVINCE, ColumnType.COMMUNE})
MEASURE_TYPES = frozenset({ColumnType.INTEGER, ColumnType.DECIMAL})
MAX_ROWS = 50_000


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    title: str
    type: ColumnType
    unit: str = ""
    required: bool = True
    allowed: tuple[str, ...] = ()


@dataclass
class Problem:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class Checked:
    rows: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
_YEAR = re.compile(r"\d{4}")
_GROUPED = re.compile(r"-?\d{1,3}(\.\d{3})+")


def _number(text: str, *, integer: bool):
    # Both "1234.5" and the Vietnamese "1.234,5" / "1234,5" are read; thousands separators only with a comma decimal.
    cleaned = text.replace(" ", "")
    if integer and _GROUPED.fullmatch(cleaned):  # 16.500 is sixteen thousand five hundred in Vietnamese
        cleaned = cleaned.replace(".", "")
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    if not value.is_finite():
        return None
    if integer:
        return int(value) if value == value.to_integral_value() else None
    return value


def check_rows(
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    columns: Sequence[ColumnSpec],
    *,
    is_province: Callable[[str], bool],
    is_commune: Callable[[str], bool],
) -> Checked:
    """Rows as dicts of typed values (Decimal as str, to keep JSON exact), or the list of every problem."""
    result = Checked()
    names = [str(h or "").strip() for h in header]
    known = {c.name for c in columns}
    for missing in [c.name for c in columns if c.name not in names]:
        result.problems.append(Problem(1, missing, "Thiếu cột trong dòng tiêu đề."))
    for extra in [n for n in names if n and n not in known]:
        result.problems.append(Problem(1, extra, "Cột không có trong định nghĩa bộ dữ liệu."))
    if result.problems:
        return result
    index = {name: names.index(name) for name in known}
    for number, raw in enumerate(rows, start=2):
        if number - 1 > MAX_ROWS:
            result.problems.append(Problem(number, "", f"Quá {MAX_ROWS} dòng."))
            break
        cells = list(raw)
        if not any(str(c or "").strip() for c in cells):
            continue  # blank lines at the end of a spreadsheet
        row: dict = {}
        for column in columns:
            position = index[column.name]
            value = cells[position] if position < len(cells) else None
            text = "" if value is None else str(value).strip()
            if not text:
                if column.required:
                    result.problems.append(Problem(number, column.name, "Không được để trống."))
                row[column.name] = None
                continue
            parsed, message = _parse(column, value, text, is_province=is_province, is_commune=is_commune)
            if message:
                result.problems.append(Problem(number, column.name, message))
            row[column.name] = parsed
        result.rows.append(row)
    return result


def _parse(column: ColumnSpec, value, text: str, *, is_province, is_commune):
    kind = column.type
    if kind == ColumnType.INTEGER:
        if isinstance(value, float) and value.is_integer():
            return int(value), None
        number = _number(text, integer=True)
        return (number, None) if number is not None else (None, f"“{text}” không phải số nguyên.")
    if kind == ColumnType.DECIMAL:
        number = _number(text, integer=False)
        return (str(number), None) if number is not None else (None, f"“{text}” không phải số.")
    if kind == ColumnType.DATE:
        if isinstance(value, date):
            return value.isoformat()[:10], None
        try:
            return date.fromisoformat(text).isoformat(), None
        except ValueError:
            return None, f"“{text}” không phải ngày dạng YYYY-MM-DD."
    if kind == ColumnType.MONTH:
        if isinstance(value, date):
            return value.isoformat()[:7], None
        return (text, None) if _MONTH.fullmatch(text) else (None, f"“{text}” không phải tháng dạng YYYY-MM.")
    if kind == ColumnType.YEAR:
        if isinstance(value, float) and value.is_integer():
            text = str(int(value))
        return (text, None) if _YEAR.fullmatch(text) else (None, f"“{text}” không phải năm.")
    if kind == ColumnType.PROVINCE:
        code = text.zfill(2) if text.isdigit() else text
        return (code, None) if is_province(code) else (None, f"“{text}” không phải mã tỉnh, thành phố.")
    if kind == ColumnType.COMMUNE:
        code = text.zfill(5) if text.isdigit() else text
        return (code, None) if is_commune(code) else (None, f"“{text}” không phải mã xã, phường.")
    if kind == ColumnType.CHOICE:
        return (
            (text, None)
            if text in column.allowed
            else (None, f"“{text}” không thuộc các giá trị: {', '.join(column.allowed)}.")
        )
    return text[:500], None


def row_key(row: Mapping, columns: Sequence[ColumnSpec]) -> tuple:
    """What a row is about (its period, area and other labels): rows with the same key are the same observation in two
    versions, so a diff says which values changed."""
    return tuple(row.get(c.name) for c in columns if c.type not in MEASURE_TYPES)


def diff(old: Sequence[Mapping], new: Sequence[Mapping], columns: Sequence[ColumnSpec]) -> dict:
    before = {row_key(r, columns): r for r in old}
    after = {row_key(r, columns): r for r in new}
    changed = [
        {"key": key, "before": before[key], "after": after[key]}
        for key in after
        if key in before and before[key] != after[key]
    ]
    return {
        "added": [after[k] for k in after if k not in before],
        "removed": [before[k] for k in before if k not in after],
        "changed": changed,
    }
