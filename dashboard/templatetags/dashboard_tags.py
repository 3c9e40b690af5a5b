"""Formatting for the dashboard pages (locale-aware numbers, percentages, heat-map classes, query strings)."""

from __future__ import annotations

from fractions import Fraction
from urllib.parse import urlencode

from django import template
from django.utils.formats import number_format

from dashboard.tables import counter_value

register = template.Library()


@register.filter
def num(value, digits=0):
    if value is None or value == "":
        return "—"
    if isinstance(value, Fraction):
        value = round(float(value), int(digits) if digits else 0)
    return number_format(value, decimal_pos=int(digits) if digits else None, use_l10n=True, force_grouping=True)


@register.filter
def pct(value, digits=1):
    if value is None:
        return "—"
    return number_format(float(value) * 100, decimal_pos=int(digits), use_l10n=True) + "%"


@register.filter
def isodate(value):
    """dd/mm/YYYY of an ISO timestamp string (already in local time)."""
    if not value:
        return "—"
    text = str(value)[:10]
    return f"{text[8:10]}/{text[5:7]}/{text[0:4]}" if len(text) == 10 else text


@register.filter
def heat(value):
    """CSS class of a heat-map cell by on-time rate (the cell also prints the number: colour is never the only cue)."""
    if value is None:
        return "dash-heat-none"
    if value >= 0.95:
        return "dash-heat-4"
    if value >= 0.85:
        return "dash-heat-3"
    if value >= 0.7:
        return "dash-heat-2"
    return "dash-heat-1"


@register.filter
def counter(counters, path):
    return counter_value(counters, path)


@register.simple_tag
def qs(params, **overrides):
    """`?a=1&b=2` from a dict, with overrides (an empty override removes the key)."""
    values = {**params, **{k: v for k, v in overrides.items()}}
    values = {k: v for k, v in values.items() if v not in (None, "")}
    return "?" + urlencode(values) if values else "?"


@register.filter
def can_view_ioc(user) -> bool:
    """For the site navigation: show the IOC link to leaders, IOC viewers and superusers (one small query)."""
    from dashboard.selectors import stats_access_for

    return bool(user and user.is_authenticated and stats_access_for(user).is_staff_viewer)


@register.filter
def replace_code(url, code):
    """The drill-down URL (reversed with the placeholder CODE) for one indicator."""
    return str(url).replace("CODE", str(code))
