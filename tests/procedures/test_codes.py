"""Dossier codes `{agency identity code}-{YYMMDD}-{NNNN}`: the local date of filing, a per-agency sequence that
restarts each day and widens past 9999, unique and consecutive under concurrent filings (PostgreSQL)."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime

import pytest
from django.db import connection, transaction

from procedures.errors import InvalidInput
from procedures.models import DossierCodeSequence
from procedures.services.catalogue import procedure_import
from procedures.services.codes import dossier_code_next, format_code
from procedures.workflow import Action
from tests.conftest import at, procedure_template
from tests.procedures.dossier_flow import act, new_draft

CODE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.H\d{2}-\d{6}-\d{4,}$")

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent filings need real row locks and parallel connections: PostgreSQL only (set DATABASE_URL)",
)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def file(world, moment: datetime, **draft_options) -> str:
    dossier = new_draft(world, now=moment, **draft_options)
    return act(dossier, Action.SUBMIT, dossier.applicant, now=moment).code


# --- format, local date, restarts -----------------------------------------------------------------------------------


def test_format_code():
    from datetime import date

    assert format_code("000.00.12.H56", date(2026, 11, 26), 42) == "000.00.12.H56-261126-0042"
    assert format_code("000.00.12.H56", date(2026, 11, 26), 12345) == "000.00.12.H56-261126-12345"


@pytest.mark.django_db
def test_code_uses_the_agency_and_the_local_filing_date(world):
    code = file(world, at(2026, 10, 5, 9, 0))
    assert code == "000.00.12.H26-261005-0001"
    assert CODE.match(code)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 10, 5, 23, 30, tzinfo=UTC), "000.00.12.H26-261006-0001"),  # 06:30 on the 6th in Hà Nội
        (datetime(2026, 10, 5, 16, 59, tzinfo=UTC), "000.00.12.H26-261005-0001"),  # 23:59 on the 5th
        (datetime(2026, 10, 5, 17, 0, tzinfo=UTC), "000.00.12.H26-261006-0001"),  # midnight: the 6th
        (datetime(2026, 12, 31, 17, 0, tzinfo=UTC), "000.00.12.H26-270101-0001"),  # new year in Hà Nội first
    ],
)
def test_the_date_is_the_filing_date_in_ho_chi_minh_city(world, moment, expected):
    assert file(world, moment) == expected


@pytest.mark.django_db
def test_the_sequence_is_per_agency_and_restarts_each_day(world):
    procedure_import(template=procedure_template("T.B"), agency=world.other_agency)
    monday, tuesday = at(2026, 10, 5, 9, 0), at(2026, 10, 6, 9, 0)
    assert [file(world, monday) for _ in range(3)] == [
        "000.00.12.H26-261005-0001",
        "000.00.12.H26-261005-0002",
        "000.00.12.H26-261005-0003",
    ]
    assert file(world, monday, procedure_code="T.B") == "000.00.15.H26-261005-0001"
    assert file(world, tuesday) == "000.00.12.H26-261006-0001"
    assert file(world, monday) == "000.00.12.H26-261005-0004"  # a late-arriving Monday filing continues Monday
    assert file(world, tuesday, procedure_code="T.B") == "000.00.15.H26-261006-0001"


@pytest.mark.django_db
def test_the_sequence_widens_past_9999(world):
    moment = at(2026, 10, 5, 9, 0)
    DossierCodeSequence.objects.create(agency=world.agency, day=moment.date(), last=9998)
    codes = [file(world, moment) for _ in range(3)]
    assert codes == ["000.00.12.H26-261005-9999", "000.00.12.H26-261005-10000", "000.00.12.H26-261005-10001"]
    assert all(CODE.match(code) for code in codes)


@pytest.mark.django_db
def test_a_refused_submission_does_not_use_up_a_number(world):
    moment = at(2026, 10, 5, 9, 0)
    incomplete = new_draft(world, documents=(), now=moment)
    with pytest.raises(InvalidInput):
        act(incomplete, Action.SUBMIT, world.citizen, now=moment)
    assert file(world, moment) == "000.00.12.H26-261005-0001"


@pytest.mark.django_db(transaction=True)
def test_a_code_is_only_reserved_inside_the_filings_transaction(world):
    with pytest.raises(RuntimeError):
        dossier_code_next(agency=world.agency, at=at(2026, 10, 5, 9, 0))
    with transaction.atomic():
        assert dossier_code_next(agency=world.agency, at=at(2026, 10, 5, 9, 0)).endswith("-0001")


# --- concurrent filings (PostgreSQL) ----------------------------------------------------------------------------------

THREADS = 10


def _submit_all_at_once(world, drafts, moment) -> tuple[list[str], list[BaseException]]:
    barrier = threading.Barrier(len(drafts))
    codes: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def submit(draft):
        try:
            barrier.wait(timeout=30)
            code = act(draft, Action.SUBMIT, draft.applicant, now=moment).code
            with lock:
                codes.append(code)
        except BaseException as exc:
            with lock:
                errors.append(exc)
        finally:
            connection.close()  # each thread has its own connection; leave none open

    threads = [threading.Thread(target=submit, args=(draft,)) for draft in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a filing thread hung"
    return codes, errors


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_filings_get_unique_consecutive_codes(world):
    moment = at(2026, 10, 5, 9, 0)
    # The first burst also races to create the day's sequence row; the second finds it there.
    for burst in range(2):
        drafts = [new_draft(world, now=moment) for _ in range(THREADS)]
        codes, errors = _submit_all_at_once(world, drafts, moment)
        assert errors == []
        first = burst * THREADS + 1
        assert sorted(codes) == [f"000.00.12.H26-261005-{n:04d}" for n in range(first, first + THREADS)]
    assert DossierCodeSequence.objects.get(agency=world.agency, day=moment.date()).last == 2 * THREADS


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_filings_at_two_agencies_and_across_midnight(world):
    procedure_import(template=procedure_template("T.B"), agency=world.other_agency)
    late = datetime(2026, 10, 5, 23, 30, tzinfo=UTC)  # already Tuesday 6/10 in Hà Nội
    drafts = [new_draft(world, now=late) for _ in range(THREADS // 2)]
    drafts += [new_draft(world, procedure_code="T.B", now=late) for _ in range(THREADS // 2)]
    codes, errors = _submit_all_at_once(world, drafts, late)
    assert errors == []
    expected = [f"{agency}-261006-{n:04d}" for agency in ("000.00.12.H26", "000.00.15.H26") for n in range(1, 6)]
    assert sorted(codes) == expected
