"""Helpers for the dashboard tests: build dossiers through the real workflow service at chosen moments.

Until the lead adds `stats_record_event(event=event, dossier=dossier)` to `dossier_perform_action`, the autouse
fixture below wires it in by wrapping the service's event writer, so the hook runs exactly where it will run then:
inside the action's transaction, right after the event row is written and the dossier saved.
"""

from __future__ import annotations

import inspect

import pytest
from django.core.files.base import ContentFile

from dashboard.services import stats_record_event
from procedures.models import Document, DocumentKind, Dossier
from procedures.services import dossiers as dossier_services
from procedures.services.catalogue import procedure_import
from procedures.services.dossiers import dossier_create
from tests import helpers
from tests.conftest import PDF_BYTES, VALID_DATA, World, at, procedure_template  # noqa: F401

HOOK_WIRED = "stats_record_event" in inspect.getsource(dossier_services.dossier_perform_action)


@pytest.fixture(autouse=True)
def _stats_hook(monkeypatch, settings):
    settings.DASHBOARD_STATS_STRICT = True
    if HOOK_WIRED:
        yield
        return
    original = dossier_services._record

    def record_and_count(dossier, **kwargs):
        event = original(dossier, **kwargs)
        stats_record_event(event=event, dossier=dossier)
        return event

    monkeypatch.setattr(dossier_services, "_record", record_and_count)
    yield


def attach(dossier: Dossier, user, *, kind: str = DocumentKind.INPUT, requirement: str = "declaration") -> Document:
    return Document.objects.create(
        dossier=dossier,
        kind=kind,
        requirement=requirement,
        file=ContentFile(PDF_BYTES, name="tai-lieu.pdf"),
        name="tai-lieu.pdf",
        size=len(PDF_BYTES),
        content_type="application/pdf",
        sha256="0" * 64,
        uploaded_by=user,
    )


def act(dossier: Dossier, action: str, actor, when, **payload) -> Dossier:
    if action == "pay":
        # Only the system pays, on a verified provider notification (payments app); `actor` names who paid.
        return dossier_services.dossier_perform_action(
            dossier_id=dossier.pk,
            action=action,
            actor=None,
            system=True,
            version=dossier.version,
            payload=payload,
            now=when,
        )
    return helpers.act(dossier, action, actor, when, **payload)


def filed(world: World, when, *, channel: str = "online", procedure=None, applicant=None) -> Dossier:
    """A dossier submitted at `when` (with its required document attached)."""
    procedure = procedure or world.procedure
    applicant = applicant or world.citizen
    dossier = dossier_create(applicant=applicant, procedure_code=procedure.code, data=VALID_DATA, channel=channel)
    attach(dossier, applicant)
    return act(dossier, "submit", applicant, when)


def accepted(world: World, when, **kwargs) -> Dossier:
    """Submitted and accepted at `when`."""
    return act(filed(world, when, **kwargs), "accept", world.reception, when)


def completed(world: World, dossier: Dossier, when, outcome: str = "approved") -> Dossier:
    """Forward through the three steps and complete at `when`."""
    dossier = act(dossier, "forward", world.reception, when)
    dossier = act(dossier, "forward", world.specialist, when)
    return act(dossier, "complete", world.leader, when, outcome=outcome)


def second_procedure(world: World, code: str = "T.0002", **overrides):
    """Another procedure of agency A: partial online, a fee, no required document."""
    template = procedure_template(code, online_level="partial", name="Chứng thực bản sao thử nghiệm", **overrides)
    template["version"]["documents"][0]["required"] = False
    template["field"] = {"code": "chung-thuc", "name": "Chứng thực", "name_en": "Certification"}
    return procedure_import(template=template, agency=world.agency)
