"""Decision 766 indicators: the scoring rule's arithmetic, the table's data, and each indicator on known data."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

from dashboard import indicators
from dashboard.indicators import GROUPS_BY_CODE, RULES, RULES_BY_CODE, Catalogue, compute, group_scores, score
from dashboard.selectors import PeriodFigures, Scope, stats_overview
from procedures.models import DocumentKind
from tests.conftest import module_world
from tests.dashboard.conftest import accepted, act, at, attach, completed, filed, second_procedure

world = module_world()  # the tests only read the world

MARCH = (date(2026, 3, 1), date(2026, 3, 31))
AFTER = at(2026, 11, 1, 12, 0)


class TestScoringRule:
    rule = indicators.Rule("x", "online", "x", threshold=Fraction(1, 2), points=Fraction(6), basis="")

    def test_below_threshold_is_proportional(self):
        assert score(Fraction(2, 5), self.rule) == Fraction(24, 5)  # 0.4 × 6 / 0.5 = 4.8

    def test_at_and_above_threshold_full_points(self):
        assert score(Fraction(1, 2), self.rule) == 6
        assert score(Fraction(9, 10), self.rule) == 6

    def test_zero_and_unmeasurable(self):
        assert score(Fraction(0), self.rule) == 0
        assert score(None, self.rule) is None

    def test_threshold_100_percent(self):
        rule = RULES_BY_CODE["2.1"]
        assert rule.threshold == 1
        assert score(Fraction(9, 10), rule) == Fraction(9, 10) * rule.points


def test_table_is_data_with_legal_basis_and_domain_thresholds():
    assert [r.code for r in RULES] == ["2.1", "2.2", "3.1", "3.2", "3.3", "3.5", "3.6", "4.1", "4.2", "4.3", "5.4"]
    thresholds = {r.code: r.threshold for r in RULES}
    # DOMAIN.md: 3.1 full at 80%, 3.3 at 50%, 3.5 at 80%, 4.2 and 4.3 at 80%, 5.4 at 90%; others 100%.
    assert thresholds == {
        "2.1": 1, "2.2": 1, "3.1": Fraction(4, 5), "3.2": 1, "3.3": Fraction(1, 2), "3.5": Fraction(4, 5),
        "3.6": 1, "4.1": 1, "4.2": Fraction(4, 5), "4.3": Fraction(4, 5), "5.4": Fraction(9, 10),
    }  # fmt: skip
    for rule in RULES:
        assert "766/QĐ-TTg" in rule.basis
        assert rule.group in GROUPS_BY_CODE
    # A group's indicators never carry more points than the group has.
    for group in GROUPS_BY_CODE.values():
        assert sum(r.points for r in RULES if r.group == group.code) <= group.points
    assert {g.code: g.points for g in GROUPS_BY_CODE.values()} == {
        "transparency": 18, "progress": 20, "digitisation": 22, "online": 22, "satisfaction": 18,
    }  # fmt: skip


def test_compute_and_group_scores_on_known_figures():
    figures = PeriodFigures(
        {
            "received": 80, "carried_over": 20, "received_online": 30, "received_direct": 50, "digitised": 30,
            "completed_early": 50, "completed_on_time": 20, "completed_late": 10, "in_progress_late": 5,
            "processing_days": 400, "allowed_days": 320, "fee_due": 40, "paid_online": 10, "completed_e_result": 40,
        }
    )  # fmt: skip
    catalogue = Catalogue(procedures=10, full_online=6, online=10, online_with_dossier=5, fee_bearing=4,
                          fee_bearing_full_online=4)  # fmt: skip
    results = {r.rule.code: r for r in compute(figures, catalogue)}
    assert results["2.1"].value == Fraction(70, 80)
    assert results["2.1"].score == Fraction(70, 80) * 12
    assert results["2.2"].value == 5  # 400 working days / 80 processed
    assert results["2.2"].score == Fraction(320, 400) * 8
    assert results["3.1"].score == Fraction(6, 10) * 4 / Fraction(4, 5)  # 0.6 below the 80% threshold: 3
    assert results["3.2"].score == 2
    assert results["3.3"].value == Fraction(30, 80) and results["3.3"].score == Fraction(30, 80) * 6 / Fraction(1, 2)
    assert results["3.5"].score == 4
    assert results["3.6"].score == 1
    assert results["4.1"].score == 4
    assert results["4.2"].value == Fraction(30, 50) and results["4.2"].score == Fraction(3, 5) * 7 / Fraction(4, 5)
    assert results["4.3"].score == 0
    # 5.4 = 100% - (late rate (5 + 10) / 100 + complaints 0) = 85% < 90%
    assert results["5.4"].value == Fraction(85, 100)
    assert results["5.4"].score == Fraction(85, 100) * 9 / Fraction(9, 10)
    groups = {g.group.code: g for g in group_scores(list(results.values()))}
    assert "transparency" not in groups  # nothing the portal can measure
    assert groups["progress"].available == 20
    assert groups["progress"].score == results["2.1"].score + results["2.2"].score
    assert groups["satisfaction"].available == 9


def test_nothing_to_measure_gives_no_score():
    results = {r.rule.code: r for r in compute(PeriodFigures(), Catalogue())}
    assert all(r.score is None for code, r in results.items() if code != "4.3" and code != "5.4")
    assert group_scores(list(results.values())) == []


def evaluation():
    return stats_overview(scope=Scope(), start=MARCH[0], end=MARCH[1], now=AFTER).total


def by_code(ev):
    return {r.rule.code: r for r in ev.results}


@pytest.mark.django_db
def test_online_rate_and_digitised_dossiers(world):
    paper = second_procedure(world)  # no required document: an in-person dossier may have no file at all
    accepted(world, at(2026, 3, 2, 9, 0))  # online
    accepted(world, at(2026, 3, 2, 9, 1), channel="in_person")  # in person, its form uploaded: digitised
    accepted(world, at(2026, 3, 2, 9, 2), channel="post", procedure=paper)  # by post, attached before submit
    from procedures.models import Document

    late_paper = filed(world, at(2026, 3, 2, 9, 3), channel="in_person", procedure=paper)
    Document.objects.filter(dossier=late_paper).delete()  # nothing scanned
    act(late_paper, "accept", world.reception, at(2026, 3, 2, 9, 4))
    results = by_code(evaluation())
    assert results["3.3"].numerator == 1 and results["3.3"].denominator == 4
    assert results["4.2"].numerator == 2 and results["4.2"].denominator == 3
    assert results["4.3"].value == 0


@pytest.mark.django_db
def test_electronic_results_and_online_payment(world):
    d1 = accepted(world, at(2026, 3, 2, 9, 0))
    d1 = act(d1, "request_payment", world.specialist, at(2026, 3, 2, 10, 0), amount=50000)
    d1 = act(d1, "pay", world.citizen, at(2026, 3, 2, 11, 0))
    attach(d1, world.leader, kind=DocumentKind.RESULT, requirement="ket-qua")
    completed(world, d1, at(2026, 3, 3, 9, 0))
    completed(world, accepted(world, at(2026, 3, 2, 9, 5)), at(2026, 3, 3, 9, 5))  # no e-result, never paid
    results = by_code(evaluation())
    assert (results["4.1"].numerator, results["4.1"].denominator) == (1, 2)
    assert (results["3.6"].numerator, results["3.6"].denominator) == (1, 2)  # both owe the 50 000 đ fee


@pytest.mark.django_db
def test_result_uploaded_after_completion_counts_once_the_document_hook_runs(world):
    from dashboard.services import stats_record_document

    d = completed(world, accepted(world, at(2026, 3, 2, 9, 0)), at(2026, 3, 3, 9, 0))
    document = attach(d, world.leader, kind=DocumentKind.RESULT, requirement="ket-qua")
    assert by_code(evaluation())["4.1"].numerator == 0
    stats_record_document(document=document)
    assert by_code(evaluation())["4.1"].numerator == 1


@pytest.mark.django_db
def test_catalogue_indicators(world):
    second_procedure(world)  # partial online, fee-bearing
    accepted(world, at(2026, 3, 2, 9, 0))  # an online dossier for the full-online procedure only
    results = by_code(evaluation())
    assert (results["3.1"].numerator, results["3.1"].denominator) == (1, 2)
    assert (results["3.2"].numerator, results["3.2"].denominator) == (1, 2)
    assert (results["3.5"].numerator, results["3.5"].denominator) == (1, 2)
    assert results["3.1"].score == Fraction(1, 2) * 4 / Fraction(4, 5)


@pytest.mark.django_db
def test_average_processing_time_and_satisfaction(world):
    completed(world, accepted(world, at(2026, 3, 2, 9, 0)), at(2026, 3, 4, 9, 0))  # 2 working days of 5
    completed(world, accepted(world, at(2026, 3, 2, 9, 5)), at(2026, 3, 12, 9, 0))  # 8 working days of 5: late
    ev = evaluation()
    results = by_code(ev)
    assert results["2.2"].value == 5  # (2 + 8) / 2
    assert results["2.2"].scoring_ratio == 1  # 10 allowed, 10 used
    assert results["5.4"].value == Fraction(1, 2)  # late rate 1/2, no complaints yet
    assert ev.score_percent == round(float(ev.score / ev.available) * 100, 1)
