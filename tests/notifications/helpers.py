"""Builders shared by the notification tests: dossiers moved through the real workflow service."""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile

from procedures.models import Document, Dossier, DossierEvent
from procedures.services.dossiers import dossier_create
from tests.conftest import PDF_BYTES, VALID_DATA, at
from tests.helpers import act

SUBMIT_AT = at(2026, 3, 2, 9, 0)  # a Monday
ACCEPT_AT = at(2026, 3, 2, 10, 0)
# Five working days counted from the next working day: Tue 3, Wed 4, Thu 5, Fri 6, Mon 9 March.
DUE_DATE = "09/03/2026"


def draft(world, applicant=None, *, procedure=None, data=None) -> Dossier:
    applicant = applicant or world.citizen
    code = (procedure or world.procedure).code
    dossier = dossier_create(applicant=applicant, procedure_code=code, data=VALID_DATA if data is None else data)
    Document.objects.create(
        dossier=dossier,
        requirement="declaration",
        file=ContentFile(PDF_BYTES, name="to-khai.pdf"),
        name="to-khai.pdf",
        size=len(PDF_BYTES),
        content_type="application/pdf",
        sha256=hashlib.sha256(PDF_BYTES).hexdigest(),
        uploaded_by=applicant,
    )
    return dossier


def submitted(world, applicant=None) -> Dossier:
    return act(draft(world, applicant), "submit", applicant or world.citizen, now=SUBMIT_AT)


def accepted(world, applicant=None) -> Dossier:
    return act(submitted(world, applicant), "accept", world.reception, now=ACCEPT_AT)


def last_event(dossier: Dossier, action: str) -> DossierEvent:
    return dossier.events.filter(action=action).latest("at", "id")


def synthetic_event(dossier: Dossier, action: str, *, actor=None, comment: str = "", payload=None) -> DossierEvent:
    """An event row as the workflow writes it, for messages whose real path is long (extend, deliver...)."""
    return DossierEvent.objects.create(
        dossier=dossier,
        actor=actor,
        action=action,
        from_status=dossier.status,
        to_status=dossier.status,
        comment=comment,
        payload=payload or {},
        at=ACCEPT_AT,
    )
