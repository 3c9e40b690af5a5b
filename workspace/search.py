"""Officer search over dossiers: accent- and case-insensitive, across code, applicant name and the form's answers.

"nguyen van an" finds "Nguyễn Văn An"; "0003" finds a code containing it; a national ID or phone number typed in the
form is found in the form data. Every word of the folded query must appear in the folded haystack
(code + applicant name + account ID + form data as text).

Folding is done by the database: on PostgreSQL TRANSLATE(LOWER(...)) with the Vietnamese letters (the same mapping as
`procedures.text.fold`); on SQLite a function registered on each connection (`mc_fold`, see WorkspaceConfig.ready)
that calls `fold` itself. Form data on SQLite is stored as JSON with \\uXXXX escapes, which mc_fold decodes first.
"""

from __future__ import annotations

import re

from django.db.models import CharField, F, Func, Q, QuerySet, TextField, Value
from django.db.models.functions import Cast, Coalesce, Concat

from procedures.models import Dossier
from procedures.text import fold

# Every lower-case Vietnamese letter with a diacritic, and its base letter (TRANSLATE maps character by character).
_VI_FROM = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
_VI_TO = "a" * 17 + "e" * 11 + "i" * 5 + "o" * 17 + "u" * 11 + "y" * 5 + "d"
_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")


def sqlite_fold(value: str | None) -> str:
    """mc_fold for SQLite: decode JSON \\uXXXX escapes, then procedures.text.fold."""
    if value is None:
        return ""
    return fold(_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), value))


def register_sqlite_fold(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function("mc_fold", 1, sqlite_fold, deterministic=True)


class Folded(Func):
    """Lower case without Vietnamese diacritics, in the database."""

    output_field = TextField()
    function = "MC_FOLD"

    def as_postgresql(self, compiler, connection, **extra_context):
        expression, params = compiler.compile(self.source_expressions[0])
        return f"TRANSLATE(LOWER({expression}), %s, %s)", [*params, _VI_FROM, _VI_TO]


def dossier_search(qs: QuerySet[Dossier], q: str) -> QuerySet[Dossier]:
    """`qs` narrowed to dossiers matching every word of `q` (unchanged when `q` is blank). One query, no extra rows."""
    words = fold(q or "").split()
    if not words:
        return qs
    haystack = Folded(
        Concat(
            Coalesce("code", Value("")),
            Value(" "),
            Coalesce(F("applicant__full_name"), Value("")),
            Value(" "),
            Coalesce(F("applicant__national_id"), Value("")),
            Value(" "),
            Cast("data", TextField()),
            output_field=CharField(),
        )
    )
    condition = Q()
    for word in words:
        condition &= Q(search_haystack__contains=word)
    return qs.alias(search_haystack=haystack).filter(condition)
