"""Dossier codes: {agency identity code}-{YYMMDD}-{NNNN}, a per-agency sequence restarting each local day."""

from __future__ import annotations

from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from procedures.models import Agency, DossierCodeSequence
from procedures.services.calendar import portal_tz


def format_code(identity_code: str, day: date, number: int) -> str:
    # Four digits as on the national forms; the sequence simply widens past 9999.
    return f"{identity_code}-{day:%y%m%d}-{number:04d}"


def dossier_code_next(*, agency: Agency, at: datetime) -> str:
    """Reserve the next code for a filing at `agency` at the moment `at` (its date taken in Asia/Ho_Chi_Minh).

    Must run inside the caller's transaction. The increment is one UPDATE, which takes the row lock and holds it
    until the caller commits: concurrent filings at one agency on one day queue on that row and each gets the next
    number, consecutive and never twice. A rolled-back filing gives its number back."""
    if timezone.is_naive(at):
        raise ValueError(f"Expected an aware datetime, got {at!r}.")
    day = at.astimezone(portal_tz()).date()
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("dossier_code_next must run inside the filing's transaction.")
    sequence = DossierCodeSequence.objects.filter(agency=agency, day=day)
    if not sequence.update(last=F("last") + 1):
        try:
            with transaction.atomic():
                DossierCodeSequence.objects.create(agency=agency, day=day, last=1)
        except IntegrityError:
            # Another filing created today's row first; once it commits, this UPDATE waits for and sees it.
            sequence.update(last=F("last") + 1)
    number = sequence.values_list("last", flat=True).get()
    return format_code(agency.identity_code, day, number)
