"""Public tracking by dossier code (the receipt's QR code points here): status and dates, never personal data."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from rest_framework.throttling import BaseThrottle

from portal.throttles import TrackingMissThrottle
from procedures.display import localized, status_label, status_tone
from procedures.selectors import dossier_track, is_overdue

CODE_MAX_LENGTH = 32
# Codes are easy to guess in sequence, so page views are rate-limited per client like the API's tracking endpoint.
_RATE = re.compile(r"^(\d+)/(s|sec|m|min|h|hour)")
_PERIODS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600}


def _rate() -> tuple[int, int]:
    spec = settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}).get("tracking") or "60/min"
    match = _RATE.match(spec)
    return (int(match.group(1)), _PERIODS[match.group(2)]) if match else (60, 60)


def _throttled(request: HttpRequest) -> bool:
    limit, period = _rate()
    # The client as the API's throttles see it (X-Forwarded-For aware, honouring NUM_PROXIES), so both agree.
    key = f"web-track:{BaseThrottle().get_ident(request)}"
    cache.add(key, 0, timeout=period)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=period)
        count = 1
    return count > limit


# Dossier codes are letters, digits, dots and hyphens (procedures.services.codes); anything else cannot be one and
# must not reach a URL (a "/" would not reverse) or the database.
_CODE_RE = re.compile(rf"^[A-Z0-9.\-]{{1,{CODE_MAX_LENGTH}}}$")


def _normalise(code: str) -> str:
    return "".join(code.split()).upper()[:CODE_MAX_LENGTH]


def track_search(request: HttpRequest) -> HttpResponse:
    """The form; a submitted code goes to its tracking page."""
    code = _normalise(request.GET.get("code", ""))
    if code and not _CODE_RE.match(code):
        return render(request, "procedures/track_form.html", {"code": code, "not_found": True}, status=404)
    if code:
        return redirect("track-detail", code=code)
    return render(request, "procedures/track_form.html", {"code": ""})


def track_detail(request: HttpRequest, code: str) -> HttpResponse:
    misses = TrackingMissThrottle()
    if _throttled(request) or not misses.allow_request(request, None):
        return render(request, "procedures/track_form.html", {"code": code, "throttled": True}, status=429)
    dossier = dossier_track(code=_normalise(code))
    if dossier is None:
        misses.record_miss(request)
        return render(request, "procedures/track_form.html", {"code": code, "not_found": True}, status=404)
    # Only statuses and dates leave this view: no names, IDs, comments, form data or documents.
    timeline = [
        {"status": status_label(event.to_status), "tone": status_tone(event.to_status), "at": event.at}
        for event in dossier.events.all()
        if event.to_status and event.to_status != event.from_status and event.to_status != "draft"
    ]
    context = {
        "code": dossier.code,
        "procedure_name": localized(dossier.procedure),
        "agency_name": localized(dossier.agency),
        "status": status_label(dossier.status),
        "tone": status_tone(dossier.status),
        "status_value": dossier.status,
        "overdue": is_overdue(dossier),
        "submitted_at": dossier.submitted_at,
        "accepted_at": dossier.accepted_at,
        "due_at": dossier.due_at,
        "completed_at": dossier.completed_at,
        "delivered_at": dossier.delivered_at,
        "timeline": timeline,
    }
    return render(request, "procedures/track_detail.html", context)
