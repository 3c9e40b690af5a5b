"""Every workspace queue and staff list reads its own index on PostgreSQL.

30,000 dossiers are inserted with one INSERT ... SELECT and ANALYZEd, so the planner chooses with real statistics
(no `enable_seqscan = off`): a page deep inside each list must be an index scan on the dossier table, never a Seq
Scan, and the big lists must come out of the index in order (no Sort of the whole queue under the LIMIT).
"""

from __future__ import annotations

import re

import pytest
from django.db import connection

from procedures import selectors
from procedures.api.pagination import bounded_count
from procedures.keyset import keyset_page
from workspace.selectors import QUEUES, queue_dossiers, queue_ordering, workspace_memberships

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

ROWS = 30_000
# Weighted like a live agency: most dossiers finished long ago, a working set of open ones.
STATUSES = ["delivered"] * 8 + [
    "draft",
    "submitted",
    "processing",
    "processing",
    "awaiting_payment",
    "withdrawal_requested",
    "supplement_requested",
    "completed",
    "refused",
    "withdrawn",
    "stopped",
    "processing",
]
# Each queue's own index; the planner may also pick a narrower range of a related one (for the desk's queue, whose
# dossiers have no due date yet, the slice of dossier_agency_due_idx past every due date is as small): both are seeks.
QUEUE_INDEX = {
    "tiep-nhan": ("dossier_agency_status_due_idx", "dossier_agency_due_idx"),
    "cua-toi": ("dossier_assignee_work_idx",),
    "phong-ban": ("dossier_department_work_idx",),
    "sap-den-han": ("dossier_clock_due_idx",),
    "qua-han": ("dossier_clock_due_idx",),
    "dieu-phoi": ("dossier_dispatch_idx",),
    "rut-ho-so": ("dossier_agency_status_due_idx",),
    "tra-ket-qua": ("dossier_agency_status_due_idx",),
    "tat-ca": ("dossier_agency_due_idx",),
}
# The lists whose whole extent is large: a Sort there would sort thousands of rows for every page.
ORDERED = {"tat-ca", "tra-ket-qua"}


@pytest.fixture
def crowd(world):
    if connection.vendor != "postgresql":
        pytest.skip("EXPLAIN plans are PostgreSQL's (run with DATABASE_URL=postgres://...)")
    justice = world.agency.departments.get(code="justice")
    params = {
        "rows": ROWS,
        "statuses": STATUSES,
        "agencies": [world.agency.pk, world.other_agency.pk],
        "applicants": [world.citizen.pk, world.citizen2.pk],
        "procedure": world.procedure.pk,
        "version": world.version.pk,
        "department": justice.pk,
        "assignee": world.specialist.pk,
    }
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH g AS (
                SELECT n, (%(statuses)s::text[])[1 + n %% cardinality(%(statuses)s::text[])] AS status,
                       now() - (n %% 700) * interval '1 day' AS filed
                FROM generate_series(1, %(rows)s) n
            )
            INSERT INTO procedures_dossier (
                id, code, applicant_id, procedure_id, procedure_version_id, agency_id, department_id, assignee_id,
                case_code, data, status, channel, current_step, step_due_at, submitted_at, accepted_at, due_at,
                original_due_at, completed_at, delivered_at, finished_at, paused_at, resume_status, withdrawal_from,
                supplement_items, supplement_count, outcome, fee_amount, paid_at, delivery_channel, version,
                created_at, updated_at)
            SELECT gen_random_uuid(),
                   CASE WHEN status = 'draft' THEN NULL ELSE 'X.00.00.X99-000000-' || n END,
                   (%(applicants)s::bigint[])[1 + n %% 2], %(procedure)s, %(version)s,
                   (%(agencies)s::bigint[])[1 + (n / 7) %% 2],
                   CASE WHEN n %% 3 = 0 THEN %(department)s END, CASE WHEN n %% 5 = 0 THEN %(assignee)s END,
                   '', '{}'::jsonb, status, 'online', NULL, NULL,
                   CASE WHEN status = 'draft' THEN NULL ELSE filed END,
                   CASE WHEN status IN ('draft', 'submitted', 'refused') THEN NULL ELSE filed END,
                   -- due dates at day granularity, so that many dossiers tie on due date; some overdue, some near
                   CASE WHEN status IN ('draft', 'submitted', 'refused') THEN NULL
                        WHEN status IN ('processing', 'awaiting_payment', 'withdrawal_requested',
                                        'supplement_requested', 'completed')
                        THEN date_trunc('day', now()) + ((n %% 40) - 10) * interval '1 day'
                        ELSE date_trunc('day', filed) + interval '5 days' END,
                   NULL, NULL, NULL, NULL, NULL, '', '', '[]'::jsonb, 0, '', 0, NULL, '', 1, filed, filed
            FROM g
            """,
            params,
        )
        cursor.execute("ANALYZE procedures_dossier")
    return world


def plan_of(queryset) -> str:
    return queryset.explain()


def assert_index_scan(plan: str, *indexes: str, ordered: bool = False) -> None:
    assert "Seq Scan on procedures_dossier" not in plan, plan
    names = "|".join(indexes)
    assert re.search(rf"(Index|Index Only|Bitmap Index) Scan (Backward )?(using|on) ({names})\b", plan), plan
    if ordered:
        assert "Sort" not in plan, plan


@pytest.mark.parametrize("queue", list(QUEUES))
def test_each_queue_reads_its_index(crowd, queue):
    officer = crowd.specialist  # justice department of agency A, and the assignee of one dossier in five
    qs = queue_dossiers(user=officer, memberships=workspace_memberships(officer), queue=queue)
    ordering = queue_ordering()
    assert qs.exists(), f"{queue} is empty: the data does not exercise it"
    page = keyset_page(qs, ordering, size=25)
    seek = qs.order_by(*ordering.order_by())
    if page.next is not None:
        seek = seek.filter(ordering.after(page.next.position))
    assert_index_scan(plan_of(seek[:26]), *QUEUE_INDEX[queue], ordered=queue in ORDERED)


def test_latest_first_sort_reads_the_same_index_backwards(crowd):
    officer = crowd.reception
    qs = queue_dossiers(user=officer, memberships=workspace_memberships(officer), queue="tat-ca", descending=True)
    ordering = queue_ordering(descending=True)
    page = keyset_page(qs, ordering, size=25)
    plan = plan_of(qs.filter(ordering.after(page.next.position))[:26])
    assert_index_scan(plan, "dossier_agency_due_idx", ordered=True)
    assert "Backward" in plan


def test_api_staff_list_reads_the_agency_index_and_counts_a_bounded_range(crowd):
    listing = selectors.dossier_list_for_staff(user=crowd.reception, agency_ids=[crowd.agency.pk])
    page = keyset_page(listing.queryset, listing.ordering, size=50)
    rows = listing.queryset.order_by(*listing.ordering.order_by()).filter(listing.ordering.after(page.next.position))
    assert_index_scan(plan_of(rows[:51]), "dossier_agency_due_idx", ordered=True)
    # The count stops after 1,000 rows whatever the plan (here half the table is agency A's, so the planner may read
    # the table in order and stop early; with 30 agencies it reads the index): never a count of the whole agency.
    count = plan_of(listing.queryset.order_by().values("pk")[:1000])
    assert count.startswith("Limit"), count
    assert bounded_count(listing.queryset) == 1000  # bounded: the agency holds far more


def test_api_staff_list_of_one_status_reads_the_status_index(crowd):
    listing = selectors.dossier_list_for_staff(user=crowd.reception, agency_ids=[crowd.agency.pk], status="completed")
    page = keyset_page(listing.queryset, listing.ordering, size=20)
    rows = listing.queryset.order_by(*listing.ordering.order_by()).filter(listing.ordering.after(page.next.position))
    assert_index_scan(plan_of(rows[:21]), "dossier_agency_status_due_idx", ordered=True)


def test_applicant_list_reads_the_applicant_index_backwards(crowd):
    listing = selectors.dossier_list_for_applicant(user=crowd.citizen)
    page = keyset_page(listing.queryset, listing.ordering, size=50)
    rows = listing.queryset.order_by(*listing.ordering.order_by()).filter(listing.ordering.after(page.next.position))
    plan = plan_of(rows[:51])
    assert_index_scan(plan, "dossier_applicant_seek_idx", ordered=True)
    assert "Backward" in plan


def test_tracking_is_one_index_lookup_by_code(crowd):
    from procedures.models import Dossier

    code = Dossier.objects.exclude(code=None).values_list("code", flat=True)[1234]
    assert selectors.dossier_track(code=code).code == code
    plan = plan_of(
        Dossier.objects.filter(code=code).exclude(status="draft").select_related("procedure", "agency").order_by()[:1]
    )
    assert "Seq Scan on procedures_dossier" not in plan, plan
    assert re.search(r"Index Scan using \S+ on procedures_dossier", plan) and "(code)::text =" in plan, plan
