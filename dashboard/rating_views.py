"""/ioc/danh-gia/: ratings and comments per agency, procedure and officer, for leaders (their agencies), IOC viewers
(the province) and officers (their own agencies)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_date

from citizens.roles import Role
from dashboard.ratings import latest_comments, ratings_in, ratings_summary
from dashboard.selectors import stats_access_for

OFFICER_ROLES = (Role.RECEPTION, Role.SPECIALIST, Role.LEADER)


def _agencies(user) -> frozenset[int] | None:
    access = stats_access_for(user)
    if access.level == "all":
        return None
    if access.level == "leader":
        return frozenset(access.agency_ids)
    own = frozenset(user.memberships.filter(is_active=True, role__in=OFFICER_ROLES).values_list("agency_id", flat=True))
    if not own:
        raise PermissionDenied
    return own


def _day(value: str | None):
    try:
        day = parse_date(value or "")
    except ValueError:
        return None
    return day if day and 1990 <= day.year <= 2100 else None


@login_required
def ratings_page(request: HttpRequest) -> HttpResponse:
    agencies = _agencies(request.user)
    today = timezone.localdate()
    start_day = _day(request.GET.get("from")) or today - timedelta(days=365)
    end_day = _day(request.GET.get("to")) or today
    tz = timezone.get_current_timezone()
    start = datetime.combine(start_day, time.min, tzinfo=tz)
    end = datetime.combine(end_day + timedelta(days=1), time.min, tzinfo=tz)
    ratings = ratings_in(agency_ids=agencies, start=start, end=end)
    context = {
        "start": start_day,
        "end": end_day,
        "by_agency": ratings_summary(ratings, by="agency"),
        "by_procedure": ratings_summary(ratings, by="procedure"),
        "by_officer": ratings_summary(ratings, by="officer"),
        "comments": latest_comments(ratings),
        "current": "ratings",
    }
    return render(request, "dashboard/ratings.html", context)
