"""Helpers shared by the API tests (fixtures come from tests/conftest.py: `world`, `client_for`, VALID_DATA...)."""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile

from procedures.models import Document, DocumentKind
from tests.conftest import PDF_BYTES, VALID_DATA, client_for

DOSSIERS = "/api/v1/dossiers/"


def url(dossier, suffix: str = "") -> str:
    dossier_id = dossier["id"] if isinstance(dossier, dict) else dossier
    return f"{DOSSIERS}{dossier_id}/{suffix}"


def attach(dossier, user, requirement: str = "declaration", kind: str = DocumentKind.INPUT) -> Document:
    """A stored PDF for a requirement (the upload endpoint is tested with the documents module)."""
    dossier_id = dossier["id"] if isinstance(dossier, dict) else dossier
    return Document.objects.create(
        dossier_id=dossier_id,
        kind=kind,
        requirement=requirement,
        file=ContentFile(PDF_BYTES, name="to-khai.pdf"),
        name="to-khai.pdf",
        size=len(PDF_BYTES),
        content_type="application/pdf",
        sha256=hashlib.sha256(PDF_BYTES).hexdigest(),
        uploaded_by=user,
    )


def create_draft(world, user=None, data=None, **extra) -> dict:
    user = user or world.citizen
    body = {"procedure": world.procedure.code, "data": VALID_DATA if data is None else data, **extra}
    response = client_for(user).post(DOSSIERS, body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def act(user, dossier: dict, action: str, **extra):
    """POST an action with the dossier's current version (pass version=... to override)."""
    body = {"action": action, "version": dossier["version"], **extra}
    return client_for(user).post(url(dossier, "actions/"), body, format="json")


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, (response.status_code, response.content)
    return response.json()


def submitted(world, user=None) -> dict:
    user = user or world.citizen
    draft = create_draft(world, user=user)
    attach(draft, user)
    return ok(client_for(user).post(url(draft, "submit/"), {}, format="json"))


def accepted(world) -> dict:
    return ok(act(world.reception, submitted(world), "accept"))


def at_step(world, position: int) -> dict:
    """An accepted dossier forwarded to `position` (1 = reception, 2 = specialist, 3 = leader)."""
    dossier = accepted(world)
    handlers = {1: world.reception, 2: world.specialist}
    for step in range(1, position):
        dossier = ok(act(handlers[step], dossier, "forward"))
    assert dossier["current_step"]["index"] == position
    return dossier
