"""Workspace tests: the officer pages under /can-bo/."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from procedures.models import Dossier
from procedures.services.catalogue import procedure_import
from tests.conftest import procedure_template, staff_login
from tests.procedures.dossier_flow import drive


def login(user) -> Client:
    client = Client()
    staff_login(client, user)
    return client


def fresh(dossier) -> Dossier:
    return Dossier.objects.get(pk=dossier.pk)


def recent(world, state: str, **kwargs) -> Dossier:
    """A dossier driven to `state` starting a little before now (so its due date lies in the future)."""
    return drive(world, state, start=timezone.now() - timedelta(hours=1), step=timedelta(minutes=1), **kwargs)


@pytest.fixture
def quick_procedure(world):
    """A one-working-day procedure at agency A: accepted now, it is due by the end of the next working day."""
    template = procedure_template(
        code="T.0002",
        version={
            "time_limit": {"value": "1", "unit": "working_days", "same_day_cutoff": None},
            "steps": [
                {"name": "Tiếp nhận", "role": "reception", "department": "one-stop", "allotted_days": "0.5"},
                {"name": "Phê duyệt", "role": "leader", "department": "leadership", "allotted_days": "0.5"},
            ],
        },
    )
    return procedure_import(template=template, agency=world.agency)
