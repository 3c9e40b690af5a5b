"""Keyset ("seek") paging: a page is "the next N rows after this position in this order", so page 200 costs what
page 1 costs and nothing counts or skips the rows before it.

An `Ordering` is a tuple of never-NULL sort keys ending in a unique one (the primary key). A position is the values
of those keys on one row; the page after it is

    WHERE (k1, k2, id) > (v1, v2, x) ORDER BY k1, k2, id LIMIT n + 1

a row-value comparison, which PostgreSQL turns into a start bound on a btree index whose columns are
(equality filters..., k1, k2, id), so it reads exactly n + 1 index entries. SQLite (3.15+) reads the same SQL.
A nullable column is sorted through COALESCE to a sentinel (the same expression is in the index): a NULL inside a
row comparison would make the comparison unknown and silently drop those rows from every later page.

Positions travel in URLs as opaque, URL-safe cursors (`encode_cursor` / `decode_cursor`), which may carry a little
more: the direction, the page number shown to people, a count computed once for the whole listing.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.db import models
from django.db.models import Expression, F, QuerySet, Value

# Sorts after every real date: "no due date yet" comes after every dated dossier in ascending order (as NULLS LAST
# does on PostgreSQL) and first in descending order.
FAR_FUTURE = datetime(9999, 12, 31, tzinfo=UTC)


class InvalidCursor(ValueError):
    """A cursor that was not made by `encode_cursor` for this ordering (edited, truncated, or from another list)."""


@dataclass(frozen=True)
class Key:
    """One sort key: the expression the database orders by and how to read its value from a fetched row."""

    name: str
    expression: Expression | F
    kind: str  # "datetime", "uuid", "str" or "int": how the value is written into a cursor
    read: Callable[[Any], Any]

    def output_field(self) -> models.Field:
        return {
            "datetime": models.DateTimeField(),
            "uuid": models.UUIDField(),
            "str": models.CharField(),
            "int": models.BigIntegerField(),
        }[self.kind]

    def dump(self, value: Any) -> Any:
        if self.kind == "datetime":
            return value.isoformat()
        if self.kind == "uuid":
            return str(value)
        return value

    def load(self, raw: Any) -> Any:
        try:
            if self.kind == "datetime":
                value = datetime.fromisoformat(raw)
                if value.tzinfo is None:
                    raise ValueError
                return value
            if self.kind == "uuid":
                return uuid.UUID(raw)
            if self.kind == "int":
                if isinstance(raw, bool) or not isinstance(raw, int):
                    raise ValueError
                return raw
            if not isinstance(raw, str):
                raise ValueError
            return raw
        except (TypeError, ValueError) as exc:
            raise InvalidCursor(f"bad value for {self.name}") from exc


def column(name: str, kind: str) -> Key:
    """A NOT NULL column used as it is."""
    return Key(name, F(name), kind, lambda row, name=name: getattr(row, name))


def nullable(name: str, kind: str, sentinel: Any) -> Key:
    """A nullable column sorted as COALESCE(column, sentinel); the index must use the very same expression."""
    from django.db.models.functions import Coalesce

    expression = Coalesce(F(name), Value(sentinel, output_field=Key(name, F(name), kind, None).output_field()))
    return Key(name, expression, kind, lambda row, name=name: _or(getattr(row, name), sentinel))


def _or(value: Any, default: Any) -> Any:
    return default if value is None else value


class RowCompare(Expression):
    """`(a, b, c) > (x, y, z)` (or `<`) as one SQL row comparison, usable in `QuerySet.filter()`."""

    conditional = True
    output_field = models.BooleanField()

    def __init__(self, lhs: Sequence[Any], rhs: Sequence[Any], operator: str):
        if operator not in (">", "<") or len(lhs) != len(rhs) or not lhs:
            raise ValueError("RowCompare needs two rows of the same length and '>' or '<'.")
        super().__init__(output_field=models.BooleanField())
        self.lhs = list(lhs)
        self.rhs = list(rhs)
        self.operator = operator

    def get_source_expressions(self):
        return [*self.lhs, *self.rhs]

    def set_source_expressions(self, exprs):
        self.lhs, self.rhs = list(exprs[: len(self.lhs)]), list(exprs[len(self.lhs) :])

    def as_sql(self, compiler, connection):
        sides, params = [], []
        for row in (self.lhs, self.rhs):
            parts = []
            for expression in row:
                sql, expression_params = compiler.compile(expression)
                parts.append(sql)
                params.extend(expression_params)
            sides.append("(" + ", ".join(parts) + ")")
        return f"{sides[0]} {self.operator} {sides[1]}", params


@dataclass(frozen=True)
class Ordering:
    """Sort keys, all in one direction, the last one unique."""

    keys: tuple[Key, ...]
    descending: bool = False

    def order_by(self, *, reverse: bool = False) -> list:
        down = self.descending != reverse
        return [key.expression.desc() if down else key.expression.asc() for key in self.keys]

    def after(self, position: Sequence[Any], *, reverse: bool = False) -> RowCompare:
        """Rows strictly after `position` in this order (strictly before it when `reverse`)."""
        down = self.descending != reverse
        values = [Value(value, output_field=key.output_field()) for key, value in zip(self.keys, position, strict=True)]
        return RowCompare([key.expression for key in self.keys], values, "<" if down else ">")

    def position(self, row: Any) -> tuple:
        return tuple(key.read(row) for key in self.keys)

    def dump(self, position: Sequence[Any]) -> list:
        return [key.dump(value) for key, value in zip(self.keys, position, strict=True)]

    def load(self, raw: Any) -> tuple:
        if not isinstance(raw, list) or len(raw) != len(self.keys):
            raise InvalidCursor("wrong number of values")
        return tuple(key.load(value) for key, value in zip(self.keys, raw, strict=True))

    @property
    def signature(self) -> str:
        """Names the ordering inside cursors, so a cursor of one ordering is refused by another."""
        return ("-" if self.descending else "") + ",".join(key.name for key in self.keys)


@dataclass(frozen=True)
class Cursor:
    position: tuple
    reverse: bool = False  # a "previous page" cursor: the rows just before `position`
    page: int = 1  # the page number people see (1 for the first page)
    extra: dict = field(default_factory=dict)  # e.g. the listing's count, computed once on its first page


def encode_cursor(ordering: Ordering, cursor: Cursor) -> str:
    body = {"o": ordering.signature, "p": ordering.dump(cursor.position), "n": cursor.page}
    if cursor.reverse:
        body["r"] = 1
    body.update({k: v for k, v in cursor.extra.items() if k not in body})
    raw = json.dumps(body, separators=(",", ":"), ensure_ascii=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(ordering: Ordering, token: str) -> Cursor:
    if not token or len(token) > 1000:
        raise InvalidCursor("empty or too long")
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidCursor("not a cursor") from exc
    if not isinstance(body, dict) or body.get("o") != ordering.signature:
        raise InvalidCursor("cursor of another ordering")
    page = body.get("n", 1)
    if isinstance(page, bool) or not isinstance(page, int) or page < 1:
        raise InvalidCursor("bad page number")
    extra = {k: v for k, v in body.items() if k not in ("o", "p", "n", "r")}
    return Cursor(position=ordering.load(body.get("p")), reverse=bool(body.get("r")), page=page, extra=extra)


@dataclass
class KeysetPage:
    """One page of rows in order, and the cursors of the pages on either side (None at the ends)."""

    rows: list
    next: Cursor | None
    previous: Cursor | None
    number: int


def keyset_page(
    queryset: QuerySet, ordering: Ordering, *, size: int, cursor: Cursor | None = None, extra: dict | None = None
) -> KeysetPage:
    """One query: the `size` rows after (or, for a previous-page cursor, before) the cursor's position, plus one row
    to know whether there is more. `extra` is carried into the neighbours' cursors."""
    extra = dict(extra or {})
    reverse = bool(cursor and cursor.reverse)
    qs = queryset.order_by(*ordering.order_by(reverse=reverse))
    if cursor is not None:
        qs = qs.filter(ordering.after(cursor.position, reverse=reverse))
    rows = list(qs[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    number = cursor.page if cursor else 1
    if reverse:
        rows.reverse()
        has_previous, has_next = more, True
    else:
        has_previous, has_next = cursor is not None, more
    if not rows:
        return KeysetPage(rows=[], next=None, previous=None, number=number)
    return KeysetPage(
        rows=rows,
        next=Cursor(ordering.position(rows[-1]), page=number + 1, extra=extra) if has_next else None,
        previous=(
            Cursor(ordering.position(rows[0]), reverse=True, page=max(1, number - 1), extra=extra)
            if has_previous
            else None
        ),
        number=number,
    )
