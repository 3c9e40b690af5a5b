"""Keyset pages of the dossier lists: following `next` (and back with `previous`) visits every row exactly once in the
list's order, ties and missing dates included; the count is bounded and counted once; one audience per list."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from procedures.api import pagination
from procedures.models import Dossier
from procedures.services.dossiers import dossier_create
from tests.api import DOSSIERS, ok
from tests.conftest import VALID_DATA, client_for

pytestmark = pytest.mark.django_db


def make_dossiers(world, n: int, *, applicant=None) -> list[Dossier]:
    """n dossiers of agency A: filed ones with due dates that tie in threes, some not accepted yet (no due date),
    and drafts (no code, no filing time) every fifth."""
    now = timezone.now()
    dossiers = []
    for index in range(n):
        dossier = dossier_create(
            applicant=applicant or world.citizen, procedure_code=world.procedure.code, data=VALID_DATA
        )
        if index % 5 == 4:
            dossiers.append(dossier)
            continue
        accepted = index % 4 != 0
        Dossier.objects.filter(pk=dossier.pk).update(
            status="processing" if accepted else "submitted",
            code=f"000.00.12.H26-261203-{index:04d}",
            submitted_at=now - timedelta(hours=index % 7),
            due_at=(now + timedelta(days=index // 3)) if accepted else None,
        )
        dossiers.append(dossier)
    return dossiers


def walk(client, first: str) -> tuple[list[list[str]], list[dict]]:
    pages, bodies, path = [], [], first
    while path:
        body = ok(client.get(path))
        pages.append([row["id"] for row in body["results"]])
        bodies.append(body)
        path = body["next"]
    return pages, bodies


def walk_back(client, last: dict) -> list[list[str]]:
    pages, body = [], last
    while body["previous"]:
        body = ok(client.get(body["previous"]))
        pages.append([row["id"] for row in body["results"]])
    return pages


@pytest.mark.parametrize(
    "who, query",
    [
        ("reception", ""),
        ("reception", "&ordering=-due_at"),
        ("reception", "&ordering=submitted_at"),
        ("reception", "&ordering=-code"),
        ("citizen", ""),
        ("citizen", "&ordering=code"),
        ("citizen", "&ordering=-submitted_at"),
        ("citizen", "&ordering=due_at"),
    ],
)
def test_next_and_previous_visit_every_row_once_in_order(world, who, query):
    make_dossiers(world, 23)
    client = client_for(getattr(world, who))
    whole = [row["id"] for row in ok(client.get(f"{DOSSIERS}?page_size=100{query}"))["results"]]
    expected = 23 if who == "citizen" else 23 - 4  # staff never see the drafts
    assert len(whole) == len(set(whole)) == expected
    pages, bodies = walk(client, f"{DOSSIERS}?page_size=4{query}")
    assert [row for page in pages for row in page] == whole
    assert all(len(page) == 4 for page in pages[:-1])
    assert {body["count"] for body in bodies} == {expected}
    assert bodies[0]["previous"] is None
    back = walk_back(client, bodies[-1])
    assert back == pages[-2::-1]


def test_staff_default_order_is_due_date_then_filing_time_with_new_filings_last(world):
    dossiers = make_dossiers(world, 12)
    rows = ok(client_for(world.reception).get(f"{DOSSIERS}?page_size=100"))["results"]
    dues = [row["due_at"] for row in rows]
    dated = [d for d in dues if d]
    assert dated == sorted(dated) and dues[: len(dated)] == dated  # no due date yet: after every dated one
    by_id = {str(d.pk): Dossier.objects.get(pk=d.pk) for d in dossiers}
    undated = [by_id[row["id"]].submitted_at for row in rows if not row["due_at"]]
    assert undated == sorted(undated)


def test_count_is_bounded_and_counted_once_per_listing(world, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_LIMIT", 5)
    make_dossiers(world, 10)  # 8 filed
    client = client_for(world.reception)
    first = ok(client.get(f"{DOSSIERS}?page_size=3"))
    assert first["count"] == 5  # "5 or more"
    with CaptureQueriesContext(connection) as ctx:
        second = ok(client.get(first["next"]))
    assert second["count"] == 5 and len(second["results"]) == 3
    assert not any("COUNT(" in query["sql"].upper() for query in ctx.captured_queries)


def test_cursor_pages_cost_the_same_queries_whatever_their_size(world):
    make_dossiers(world, 30)
    client = client_for(world.reception)

    def queries_of_second_page(size: int) -> int:
        first = ok(client.get(f"{DOSSIERS}?page_size={size}"))
        with CaptureQueriesContext(connection) as ctx:
            body = ok(client.get(first["next"]))
        assert len(body["results"]) == size
        return len(ctx.captured_queries)

    assert queries_of_second_page(2) == queries_of_second_page(10)


@pytest.mark.parametrize("cursor", ["nonsense", "e30", "eyJvIjoiLWNyZWF0ZWRfYXQsaWQiLCJwIjpbXX0", "%00"])
def test_a_damaged_cursor_is_a_400_that_says_what_to_do(world, cursor):
    make_dossiers(world, 3)
    response = client_for(world.reception).get(f"{DOSSIERS}?cursor={cursor}")
    assert response.status_code == 400, response.content
    if cursor == "%00":  # refused before the view by the request guard (portal.middleware), with its own message
        assert "NUL" in response.json()["detail"]
    else:
        assert "next/previous" in response.json()["cursor"][0]


def test_a_cursor_of_another_ordering_is_refused(world):
    make_dossiers(world, 8)
    client = client_for(world.reception)
    following = ok(client.get(f"{DOSSIERS}?page_size=2"))["next"]
    cursor = following.split("cursor=")[1].split("&")[0]
    assert client.get(f"{DOSSIERS}?ordering=code&cursor={cursor}").status_code == 400


def test_old_page_numbers_still_work(world):
    make_dossiers(world, 10)
    client = client_for(world.reception)
    whole = [row["id"] for row in ok(client.get(f"{DOSSIERS}?page_size=100"))["results"]]
    second = ok(client.get(f"{DOSSIERS}?page_size=3&page=2"))
    assert [row["id"] for row in second["results"]] == whole[3:6]
    assert "page=" not in second["next"] and "cursor=" in second["next"]
    assert [row["id"] for row in ok(client.get(second["next"]))["results"]] == whole[6:9]
    assert "page=" not in second["previous"] and "cursor=" not in second["previous"]  # the first page
    assert [row["id"] for row in ok(client.get(second["previous"]))["results"]] == whole[:3]


def test_one_audience_per_list(world):
    own = dossier_create(applicant=world.reception, procedure_code=world.procedure.code, data=VALID_DATA)
    Dossier.objects.filter(pk=own.pk).update(status="submitted", agency=world.other_agency, code="X-1")
    theirs = make_dossiers(world, 2)
    staff = client_for(world.reception)
    staff_ids = {row["id"] for row in ok(staff.get(DOSSIERS))["results"]}
    assert str(own.pk) not in staff_ids and str(theirs[0].pk) in staff_ids
    mine = {row["id"] for row in ok(staff.get(f"{DOSSIERS}?audience=applicant"))["results"]}
    assert mine == {str(own.pk)}
    response = client_for(world.citizen).get(f"{DOSSIERS}?audience=staff")
    assert response.status_code == 403 and response.json()["detail"]
    assert client_for(world.citizen).get(f"{DOSSIERS}?audience=everyone").status_code == 400


def test_list_rows_are_what_the_declared_fields_produce(world):
    from rest_framework import serializers

    from procedures.api.queries import caller_roles
    from procedures.api.serializers import DossierListSerializer
    from procedures.selectors import dossier_list_for_staff
    from tests.api import accepted

    make_dossiers(world, 6)
    accepted(world)  # a current step, its due date and an assignee
    listing = dossier_list_for_staff(user=world.reception, agency_ids=[world.agency.pk])
    for lang in ("vi", "en"):
        context = {"lang": lang, "now": timezone.now(), "roles": caller_roles(world.reception)}
        rows = list(listing.queryset.order_by(*listing.ordering.order_by()))
        assert any(row.current_step for row in rows) and any(row.assignee_id for row in rows)
        for dossier in rows:
            serializer = DossierListSerializer(context=context)
            assert serializer.to_representation(dossier) == dict(
                serializers.Serializer.to_representation(serializer, dossier)
            )
