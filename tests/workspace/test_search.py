"""Officer search (workspace/search.py): accents optional, partial code, ID or phone in the form data.

Runs on SQLite by default and on PostgreSQL when DATABASE_URL points there (the folding is per database)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from procedures.models import Dossier
from tests.conftest import staff_login  # noqa: I001
from tests.procedures.dossier_flow import drive
from workspace.search import dossier_search

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(world):
    """The first applicant's dossier carries VALID_DATA (Nguyễn Văn An, ID 001203004567); the second a phone."""
    first = drive(world, "submitted")
    second = drive(world, "submitted")
    second.data = {**second.data, "full_name": "Trần Thị Bình", "national_id": "079188001122", "phone": "0912345678"}
    second.applicant = world.citizen2
    second.save(update_fields=["data", "applicant"])
    return first, second


def found(q: str) -> set[str]:
    return set(dossier_search(Dossier.objects.exclude(code=""), q).values_list("code", flat=True))


def test_name_without_accents_or_case_finds_the_accented_name(two):
    first, second = two
    assert found("nguyen van an") == {first.code}
    assert found("NGUYỄN văn AN") == {first.code}
    assert found("tran thi binh") == {second.code}
    assert found("binh") == {second.code}


def test_partial_code_finds_the_dossier(two):
    first, second = two
    tail = second.code[-4:]
    assert second.code in found(tail)
    assert found(second.code) == {second.code}
    assert found(second.code.lower()) == {second.code}


def test_id_and_phone_typed_in_the_form_are_found(two):
    first, second = two
    assert found("001203004567") == {first.code}
    assert found("079188001122") == {second.code}
    assert found("0912345678") == {second.code}
    assert found("91234") == {second.code}  # part of the phone


def test_no_match_and_blank_query(two):
    assert found("khong co ai") == set()
    assert found("   ") == {d.code for d in two}


def test_search_is_one_query(two):
    with CaptureQueriesContext(connection) as queries:
        list(dossier_search(Dossier.objects.all(), "nguyen van an"))
    assert len(queries) == 1


def test_queue_page_uses_the_search(world, two):
    first, second = two
    client = Client()
    staff_login(client, world.reception)
    page = client.get("/can-bo/hang-doi/tat-ca/", {"q": "nguyen van an"}).content.decode()
    assert first.code in page and second.code not in page
