"""Ratings that count: the ratings page groups them by agency, procedure and officer, shows comments without the
applicant's name, is limited to the viewer's agencies, and costs the same queries whatever the number of ratings."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from procedures.services.ratings import rating_create
from tests.conftest import staff_login  # noqa: I001
from tests.procedures.dossier_flow import drive

pytestmark = pytest.mark.django_db


def rate(world, *, satisfied: bool, overall: int, comment: str = ""):
    dossier = drive(world, "delivered")
    rating_create(
        dossier_id=dossier.pk,
        actor=world.citizen,
        overall=overall,
        timeliness=overall,
        attitude=overall,
        convenience=overall,
        satisfied=satisfied,
        comment=comment,
    )
    return dossier


def page(user, **params):
    client = Client()
    staff_login(client, user)
    return client.get("/ioc/danh-gia/", params)


def test_ratings_by_agency_procedure_and_officer_with_comments(world):
    rate(world, satisfied=True, overall=5, comment="Nhanh, gọn.")
    rate(world, satisfied=False, overall=2, comment="Phải đi lại hai lần.")
    response = page(world.leader)
    assert response.status_code == 200
    by_agency = response.context["by_agency"]
    assert [(r["name"], r["count"], r["overall"], r["satisfied"], r["dissatisfied"]) for r in by_agency] == [
        (world.agency.name, 2, 3.5, 1, 1)
    ]
    assert [r["name"] for r in response.context["by_procedure"]] == [world.procedure.name]
    assert len(response.context["by_officer"]) == 1
    html = response.content.decode()
    assert "Phải đi lại hai lần." in html and "Nhanh, gọn." in html
    assert world.citizen.full_name not in html


def test_officers_see_only_their_agency_and_citizens_nothing(world):
    rate(world, satisfied=True, overall=4)
    assert page(world.other_reception).context["by_agency"] == []
    assert len(page(world.reception).context["by_agency"]) == 1
    assert page(world.citizen).status_code == 403


def test_query_count_does_not_grow_with_ratings(world):
    rate(world, satisfied=True, overall=4, comment="a")
    client = Client()
    staff_login(client, world.leader)
    with CaptureQueriesContext(connection) as few:
        client.get("/ioc/danh-gia/")
    for score in (1, 2, 3):
        rate(world, satisfied=score > 2, overall=score, comment=f"c{score}")
    with CaptureQueriesContext(connection) as many:
        client.get("/ioc/danh-gia/")
    assert len(few) == len(many)


def test_bad_dates_fall_back_to_the_last_year(world):
    assert page(world.leader, **{"from": "0000-13-99", "to": "31/02/2026"}).status_code == 200
