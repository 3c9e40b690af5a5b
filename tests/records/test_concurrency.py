"""Register numbers under concurrent signing: two leaders completing different dossiers at the same moment get
consecutive numbers of the same book, never the same one (PostgreSQL row lock)."""

from __future__ import annotations

import pytest
from django.db import connection

from procedures.models import Outcome
from procedures.workflow import Action
from records.models import RegisterBook, SignedResult
from tests.procedures.dossier_flow import drive
from tests.procedures.test_concurrency import NOW, perform, race

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="concurrent actions need real row locks and parallel connections: PostgreSQL only (set DATABASE_URL)",
    ),
    pytest.mark.django_db(transaction=True),
]


def test_concurrent_completions_get_distinct_consecutive_register_numbers(world, signing):
    first = drive(world, "processing@3", e_result=False)
    RegisterBook.objects.all().delete()  # the first signing of the year creates the book: race that too
    dossiers = [first, *(drive(world, "processing@3", e_result=False) for _ in range(3))]
    results = race(
        *[perform(d.pk, Action.COMPLETE, world.leader, d.version, outcome=Outcome.APPROVED) for d in dossiers]
    )
    assert not [r for r in results if isinstance(r, BaseException)], results
    numbers = sorted(SignedResult.objects.values_list("register_number", flat=True))
    assert numbers == [1, 2, 3, 4]
    assert RegisterBook.objects.get(agency=world.agency, year=NOW.year).last_number == 4
