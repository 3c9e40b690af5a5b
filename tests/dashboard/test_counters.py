"""Each operational counter on hand-built dossiers whose right answer is known.

Calendar: March 2026 has no public holiday. The test procedure allows 5 working days, so a dossier accepted on
Monday 2 March is due at the end of Monday 9 March.
"""

from __future__ import annotations

from datetime import date

import pytest

from dashboard.models import DossierStat
from dashboard.selectors import Scope, stats_overview
from tests.conftest import module_world
from tests.dashboard.conftest import accepted, act, at, completed, filed

world = module_world()  # the tests only read the world

MARCH = (date(2026, 3, 1), date(2026, 3, 31))
AFTER = at(2026, 11, 1, 12, 0)  # "now" long after March: every March figure is historical


def counters(start=MARCH[0], end=MARCH[1], now=AFTER, scope=None):
    return stats_overview(scope=scope or Scope(), start=start, end=end, now=now).total.figures.counters()


def balanced(c) -> bool:
    return (
        c["to_process"] == (c["processed"]["total"] + c["stopped"] + c["withdrawn"] + c["in_progress"]["total"])
        and c["to_process"] == c["received"] + c["carried_over"]
    )


@pytest.mark.django_db
class TestTimeliness:
    def test_early_on_time_and_late(self, world):
        d1 = accepted(world, at(2026, 3, 2, 9, 0))
        assert d1.due_at == at(2026, 3, 9, 23, 59, 59)
        completed(world, d1, at(2026, 3, 4, 10, 0))  # before the due day: early
        completed(world, accepted(world, at(2026, 3, 2, 9, 5)), at(2026, 3, 9, 16, 0))  # on the due day: on time
        completed(world, accepted(world, at(2026, 3, 2, 9, 10)), at(2026, 3, 10, 8, 30))  # the day after: late
        c = counters()
        assert c["received"] == 3
        assert c["processed"] == {"total": 3, "early": 1, "on_time": 1, "late": 1}
        assert c["on_time_rate"] == pytest.approx(2 / 3, abs=1e-4)
        assert c["late_rate"] == pytest.approx(1 / 3, abs=1e-4)
        assert c["completed_not_collected"] == 3
        assert balanced(c)

    def test_two_supplement_requests_count_as_late_even_before_the_due_date(self, world):
        d = accepted(world, at(2026, 3, 2, 9, 0))
        d = act(d, "request_supplement", world.reception, at(2026, 3, 2, 10, 0), items=["Bản sao CCCD"])
        d = act(d, "supplement", world.citizen, at(2026, 3, 3, 9, 0))
        d = act(d, "request_supplement", world.reception, at(2026, 3, 3, 10, 0), items=["Bản chính tờ khai"])
        d = act(d, "supplement", world.citizen, at(2026, 3, 3, 15, 0))
        completed(world, d, at(2026, 3, 4, 9, 0))
        c = counters()
        assert c["processed"] == {"total": 1, "early": 0, "on_time": 0, "late": 1}
        # And while it was open after the second request it counted as late in progress.
        mid = counters(end=date(2026, 3, 3))
        assert mid["in_progress"]["late"] == 1

    def test_one_supplement_request_pauses_the_clock(self, world):
        d = accepted(world, at(2026, 3, 2, 9, 0))  # due Mon 9 March
        d = act(d, "request_supplement", world.specialist, at(2026, 3, 4, 10, 0), items=["Bản sao CCCD"])
        # Waiting 5 working days (5, 6, 9, 10, 11 March): the due date moves to Mon 16 March.
        d = act(d, "supplement", world.citizen, at(2026, 3, 11, 10, 0))
        assert d.due_at == at(2026, 3, 16, 23, 59, 59)
        # At the end of 10 March it was paused, so not late although the original due date had passed.
        paused = counters(end=date(2026, 3, 10))
        assert paused["in_progress"] == {"total": 1, "late": 0, "near_due": 0, "not_due": 1}
        completed(world, d, at(2026, 3, 13, 9, 0))
        c = counters()
        assert c["processed"]["early"] == 1 and c["processed"]["late"] == 0
        stat = DossierStat.objects.get(pk=d.pk)
        assert stat.paused_days == 5
        assert stat.processing_days == 9 - 5  # 3 March .. 13 March is 9 working days, minus the pause
        assert stat.allowed_days == 5

    def test_supplement_requested_after_the_due_date_stays_late(self, world):
        d = accepted(world, at(2026, 3, 2, 9, 0))  # due Mon 9 March
        d = act(d, "request_supplement", world.specialist, at(2026, 3, 11, 10, 0), items=["Bản sao CCCD"])
        d = act(d, "supplement", world.citizen, at(2026, 3, 12, 10, 0))
        completed(world, d, at(2026, 3, 12, 15, 0))
        assert counters()["processed"]["late"] == 1
        # It was late at the end of 10 and 11 March, paused or not.
        assert counters(end=date(2026, 3, 11))["in_progress"]["late"] == 1

    def test_an_extension_does_not_make_a_late_dossier_on_time(self, world):
        d = accepted(world, at(2026, 3, 2, 9, 0))  # due Mon 9 March
        d = act(d, "extend", world.leader, at(2026, 3, 6, 9, 0), due_at="2026-03-13", reason="Cần xác minh thêm")
        assert d.due_at == at(2026, 3, 13, 23, 59, 59) and d.original_due_at == at(2026, 3, 9, 23, 59, 59)
        # Open on 11 March: late against the statutory date although the apology promised the 13th.
        assert counters(end=date(2026, 3, 11))["in_progress"]["late"] == 1
        completed(world, d, at(2026, 3, 12, 9, 0))
        c = counters()
        assert c["processed"] == {"total": 1, "early": 0, "on_time": 0, "late": 1}

    def test_an_extended_dossier_finished_before_the_original_date_is_on_time(self, world):
        d = accepted(world, at(2026, 3, 2, 9, 0))
        d = act(d, "extend", world.leader, at(2026, 3, 3, 9, 0), due_at="2026-03-13", reason="Cần xác minh thêm")
        completed(world, d, at(2026, 3, 9, 11, 0))
        assert counters()["processed"]["on_time"] == 1

    def test_pause_after_an_extension_moves_the_statutory_date_too(self, world):
        d = accepted(world, at(2026, 3, 2, 9, 0))  # due Mon 9 March
        d = act(d, "extend", world.leader, at(2026, 3, 3, 9, 0), due_at="2026-03-13", reason="Cần xác minh thêm")
        d = act(d, "request_supplement", world.specialist, at(2026, 3, 4, 9, 0), items=["Bản sao"])
        d = act(d, "supplement", world.citizen, at(2026, 3, 6, 9, 0))  # 2 working days (5, 6 March)
        stat = DossierStat.objects.get(pk=d.pk)
        assert stat.due_at == at(2026, 3, 17, 23, 59, 59)
        assert stat.statutory_due_at == at(2026, 3, 11, 23, 59, 59)
        completed(world, d, at(2026, 3, 11, 16, 0))
        assert counters()["processed"]["on_time"] == 1


@pytest.mark.django_db
class TestStock:
    def test_carried_over_across_periods(self, world):
        d = accepted(world, at(2026, 2, 25, 10, 0))  # Wednesday; due Wed 4 March
        february = counters(date(2026, 2, 1), date(2026, 2, 28))
        assert february["received"] == 1
        assert february["in_progress"] == {"total": 1, "late": 0, "near_due": 0, "not_due": 1}
        completed(world, d, at(2026, 3, 3, 10, 0))
        march = counters()
        assert march["received"] == 0
        assert march["carried_over"] == 1
        assert march["to_process"] == 1
        assert march["processed"]["early"] == 1
        assert balanced(february) and balanced(march)
        # A dossier finished before a period starts is not carried into it.
        assert counters(date(2026, 4, 1), date(2026, 4, 30))["carried_over"] == 0

    def test_near_due_and_late_at_period_end(self, world):
        accepted(world, at(2026, 3, 2, 9, 0))  # due Mon 9 March
        # The state is read at the end of the period's last day (next day 00:00), margin one working day:
        # end of Wed 4 = Thu 00:00, Fri and Mon remain after Thursday -> not due; end of Thu 5 = Fri 00:00, only
        # Mon remains -> near due; end of Mon 9 = Tue 00:00, the due moment has passed -> late.
        assert counters(end=date(2026, 3, 4))["in_progress"]["not_due"] == 1
        assert counters(end=date(2026, 3, 5))["in_progress"]["near_due"] == 1
        assert counters(end=date(2026, 3, 8))["in_progress"]["near_due"] == 1
        assert counters(end=date(2026, 3, 9))["in_progress"]["late"] == 1

    def test_live_split_when_the_period_reaches_today(self, world):
        accepted(world, at(2026, 3, 2, 9, 0))  # due Mon 9 March
        live = stats_overview(scope=Scope(), start=date(2026, 3, 1), end=date(2026, 3, 31), now=at(2026, 3, 5, 10, 0))
        assert live.live
        assert live.total.figures.counters()["in_progress"]["not_due"] == 1  # Fri and Mon left on Thursday
        friday = stats_overview(scope=Scope(), start=date(2026, 3, 1), end=date(2026, 3, 31), now=at(2026, 3, 6, 10))
        assert friday.total.figures.counters()["in_progress"]["near_due"] == 1
        tuesday = stats_overview(scope=Scope(), start=date(2026, 3, 1), end=date(2026, 3, 31), now=at(2026, 3, 10, 8))
        assert tuesday.total.figures.counters()["in_progress"]["late"] == 1

    def test_completed_not_collected_until_delivered(self, world):
        d = completed(world, accepted(world, at(2026, 3, 2, 9, 0)), at(2026, 3, 4, 9, 0))
        act(d, "deliver", world.reception, at(2026, 3, 10, 9, 0), channel="desk")
        assert counters(end=date(2026, 3, 9))["completed_not_collected"] == 1
        c = counters()
        assert c["completed_not_collected"] == 0 and c["delivered"] == 1


@pytest.mark.django_db
class TestLeavingWithoutResult:
    def test_withdrawn_after_acceptance(self, world):
        d = accepted(world, at(2026, 3, 2, 9, 0))
        d = act(d, "withdraw", world.citizen, at(2026, 3, 3, 9, 0))
        assert d.status == "withdrawal_requested"
        assert counters(end=date(2026, 3, 3))["in_progress"]["total"] == 1  # still held until reception agrees
        act(d, "approve_withdrawal", world.reception, at(2026, 3, 4, 9, 0))
        c = counters()
        assert c["received"] == 1 and c["withdrawn"] == 1 and c["in_progress"]["total"] == 0
        assert c["processed"]["total"] == 0
        assert balanced(c)

    def test_withdrawn_before_acceptance_is_never_received(self, world):
        act(filed(world, at(2026, 3, 2, 9, 0)), "withdraw", world.citizen, at(2026, 3, 2, 10, 0))
        c = counters()
        assert c["submitted"] == 1 and c["received"] == 0 and c["withdrawn"] == 0 and c["to_process"] == 0

    def test_refused(self, world):
        act(
            filed(world, at(2026, 3, 2, 9, 0)),
            "refuse",
            world.reception,
            at(2026, 3, 2, 11, 0),
            reason="Sai thẩm quyền",
        )
        c = counters()
        assert c["submitted"] == 1 and c["refused"] == 1 and c["received"] == 0 and c["to_process"] == 0

    def test_stopped(self, world):
        d = accepted(world, at(2026, 3, 2, 9, 0))
        act(d, "stop", world.leader, at(2026, 3, 12, 9, 0), reason="Có tranh chấp")
        c = counters()
        assert c["stopped"] == 1 and c["in_progress"]["total"] == 0 and c["processed"]["total"] == 0
        # It was late in progress before being stopped, and that counts in the period's late rate.
        assert counters(end=date(2026, 3, 11))["in_progress"]["late"] == 1
        assert balanced(c)


@pytest.mark.django_db
def test_denied_outcome_is_processed(world):
    completed(world, accepted(world, at(2026, 3, 2, 9, 0)), at(2026, 3, 3, 9, 0), outcome="denied")
    assert counters()["processed"]["total"] == 1


@pytest.mark.django_db
def test_late_rate_combines_late_in_progress_and_late_processed(world):
    completed(world, accepted(world, at(2026, 3, 2, 9, 0)), at(2026, 3, 12, 9, 0))  # processed late
    accepted(world, at(2026, 3, 2, 9, 5))  # still open, late by the end of March
    completed(world, accepted(world, at(2026, 3, 2, 9, 10)), at(2026, 3, 3, 9, 0))  # early
    accepted(world, at(2026, 3, 30, 9, 0))  # open, not due at the end of March
    c = counters()
    assert c["to_process"] == 4
    assert c["in_progress"]["late"] == 1 and c["processed"]["late"] == 1
    assert c["late_rate"] == 0.5


@pytest.mark.django_db
def test_scope_by_agency_field_and_procedure(world):
    from procedures.models import Field

    accepted(world, at(2026, 3, 2, 9, 0))
    own = Scope(agency_ids=frozenset({world.agency.pk}))
    other = Scope(agency_ids=frozenset({world.other_agency.pk}))
    assert counters(scope=own)["received"] == 1
    assert counters(scope=other)["received"] == 0
    field = Field.objects.get(code="ho-tich")
    assert counters(scope=Scope(field_id=field.pk))["received"] == 1
    assert counters(scope=Scope(procedure_id=world.procedure.pk))["received"] == 1
