"""Dossier codes: {agency identity code}-{YYMMDD}-{NNNN}, a per-agency sequence restarting each local day."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction

from procedures.models import Agency, DossierCodeSequence
from procedures.services.calendar import portal_tz


def format_code(identity_code: str, day, number: int) -> str:
    # Four digits as on the national forms; the sequence simply widens past 9999.
    return f"{identity_code}-{day:%y%m%d}-{number:04d}"


def dossier_code_next(*, agency: Agency, at: datetime) -> str:
    """Reserve the next code. Must run inside the caller's transaction: the row lock is held until it commits,
    which serialises concurrent filings at one agency on one day and never hands out the same number twice."""
    day = at.astimezone(portal_tz()).date()
    try:
        with transaction.atomic():
            DossierCodeSequence.objects.get_or_create(agency=agency, day=day)
    except IntegrityError:
        pass  # another filing created today's row first; the locked read below sees it
    sequence = DossierCodeSequence.objects.select_for_update().get(agency=agency, day=day)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return format_code(agency.identity_code, day, sequence.last)
