"""The working calendar in force: the `holidays` package's Vietnam calendar plus the admins' overrides."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.conf import settings

from procedures.deadlines import WorkingCalendar
from procedures.models import CalendarOverride


def portal_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def working_calendar() -> WorkingCalendar:
    """One query: the overrides table is small (a few rows a year)."""
    days_off: list = []
    working_days: list = []
    for day, kind in CalendarOverride.objects.values_list("date", "kind"):
        (days_off if kind == CalendarOverride.Kind.DAY_OFF else working_days).append(day)
    return WorkingCalendar(days_off=days_off, working_days=working_days)
