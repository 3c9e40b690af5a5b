"""Catalogue search: ignores case and Vietnamese diacritics, ranks good matches first.

`search_procedures(queryset, q)` keeps the procedures whose folded code and names (`Procedure.search_text`, see
`procedures.text.fold`) contain every word of the folded query, and orders them:

1. the code itself (`1.001193`),
2. names that start with the query (shorter names first, so the exact name leads),
3. names containing the query as a phrase starting at a word,
4. names containing every word somewhere.

On PostgreSQL trigram word similarity (pg_trgm; the GIN index of migration 0090 serves the containment filters)
breaks ties, and when no procedure contains every word (a typo such as "khai sihn") the near misses are returned
instead, most similar first: one extra `EXISTS` query, made when this function is called. SQLite has no trigram
support: it uses the containment rules alone, which is correct, just not typo-tolerant.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Concat, Length, Lower

from procedures.models import Procedure
from procedures.text import fold

# word_similarity of the folded query in search_text from which a near miss is offered when nothing matches exactly.
FUZZY_THRESHOLD = 0.5
# Per word of a misspelt query: a swapped pair of letters in a short word keeps about a third of its trigrams.
WORD_FUZZY_THRESHOLD = 0.3


def search_procedures(queryset: QuerySet[Procedure], q: str) -> QuerySet[Procedure]:
    """`queryset` narrowed to matches of `q` and ordered best first (unchanged when `q` is blank)."""
    phrase = fold(q or "")
    words = phrase.split()
    if not words:
        return queryset
    contains_all = Q()
    for word in words:
        contains_all &= Q(search_text__contains=word)
    rank = Case(
        When(Q(code__iexact=q.strip()), then=Value(4)),
        When(Q(search_text__startswith=Concat(Lower("code"), Value(f" {phrase}"))), then=Value(3)),
        When(Q(search_text__contains=f" {phrase}"), then=Value(2)),
        When(contains_all, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import TrigramWordSimilarity

        queryset = queryset.annotate(search_rank=rank, search_similarity=TrigramWordSimilarity(phrase, "search_text"))
        exact = queryset.filter(contains_all)
        if exact.exists():
            queryset = exact
        else:
            # Typo tolerance, word by word: every word must nearly match, so a query naming two different
            # procedures ("khai sinh kết hôn") finds nothing rather than half-matches.
            fuzzy = {f"word_similarity_{i}": TrigramWordSimilarity(word, "search_text") for i, word in enumerate(words)}
            queryset = queryset.annotate(**fuzzy).filter(**{f"{name}__gte": WORD_FUZZY_THRESHOLD for name in fuzzy})
        return queryset.order_by("-search_rank", "-search_similarity", Length("name"), "name", "code")
    return (
        queryset.annotate(search_rank=rank)
        .filter(contains_all)
        .order_by("-search_rank", Length("name"), "name", "code")
    )
