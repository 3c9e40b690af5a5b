"""Satisfaction that counts: the applicants' ratings grouped by agency, procedure and officer, the latest comments
(never the applicant's name), and the facts indicators 5.3 and 5.4 read. One aggregate query per grouping, whatever
the number of ratings."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from django.db.models import Avg, Count, Q, QuerySet

from procedures.models import Rating

GROUPINGS = {
    "agency": ("dossier__agency_id", "dossier__agency__name"),
    "procedure": ("dossier__procedure_id", "dossier__procedure__name"),
    "officer": ("dossier__assignee_id", "dossier__assignee__full_name"),
}


def ratings_in(
    *, agency_ids: Collection[int] | None, start: datetime | None = None, end: datetime | None = None
) -> QuerySet[Rating]:
    queryset = Rating.objects.all()
    if agency_ids is not None:
        queryset = queryset.filter(dossier__agency_id__in=sorted(agency_ids))
    if start is not None:
        queryset = queryset.filter(created_at__gte=start)
    if end is not None:
        queryset = queryset.filter(created_at__lt=end)
    return queryset


def ratings_summary(queryset: QuerySet[Rating], *, by: str) -> list[dict]:
    """Per group: how many ratings, the average of each score, satisfied and dissatisfied counts, most rated first."""
    key, label = GROUPINGS[by]
    rows = (
        queryset.values(key, label)
        .annotate(
            n=Count("pk"),
            avg_overall=Avg("overall"),
            avg_timeliness=Avg("timeliness"),
            avg_attitude=Avg("attitude"),
            avg_convenience=Avg("convenience"),
            n_satisfied=Count("pk", filter=Q(satisfied=True)),
            n_dissatisfied=Count("pk", filter=Q(satisfied=False)),
        )
        .order_by("-n", label)
    )
    return [
        {
            "id": row[key],
            "name": row[label] or "—",
            "count": row["n"],
            "overall": round(row["avg_overall"] or 0, 2),
            "timeliness": round(row["avg_timeliness"] or 0, 2),
            "attitude": round(row["avg_attitude"] or 0, 2),
            "convenience": round(row["avg_convenience"] or 0, 2),
            "satisfied": row["n_satisfied"],
            "dissatisfied": row["n_dissatisfied"],
            "satisfied_pct": round(100 * row["n_satisfied"] / row["n"], 1) if row["n"] else None,
        }
        for row in rows
    ]


def latest_comments(queryset: QuerySet[Rating], *, limit: int = 20) -> list[dict]:
    rows = (
        queryset.exclude(comment="")
        .order_by("-created_at", "-pk")
        .values(
            "created_at",
            "overall",
            "satisfied",
            "comment",
            "dossier__code",
            "dossier__procedure__name",
            "dossier__agency__name",
        )[:limit]
    )
    return [
        {
            "at": row["created_at"],
            "overall": row["overall"],
            "satisfied": row["satisfied"],
            "comment": row["comment"],
            "code": row["dossier__code"],
            "procedure": row["dossier__procedure__name"],
            "agency": row["dossier__agency__name"],
        }
        for row in rows
    ]


def dissatisfied_dossier_ids(queryset: QuerySet[Rating]) -> QuerySet:
    """Dossiers rated dissatisfied: one of the two sources of indicator 5.4 (complaints are the other)."""
    return queryset.filter(satisfied=False).values("dossier_id")
