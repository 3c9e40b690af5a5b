"""Schema-driven fuzz of the whole API (schemathesis, every check on) as an applicant, a receptionist and a leader.

Any 5xx fails. Schema conformance failures fail unless pinned in KNOWN below: the ones found when this fuzz was
introduced, still to be fixed (issue 14); a new one fails the test, and a fixed one should be removed from the list.
The `ignored_auth` check is off: it sends its own invalid credentials while this harness injects a valid session
token into every case, so it would report every authenticated endpoint. Figures print with `-s`.
"""

from __future__ import annotations

import re

import hypothesis
import pytest
import schemathesis
from django.test import Client
from hypothesis import HealthCheck, Phase, given
from schemathesis.specs.openapi.checks import ignored_auth

from portal.wsgi import application
from tests.api import submitted

EXAMPLES = 12
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)

# (operation, check code) still failing: ST103 undocumented status, ST108 response not matching the schema, ST202
# a schema-valid request refused (the schema under-documents the query parameters' constraints).
KNOWN = {
    ("GET /api/v1/dossiers/", "ST108"),
    ("GET /api/v1/dossiers/", "ST202"),
    ("GET /api/v1/units/", "ST108"),
    ("GET /api/v1/units/", "ST202"),
    ("POST /api/v1/dossiers/", "ST202"),
    # Rules the schema cannot state: a PAKN item names one of agency, procedure or dossier; a revocation needs a
    # non-blank reason; verification needs a PDF; the statistics period is at most a few years long.
    ("POST /api/v1/feedback/", "ST202"),
    ("POST /api/v1/dossiers/{dossier_id}/payments/", "ST202"),  # only a dossier that owes a fee can start one
    ("POST /api/v1/results/{result_id}/revoke/", "ST202"),
    ("POST /api/v1/verify/", "ST202"),
    ("GET /api/v1/stats/overview/", "ST202"),
}


def session_token(user) -> str:
    client = Client()
    client.force_login(user)
    return client.session.session_key


def fuzz(operation, auth: dict, figures: dict) -> None:
    @given(case=operation.as_strategy())
    @hypothesis.settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        figures["examples"] += 1
        case.headers = {**(case.headers or {}), **auth}
        response = case.call()
        if response.status_code >= 500:
            figures["5xx"] += 1
        case.validate_response(response, excluded_checks=[ignored_auth])

    run()


# Committed data: called straight through WSGI, each request closes the database connection at its end (as in
# production), which would lose a test transaction on PostgreSQL.
@pytest.mark.django_db(transaction=True)
def test_the_api_holds_its_schema_under_fuzzing(world):
    submitted(world)
    figures = {"operations": 0, "examples": 0, "5xx": 0}
    found: dict[tuple[str, str], str] = {}
    for role, user in (("applicant", world.citizen), ("reception", world.reception), ("leader", world.leader)):
        auth = {"X-Session-Token": session_token(user)}
        for result in schema.get_all_operations():
            operation = result.ok()
            figures["operations"] += 1
            try:
                fuzz(operation, auth, figures)
            except (Exception, BaseExceptionGroup) as exc:  # every operation's failures, reported together
                for code in set(re.findall(r"ST\d{3}", str(exc))):
                    found.setdefault((operation.label, code), f"{role}: {str(exc)[:800]}")
    print("fuzz figures:", figures, "conformance failures:", sorted(found))
    assert figures["5xx"] == 0
    new = {key: text for key, text in found.items() if key not in KNOWN}
    assert not new, "\n\n".join(f"{key}: {text}" for key, text in new.items())
