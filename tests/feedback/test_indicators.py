"""PAKN in the Decision 766 indicators: 5.1-5.3 from the feedback app's registered sources, and dossiers with a
complaint counted once in 5.4. Hand-computed on a small set."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from dashboard import sources
from dashboard.sources import SourceQuery
from feedback import indicators, services
from tests.conftest import at
from tests.procedures.dossier_flow import drive

pytestmark = pytest.mark.django_db

MARCH = SourceQuery(start=date(2026, 3, 1), end=date(2026, 3, 31), agency_ids=None)


def filed(world, when, **extra):
    return services.feedback_submit(
        author=world.citizen,
        category=extra.pop("category", "question"),
        title="t",
        content="c",
        agency_code=world.agency.identity_code,
        now=when,
        **extra,
    )


def answer(world, item, when):
    return services.feedback_perform_action(
        feedback_id=item.pk, action="answer", actor=world.reception, payload={"content": "ok"}, now=when
    )


def test_registered_sources():
    assert {"5.1", "5.2", "5.3", "5.4"} <= set(sources.indicator_sources())


def test_5_2_and_5_3_on_hand_computed_items(world, monkeypatch, settings):
    settings.FEEDBACK_MAX_PER_DAY = settings.FEEDBACK_MAX_OPEN = 100
    monkeypatch.setattr(timezone, "now", lambda: at(2026, 4, 20, 9, 0))
    on_time = answer(world, filed(world, at(2026, 3, 2, 9, 0)), at(2026, 3, 5, 9, 0))
    late = answer(world, filed(world, at(2026, 3, 2, 9, 0)), at(2026, 4, 10, 9, 0))  # due 23 Mar
    reopened = answer(world, filed(world, at(2026, 3, 3, 9, 0)), at(2026, 3, 4, 9, 0))
    services.feedback_perform_action(
        feedback_id=reopened.pk,
        action="reopen",
        actor=world.citizen,
        payload={"reason": "chưa rõ"},
        now=at(2026, 3, 5, 9, 0),
    )
    answer(world, reopened, at(2026, 3, 6, 9, 0))
    open_not_due = filed(world, at(2026, 3, 30, 9, 0))  # due in April: still in time at 31 March
    open_overdue = filed(world, at(2026, 3, 2, 10, 0))  # due 23 March, never answered
    rejected = filed(world, at(2026, 3, 2, 11, 0))
    services.feedback_perform_action(
        feedback_id=rejected.pk,
        action="reject",
        actor=world.reception,
        payload={"reason": "Không thuộc thẩm quyền"},
        now=at(2026, 3, 3, 9, 0),
    )
    filed(world, at(2026, 2, 20, 9, 0))  # February: outside the period
    assert {on_time.pk, late.pk, open_not_due.pk, open_overdue.pk}
    agency = world.agency.pk
    # Within competence: 5 (rejected left out). On time: on_time, reopened (answered in time), open_not_due = 3.
    assert indicators.handled_on_time(MARCH)[agency] == sources.IndicatorFigure(3, 5)
    # Satisfied handling: on time and never reopened: on_time, open_not_due = 2.
    assert indicators.satisfied_handling(MARCH)[agency] == sources.IndicatorFigure(2, 5)
    # 5.1: none of the 6 March items names a procedure or dossier.
    assert indicators.by_category(MARCH)[agency] == sources.IndicatorFigure(0, 6)


def test_5_4_counts_dossiers_with_a_complaint(world):
    dossier = drive(world, "processing@1")
    services.feedback_submit(
        author=world.citizen,
        category="complaint",
        title="Chậm",
        content="Quá lâu",
        dossier_id=str(dossier.pk),
        now=at(2026, 3, 10, 9, 0),
    )
    services.feedback_submit(
        author=world.citizen,
        category="question",
        title="Hỏi",
        content="?",
        dossier_id=str(dossier.pk),
        now=at(2026, 3, 11, 9, 0),
    )
    assert indicators.dossiers_with_feedback(MARCH) == [dossier.pk]
