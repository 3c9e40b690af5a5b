"""Every list endpoint costs the same number of queries whatever its page size (no query per row)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from procedures.models import Dossier
from procedures.services.catalogue import procedure_import
from procedures.services.dossiers import dossier_create, dossier_perform_action
from procedures.workflow import Action
from tests.api import attach
from tests.conftest import VALID_DATA, client_for, module_world, procedure_template

world = module_world()  # the tests only read the world

pytestmark = pytest.mark.django_db

ROWS = 70  # staff do not see the drafts (one in five): still more than 50 rows for them
# Ceilings that catch a regression to per-row queries long before it shows in production.
MAX_CATALOGUE_QUERIES = 3
MAX_DOSSIER_QUERIES = 8


def count_queries(client, path: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries), len(response.json()["results"])


def compare(client, path: str, who: str) -> tuple[int, int]:
    small, small_rows = count_queries(client, f"{path}?page_size=2")
    large, large_rows = count_queries(client, f"{path}?page_size=50")
    assert (small_rows, large_rows) == (2, 50)
    assert small == large, f"{path}: {small} queries for 2 rows but {large} for 50"
    print(f"\n{path} as {who}: {small} queries (page_size 2 and 50)")
    return small, large


def test_catalogue_list_costs_a_fixed_number_of_queries(world, api):
    for index in range(ROWS):
        procedure_import(
            template=procedure_template(code=f"Q.{index:04d}", name=f"Thủ tục số {index}"), agency=world.agency
        )
    small, _ = compare(api, "/api/v1/procedures/", "anonymous")
    assert small <= MAX_CATALOGUE_QUERIES


@pytest.fixture
def many_dossiers(world):
    """ROWS dossiers of the citizen in various states: drafts, submitted, accepted (with steps and an assignee)."""
    for index in range(ROWS):
        dossier = dossier_create(applicant=world.citizen, procedure_code=world.procedure.code, data=VALID_DATA)
        if index % 5 == 0:
            continue  # a draft
        attach(dossier.pk, world.citizen)
        dossier = dossier_perform_action(
            dossier_id=dossier.pk, action=Action.SUBMIT, actor=world.citizen, version=dossier.version
        )
        if index % 2 == 0:
            dossier_perform_action(
                dossier_id=dossier.pk, action=Action.ACCEPT, actor=world.reception, version=dossier.version
            )
    return world


@pytest.mark.parametrize("role", ["citizen", "reception", "leader"])
def test_dossier_list_costs_a_fixed_number_of_queries(many_dossiers, role):
    small, _ = compare(client_for(getattr(many_dossiers, role)), "/api/v1/dossiers/", role)
    assert small <= MAX_DOSSIER_QUERIES


def test_filtered_dossier_list_costs_a_fixed_number_of_queries(many_dossiers):
    client = client_for(many_dossiers.reception)
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/dossiers/?status=submitted,processing&ordering=-submitted_at&page_size=2")
    with CaptureQueriesContext(connection) as many:
        client.get("/api/v1/dossiers/?status=submitted,processing&ordering=-submitted_at&page_size=40")
    assert len(few.captured_queries) == len(many.captured_queries)


def test_dossier_detail_costs_a_fixed_number_of_queries_whatever_its_history(many_dossiers):
    dossier = Dossier.objects.filter(status="processing").first()
    client = client_for(many_dossiers.reception)
    with CaptureQueriesContext(connection) as before:
        assert client.get(f"/api/v1/dossiers/{dossier.pk}/").status_code == 200
    for _ in range(10):
        dossier.refresh_from_db()
        dossier_perform_action(
            dossier_id=dossier.pk,
            action=Action.COMMENT,
            actor=many_dossiers.leader,
            version=dossier.version,
            payload={"comment": "ghi chú"},
        )
    with CaptureQueriesContext(connection) as after:
        assert client.get(f"/api/v1/dossiers/{dossier.pk}/").status_code == 200
    assert len(before.captured_queries) == len(after.captured_queries)
