"""What PAKN contributes to the Decision 766 indicators (registered in dashboard.sources from AppConfig.ready()).

Items count in the period in which they were received (local dates, inclusive). An item rejected as outside the
agency's competence is not "within competence" and is left out of 5.2 and 5.3 (shared/INDICATORS.md).
- 5.1 (tracked, not scored): items about a procedure or a dossier, over all items.
- 5.2: items answered by their due time, or still open and not yet due at the period's end, over items within
  competence.
- 5.3: items neither reopened by their author (the portal's "dissatisfied with the answer") nor answered or left late,
  over items within competence.
- 5.4 (dossier source): dossiers that had a feedback or complaint filed about them in the period.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db.models import Count, F, Q
from django.utils import timezone

from dashboard.sources import IndicatorFigure, SourceQuery
from feedback.lifecycle import OPEN, Status
from feedback.models import Category, Feedback


def _bounds(query: SourceQuery) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(query.start, time.min, tzinfo=tz),
        datetime.combine(query.end + timedelta(days=1), time.min, tzinfo=tz),
    )


def _items(query: SourceQuery):
    start, end = _bounds(query)
    items = Feedback.objects.filter(received_at__gte=start, received_at__lt=end)
    if query.agency_ids is not None:
        items = items.filter(agency_id__in=sorted(query.agency_ids))
    if query.procedure_id is not None:
        items = items.filter(procedure_id=query.procedure_id)
    return items


def _figures(rows, numerator: str, denominator: str) -> dict[int, IndicatorFigure]:
    return {row["agency_id"]: IndicatorFigure(row[numerator], row[denominator]) for row in rows}


def by_category(query: SourceQuery) -> dict[int, IndicatorFigure]:
    rows = (
        _items(query)
        .values("agency_id")
        .annotate(about=Count("pk", filter=Q(procedure__isnull=False) | Q(dossier__isnull=False)), total=Count("pk"))
    )
    return _figures(rows, "about", "total")


def _on_time(end: datetime) -> Q:
    answered_in_time = Q(answered_at__isnull=False, answered_at__lte=F("due_at"))
    still_in_time = Q(status__in=list(OPEN), due_at__gte=end)
    return answered_in_time | still_in_time


def handled_on_time(query: SourceQuery) -> dict[int, IndicatorFigure]:
    _start, end = _bounds(query)
    rows = (
        _items(query)
        .exclude(status=Status.REJECTED)
        .values("agency_id")
        .annotate(good=Count("pk", filter=_on_time(end)), total=Count("pk"))
    )
    return _figures(rows, "good", "total")


def satisfied_handling(query: SourceQuery) -> dict[int, IndicatorFigure]:
    _start, end = _bounds(query)
    rows = (
        _items(query)
        .exclude(status=Status.REJECTED)
        .values("agency_id")
        .annotate(good=Count("pk", filter=_on_time(end) & Q(reopened=0)), total=Count("pk"))
    )
    return _figures(rows, "good", "total")


def dossiers_with_feedback(query: SourceQuery) -> list:
    return list(
        _items(query)
        .filter(dossier__isnull=False, category__in=[Category.FEEDBACK, Category.COMPLAINT])
        .values_list("dossier_id", flat=True)
        .distinct()
    )
