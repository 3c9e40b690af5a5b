"""The incrementally maintained aggregates equal a full recomputation, whatever the sequence of workflow actions.

Hypothesis drives random sequences of real workflow actions (through `dossier_perform_action`, hence through the
statistics hook) over a few dossiers and random gaps of time, then checks that
* every DailyStat counter equals the sum of every dossier's contribution recomputed from its events from scratch,
* every DossierStat row equals that dossier's recomputed ledger,
* the all-time sums agree with what the dossiers table says directly (received, open, processed, ...).
"""

from __future__ import annotations

import os
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.ledger import COLUMNS, STATE_FIELDS
from dashboard.models import DailyStat, DossierStat, MonthlyStat
from dashboard.selectors import Scope, period_sums
from dashboard.services import daily_totals, monthly_totals, recompute
from procedures.models import Dossier, Status
from procedures.selectors import dossier_facts, dossier_steps
from procedures.services.calendar import portal_tz, working_calendar
from procedures.workflow import Action, is_available
from tests.conftest import module_world
from tests.dashboard.conftest import act, at, filed

world = module_world()  # the tests only read the world

SLOTS = 4
START = at(2026, 3, 2, 8, 30)


class Rollback(Exception):
    pass


def candidates(world, dossier: Dossier | None):
    """(action, actor, payload) the dossier's state offers, each performed by someone allowed to."""
    if dossier is None:
        return [("file", world.citizen, {})]
    status, step = dossier.status, dossier.current_step
    out = []
    if status == Status.SUBMITTED:
        out += [
            ("accept", world.reception, {}),
            ("accept", world.reception, {}),
            ("refuse", world.reception, {"reason": "Sai thẩm quyền"}),
            ("request_supplement", world.reception, {"items": ["Bản sao"]}),
            ("withdraw", world.citizen, {}),
        ]
    elif status == Status.SUPPLEMENT_REQUESTED:
        out += [("supplement", world.citizen, {}), ("supplement", world.citizen, {}), ("withdraw", world.citizen, {})]
    elif status == Status.PROCESSING:
        holder = {1: world.reception, 2: world.specialist, 3: world.leader}[step]
        if step < 3:
            out += [("forward", holder, {}), ("forward", holder, {})]
        else:
            out += [("complete", holder, {"outcome": "approved"}), ("complete", holder, {"outcome": "denied"})]
        if step > 1:
            out.append(("send_back", world.leader, {"reason": "Xem lại"}))
        due = dossier.due_at.astimezone(portal_tz()).date()
        new_due = working_calendar().add_working_days(due, 2)
        out += [
            ("request_supplement", world.specialist, {"items": ["Bản chính"]}),
            ("request_payment", world.specialist, {"amount": 30000}),
            ("extend", world.leader, {"due_at": new_due.isoformat(), "reason": "Xin lỗi"}),
            ("stop", world.leader, {"reason": "Tranh chấp"}),
            ("withdraw", world.citizen, {}),
        ]
    elif status == Status.AWAITING_PAYMENT:
        out += [("pay", world.citizen, {}), ("pay", world.citizen, {}), ("stop", world.leader, {"reason": "Dừng"})]
    elif status == Status.WITHDRAWAL_REQUESTED:
        out += [
            ("approve_withdrawal", world.reception, {}),
            ("reject_withdrawal", world.reception, {"reason": "Đang giải quyết"}),
        ]
    elif status == Status.COMPLETED:
        out.append(("deliver", world.reception, {"channel": "desk"}))
    # The workflow table has the last word on what the state offers (it may change without this test knowing).
    facts = dossier_facts(dossier, dossier_steps(dossier.procedure_version_id))
    return [option for option in out if is_available(Action(option[0]), facts)]


def table_snapshot(model=DailyStat, key="day") -> dict:
    rows = {}
    for row in model.objects.all():
        values = [getattr(row, c) for c in COLUMNS]
        if any(values):
            rows[(getattr(row, key), row.agency_id, row.procedure_id, row.field_id)] = values
    return rows


def check_against_recomputation():
    recomputed = list(recompute())
    expected = {key: values for key, values in daily_totals(s for _, s in recomputed).items() if any(values)}
    assert table_snapshot() == expected
    months = {key: values for key, values in monthly_totals(expected).items() if any(values)}
    assert table_snapshot(MonthlyStat, "month") == months
    stored = {stat.dossier_id: stat for stat in DossierStat.objects.all()}
    assert set(stored) == {dossier_id for dossier_id, _ in recomputed}
    for dossier_id, state in recomputed:
        row = stored[dossier_id]
        assert {name: getattr(row, name) for name in STATE_FIELDS} == {name: getattr(state, name) for name in
                                                                       STATE_FIELDS}  # fmt: skip
    # Independently of the ledger: all-time sums against the dossiers themselves.
    sums = {c: sum(values[i] for values in expected.values()) for i, c in enumerate(COLUMNS)}
    dossiers = list(Dossier.objects.exclude(status=Status.DRAFT))
    accepted = [d for d in dossiers if d.accepted_at is not None]
    assert sums["submitted"] == len(dossiers)
    assert sums["received"] == len(accepted)
    assert sums["refused"] == sum(d.status == Status.REFUSED for d in dossiers)
    open_statuses = {Status.PROCESSING, Status.AWAITING_PAYMENT, Status.WITHDRAWAL_REQUESTED,
                     Status.SUPPLEMENT_REQUESTED}  # fmt: skip
    assert sums["open_delta"] == sum(d.status in open_statuses for d in accepted)
    processed = sums["completed_early"] + sums["completed_on_time"] + sums["completed_late"]
    assert processed == sum(d.completed_at is not None for d in dossiers)
    assert sums["uncollected_delta"] == sum(d.status == Status.COMPLETED for d in dossiers)
    assert sums["delivered"] == sum(d.status == Status.DELIVERED for d in dossiers)
    assert sums["stopped"] == sum(d.status == Status.STOPPED for d in dossiers)
    assert sums["withdrawn"] == sum(d.status == Status.WITHDRAWN for d in accepted)
    assert sums["completed_late"] >= sum(d.completed_at is not None and d.supplement_count > 1 for d in dossiers)
    # No stock can be negative on any day, nor late or near exceed open.
    running = dict.fromkeys(("open_delta", "late_delta", "near_delta", "uncollected_delta"), 0)
    for key in sorted(expected):
        for column in running:
            running[column] += expected[key][COLUMNS.index(column)]
        assert min(running.values()) >= 0
        assert running["late_delta"] + running["near_delta"] <= running["open_delta"]


steps = st.lists(st.tuples(st.integers(0, SLOTS - 1), st.integers(0, 100), st.integers(0, 70)), min_size=1, max_size=30)


@pytest.mark.django_db
@settings(
    max_examples=int(os.environ.get("DASHBOARD_PROPERTY_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=steps)
def test_aggregates_equal_full_recomputation(world, steps):
    try:
        with transaction.atomic():
            dossiers: list[Dossier | None] = [None] * SLOTS
            clock = START
            for slot, choice, hours in steps:
                clock += timedelta(hours=hours)
                options = candidates(world, dossiers[slot])
                if not options:
                    continue
                action, actor, payload = options[choice % len(options)]
                if action == "file":
                    channel = ("online", "in_person", "post")[choice % 3]
                    dossiers[slot] = filed(world, clock, channel=channel)
                else:
                    dossiers[slot] = act(dossiers[slot], action, actor, clock, **payload)
            check_against_recomputation()
            raise Rollback
    except Rollback:
        pass


@pytest.mark.django_db
def test_rebuild_command_reproduces_the_incremental_tables(world):
    from tests.dashboard.conftest import accepted, completed

    d = accepted(world, at(2026, 3, 2, 9, 0))
    d = act(d, "request_supplement", world.specialist, at(2026, 3, 3, 9, 0), items=["Bản sao"])
    d = act(d, "supplement", world.citizen, at(2026, 3, 5, 9, 0))
    d = act(d, "extend", world.leader, at(2026, 3, 6, 9, 0), due_at="2026-03-20", reason="Xin lỗi")
    completed(world, d, at(2026, 3, 18, 9, 0))
    accepted(world, at(2026, 3, 9, 9, 0), channel="in_person")
    before = table_snapshot()
    ledger = {s.dossier_id: {n: getattr(s, n) for n in STATE_FIELDS} for s in DossierStat.objects.all()}
    DailyStat.objects.update(received=999)  # damage, then repair
    call_command("rebuild_stats", verbosity=0)
    assert table_snapshot() == before
    assert {s.dossier_id: {n: getattr(s, n) for n in STATE_FIELDS} for s in DossierStat.objects.all()} == ledger


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=st.integers(0, 150), length=st.integers(0, 150))
def test_period_sums_from_months_and_days_equal_the_daily_sums(period_world, first, length):
    """Whole months come from MonthlyStat, the edges from DailyStat: the same as summing every day."""
    start = date(2026, 2, 1) + timedelta(days=first)
    end = start + timedelta(days=length)
    got = {k: v for k, v in period_sums(Scope(), start, end, keys=())[0].items() if v}
    expected: dict[str, int] = {}
    for row in DailyStat.objects.filter(day__lte=end):
        for column in COLUMNS:
            value = getattr(row, column)
            if column.endswith("_delta"):
                if row.day < start:
                    expected[f"{column}__before"] = expected.get(f"{column}__before", 0) + value
                    expected[f"{column}__end"] = expected.get(f"{column}__end", 0) + value
                else:
                    expected[f"{column}__in"] = expected.get(f"{column}__in", 0) + value
                    expected[f"{column}__end"] = expected.get(f"{column}__end", 0) + value
            elif row.day >= start:
                expected[column] = expected.get(column, 0) + value
    assert got == {k: v for k, v in expected.items() if v}


@pytest.fixture
def period_world(world):
    """Dossiers spread over February to July 2026 (built once per test function)."""
    from tests.dashboard.conftest import accepted, completed

    moment = at(2026, 2, 2, 9, 0)
    for i in range(24):
        d = accepted(world, moment + timedelta(days=7 * i))
        if i % 3:
            completed(world, d, moment + timedelta(days=7 * i + 3 + i % 9))
    return world
