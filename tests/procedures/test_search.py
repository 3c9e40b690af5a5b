"""Catalogue search: case and diacritics ignored, good matches first, combined with the catalogue filters.

Runs on both databases; the typo-tolerant (trigram) cases need PostgreSQL and are skipped on SQLite.
"""

from __future__ import annotations

import pytest
from django.db import connection

from procedures.models import Procedure
from procedures.search import search_procedures
from procedures.selectors import procedure_list
from procedures.services.catalogue import procedure_import
from tests.conftest import module_world, procedure_template

world = module_world()  # the tests only read the world

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="trigram similarity (pg_trgm) exists only on PostgreSQL"
)

NAMES = {
    "S.0001": "Đăng ký khai sinh",
    "S.0002": "Đăng ký khai sinh lưu động",
    "S.0003": "Đăng ký lại khai sinh",
    "S.0004": "Cấp bản sao trích lục khai sinh",
    "S.0005": "Đăng ký kết hôn",
}


@pytest.fixture
def catalogue(world):
    for code, name in NAMES.items():
        procedure_import(template=procedure_template(code, name=name, name_en=""), agency=world.agency)
    procedure_import(
        template=procedure_template(
            "S.0100",
            name="Cấp giấy phép xây dựng nhà ở riêng lẻ",
            name_en="Construction permit",
            field={"code": "xay-dung", "name": "Hoạt động xây dựng"},
            applicant_types=["citizen", "business"],
            online_level="partial",
        ),
        agency=world.other_agency,
    )
    return world


def codes(queryset) -> list[str]:
    return list(queryset.values_list("code", flat=True))


def search(q: str, **filters) -> list[str]:
    return codes(search_procedures(procedure_list(**filters).exclude(code="T.0001"), q))


def test_blank_query_changes_nothing(catalogue):
    queryset = Procedure.objects.order_by("code")
    assert search_procedures(queryset, "  ") is queryset


@pytest.mark.parametrize("q", ["dang ky khai sinh", "Đăng ký khai sinh", "ĐĂNG KÝ KHAI SINH", "đăng ky KHAI sinh"])
def test_case_and_diacritics_are_ignored_and_best_match_comes_first(catalogue, q):
    # Exact name, then the longer name that starts with it, then all words in another order; "Cấp bản sao trích lục
    # khai sinh" lacks "đăng ký" and is not a match.
    assert search(q) == ["S.0001", "S.0002", "S.0003"]


def test_same_rank_goes_to_the_shorter_name(catalogue):
    # Every name contains the phrase at a word start and none starts with it: shorter names first.
    assert search("khai sinh") == ["S.0001", "S.0003", "S.0002", "S.0004"]


def test_prefix_beats_containment(catalogue):
    assert search("cap") == ["S.0004", "S.0100"]
    # "lai khai sinh" is a phrase in S.0003; "khai sinh" alone would rank S.0001 first.
    assert search("lai khai sinh") == ["S.0003"]
    assert search("dang ky") == ["S.0005", "S.0001", "S.0003", "S.0002"]
    assert search("ket hon") == ["S.0005"]


def test_code_matches_first(catalogue):
    assert search("S.0003")[0] == "S.0003"
    assert search("s.0003")[0] == "S.0003"


def test_english_name_is_searched_too(catalogue):
    assert search("construction PERMIT") == ["S.0100"]


def test_no_match(catalogue):
    assert search("hộ chiếu") == []


def test_words_must_all_be_present_even_with_typo_tolerance(catalogue):
    assert search("khai sinh kết hôn") == []


@pytest.mark.parametrize(
    "filters,expected",
    [
        ({"agency": "000.00.15.H26"}, ["S.0100"]),
        ({"field": "xay-dung"}, ["S.0100"]),
        ({"online_level": "partial"}, ["S.0100"]),
        ({"applicant_type": "business"}, ["S.0100"]),
        ({"agency": "000.00.12.H26", "online_level": "full"}, ["S.0001", "S.0002", "S.0003", "S.0004", "S.0005"]),
    ],
)
def test_filters_combine_with_search(catalogue, filters, expected):
    assert sorted(search("", **filters)) == expected
    if expected == ["S.0100"]:
        assert search("xay dung", **filters) == ["S.0100"]
        assert search("khai sinh", **filters) == []


def test_search_keeps_the_callers_filters(catalogue):
    inactive = Procedure.objects.get(code="S.0002")
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    assert search("dang ky khai sinh") == ["S.0001", "S.0003"]


@postgres_only
def test_a_typo_falls_back_to_the_most_similar_procedures(catalogue):
    result = search("dang ky khai sihn")
    assert result[:2] == ["S.0001", "S.0002"]
    assert search("giay phep xay dugn") == ["S.0100"]
    assert search("zzzz qqqq") == []


@postgres_only
def test_trigram_index_exists():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'procedures_procedure' "
            "AND indexname = 'procedures_procedure_search_trgm'"
        )
        row = cursor.fetchone()
    assert row and "gin_trgm_ops" in row[0]


@postgres_only
def test_postgres_ranking_matches_the_fallback_for_exact_words(catalogue):
    assert search("Đăng ký khai sinh")[:3] == ["S.0001", "S.0002", "S.0003"]


def test_like_wildcards_in_the_query_are_literal(catalogue):
    assert search("%") == []
    assert search("_") == []
