"""Fee items: one computation (procedures/fees.py) behind the procedure page, the review page, submission, the
payment request, the fees API and import/export; the demo catalogue's fees per CATALOGUE.md."""

from __future__ import annotations

import copy

import pytest
from django.test import Client

from procedures.demo.catalogue import PROCEDURES
from procedures.fees import fee_breakdown, fee_items_problems
from procedures.models import ProcedureVersion
from procedures.services.catalogue import procedure_export, procedure_import, version_problems
from tests.conftest import procedure_template
from tests.procedures.dossier_flow import T0, act, new_draft

DEMO = {p["code"]: p for p in PROCEDURES}


def demo_version(code: str) -> ProcedureVersion:
    """An unsaved version carrying a demo procedure's fee items (the computation needs nothing else)."""
    version = DEMO[code]["version"]
    return ProcedureVersion(fee_items=version["fee_items"], cases=version["cases"], fee=version["fee"])


def total(code: str, data: dict, case: str = "", channel: str = "online") -> int:
    return fee_breakdown(version=demo_version(code), data=data, case_code=case, channel=channel).total


def test_birth_registration_charges_the_copies_and_the_late_fee_by_channel():
    assert total("1.001193", {"copies": 2}) == 16000  # issue 10: was shown as "Miễn phí"
    assert total("1.001193", {}) == 0  # on time, no copies: free
    assert total("1.001193", {"copies": 1}, case="late") == 8000 + 4000
    assert total("1.001193", {"copies": 1}, case="late", channel="in_person") == 8000 + 8000
    # Exempt categories pay no late fee; copies are still charged.
    assert total("1.001193", {"copies": 1, "fee_exemption": "poor_household"}, case="late") == 8000


def test_copy_of_an_extract_is_per_copy_and_paid_at_filing():
    assert total("2.000635", {"copies": 3}) == 24000  # issue 10: was 8.000
    assert total("2.000635", {"copies": 3, "fee_exemption": "disabled"}) == 0
    assert DEMO["2.000635"]["version"]["payment_timing"] == "at_filing"


def test_certification_is_tiered_by_page_and_capped_per_copy():
    assert total("2.000815", {"page_count": 2, "copies": 1}) == 4000
    assert total("2.000815", {"page_count": 5, "copies": 2}) == 2 * (2000 * 2 + 1000 * 3)
    assert total("2.000815", {"page_count": 500, "copies": 1}) == 200000


def test_judicial_record_counts_copies_beyond_the_second_and_reduced_cases():
    assert total("3.000333", {"copies": 2}) == 200000
    assert total("3.000333", {"copies": 4}) == 200000 + 2 * 5000
    assert total("3.000333", {"copies": 1}, case="reduced_fee") == 100000
    assert total("3.000333", {"copies": 1, "fee_exemption": "child"}) == 0


def test_garbage_quantities_count_as_nothing():
    assert total("2.000635", {"copies": "abc"}) == 0
    assert total("2.000635", {"copies": -5}) == 0
    assert total("2.000635", {"copies": True}) == 0


def test_problems_name_unknown_fields_and_cases():
    items = [
        {
            "code": "x",
            "name": "X",
            "kind": "phi",
            "basis": "per_copy",
            "amount": 1,
            "quantity_field": "nope",
            "cases": ["ghost"],
        }
    ]
    problems = fee_items_problems(items, field_keys={"copies"}, case_codes=set())
    assert any("nope" in p for p in problems) and any("ghost" in p for p in problems)
    bad = [{"code": "x", "name": "X", "kind": "tax", "basis": "per_case", "amount": -1}]
    assert len(fee_items_problems(bad, field_keys=set(), case_codes=set())) == 2


FEE_ITEMS = [
    {"code": "le_phi", "name": "Lệ phí", "kind": "le_phi", "basis": "per_case", "amount": 20000},
    {
        "code": "copies",
        "name": "Bản sao",
        "kind": "phi",
        "basis": "per_copy",
        "amount": 8000,
        "quantity_field": "copies",
    },
]


@pytest.fixture
def fee_world(world):
    template = procedure_template("T.FEE", version={"fee_items": FEE_ITEMS})
    world.fee_procedure = procedure_import(template=template, agency=world.agency)
    return world


@pytest.mark.django_db
def test_import_export_round_trip_keeps_fee_items_and_timing(world):
    template = procedure_template("T.RT", version={"fee_items": FEE_ITEMS, "payment_timing": "at_filing"})
    procedure = procedure_import(template=template, agency=world.agency)
    exported = procedure_export(procedure)
    assert exported["version"]["fee_items"] == FEE_ITEMS
    assert exported["version"]["payment_timing"] == "at_filing"
    assert exported["version"]["fee"] == 20000  # derived: the general case with nothing counted
    again = copy.deepcopy(exported)
    again["version"]["fee_items"][1]["quantity_field"] = "missing"
    assert any("missing" in p for p in version_problems(again["version"]))


@pytest.mark.django_db
def test_the_same_figures_on_the_review_page_submission_and_payment_request(fee_world):
    world = fee_world
    dossier = new_draft(world, procedure_code="T.FEE")  # VALID_DATA asks for 2 copies
    client = Client()
    client.force_login(world.citizen)
    page = client.get(f"/ho-so/{dossier.pk}/xem-lai/").content.decode()
    assert "36.000" in page and "8.000" in page and "20.000" in page
    dossier = act(dossier, "submit", world.citizen, now=T0)
    assert dossier.fee_amount == 36000
    procedure_page = client.get("/thu-tuc/T.FEE/").content.decode()
    assert "8.000" in procedure_page and "Bản sao" in procedure_page


@pytest.mark.django_db
def test_the_procedure_api_publishes_the_fee_items(fee_world):
    from tests.conftest import client_for

    body = client_for(fee_world.citizen).get("/api/v1/procedures/T.FEE/").json()
    assert body["fee_items"] == FEE_ITEMS and body["payment_timing"] == "after_appraisal" and body["fee"] == 20000
