"""Reads of the records app: the citizen's store, the public verification record, and indicators 4.1-4.3.

Every function here costs a fixed number of queries whatever the number of rows (asserted in tests)."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from procedures.models import Document, DocumentKind, Dossier, Status
from records.models import DocumentOrigin, Origin, SignedResult, StoredDocument

# Dossiers whose processing ended with a result (the population of indicator 4.1).
RESULT_STATUSES = (Status.COMPLETED, Status.DELIVERED)


def store_documents_for(user) -> QuerySet[StoredDocument]:
    """The user's document store, newest first, with the source dossier's code in the same query."""
    return (
        StoredDocument.objects.filter(owner=user)
        .select_related("document", "document__dossier")
        .only(
            "id",
            "name",
            "kind",
            "requirement",
            "issued_at",
            "document__id",
            "document__content_type",
            "document__size",
            "document__dossier__id",
            "document__dossier__code",
        )
        .order_by("-issued_at", "-id")
    )


def store_matches_for(user, requirements: Iterable[dict]) -> dict[str, list[StoredDocument]]:
    """For each requirement of a procedure (`{"code", "accept"}`), the stored documents that may answer it: same
    requirement code, or a signed result whose type the requirement accepts when the requirement names a result of
    another procedure (code equal to that procedure's code). One query."""
    requirements = list(requirements)
    codes = {str(r.get("code")) for r in requirements if r.get("code")}
    if not codes:
        return {}
    rows = list(store_documents_for(user).filter(requirement__in=codes))
    matches: dict[str, list[StoredDocument]] = {code: [] for code in codes}
    for row in rows:
        matches[row.requirement].append(row)
    return {code: items for code, items in matches.items() if items}


def result_by_code(code: str) -> SignedResult | None:
    """The signed result a verification code names, with what the public page shows (one query)."""
    code = str(code or "").strip().upper()
    if not code or len(code) > 20:
        return None
    return (
        SignedResult.objects.select_related("dossier", "dossier__procedure", "agency", "book")
        .filter(verification_code=code)
        .first()
    )


def result_by_sha256(digest: str) -> SignedResult | None:
    return (
        SignedResult.objects.select_related("dossier", "dossier__procedure", "agency", "book")
        .filter(sha256=digest)
        .first()
    )


def results_of_dossier(dossier_id) -> list[SignedResult]:
    return list(SignedResult.objects.select_related("book").filter(dossier_id=dossier_id).order_by("-signed_at"))


# --- indicators 4.1-4.3 --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ratio:
    numerator: int
    denominator: int

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None


def _scope(queryset: QuerySet[Dossier], agencies: Collection[int] | None) -> QuerySet[Dossier]:
    return queryset.filter(agency_id__in=list(agencies)) if agencies is not None else queryset


def _ratio(queryset: QuerySet[Dossier], hit: Q) -> Ratio:
    counts = queryset.aggregate(total=Count("pk"), hit=Count("pk", filter=hit))
    return Ratio(counts["hit"], counts["total"])


def _signed_result() -> Exists:
    return Exists(SignedResult.objects.filter(dossier_id=OuterRef("pk"), revoked_at__isnull=True))


def indicator_4_1(*, start: datetime, end: datetime, agencies: Collection[int] | None = None) -> Ratio:
    """4.1 dossiers with an electronic result that has legal value: dossiers completed in [start, end) (completed or
    already delivered) that have a signed, unrevoked e-result / all dossiers completed in the period. One query."""
    base = _scope(
        Dossier.objects.filter(status__in=RESULT_STATUSES, completed_at__gte=start, completed_at__lt=end), agencies
    )
    return _ratio(base.annotate(_signed=_signed_result()), Q(_signed=True))


def indicator_4_2(*, start: datetime, end: datetime, agencies: Collection[int] | None = None) -> Ratio:
    """4.2 digitised dossiers: dossiers received (submitted) in [start, end), of every channel, that have their
    components as files (at least one input document, uploaded, scanned at the desk or reused) and, once they
    ended with a result, a signed e-result / dossiers received in the period. One query."""
    has_files = Exists(Document.objects.filter(dossier_id=OuterRef("pk"), kind=DocumentKind.INPUT))
    base = _scope(Dossier.objects.filter(submitted_at__gte=start, submitted_at__lt=end), agencies)
    annotated = base.annotate(_files=has_files, _signed=_signed_result())
    return _ratio(annotated, Q(_files=True) & (~Q(status__in=RESULT_STATUSES) | Q(_signed=True)))


def indicator_4_3(*, start: datetime, end: datetime, agencies: Collection[int] | None = None) -> Ratio:
    """4.3 dossiers reusing digitised data: dossiers received in [start, end) with at least one component taken from
    the applicant's document store instead of a new upload / dossiers received in the period. One query."""
    reused = Exists(DocumentOrigin.objects.filter(dossier_id=OuterRef("pk"), origin=Origin.REUSE))
    base = _scope(Dossier.objects.filter(submitted_at__gte=start, submitted_at__lt=end), agencies)
    return _ratio(base.annotate(_reused=reused), Q(_reused=True))
