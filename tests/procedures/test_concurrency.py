"""Concurrent actions on one dossier (PostgreSQL): the row lock plus the version check let exactly one of several
simultaneous actions through; the others get StaleVersion (or ActionNotAvailable), never a half-applied change."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from procedures.errors import ActionNotAvailable, StaleVersion
from procedures.models import Dossier, DossierEvent, Status
from procedures.services.dossiers import dossier_perform_action
from procedures.workflow import Action
from tests.conftest import at
from tests.procedures.dossier_flow import drive

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="concurrent actions need real row locks and parallel connections: PostgreSQL only (set DATABASE_URL)",
    ),
    pytest.mark.django_db(transaction=True),
]

NOW = at(2026, 10, 6, 10, 0)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def race(*calls: Callable[[], object]) -> list[object]:
    """Run the calls in parallel threads released together by a barrier; each result is a value or an exception."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(index: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except BaseException as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "an action thread hung"
    return results


def perform(dossier_id, action, actor, version, **payload):
    return lambda: dossier_perform_action(
        dossier_id=dossier_id, action=action, actor=actor, version=version, payload=payload, now=NOW
    )


LOSING = (StaleVersion, ActionNotAvailable)


@pytest.mark.parametrize("round_", range(3))
def test_two_accepts_with_the_same_version_exactly_one_wins(world, round_):
    dossier = drive(world, "submitted")
    results = race(*[perform(dossier.pk, Action.ACCEPT, world.reception, dossier.version) for _ in range(2)])
    winners = [r for r in results if isinstance(r, Dossier)]
    losers = [r for r in results if isinstance(r, LOSING)]
    assert len(winners) == 1 and len(losers) == 1, results
    fresh = Dossier.objects.get(pk=dossier.pk)
    assert (fresh.status, fresh.current_step, fresh.version) == (Status.PROCESSING, 1, dossier.version + 1)
    assert DossierEvent.objects.filter(dossier=dossier, action="accept").count() == 1


def test_accept_against_refuse_one_decision_only(world):
    dossier = drive(world, "submitted")
    results = race(
        perform(dossier.pk, Action.ACCEPT, world.reception, dossier.version),
        perform(dossier.pk, Action.REFUSE, world.reception, dossier.version, reason="Sai thẩm quyền"),
    )
    winners = [r for r in results if isinstance(r, Dossier)]
    assert len(winners) == 1 and sum(isinstance(r, LOSING) for r in results) == 1, results
    fresh = Dossier.objects.get(pk=dossier.pk)
    assert fresh.status == winners[0].status
    decisions = DossierEvent.objects.filter(dossier=dossier, action__in=["accept", "refuse"])
    assert [e.to_status for e in decisions] == [fresh.status]


def test_withdraw_against_accept(world):
    dossier = drive(world, "submitted")
    results = race(
        perform(dossier.pk, Action.WITHDRAW, world.citizen, dossier.version),
        perform(dossier.pk, Action.ACCEPT, world.reception, dossier.version),
    )
    assert sum(isinstance(r, Dossier) for r in results) == 1, results
    fresh = Dossier.objects.get(pk=dossier.pk)
    assert fresh.status in (Status.WITHDRAWN, Status.PROCESSING)
    assert fresh.version == dossier.version + 1


def test_many_officers_at_once_exactly_one_wins(world):
    dossier = drive(world, "processing@2")
    staff = [world.reception, world.specialist, world.leader] * 3
    results = race(
        *[perform(dossier.pk, Action.COMMENT, user, dossier.version, comment=f"#{i}") for i, user in enumerate(staff)]
    )
    assert sum(isinstance(r, Dossier) for r in results) == 1, results
    assert all(isinstance(r, Dossier | StaleVersion) for r in results), results
    assert DossierEvent.objects.filter(dossier=dossier, action="comment").count() == 1


def test_retrying_with_the_fresh_version_loses_no_update(world):
    dossier = drive(world, "processing@2")
    writers = 8

    def comment_until_done(i: int):
        def call():
            while True:
                version = Dossier.objects.values_list("version", flat=True).get(pk=dossier.pk)
                try:
                    return perform(dossier.pk, Action.COMMENT, world.leader, version, comment=f"#{i}")()
                except StaleVersion:
                    continue

        return call

    results = race(*[comment_until_done(i) for i in range(writers)])
    assert all(isinstance(r, Dossier) for r in results), results
    fresh = Dossier.objects.get(pk=dossier.pk)
    assert fresh.version == dossier.version + writers
    comments = DossierEvent.objects.filter(dossier=dossier, action="comment")
    assert sorted(e.comment for e in comments) == sorted(f"#{i}" for i in range(writers))
    # Each winner saw the version the previous one left: the versions they returned are all different.
    assert sorted(r.version for r in results) == list(range(dossier.version + 1, dossier.version + writers + 1))
