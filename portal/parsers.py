"""The API's JSON parser: DRF's, reading through portal.jsonsafe so every bad body is a 400 ParseError."""

from __future__ import annotations

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from portal import jsonsafe


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        raw = stream.read() if stream is not None else b""
        try:
            return jsonsafe.loads(raw, encoding=encoding)
        except jsonsafe.InvalidJSON as exc:
            raise ParseError(str(exc))
