"""Dashboard at a million dossiers: seed PostgreSQL, build the statistics, time the API against a full scan.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/dashboard_bench.py
        [--dossiers 1000000] [--runs 50] [--reseed] [--skip-rebuild]

1. Creates the database if it is missing (its name must contain "bench": the script owns it) and migrates it.
2. Seeds, with set-based SQL (generate_series, INSERT ... SELECT; secondary indexes dropped during the load and
   rebuilt after), a realistic province: 30 agencies, 100 procedures in 12 fields, 2,000 applicants and N dossiers
   over the last two years — 4 % refused, 3 % withdrawn before acceptance, the rest accepted; about 10 % with a
   supplement request (2 % with two), 2 % extended, 15 % completed late, 1 % stopped, 1 % withdrawn after acceptance,
   90 % of results delivered; 60 % online, 35 % in person, 5 % by post; online payment of fees — plus the workflow
   events that tell the same story (about six per dossier). `--reseed` drops and recreates the database first.
3. Builds the summary tables with `rebuild_stats` (the same fold over events as the live hook) and times it.
4. Times, 50 runs each, GET /api/v1/stats/overview/ through Django's test client (routing, permission, parameter
   checks, serialisation included) for the province and for one agency over the last 12 months ending today (the
   heaviest path: it includes the live in-progress split), and the same figures computed by one plain full-scan
   aggregate over procedures_dossier. Prints median and p95 of each, and compares the counters.

Not a test: it prints figures (see bench/README.md). Needs PostgreSQL 13+ (gen_random_uuid).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench")
os.environ.setdefault("DB_CONN_MAX_AGE", "0")
os.environ.setdefault("LOG_LEVEL", "WARNING")

AGENCIES = 30
PROCEDURES = 100
FIELDS = 12
APPLICANTS = 2000
TZ = "Asia/Ho_Chi_Minh"


def say(message: str) -> None:
    print(message, flush=True)


def ensure_database(url: str, *, reseed: bool) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if "bench" not in name:
        raise SystemExit(f"Refusing to use database {name!r}: its name must contain 'bench' (this script wipes it).")
    admin_url = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and reseed:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [name],
            )
            conn.execute(f'DROP DATABASE "{name}"')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
            say(f"Created database {name}.")


def setup_django() -> None:
    import importlib

    settings_module = os.environ.get("DJANGO_SETTINGS_MODULE")
    if not settings_module:
        portal_settings = importlib.import_module("portal.settings")
        installed = "dashboard" in portal_settings.INSTALLED_APPS
        settings_module = "portal.settings" if installed else "dashboard.test_settings"
        os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.DASHBOARD_STATS_STRICT = True


# --- seeding ------------------------------------------------------------------------------------------------------


def seed_catalogue() -> None:
    from citizens.models import StaffMembership, User
    from citizens.roles import Role
    from procedures.models import (
        Agency,
        Department,
        Field,
        OnlineLevel,
        Procedure,
        ProcedureStep,
        ProcedureVersion,
        VersionStatus,
    )

    province = Agency.objects.create(identity_code="000.00.00.H99", name="UBND tỉnh Thử Nghiệm", level="province")
    agencies = Agency.objects.bulk_create(
        Agency(
            identity_code=f"000.00.{i:02d}.H99",
            name=f"Cơ quan thử nghiệm số {i:02d}",
            level="department" if i <= 10 else "commune",
            parent=province,
        )
        for i in range(1, AGENCIES + 1)
    )
    Department.objects.bulk_create(
        Department(agency=a, code=code, name=name)
        for a in agencies
        for code, name in (("one-stop", "Bộ phận Một cửa"), ("expert", "Phòng chuyên môn"), ("leadership", "Lãnh đạo"))
    )
    fields = Field.objects.bulk_create(Field(code=f"linh-vuc-{i:02d}", name=f"Lĩnh vực {i:02d}") for i in range(FIELDS))
    procedures = []
    for i in range(PROCEDURES):
        procedures.append(
            Procedure(
                code=f"B.{i:04d}",
                name=f"Thủ tục thử nghiệm {i:03d}",
                field=fields[i % FIELDS],
                agency=agencies[i % AGENCIES],
                online_level=OnlineLevel.FULL if i % 3 else OnlineLevel.PARTIAL,
                search_text=f"b.{i:04d} thu tuc thu nghiem {i:03d}",
            )
        )
    procedures = Procedure.objects.bulk_create(procedures)
    versions = ProcedureVersion.objects.bulk_create(
        ProcedureVersion(
            procedure=p,
            number=1,
            status=VersionStatus.PUBLISHED,
            fee=(0, 0, 50_000, 100_000, 200_000)[i % 5],
            time_limit_value=(1, 3, 5, 7, 10, 15, 20)[i % 7],
        )
        for i, p in enumerate(procedures)
    )
    for procedure, version in zip(procedures, versions, strict=True):
        procedure.current_version = version
    Procedure.objects.bulk_update(procedures, ["current_version"])
    ProcedureStep.objects.bulk_create(
        ProcedureStep(version=v, position=pos, name=name, department_code=dept, role=role, allotted_days=1)
        for v in versions
        for pos, name, dept, role in (
            (1, "Tiếp nhận", "one-stop", Role.RECEPTION),
            (2, "Thẩm định", "expert", Role.SPECIALIST),
            (3, "Phê duyệt", "leadership", Role.LEADER),
        )
    )
    staff = User.objects.bulk_create(
        User(email=f"bench.{role}.{a.pk}@example.org", full_name=f"Cán bộ {role} {a.pk}", password="!", is_staff=True)
        for a in agencies
        for role in ("reception", "specialist", "leader")
    )
    StaffMembership.objects.bulk_create(
        StaffMembership(user=u, agency=agencies[i // 3], role=("reception", "specialist", "leader")[i % 3])
        for i, u in enumerate(staff)
    )
    User.objects.bulk_create(
        User(email=f"bench.citizen{i:05d}@example.org", full_name=f"Công dân {i:05d}", password="!")
        for i in range(APPLICANTS)
    )


def _secondary_indexes(cursor, tables: tuple[str, ...]) -> list[tuple[str, str]]:
    cursor.execute(
        """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        JOIN pg_class c ON c.relname = i.indexname JOIN pg_index x ON x.indexrelid = c.oid
        WHERE i.tablename = ANY(%s) AND NOT x.indisprimary AND NOT x.indisunique
        """,
        [list(tables)],
    )
    return cursor.fetchall()


SEED_SQL = f"""
CREATE TEMP TABLE bench_seed AS
WITH base AS (
    SELECT g AS n, gen_random_uuid() AS id,
           random() AS r_fate, random() AS r_accept, random() AS r_supp, random() AS r_ext, random() AS r_late,
           random() AS r_speed, random() AS r_end, random() AS r_deliver, random() AS r_channel, random() AS r_pay,
           1 + floor(random() * {PROCEDURES})::int AS proc_n, 1 + floor(random() * {APPLICANTS})::int AS applicant_n,
           now() - random() * interval '730 days' AS submitted_at
    FROM generate_series(1, %(n)s) g
), p AS (
    SELECT pr.id AS procedure_id, pr.agency_id, v.id AS version_id, v.fee, v.time_limit_value::int AS limit_days,
           row_number() OVER (ORDER BY pr.code) AS proc_n, a.identity_code
    FROM procedures_procedure pr JOIN procedures_procedureversion v ON v.id = pr.current_version_id
    JOIN procedures_agency a ON a.id = pr.agency_id
), u AS (
    SELECT id AS applicant_id, row_number() OVER (ORDER BY id) AS applicant_n
    FROM citizens_user WHERE email LIKE 'bench.citizen%%'
), s AS (
    SELECT b.*, p.procedure_id, p.agency_id, p.version_id, p.fee, p.limit_days, p.identity_code, u.applicant_id,
           CASE WHEN b.r_fate < 0.04 THEN 'refused' WHEN b.r_fate < 0.07 THEN 'withdrawn_early' ELSE 'accepted' END
               AS fate,
           b.submitted_at + b.r_accept * interval '20 hours' AS accepted_at,
           CASE WHEN b.r_supp < 0.02 THEN 2 WHEN b.r_supp < 0.10 THEN 1 ELSE 0 END AS supplements,
           1 + floor(b.r_supp * 37)::int %% 4 AS pause_days,
           CASE WHEN b.r_channel < 0.60 THEN 'online' WHEN b.r_channel < 0.95 THEN 'in_person' ELSE 'post' END
               AS channel
    FROM base b JOIN p ON p.proc_n = b.proc_n JOIN u ON u.applicant_n = b.applicant_n
), t AS (
    SELECT s.*,
           -- the statutory due date: end of the day `limit` working days (≈ 7/5 calendar days) after acceptance
           ((date_trunc('day', s.accepted_at AT TIME ZONE '{TZ}') + make_interval(days => ceil(s.limit_days * 1.4)::int)
             + interval '23:59:59') AT TIME ZONE '{TZ}') AS due0
    FROM s
), d AS (
    SELECT t.*,
           t.due0 + make_interval(days => t.supplements * t.pause_days) AS due_final,
           t.accepted_at + interval '1 day' AS supp1_at,
           t.accepted_at + interval '1 day' + make_interval(days => t.pause_days) AS resume1_at,
           t.accepted_at + interval '1 day' + make_interval(days => t.pause_days) + interval '2 hours' AS supp2_at,
           t.accepted_at + interval '1 day' + make_interval(days => 2 * t.pause_days) + interval '2 hours'
               AS resume2_at,
           (t.r_ext < 0.02 AND t.fate = 'accepted') AS extended
    FROM t
), e AS (
    SELECT d.*,
           CASE WHEN d.r_late < 0.15
                THEN d.due_final + (1 + d.r_speed * 9) * interval '1 day'
                ELSE GREATEST(d.accepted_at + make_interval(days => d.supplements * d.pause_days)
                              + (d.due0 - d.accepted_at) * (0.1 + 0.9 * d.r_speed), d.last_resume + interval '2 hours')
           END AS completes_at,
           GREATEST(d.due_final - interval '1 day', d.last_resume + interval '1 hour') AS extend_at,
           d.due_final + interval '5 days' AS extended_due
    FROM (SELECT d.*, CASE d.supplements WHEN 2 THEN d.resume2_at WHEN 1 THEN d.resume1_at
                      ELSE d.accepted_at + interval '5 hours' END AS last_resume FROM d) d
)
SELECT e.*,
       CASE WHEN e.fate <> 'accepted' THEN e.fate
            WHEN e.r_end < 0.01 AND e.accepted_at + interval '2 days' < now() THEN 'stopped'
            WHEN e.r_end < 0.02 AND e.accepted_at + interval '2 days' < now() THEN 'withdrawn_late'
            WHEN e.completes_at < now() THEN 'completed'
            ELSE 'open' END AS ending
FROM e
"""


def seed_dossiers(n: int) -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        # The generated rows are consistent by construction: skip the per-row foreign-key triggers (superuser only;
        # without it the deferred checks run at the end, which costs minutes at a million dossiers).
        try:
            with transaction.atomic():
                cursor.execute("SET LOCAL session_replication_role = replica")
        except Exception:
            say("  (not a superuser: foreign keys are checked row by row, seeding is slower)")
        started = time.monotonic()
        cursor.execute(SEED_SQL, {"n": n})
        cursor.execute("CREATE INDEX ON bench_seed (n)")
        cursor.execute("ANALYZE bench_seed")
        say(f"  random draws for {n:,} dossiers: {time.monotonic() - started:.1f} s")
        dropped = _secondary_indexes(cursor, ("procedures_dossier", "procedures_dossierevent"))
        for name, _definition in dropped:
            cursor.execute(f'DROP INDEX "{name}"')
        started = time.monotonic()
        cursor.execute(
            f"""
            INSERT INTO procedures_dossier (
                id, code, applicant_id, procedure_id, procedure_version_id, agency_id, department_id, assignee_id,
                case_code, data, status, channel, current_step, step_due_at, submitted_at, accepted_at, due_at,
                original_due_at, completed_at, delivered_at, finished_at, paused_at, resume_status, withdrawal_from,
                supplement_items, supplement_count, outcome, fee_amount, paid_at, delivery_channel, version,
                created_at, updated_at)
            SELECT id,
                   identity_code || '-' || to_char(submitted_at AT TIME ZONE '{TZ}', 'YYMMDD')
                       || '-' || lpad(n::text, 7, '0'),
                   applicant_id, procedure_id, version_id, agency_id, NULL, NULL,
                   '', '{{}}'::jsonb,
                   CASE ending WHEN 'refused' THEN 'refused' WHEN 'withdrawn_early' THEN 'withdrawn'
                        WHEN 'stopped' THEN 'stopped' WHEN 'withdrawn_late' THEN 'withdrawn'
                        WHEN 'completed' THEN CASE WHEN r_deliver < 0.9 AND completes_at + interval '2 days' < now()
                                                   THEN 'delivered' ELSE 'completed' END
                        ELSE CASE WHEN supplements > 0 AND supp1_at < now() AND resume1_at > now()
                                       THEN 'supplement_requested'
                                  WHEN supplements = 2 AND supp2_at < now() AND resume2_at > now()
                                       THEN 'supplement_requested'
                                  ELSE 'processing' END END,
                   channel,
                   CASE WHEN ending = 'open' THEN 2 ELSE NULL END, NULL,
                   submitted_at,
                   CASE WHEN fate = 'accepted' THEN accepted_at END,
                   CASE WHEN fate = 'accepted' THEN CASE WHEN extended THEN extended_due ELSE due_final END END,
                   CASE WHEN fate = 'accepted' THEN due0 END,
                   CASE WHEN ending = 'completed' THEN completes_at END,
                   CASE WHEN ending = 'completed' AND r_deliver < 0.9 AND completes_at + interval '2 days' < now()
                        THEN completes_at + interval '2 days' END,
                   CASE WHEN ending IN ('refused', 'withdrawn_early') THEN submitted_at + interval '3 hours'
                        WHEN ending IN ('stopped', 'withdrawn_late') THEN accepted_at + interval '2 days'
                        WHEN ending = 'completed' AND r_deliver < 0.9 AND completes_at + interval '2 days' < now()
                        THEN completes_at + interval '2 days' END,
                   NULL, '', '', '[]'::jsonb,
                   CASE WHEN fate = 'accepted' THEN supplements ELSE 0 END,
                   CASE WHEN ending = 'completed' THEN 'approved' ELSE '' END,
                   fee,
                   CASE WHEN fate = 'accepted' AND fee > 0 AND r_pay < 0.6 THEN accepted_at + interval '3 hours' END,
                   '', 1, submitted_at, submitted_at
            FROM bench_seed
            """
        )
        say(f"  dossiers inserted: {time.monotonic() - started:.1f} s")
        started = time.monotonic()
        _insert_events(cursor)
        say(f"  events inserted: {time.monotonic() - started:.1f} s")
        started = time.monotonic()
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # run any deferred foreign-key checks now
        cursor.execute("SET LOCAL session_replication_role = origin")
        say(f"  foreign keys checked: {time.monotonic() - started:.1f} s")
        started = time.monotonic()
        for _name, definition in dropped:
            cursor.execute(definition)
        cursor.execute("ANALYZE procedures_dossier")
        cursor.execute("ANALYZE procedures_dossierevent")
        cursor.execute("DROP TABLE bench_seed")
        say(f"  indexes rebuilt: {time.monotonic() - started:.1f} s")


def _iso(expression: str) -> str:
    return f"to_char(({expression}) AT TIME ZONE '{TZ}', 'YYYY-MM-DD\"T\"HH24:MI:SS\"+07:00\"')"


def _insert_events(cursor) -> None:
    """The workflow events that tell each dossier's story, in order (ids increase with time within a dossier)."""
    payload_due = f"jsonb_build_object('due_at', {_iso('due0')})"
    resumed_due = _iso("due0 + pause_days * interval '1 day'")
    resumed1 = f"jsonb_build_object('paused_working_days', pause_days, 'due_at', {resumed_due})"
    resumed2 = f"jsonb_build_object('paused_working_days', pause_days, 'due_at', {_iso('due_final')})"
    still_open = "ending NOT IN ('stopped', 'withdrawn_late')"
    parts = [
        # (order, action, from, to, at, payload, condition)
        ("1", "'submit'", "'draft'", "'submitted'", "submitted_at", "'{}'::jsonb", "TRUE"),
        ("2", "'refuse'", "'submitted'", "'refused'", "submitted_at + interval '3 hours'", "'{}'::jsonb",
         "ending = 'refused'"),
        ("2", "'withdraw'", "'submitted'", "'withdrawn'", "submitted_at + interval '3 hours'", "'{}'::jsonb",
         "ending = 'withdrawn_early'"),
        ("3", "'accept'", "'submitted'", "'processing'", "accepted_at", payload_due, "fate = 'accepted'"),
        ("4", "'request_payment'", "'processing'", "'awaiting_payment'", "accepted_at + interval '2 hours'",
         "jsonb_build_object('amount', fee)", "fate = 'accepted' AND fee > 0 AND r_pay < 0.6"),
        ("5", "'pay'", "'awaiting_payment'", "'processing'", "accepted_at + interval '3 hours'",
         "jsonb_build_object('amount', fee)", "fate = 'accepted' AND fee > 0 AND r_pay < 0.6"),
        ("6", "'forward'", "'processing'", "'processing'", "accepted_at + interval '4 hours'", "'{}'::jsonb",
         "fate = 'accepted'"),
        ("7", "'request_supplement'", "'processing'", "'supplement_requested'", "supp1_at",
         "'{\"items\": [\"Bản sao\"]}'::jsonb", "fate = 'accepted' AND supplements >= 1 AND ending <> 'stopped' "
         "AND ending <> 'withdrawn_late'"),
        ("8", "'supplement'", "'supplement_requested'", "'processing'", "resume1_at",
         resumed1, f"fate = 'accepted' AND supplements >= 1 AND resume1_at < now() AND {still_open}"),
        ("9", "'request_supplement'", "'processing'", "'supplement_requested'", "supp2_at",
         "'{\"items\": [\"Bản chính\"]}'::jsonb",
         "fate = 'accepted' AND supplements = 2 AND resume1_at < now() AND supp2_at < now() "
         "AND ending NOT IN ('stopped', 'withdrawn_late')"),
        ("10", "'supplement'", "'supplement_requested'", "'processing'", "resume2_at",
         resumed2, f"fate = 'accepted' AND supplements = 2 AND resume2_at < now() AND {still_open}"),
        ("11", "'extend'", "'processing'", "'processing'", "extend_at",
         f"jsonb_build_object('due_at', {_iso('extended_due')}, 'previous_due_at', {_iso('due_final')})",
         "extended AND extend_at < now() AND ending NOT IN ('stopped', 'withdrawn_late') "
         "AND (ending <> 'completed' OR completes_at > extend_at)"),
        ("12", "'complete'", "'processing'", "'completed'", "completes_at", "'{\"outcome\": \"approved\"}'::jsonb",
         "ending = 'completed'"),
        ("13", "'deliver'", "'completed'", "'delivered'", "completes_at + interval '2 days'",
         "'{\"channel\": \"online\"}'::jsonb",
         "ending = 'completed' AND r_deliver < 0.9 AND completes_at + interval '2 days' < now()"),
        ("14", "'stop'", "'processing'", "'stopped'", "accepted_at + interval '2 days'", "'{}'::jsonb",
         "ending = 'stopped'"),
        ("15", "'approve_withdrawal'", "'withdrawal_requested'", "'withdrawn'", "accepted_at + interval '2 days'",
         "'{}'::jsonb", "ending = 'withdrawn_late'"),
    ]  # fmt: skip
    selects = [
        f"SELECT n, {order} AS o, {action} AS action, {frm} AS from_status, {to} AS to_status, {at} AS at, "
        f"{payload} AS payload FROM bench_seed WHERE {condition}"
        for order, action, frm, to, at, payload, condition in parts
    ]
    cursor.execute(
        f"""
        INSERT INTO procedures_dossierevent (dossier_id, actor_id, action, from_status, to_status, step, comment,
                                             payload, internal, at)
        SELECT s.id, NULL, x.action, x.from_status, x.to_status, NULL, '', x.payload, FALSE, x.at
        FROM ({" UNION ALL ".join(selects)}) x JOIN bench_seed s ON s.n = x.n
        ORDER BY x.n, x.o
        """
    )


# --- measuring ----------------------------------------------------------------------------------------------------


FULL_SCAN_SQL = """
SELECT
  count(*) FILTER (WHERE accepted_at >= %(start)s AND accepted_at < %(stop)s) AS received,
  count(*) FILTER (WHERE accepted_at < %(start)s
                   AND coalesce(completed_at, CASE WHEN status IN ('stopped', 'withdrawn') THEN finished_at END,
                                'infinity') >= %(start)s) AS carried_over,
  count(*) FILTER (WHERE completed_at >= %(start)s AND completed_at < %(stop)s) AS processed,
  count(*) FILTER (WHERE completed_at >= %(start)s AND completed_at < %(stop)s
                   AND (supplement_count > 1 OR completed_at > due_at)) AS processed_late,
  count(*) FILTER (WHERE status IN ('processing', 'awaiting_payment', 'withdrawal_requested', 'supplement_requested')
                   AND accepted_at IS NOT NULL) AS in_progress,
  count(*) FILTER (WHERE status IN ('processing', 'awaiting_payment', 'withdrawal_requested')
                   AND accepted_at IS NOT NULL AND due_at < now()) AS in_progress_late,
  count(*) FILTER (WHERE status IN ('stopped') AND finished_at >= %(start)s AND finished_at < %(stop)s) AS stopped,
  count(*) FILTER (WHERE status = 'completed' AND accepted_at IS NOT NULL) AS completed_not_collected,
  count(*) FILTER (WHERE accepted_at >= %(start)s AND accepted_at < %(stop)s AND channel = 'online') AS online
FROM procedures_dossier WHERE {where}
"""


def timed(function, runs: int) -> tuple[list[float], object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - started) * 1000)
    return times, result


def summary(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * len(ordered))) - 1)]
    return f"median {statistics.median(ordered):8.1f} ms   p95 {p95:8.1f} ms   (n={len(ordered)})"


def measure(runs: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from procedures.models import Agency
    from procedures.services.calendar import portal_tz

    today = timezone.now().astimezone(portal_tz()).date()
    start = (today.replace(day=1) - timedelta(days=334)).replace(day=1)
    agency = Agency.objects.get(identity_code="000.00.07.H99")
    client = Client()
    say(f"\nPeriod {start} .. {today} (12 months, live split), {runs} runs each.")
    say(f"Load average before measuring: {' / '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} CPUs)")

    for label, extra, where, params in (
        ("province", {}, "TRUE", {}),
        (f"agency {agency.identity_code}", {"agency": agency.identity_code}, "agency_id = %(agency)s",
         {"agency": agency.pk}),
    ):  # fmt: skip
        query = {"from": start.isoformat(), "to": today.isoformat(), **extra}
        client.get("/api/v1/stats/overview/", query)  # warm up
        api_times, response = timed(lambda q=query: client.get("/api/v1/stats/overview/", q), runs)
        assert response.status_code == 200, response.content[:500]
        body = response.json()
        bounds = {
            "start": date_start(start),
            "stop": date_start(today + timedelta(days=1)),
            **params,
        }
        sql = FULL_SCAN_SQL.format(where=where)

        def scan(sql=sql, bounds=bounds):
            with connection.cursor() as cursor:
                cursor.execute(sql, bounds)
                return dict(zip([c.name for c in cursor.description], cursor.fetchone(), strict=True))

        scan()
        scan_times, scanned = timed(scan, runs)
        c = body["counters"]
        say(f"\n  {label}")
        say(f"    API  GET /api/v1/stats/overview/   {summary(api_times)}")
        say(f"    full scan of procedures_dossier   {summary(scan_times)}")
        say(
            "    counters (API | scan): "
            f"received {c['received']:,} | {scanned['received']:,}; "
            f"carried over {c['carried_over']:,} | {scanned['carried_over']:,}; "
            f"processed {c['processed']['total']:,} | {scanned['processed']:,}; "
            f"processed late {c['processed']['late']:,} | {scanned['processed_late']:,}; "
            f"in progress {c['in_progress']['total']:,} | {scanned['in_progress']:,}; "
            f"late in progress {c['in_progress']['late']:,} | {scanned['in_progress_late']:,}; "
            f"online {c['received_online']:,} | {scanned['online']:,}"
        )
        for key, scanned_key in (("received", "received"), ("carried_over", "carried_over")):
            if c[key] != scanned[scanned_key]:
                say(f"    !! {key} differs")
        if c["processed"]["total"] != scanned["processed"] or c["in_progress"]["total"] != scanned["in_progress"]:
            say("    !! processed / in progress differ")

    # Informational: the heavier breakdowns the IOC page also asks for.
    for label, query in (
        ("province by agency (ranking)", {"group_by": "agency"}),
        ("province by month", {"group_by": "month"}),
    ):
        params = {"from": start.isoformat(), "to": today.isoformat(), **query}
        times, response = timed(lambda p=params: client.get("/api/v1/stats/overview/", p), max(10, runs // 5))
        assert response.status_code == 200
        say(f"\n  {label:32s} {summary(times)}")


def date_start(day: date):
    from datetime import datetime

    from procedures.services.calendar import portal_tz

    return datetime.combine(day, datetime.min.time(), tzinfo=portal_tz())


def hook_cost(samples: int = 200) -> None:
    """Write-side cost: a workflow action's statistics hook, measured on real open dossiers (rolled back)."""
    from django.db import transaction

    from dashboard.services import stats_record_event
    from procedures.models import Dossier, DossierEvent

    open_ids = list(Dossier.objects.filter(status="processing").values_list("pk", flat=True)[:samples])
    times = []
    for dossier_id in open_ids:
        with transaction.atomic():
            dossier = Dossier.objects.select_related("procedure").select_for_update(of=("self",)).get(pk=dossier_id)
            event = DossierEvent.objects.create(
                dossier=dossier, action="complete", from_status="processing", to_status="completed",
                payload={"outcome": "approved"}, at=dossier.accepted_at + timedelta(days=3),
            )  # fmt: skip
            started = time.perf_counter()
            stats_record_event(event=event, dossier=dossier)
            times.append((time.perf_counter() - started) * 1000)
            transaction.set_rollback(True)
    if times:
        say(f"\n  hook stats_record_event (complete) {summary(times)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--reseed", action="store_true", help="drop and recreate the bench database first")
    parser.add_argument("--skip-rebuild", action="store_true", help="keep the summary tables already built")
    args = parser.parse_args()

    url = os.environ["DATABASE_URL"]
    ensure_database(url, reseed=args.reseed)
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    from dashboard.models import DailyStat, DossierStat
    from procedures.models import Dossier, DossierEvent

    version = connection.cursor().connection.info.server_version
    say(f"PostgreSQL {version} · database {connection.settings_dict['NAME']}")
    call_command("migrate", verbosity=0)
    existing = Dossier.objects.count()
    if existing == 0:
        say(f"Seeding {args.dossiers:,} dossiers ...")
        started = time.monotonic()
        seed_catalogue()
        seed_dossiers(args.dossiers)
        say(f"Seeded in {time.monotonic() - started:.1f} s.")
    elif existing != args.dossiers:
        say(f"The database holds {existing:,} dossiers, not {args.dossiers:,}: use --reseed.")
    else:
        say(f"Reusing {existing:,} seeded dossiers (--reseed to start again).")
    say(f"  {Dossier.objects.count():,} dossiers, {DossierEvent.objects.count():,} events")

    if not args.skip_rebuild or not DailyStat.objects.exists():
        started = time.monotonic()
        call_command("rebuild_stats", verbosity=1)
        say(f"rebuild_stats: {time.monotonic() - started:.1f} s")
        with connection.cursor() as cursor:
            # What autovacuum does to a table in steady state: lets the live split be an index-only scan.
            for table in ("dashboard_dossierstat", "dashboard_dailystat", "dashboard_monthlystat"):
                cursor.execute(f"VACUUM (ANALYZE) {table}")
    say(f"  {DailyStat.objects.count():,} DailyStat rows, {DossierStat.objects.count():,} DossierStat rows")
    measure(args.runs)
    hook_cost()


if __name__ == "__main__":
    main()
