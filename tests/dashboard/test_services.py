"""The statistics hook: same transaction, idempotent, never blocks the workflow; the pure ledger's edge cases."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection

from dashboard import ledger
from dashboard.ledger import COLUMNS, STATE_FIELDS, near_day_for
from dashboard.models import DailyStat, DossierStat
from dashboard.services import STALE_KEY, stats_record_event
from procedures.deadlines import WorkingCalendar
from procedures.models import DossierEvent
from tests.dashboard.conftest import accepted, act, at, filed


def test_models_mirror_the_ledger():
    assert [f.name for f in DailyStat._meta.get_fields() if f.name in COLUMNS] == list(COLUMNS)
    stat_fields = {f.attname for f in DossierStat._meta.concrete_fields} - {"dossier_id"}
    assert stat_fields == set(STATE_FIELDS)


def test_near_day_skips_days_off():
    from zoneinfo import ZoneInfo

    tz = ZoneInfo("Asia/Ho_Chi_Minh")
    calendar = WorkingCalendar()
    # "Near due at the end of day T" = is_near_due at T+1 00:00: at most `margin` working days after T+1.
    # Due Monday 23 Feb 2026, the first working day after Tết (14-22 Feb off): at the end of Thu 12 Feb only
    # Monday remains after Friday, so the dossier is near due for the whole holiday.
    assert near_day_for(at(2026, 2, 23, 23, 59, 59), margin=1, calendar=calendar, tz=tz) == date(2026, 2, 12)
    # Due Wed 11 March: near from the end of Mon 9 (margin 1), of Sun 8 (margin 2: Mon, Tue, Wed on Sunday is 3).
    assert near_day_for(at(2026, 3, 11, 23, 59, 59), margin=1, calendar=calendar, tz=tz) == date(2026, 3, 9)
    assert near_day_for(at(2026, 3, 11, 23, 59, 59), margin=2, calendar=calendar, tz=tz) == date(2026, 3, 8)


@pytest.mark.django_db
def test_hook_is_idempotent_per_event(world):
    d = accepted(world, at(2026, 3, 2, 9, 0))
    before = DailyStat.objects.get(day=date(2026, 3, 2)).received
    event = DossierEvent.objects.filter(dossier=d, action="accept").get()
    stats_record_event(event=event, dossier=d)
    assert DailyStat.objects.get(day=date(2026, 3, 2)).received == before == 1


@pytest.mark.django_db
def test_internal_actions_cost_nothing(world, django_assert_num_queries):
    d = accepted(world, at(2026, 3, 2, 9, 0))
    event = DossierEvent(dossier=d, action="comment", at=at(2026, 3, 2, 10, 0), pk=10_000)
    with django_assert_num_queries(0):
        stats_record_event(event=event, dossier=d)


@pytest.mark.django_db
def test_a_statistics_failure_never_blocks_the_workflow(world, settings, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("bug in statistics")

    cache.delete(STALE_KEY)
    d = filed(world, at(2026, 3, 2, 9, 0))
    monkeypatch.setattr("dashboard.services.fold", broken)
    settings.DASHBOARD_STATS_STRICT = False
    d = act(d, "accept", world.reception, at(2026, 3, 2, 10, 0))
    assert d.status == "processing"  # the action went through
    assert cache.get(STALE_KEY)  # and the dashboard asks for a rebuild
    assert DossierStat.objects.get(pk=d.pk).accepted_at is None  # the half-done statistics were rolled back
    settings.DASHBOARD_STATS_STRICT = True
    with pytest.raises(RuntimeError):
        act(d, "forward", world.reception, at(2026, 3, 2, 11, 0))


@pytest.mark.django_db
def test_rebuild_clears_the_stale_flag(world):
    from django.core.management import call_command

    cache.set(STALE_KEY, "x", None)
    call_command("rebuild_stats", verbosity=0)
    assert cache.get(STALE_KEY) is None


def test_interval_contribution_is_empty_when_closed_the_day_it_opens():
    from zoneinfo import ZoneInfo

    tz = ZoneInfo("Asia/Ho_Chi_Minh")
    state = ledger.LedgerState(agency_id=1, procedure_id=1, field_id=1, channel="in_person",
                               submitted_at=at(2026, 3, 2, 8), accepted_at=at(2026, 3, 2, 9),
                               statutory_due_at=at(2026, 3, 2, 23, 59, 59), completed_at=at(2026, 3, 2, 16),
                               closed_at=at(2026, 3, 2, 16), closed_kind="completed", completion="on_time",
                               delivered_at=at(2026, 3, 2, 16, 30))  # fmt: skip
    out = ledger.contribution(state, tz)
    assert not any(column.endswith("_delta") for _day, column in out)
    assert out[(date(2026, 3, 2), "completed_on_time")] == 1 and out[(date(2026, 3, 2), "delivered")] == 1
    assert out[(date(2026, 3, 2), "received_direct")] == 1 and (date(2026, 3, 2), "digitised") not in out


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_actions_on_one_procedure_lose_no_update(world):
    """Two dossiers of the same procedure accepted at the same time upsert the same DailyStat row."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locking")
    dossiers = [filed(world, at(2026, 3, 2, 8, i)) for i in range(8)]
    barrier = threading.Barrier(len(dossiers))
    errors = []

    def accept(dossier):
        from django.db import connections

        try:
            barrier.wait()
            act(dossier, "accept", world.reception, at(2026, 3, 2, 9, 0))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=(d,)) for d in dossiers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    row = DailyStat.objects.get(day=date(2026, 3, 2), procedure=world.procedure)
    assert row.received == len(dossiers) and row.open_delta == len(dossiers)


@pytest.mark.django_db
def test_a_dossier_filed_before_the_statistics_existed_is_caught_up_on_its_next_event(world):
    from dashboard.services import recompute

    d = accepted(world, at(2026, 3, 2, 9, 0))
    d = act(d, "request_supplement", world.specialist, at(2026, 3, 3, 9, 0), items=["Bản sao"])
    DailyStat.objects.all().delete()
    DossierStat.objects.all().delete()  # as if the dashboard app had been installed just now
    act(d, "supplement", world.citizen, at(2026, 3, 5, 9, 0))
    stat = DossierStat.objects.get(pk=d.pk)
    expected = dict(recompute())[d.pk]
    assert {n: getattr(stat, n) for n in STATE_FIELDS} == {n: getattr(expected, n) for n in STATE_FIELDS}
    assert DailyStat.objects.get(day=date(2026, 3, 2)).received == 1
