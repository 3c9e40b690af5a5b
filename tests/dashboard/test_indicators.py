"""Decision 766 indicators: the rule table as INDICATORS.md states it, the scoring arithmetic, and every indicator on a
small hand-computed data set built through the real workflow (SQLite or PostgreSQL)."""

from __future__ import annotations

import re
from datetime import date
from fractions import Fraction

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from dashboard import indicators, sources
from dashboard.indicators import (
    GROUPS,
    GROUPS_BY_CODE,
    RULES,
    RULES_BY_CODE,
    Catalogue,
    band,
    compute,
    group_scores,
    score,
    total_score,
)
from dashboard.models import IndicatorOverride
from dashboard.selectors import PeriodFigures, Scope, stats_overview
from procedures.models import Agency, Document, DocumentKind, ProcedurePublication, Rating
from tests.conftest import (
    client_for,
    make_user,
    staff_login,  # noqa: I001
)
from tests.dashboard.conftest import accepted, act, at, attach, completed, filed, second_procedure

MARCH = (date(2026, 3, 1), date(2026, 3, 31))
AFTER = at(2026, 11, 1, 12, 0)
OVERVIEW = "/api/v1/stats/overview/"


def evaluation(start=MARCH[0], end=MARCH[1], scope=None):
    return stats_overview(scope=scope or Scope(), start=start, end=end, now=AFTER).total


def by_code(ev):
    return {r.rule.code: r for r in ev.results}


def login(user) -> Client:
    client = Client()
    staff_login(client, user)
    return client


def pair(result):
    return (result.numerator, result.denominator)


# --- the table ------------------------------------------------------------------------------------------------------


def test_table_holds_every_indicator_of_indicators_md_with_its_points_and_source():
    expected = {
        # code: (points, threshold, source tag) as INDICATORS.md states them
        "1.1": (6, None, "3P"), "1.2": (4, None, "V"), "1.3": (2, None, "3P"), "1.4": (6, None, "3P"),
        "2.1": (20, None, "V"), "2.2": (0, None, "3P"),
        "3.1": (4, Fraction(4, 5), "U"), "3.2": (4, None, "U"), "3.3": (4, Fraction(1, 2), "U"),
        "3.5": (2, Fraction(4, 5), "3P"), "3.5b": (2, Fraction(4, 5), "3P"), "3.6": (6, None, "3P"),
        "4.1": (6, None, "3P"), "4.2": (4, None, "3P"), "4.2b": (2, None, "3P"), "4.3": (2, Fraction(4, 5), "3P"),
        "4.4": (4, None, "3P"), "4.5a": (2, None, "3P"), "4.5b": (2, None, "3P"),
        "5.1": (0, None, "3P"), "5.2": (6, None, "3P"), "5.3": (6, None, "3P"), "5.4": (6, Fraction(9, 10), "V"),
    }  # fmt: skip
    assert {r.code: (r.points, r.threshold, r.source) for r in RULES} == expected
    # Each group's indicators add up to the group's points, and the groups to 100.
    for group in GROUPS:
        assert sum(r.points for r in RULES if r.group == group.code) == group.points
    assert {g.code: g.points for g in GROUPS} == {
        "transparency": 18, "progress": 20, "digitisation": 22, "online": 22, "satisfaction": 18,
    }  # fmt: skip
    assert sum(g.points for g in GROUPS) == 100
    for rule in RULES:
        assert rule.group in GROUPS_BY_CODE and rule.formula and "766/QĐ-TTg" in rule.basis
    # Conflicts follow the live portal and keep the other reading in the rule.
    assert "80%" in RULES_BY_CODE["4.2"].alternative and RULES_BY_CODE["4.2"].threshold is None
    assert "30%" in RULES_BY_CODE["3.6"].alternative
    assert "chia đều" in RULES_BY_CODE["5.3"].alternative and RULES_BY_CODE["5.3"].when_empty == "full"
    assert not RULES_BY_CODE["2.2"].scored and not RULES_BY_CODE["5.1"].scored


class TestScoring:
    def test_threshold_rule(self):
        rule = RULES_BY_CODE["3.3"]  # 4 points, full at 50%
        assert score(Fraction(2, 5), rule) == Fraction(16, 5)  # 0.4 × 4 / 0.5
        assert score(Fraction(1, 2), rule) == 4 and score(Fraction(9, 10), rule) == 4

    def test_linear_rule(self):
        assert score(Fraction(3, 4), RULES_BY_CODE["2.1"]) == 15
        assert score(Fraction(1), RULES_BY_CODE["2.1"]) == 20

    def test_nothing_to_measure(self):
        assert score(None, RULES_BY_CODE["2.1"]) == 0
        assert score(None, RULES_BY_CODE["5.4"]) == 0  # live portal: no dossier, no points
        assert score(None, RULES_BY_CODE["5.2"]) == 6  # live portal: no feedback, full points

    def test_unscored_rules_earn_nothing(self):
        assert score(Fraction(1), RULES_BY_CODE["2.2"]) == 0

    def test_bands(self):
        assert band(Fraction(90))[0] == "excellent" and band(Fraction(100))[0] == "excellent"
        assert band(Fraction(8999, 100))[0] == "unsettled"
        assert band(Fraction(50))[0] == "unsettled"
        assert band(Fraction(4999, 100))[0] == "weak" and band(Fraction(0))[0] == "weak"
        assert band(Fraction(90))[1] == "Xuất sắc" and band(Fraction(10))[1] == "Yếu"


def test_compute_on_known_figures_and_sources():
    figures = PeriodFigures(
        {
            "received": 8, "completed_early": 3, "completed_on_time": 1, "completed_late": 2, "stopped": 1,
            "withdrawn": 1, "closed_late": 1, "in_progress": 3, "in_progress_late": 1, "complained": 1,
            "received_online_e": 2, "digitised_all": 6, "completed_paper": 4, "completed_paper_e": 3,
            "started_completed": 4, "started_days": 10,
        }
    )  # fmt: skip
    provided = {"3.6": indicators.Measure(3, 4, source="payments.test")}
    results = {r.rule.code: r for r in compute(figures, Catalogue(), provided)}
    # 2.1: handled 6 + 2 + 3 = 11; on time 4 + (2 - 1) + (3 - 1) = 7.
    assert pair(results["2.1"]) == (7, 11) and results["2.1"].score == Fraction(140, 11)
    assert results["2.2"].value == Fraction(10, 4) and results["2.2"].score == 0
    assert results["3.3"].value == Fraction(2, 8) and results["3.3"].score == Fraction(1, 4) * 4 / Fraction(1, 2)
    assert results["4.1"].score == Fraction(3, 4) * 6
    assert results["4.2"].score == Fraction(6, 8) * 4
    assert results["5.4"].value == Fraction(6, 11) and results["5.4"].score == Fraction(6, 11) * 6 / Fraction(9, 10)
    assert results["3.6"].score == Fraction(9, 2) and results["3.6"].source == "payments.test"
    for code in ("1.4", "3.5", "3.5b", "5.1", "5.2", "5.3"):  # no source registered: 0 with a note
        assert results[code].status == "no_source" and results[code].score == 0
        assert "Chưa có nguồn dữ liệu" in results[code].note
    groups = group_scores(list(results.values()))
    score_, available = total_score(groups)
    assert available == 100 and score_ == sum(r.score for r in results.values())


# --- 2.1, 2.2 and 5.4 on the workflow -------------------------------------------------------------------------------


def progress_world(world):
    """Nine dossiers handled in March (5-working-day procedure), hand-computed in the test below."""
    d = {}
    d["a"] = completed(world, accepted(world, at(2026, 3, 2, 9, 0)), at(2026, 3, 4, 9, 0))  # early
    d["b"] = completed(world, accepted(world, at(2026, 3, 2, 9, 1)), at(2026, 3, 12, 9, 0))  # due 9/3: late
    d["c"] = accepted(world, at(2026, 3, 3, 9, 0))  # due 10/3, still open: late at the period's end
    w = act(accepted(world, at(2026, 3, 2, 9, 2)), "withdraw", world.citizen, at(2026, 3, 3, 9, 0))
    d["d"] = act(w, "approve_withdrawal", world.reception, at(2026, 3, 4, 9, 0))  # withdrawn after acceptance, in time
    d["e"] = act(filed(world, at(2026, 3, 2, 9, 3)), "withdraw", world.citizen, at(2026, 3, 2, 10, 0))  # not received
    f = accepted(world, at(2026, 3, 2, 9, 4))
    f = act(f, "request_supplement", world.reception, at(2026, 3, 2, 10, 0), items=["Bản sao CCCD"])
    f = act(f, "supplement", world.citizen, at(2026, 3, 3, 9, 0))
    f = act(f, "request_supplement", world.reception, at(2026, 3, 3, 10, 0), items=["Tờ khai"])
    f = act(f, "supplement", world.citizen, at(2026, 3, 3, 15, 0))
    d["f"] = completed(world, f, at(2026, 3, 4, 9, 0))  # two supplement requests: late although early
    d["g"] = accepted(world, at(2026, 3, 30, 9, 0))  # due 6/4: open and in time on 31/3
    h = accepted(world, at(2026, 3, 2, 9, 5))  # due 9/3
    h = act(h, "request_supplement", world.specialist, at(2026, 3, 4, 10, 0), items=["Bản sao CCCD"])
    h = act(h, "supplement", world.citizen, at(2026, 3, 11, 10, 0))  # 5 working days subtracted: due 16/3
    d["h"] = completed(world, h, at(2026, 3, 13, 9, 0))  # in time only because the supplement time is subtracted
    i = accepted(world, at(2026, 3, 20, 9, 0))  # due 27/3
    d["i"] = act(i, "request_supplement", world.specialist, at(2026, 3, 23, 10, 0), items=["Bản sao"])  # pending
    j = accepted(world, at(2026, 3, 2, 9, 6))  # due 9/3
    d["j"] = act(j, "stop", world.leader, at(2026, 3, 12, 9, 0), reason="Không đủ điều kiện")  # stopped late
    return d


@pytest.mark.django_db
def test_progress_2_1_with_every_edge_rule(world):
    progress_world(world)
    results = by_code(evaluation())
    # Handled: a b c d f g h i j (e was withdrawn before acceptance). On time: a, d (withdrawn in time), g (open,
    # judged at 31/3), h (supplement time subtracted), i (one pending supplement request stops the clock).
    # Late: b (completed late), c (open past its due date at 31/3), f (two supplement requests), j (stopped late).
    assert pair(results["2.1"]) == (5, 9)
    assert results["2.1"].score == Fraction(100, 9)
    # Open dossiers end at the period's last day: at 5/3 b, c, h, j were open and in time, f was already late.
    # a (completed 4/3), d (withdrawn 4/3) in time; g, i not yet received.
    early = by_code(evaluation(end=date(2026, 3, 5)))
    assert pair(early["2.1"]) == (6, 7)


@pytest.mark.django_db
def test_average_processing_time_2_2_counts_dossiers_started_in_the_period(world):
    completed(world, accepted(world, at(2026, 2, 26, 9, 0)), at(2026, 3, 3, 9, 0))  # started in February
    completed(world, accepted(world, at(2026, 3, 2, 9, 0)), at(2026, 3, 4, 9, 0))  # 2 working days
    completed(world, accepted(world, at(2026, 3, 2, 9, 5)), at(2026, 3, 12, 9, 0))  # 8 working days
    accepted(world, at(2026, 3, 3, 9, 0))  # not completed: not in 2.2
    result = by_code(evaluation())["2.2"]
    assert result.value == 5 and pair(result) == (10, 2)
    assert result.score == 0 and not result.rule.scored


@pytest.fixture
def no_sources(monkeypatch):
    """The registries as before any app registered (the feedback app provides 5.1-5.4 in the running portal)."""
    monkeypatch.setattr(sources, "_FIGURE_SOURCES", {})
    monkeypatch.setattr(sources, "_DOSSIER_SOURCES", {})


@pytest.mark.django_db
def test_satisfaction_5_4_counts_each_dossier_once(world, no_sources):
    d = progress_world(world)
    for key in ("a", "b"):  # a was on time, b late: rated dissatisfied
        delivered = act(d[key], "deliver", world.reception, at(2026, 3, 13, 9, 0))
        Rating.objects.create(
            dossier=delivered, applicant=world.citizen, overall=1, timeliness=1, attitude=1, convenience=1,
            satisfied=False,
        )  # fmt: skip
    result = by_code(evaluation())["5.4"]
    # 9 handled; late b, c, f, j; dissatisfied a (b already counted as late): (9 - 5) / 9.
    assert pair(result) == (4, 9)
    assert result.score == Fraction(4, 9) * 6 / Fraction(9, 10)
    # Feedback about d's processing (from a registered feedback source) takes one more, once.
    sources.register_dossier_source("5.4", lambda query: [d["d"].pk, d["b"].pk], name="feedback.test")
    try:
        assert pair(by_code(evaluation())["5.4"]) == (3, 9)
    finally:
        sources.unregister("5.4")


@pytest.mark.django_db
def test_satisfaction_5_4_with_nothing_handled_earns_nothing(world):
    result = by_code(evaluation())["5.4"]
    assert result.status == "empty" and result.score == 0


# --- online service and digitisation --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_online_3_3_and_digitisation_4_1_4_2_need_an_electronic_result_where_a_paper_one_is_issued(world):
    world.procedure.requires_paper_result = True
    world.procedure.save()
    p2 = second_procedure(world)  # no paper result
    d1 = accepted(world, at(2026, 3, 2, 9, 0))  # online, gets an electronic result
    attach(d1, world.leader, kind=DocumentKind.RESULT, requirement="ket-qua")
    completed(world, d1, at(2026, 3, 4, 9, 0))
    completed(world, accepted(world, at(2026, 3, 2, 9, 1)), at(2026, 3, 4, 9, 1))  # online, paper result only
    accepted(world, at(2026, 3, 2, 9, 2), channel="in_person")  # scanned, no result yet
    accepted(world, at(2026, 3, 2, 9, 3), procedure=p2)  # online, no paper result needed
    post = filed(world, at(2026, 3, 2, 9, 4), channel="post", procedure=p2)
    Document.objects.filter(dossier=post).delete()  # nothing scanned
    act(post, "accept", world.reception, at(2026, 3, 2, 9, 5))
    results = by_code(evaluation())
    assert pair(results["3.3"]) == (2, 5) and results["3.3"].score == Fraction(16, 5)  # 0.4 × 4 / 0.5
    assert pair(results["4.2"]) == (2, 5) and results["4.2"].score == Fraction(8, 5)  # linear: 0.4 × 4
    assert pair(results["4.1"]) == (1, 2) and results["4.1"].score == 3


@pytest.mark.django_db
def test_result_uploaded_after_completion_counts_once_the_document_hook_runs(world):
    from dashboard.services import stats_record_document

    world.procedure.requires_paper_result = True
    world.procedure.save()
    d = completed(world, accepted(world, at(2026, 3, 2, 9, 0)), at(2026, 3, 3, 9, 0))
    document = attach(d, world.leader, kind=DocumentKind.RESULT, requirement="ket-qua")
    assert pair(by_code(evaluation())["4.1"]) == (0, 1)
    stats_record_document(document=document)
    results = by_code(evaluation())
    assert pair(results["4.1"]) == (1, 1) and pair(results["3.3"]) == (1, 1)


def flagged(world, when, **flags):
    """An online dossier accepted at `when` whose component is flagged as `flags` (Document fields)."""
    dossier = filed(world, when)
    Document.objects.filter(dossier=dossier).update(**flags)
    return act(dossier, "accept", world.reception, when)


@pytest.mark.django_db
def test_reuse_4_3_connected_data_4_4_population_4_5b_and_certified_copies_4_2b(world):
    Agency.objects.filter(pk=world.other_agency.pk).update(level=Agency.Level.DEPARTMENT)  # one commune in scope
    flagged(world, at(2026, 3, 2, 9, 0), reused_data=True, from_population_data=True)
    flagged(world, at(2026, 3, 2, 9, 1), from_data_store=True)
    flagged(world, at(2026, 3, 2, 9, 2))
    flagged(world, at(2026, 3, 2, 9, 3), e_certified_copy=True)
    results = by_code(evaluation())
    assert pair(results["4.3"]) == (1, 4) and results["4.3"].score == Fraction(5, 8)  # 0.25 × 2 / 0.8
    assert pair(results["4.4"]) == (1, 4) and results["4.4"].score == 1
    assert pair(results["4.5b"]) == (1, 4) and results["4.5b"].score == Fraction(1, 2)
    assert pair(results["4.2b"]) == (1, 1) and results["4.2b"].score == 2


@pytest.mark.django_db
def test_catalogue_indicators_3_1_3_2_4_5a_and_components_1_3(world):
    world.procedure.full_online_eligible = True
    world.procedure.uses_population_data = True
    world.procedure.save()
    p2 = second_procedure(world)  # partial online, citizens, not connected
    p2.applicant_types = []  # one of the seven components missing
    p2.save()
    accepted(world, at(2026, 3, 2, 9, 0))  # an online dossier for the first procedure only
    results = by_code(evaluation())
    assert pair(results["3.1"]) == (2, 2) and results["3.1"].score == 4
    assert "1 / 1" in results["3.1"].detail  # full-process over eligible shown beside it
    assert pair(results["3.2"]) == (1, 2) and results["3.2"].score == 2
    assert pair(results["4.5a"]) == (1, 1) and results["4.5a"].score == 2  # p2 lists no citizens now
    assert pair(results["1.3"]) == (1, 2) and results["1.3"].score == 1


@pytest.mark.django_db
def test_publication_1_1_and_1_2(world):
    p2, p3 = second_procedure(world), second_procedure(world, code="T.0003")
    publish = ProcedurePublication.objects.create
    # On time twice: announced 10 working days before the law takes effect, published 3 working days later.
    publish(procedure=world.procedure, decision_number="1/QĐ", decision_date=date(2026, 3, 2),
            legal_basis_effective_date=date(2026, 3, 16), published_on=date(2026, 3, 5))  # fmt: skip
    # Late twice: 2 working days before effect, published 11 working days later.
    publish(procedure=p2, decision_number="2/QĐ", decision_date=date(2026, 3, 10),
            legal_basis_effective_date=date(2026, 3, 12), published_on=date(2026, 3, 25))  # fmt: skip
    publish(procedure=p2, decision_number="0/QĐ", decision_date=date(2026, 2, 2),  # before the period: ignored
            legal_basis_effective_date=date(2026, 3, 1), published_on=date(2026, 2, 3))  # fmt: skip
    # Announced in time (5 working days: 27/3 ≤ 1/4), never published.
    publish(procedure=p3, decision_number="3/QĐ", decision_date=date(2026, 3, 20),
            legal_basis_effective_date=date(2026, 4, 1))  # fmt: skip
    results = by_code(evaluation())
    assert pair(results["1.1"]) == (2, 3) and results["1.1"].score == 4
    assert pair(results["1.2"]) == (1, 3) and results["1.2"].score == Fraction(4, 3)
    # Late once in the period is late for the whole period.
    publish(procedure=world.procedure, decision_number="4/QĐ", decision_date=date(2026, 3, 20),
            legal_basis_effective_date=date(2026, 3, 23), published_on=date(2026, 3, 20))  # fmt: skip
    assert pair(by_code(evaluation())["1.1"]) == (1, 3)


# --- sources, overrides, totals -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_provided_indicators_read_zero_until_a_source_registers(world, no_sources):
    accepted(world, at(2026, 3, 2, 9, 0))
    before = by_code(evaluation())
    for code in ("1.4", "3.5", "3.5b", "3.6", "5.2", "5.3"):
        assert before[code].status == "no_source" and before[code].score == 0
    agency, other = world.agency.pk, world.other_agency.pk
    sources.register_indicator_source(
        "3.6",
        lambda q: {agency: sources.IndicatorFigure(3, 4), other: sources.IndicatorFigure(1, 4)},
        name="payments.test",
    )
    sources.register_indicator_source("5.2", lambda q: {}, name="feedback.test")  # no feedback at all
    try:
        results = by_code(evaluation())
        assert pair(results["3.6"]) == (4, 8) and results["3.6"].score == 3  # linear: 6 × 0.5
        assert results["5.2"].status == "empty" and results["5.2"].score == 6  # live portal: full points
        one = by_code(evaluation(scope=Scope(agency_ids=frozenset({agency}))))
        assert pair(one["3.6"]) == (3, 4)
        with pytest.raises(ValueError):
            sources.register_indicator_source("2.1", lambda q: {}, name="x")
    finally:
        sources.unregister("3.6")
        sources.unregister("5.2")


@pytest.mark.django_db
def test_a_province_corrects_a_rule_by_data(world):
    progress_world(world)
    IndicatorOverride.objects.create(code="2.1", points=12, threshold_percent=90, note="Công văn của tỉnh")
    result = by_code(evaluation())["2.1"]
    assert result.rule.points == 12 and result.rule.threshold == Fraction(9, 10) and result.rule.overridden
    assert result.score == Fraction(5, 9) * 12 / Fraction(9, 10)
    assert "Công văn của tỉnh" in result.note


# --- the score page, the public page and the API agree --------------------------------------------------------------


def page_scores(html: str) -> dict[str, str]:
    rows = re.findall(r'data-indicator="([^"]+)".*?data-indicator-score>([^<]*)<', html, flags=re.S)
    return {code: text.strip() for code, text in rows}


def vn2(value: float) -> str:
    return f"{value:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")


@pytest.mark.django_db
def test_score_page_public_page_and_api_agree(world, settings):
    settings.LANGUAGE_CODE = "vi"
    progress_world(world)
    flagged(world, at(2026, 3, 5, 9, 0), reused_data=True)
    ioc = make_user("ioc@example.org", agency=world.agency, roles=["ioc_viewer"])
    client = login(ioc)
    params = {"from": "2026-03-01", "to": "2026-03-31"}
    body = client_for(ioc).get(OVERVIEW, params).json()
    page = client.get("/ioc/", params).content.decode()
    public = client.get("/thong-ke/", params).content.decode()
    api_scores = {i["code"]: i for i in body["indicators"]}
    shown = page_scores(page)
    assert set(shown) == set(api_scores)
    for code, item in api_scores.items():
        if item["scored"]:
            assert shown[code].startswith(vn2(item["score"])), code
    assert page_scores(public) == shown
    total = body["score"]
    assert total["available_points"] == 100 and total["band"]["code"] == "weak"
    for html in (page, public):
        assert f"data-indicator-total>{vn2(total['value'])}<" in html
        assert 'data-indicator-band="weak"' in html
    # The flagged dossier (accepted 5/3, due 12/3) is still open: late at the period end.
    assert api_scores["2.1"]["numerator"] == 5 and api_scores["2.1"]["denominator"] == 10
    assert api_scores["2.1"]["source_tag"] == "V" and api_scores["1.4"]["status"] == "no_source"


@pytest.mark.django_db
def test_drill_down_lists_the_dossiers_behind_an_indicator_in_fixed_queries(world):
    progress_world(world)
    ioc = make_user("ioc@example.org", agency=world.agency, roles=["ioc_viewer"])
    client = login(ioc)
    params = {"from": "2026-03-01", "to": "2026-03-31"}

    def drill(code):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(f"/ioc/chi-so/{code}/", params)
        assert response.status_code == 200
        return response.content.decode(), len(ctx.captured_queries)

    html, queries = drill("2.1")
    assert html.count('data-counted="1"') == 5 and html.count('data-counted="0"') == 4
    for i in range(5):
        accepted(world, at(2026, 3, 10 + i, 9, 0))
    html, more = drill("2.1")
    assert html.count("data-dossier=") == 14 and more == queries
    procedures_html, _ = drill("1.3")
    assert 'data-procedure="T.0001"' in procedures_html
    assert client.get("/ioc/chi-so/9.9/", params).status_code == 404
    assert login(world.citizen).get("/ioc/chi-so/2.1/", params).status_code == 403


@pytest.mark.django_db
def test_override_is_edited_in_the_admin(world):
    from citizens.models import User

    admin = User.objects.create_superuser(email="root@example.org", password="x" * 12)
    client = login(admin)
    assert client.get("/admin/dashboard/indicatoroverride/add/").status_code == 200
    response = client.post(
        "/admin/dashboard/indicatoroverride/add/",
        {"code": "4.2", "points": "4", "threshold_percent": "80", "note": "Theo tài liệu công thức"},
    )
    assert response.status_code == 302
    rule = by_code(evaluation())["4.2"].rule
    assert rule.threshold == Fraction(4, 5) and rule.overridden
    # A threshold outside (0, 100] is refused with a message.
    response = client.post("/admin/dashboard/indicatoroverride/add/", {"code": "4.3", "threshold_percent": "0"})
    assert response.status_code == 200 and IndicatorOverride.objects.filter(code="4.3").count() == 0
