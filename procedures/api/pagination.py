"""Keyset pagination for the dossier lists, in DRF's usual page shape `{"count", "next", "previous", "results"}`.

`next` and `previous` carry an opaque `cursor` (procedures.keyset): the sort-key values of the last (first) row shown,
so any page is one index seek, page 200 as cheap as page 1. `page=N` is still honoured for links made before cursors
(an OFFSET, fine for the first pages; its `next` link is a cursor again).

`count` is counted once, when a listing starts, and bounded: exact up to COUNT_LIMIT, and COUNT_LIMIT ("that many or
more") for longer lists. The cursors carry it to the following pages, so no page after the first counts anything.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from procedures.keyset import Cursor, InvalidCursor, KeysetPage, Ordering, decode_cursor, encode_cursor, keyset_page

COUNT_LIMIT = 1000


def bounded_count(queryset, limit: int | None = None) -> int:
    """min(rows, limit): COUNT(*) over a subquery with LIMIT, so a large agency costs `limit` index entries."""
    return queryset.order_by().values("pk")[: limit or COUNT_LIMIT].count()


class KeysetPagination(BasePagination):
    page_size = 20
    max_page_size = 100
    cursor_query_param = "cursor"
    page_query_param = "page"
    page_size_query_param = "page_size"

    def paginate_queryset(self, queryset, request, view=None):
        ordering: Ordering = view.keyset_ordering
        self.request, self.ordering = request, ordering
        size = self.get_page_size(request)
        token = request.query_params.get(self.cursor_query_param)
        number = request.query_params.get(self.page_query_param)
        if token:
            cursor = self._decode(token)
            count = cursor.extra.get("c")
            if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= COUNT_LIMIT:
                count = bounded_count(queryset)
            self.page = keyset_page(queryset, ordering, size=size, cursor=cursor, extra={"c": count})
        elif number not in (None, "", "1"):
            count = bounded_count(queryset)
            self.page = self._offset_page(queryset, ordering, size=size, number=number, count=count)
        else:
            count = bounded_count(queryset)
            self.page = keyset_page(queryset, ordering, size=size, extra={"c": count})
        self.count = count
        return self.page.rows

    def _decode(self, token: str) -> Cursor:
        try:
            return decode_cursor(self.ordering, token)
        except InvalidCursor:
            raise exceptions.ValidationError(
                {self.cursor_query_param: [_("Con trỏ trang không hợp lệ: hãy dùng đúng liên kết next/previous.")]},
                code="invalid",
            )

    def _offset_page(self, queryset, ordering: Ordering, *, size: int, number: str, count: int) -> KeysetPage:
        try:
            number = int(number)
            if number < 1:
                raise ValueError
        except ValueError:
            raise exceptions.NotFound(_("Trang không hợp lệ."))
        offset = (number - 1) * size
        rows = list(queryset.order_by(*ordering.order_by())[offset : offset + size + 1])
        if not rows:
            raise exceptions.NotFound(_("Trang không hợp lệ."))
        more, rows = len(rows) > size, rows[:size]
        extra = {"c": count}
        return KeysetPage(
            rows=rows,
            next=Cursor(ordering.position(rows[-1]), page=number + 1, extra=extra) if more else None,
            previous=Cursor((), page=number - 1) if number > 1 else None,
            number=number,
        )

    def get_page_size(self, request) -> int:
        try:
            size = int(request.query_params[self.page_size_query_param])
        except (KeyError, ValueError):
            return self.page_size
        return min(size, self.max_page_size) if size > 0 else self.page_size

    def _link(self, cursor: Cursor | None) -> str | None:
        if cursor is None:
            return None
        url = remove_query_param(self.request.build_absolute_uri(), self.page_query_param)
        if cursor.page <= 1 and cursor.reverse or not cursor.position:
            # Back to an early page: the plain first page, or the page number the offset link came from.
            url = remove_query_param(url, self.cursor_query_param)
            return replace_query_param(url, self.page_query_param, cursor.page) if cursor.page > 1 else url
        return replace_query_param(url, self.cursor_query_param, encode_cursor(self.ordering, cursor))

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.count,
                "next": self._link(self.page.next),
                "previous": self._link(self.page.previous),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["count", "results"],
            "properties": {
                "count": {
                    "type": "integer",
                    "example": 123,
                    "description": f"Exact up to {COUNT_LIMIT}; {COUNT_LIMIT} means that many or more.",
                },
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Opaque position from a `next` or `previous` link.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": "Page number (older links); prefer following `next`.",
                "schema": {"type": "integer"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Rows per page, up to {self.max_page_size}.",
                "schema": {"type": "integer"},
            },
        ]
