"""Idempotency-Key lives in the database under a unique constraint: one key is one dossier under any concurrency."""

from __future__ import annotations

import pytest
from django.db import connection

from procedures.models import Dossier, IdempotencyKey
from tests.api import DOSSIERS
from tests.conftest import VALID_DATA, client_for
from tests.procedures.test_concurrency import race


def create(user, key, data=None):
    body = {"procedure": "T.0001", "data": VALID_DATA if data is None else data}
    return client_for(user).post(DOSSIERS, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


@pytest.mark.django_db
def test_the_key_is_stored_in_the_database_not_in_clear(world):
    first = create(world.citizen, "retry-abc")
    assert first.status_code == 201
    row = IdempotencyKey.objects.get()
    assert row.user == world.citizen and row.status_code == 201 and "retry-abc" not in row.key_digest
    again = create(world.citizen, "retry-abc")
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert Dossier.objects.count() == 1


@pytest.mark.django_db
def test_a_failed_request_does_not_burn_the_key(world):
    assert create(world.citizen, "k-1", data={"copies": "x"}).status_code == 400
    assert not IdempotencyKey.objects.exists()
    assert create(world.citizen, "k-1").status_code == 201


@pytest.mark.skipif(connection.vendor != "postgresql", reason="parallel connections: PostgreSQL only")
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_creates_with_one_key_make_one_dossier(world):
    results = race(*[lambda: create(world.citizen, "one-key") for _ in range(20)])
    statuses = sorted(getattr(r, "status_code", repr(r)) for r in results)
    assert Dossier.objects.count() == 1, statuses
    assert set(statuses) == {201}, statuses
    assert len({r.json()["id"] for r in results}) == 1
    assert IdempotencyKey.objects.count() == 1
