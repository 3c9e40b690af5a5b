"""The API at a million dossiers, through the real HTTP stack, measured against a bare Django + DRF floor.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench nice -n 10 .venv/bin/python bench/api_bench.py
        [--dossiers 1000000] [--duration 15] [--connections 8] [--threads 2] [--workers 2] [--reseed]
        [--redis-url redis://127.0.0.1:6379/3]

1. Seeds (or reuses) the database of bench/dashboard_bench.py (its name must contain "bench"; the same set-based
   seeding: 30 agencies, 2,000 applicants, N dossiers with their events), migrates it, and VACUUM ANALYZEs the
   dossier table after a fresh seed (what autovacuum does in steady state).
2. Gives a staff member (bench.officer@example.org, reception) the agency holding the most dossiers, takes one seeded
   applicant (bench.citizen00001@example.org, ~500 dossiers of their own), imports a birth-registration procedure at
   that agency (the demo catalogue's form; its documents made optional, since wrk does not upload files).
3. Starts gunicorn with the portal (DEBUG off, Redis as cache and broker, persistent connections) and gunicorn with
   the floor app of bench/floor/ (one JSON model: create one row, list 50 rows) on the same PostgreSQL server, both
   with `--workers N` sync workers on 127.0.0.1, logs in through allauth headless, and drives each endpoint with wrk
   (`bench/wrk_report.lua` adds p95 and counts non-2xx answers).
4. Prints, per endpoint: requests/s, its ratio to the floor (create for writes, list for reads), p50 and p95 latency,
   queries per request (counted in-process with Django's test client on the same database), and the targets of
   issue 15. The floor runs before and after the portal's endpoints; their mean is the reference.

Celery tasks queued by submissions go to the given Redis database, which is flushed at the end.
Not a test: it prints figures (see bench/README.md). Needs `wrk` (Debian: apt-get install wrk).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from copy import deepcopy
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))
PASSWORD = "bench-Portal-2026"
SECRET_KEY = "api-bench-only-" + "k" * 48
PROCEDURE_CODE = "BENCH.001193"
PORTAL_PORT, FLOOR_PORT = 8701, 8702
FLOOR_ROWS = 10_000


def say(message: str = "") -> None:
    print(message, flush=True)


def configure_environment(args) -> dict:
    """The production shape for both the bench process and gunicorn: the same SECRET_KEY, so sessions made here are
    valid there."""
    env = {
        "SECRET_KEY": SECRET_KEY,
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",  # TLS ends at the proxy in production; here plain HTTP on 127.0.0.1
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "REDIS_URL": args.redis_url,
        "TRACKING_THROTTLE": "100000000/min",  # throttled per client address: wrk is one address
        "DB_CONN_MAX_AGE": "60",
        "LOG_LEVEL": "WARNING",
        "ACCOUNT_EMAIL_VERIFICATION": "mandatory",
    }
    os.environ.update(env)
    return env


# --- preparing the data -------------------------------------------------------------------------------------------


def prepare_portal(args) -> dict:
    import dashboard_bench as seedlib

    url = os.environ["DATABASE_URL"]
    seedlib.ensure_database(url, reseed=args.reseed)
    seedlib.setup_django()
    from django.core.management import call_command
    from django.db import connection

    from procedures.models import Dossier

    version = connection.cursor().connection.info.server_version
    say(f"PostgreSQL {version} · database {connection.settings_dict['NAME']}")
    call_command("migrate", verbosity=0)
    if not Dossier.objects.exists():
        say(f"Seeding {args.dossiers:,} dossiers with bench/dashboard_bench.py's seeding ...")
        started = time.monotonic()
        seedlib.seed_catalogue()
        seedlib.seed_dossiers(args.dossiers)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) procedures_dossier")
            cursor.execute("VACUUM (ANALYZE) procedures_dossierevent")
        say(f"Seeded in {time.monotonic() - started:.0f} s.")
    else:
        say("Reusing the seeded dossiers (--reseed to start again).")
    return setup_actors()


def setup_actors() -> dict:
    from allauth.account.models import EmailAddress
    from django.db import connection

    from citizens.models import StaffMembership, User
    from citizens.roles import Role
    from procedures.demo.catalogue import PROCEDURES
    from procedures.models import Agency, Department, Dossier
    from procedures.services.catalogue import procedure_import

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT agency_id FROM procedures_dossier WHERE status <> 'draft' GROUP BY agency_id "
            "ORDER BY count(*) DESC LIMIT 1"
        )
        agency = Agency.objects.get(pk=cursor.fetchone()[0])
    officer, _ = User.objects.get_or_create(
        email="bench.officer@example.org", defaults={"full_name": "Cán bộ một cửa (bench)", "is_staff": True}
    )
    applicant = User.objects.get(email="bench.citizen00001@example.org")
    for user in (officer, applicant):
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    one_stop = Department.objects.get(agency=agency, code="one-stop")
    StaffMembership.objects.update_or_create(
        user=officer, agency=agency, role=Role.RECEPTION, defaults={"department": one_stop, "is_active": True}
    )
    StaffMembership.objects.filter(user=officer).exclude(agency=agency).delete()

    birth = deepcopy(next(p for p in PROCEDURES if p["code"] == "1.001193"))
    birth["code"], birth["name"] = PROCEDURE_CODE, birth["name"] + " (bench)"
    version = birth["version"]
    for document in version["documents"]:
        document["required"] = False
    departments = {"reception": "one-stop", "specialist": "expert", "leader": "leadership"}
    for step in version["steps"]:
        step["department"] = departments[step["role"]]
    version.pop("routing_rules", None)
    procedure = procedure_import(template=birth, agency=agency)

    from procedures.demo.history import sample_data

    data = sample_data(procedure.current_version.form_fields, random.Random(15))
    filed = Dossier.objects.filter(agency=agency).exclude(status="draft")
    return {
        "agency": agency,
        "officer": officer,
        "applicant": applicant,
        "procedure": procedure,
        "data": data,
        "agency_dossiers": filed.count(),
        "applicant_dossiers": Dossier.objects.filter(applicant=applicant).count(),
        "dossier_ids": [str(pk) for pk in filed.order_by("?").values_list("pk", flat=True)[:2000]],
        "codes": list(filed.exclude(code=None).order_by("?").values_list("code", flat=True)[:2000]),
    }


def top_up_drafts(world: dict, wanted: int) -> list[str]:
    """Unsubmitted drafts of the bench procedure for the submit run (the create run made some already)."""
    from procedures.models import Dossier
    from procedures.services.dossiers import dossier_create

    drafts = Dossier.objects.filter(applicant=world["applicant"], procedure=world["procedure"], status="draft")
    missing = wanted - drafts.count()
    for _ in range(max(0, missing)):
        dossier_create(applicant=world["applicant"], procedure_code=PROCEDURE_CODE, data=world["data"])
    return [str(pk) for pk in drafts.values_list("pk", flat=True)[:wanted]]


def prepare_floor(portal_url: str) -> str:
    import psycopg

    parsed = urlparse(portal_url)
    floor_url = parsed._replace(path="/bench_floor").geturl()
    with psycopg.connect(parsed._replace(path="/postgres").geturl(), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = 'bench_floor'").fetchone():
            conn.execute('CREATE DATABASE "bench_floor"')
    env = {**os.environ, "FLOOR_DATABASE_URL": floor_url, "DJANGO_SETTINGS_MODULE": "floor.settings"}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--verbosity", "0"], cwd=BENCH / "floor", env=env, check=True
    )
    with psycopg.connect(floor_url, autocommit=True) as conn:
        have = conn.execute("SELECT count(*) FROM floor_item").fetchone()[0]
        if have < FLOOR_ROWS:
            conn.execute(
                """INSERT INTO floor_item (data, created_at)
                   SELECT jsonb_build_object('code', 'F-' || g, 'status', 'processing', 'title', repeat('x', 120),
                                             'due_at', now() + g * interval '1 hour', 'n', g), now()
                   FROM generate_series(1, %s) g""",
                [FLOOR_ROWS - have],
            )
        conn.execute("VACUUM (ANALYZE) floor_item")
    return floor_url


# --- servers and clients ------------------------------------------------------------------------------------------


class Server:
    def __init__(self, name: str, app: str, cwd: Path, port: int, env: dict, workers: int):
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        command = [gunicorn, app, "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--timeout", "60"]
        command += ["--log-level", "warning"]
        self.name, self.port = name, port
        self.log = tempfile.NamedTemporaryFile(prefix=f"api-bench-{name}-", suffix=".log", delete=False)
        self.process = subprocess.Popen(command, cwd=cwd, env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def wait(self, path: str) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{self.name} exited; see {self.log.name}")
            try:
                with urllib.request.urlopen(self.url(path), timeout=5) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.5)
        raise SystemExit(f"{self.name} did not answer {path} within 60 s; see {self.log.name}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def http(method: str, url: str, *, token: str | None = None, body: dict | None = None) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("X-Session-Token", token)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def login(server: Server, email: str) -> str:
    status, body = http("POST", server.url("/_allauth/app/v1/auth/login"), body={"email": email, "password": PASSWORD})
    if status != 200:
        raise SystemExit(f"login of {email} failed: {status} {body}")
    return body["meta"]["session_token"]


def path_of(url: str) -> str:
    parsed = urlparse(url)
    return parsed.path + ("?" + parsed.query if parsed.query else "")


def page_cursor(server: Server, token: str, first: str, page: int) -> str:
    """The path of page `page`, reached the way a client does: following `next` links from the first page."""
    path = first
    for number in range(1, page):
        status, body = http("GET", server.url(path), token=token)
        if status != 200 or not body.get("next"):
            raise SystemExit(f"page {number} of {first}: {status}, no next link")
        path = path_of(body["next"])
    return path


def wrk(url: str, *, args, method: str = "GET", body: str | None = None, token: str | None = None,
        paths: list[str] | None = None, duration: int | None = None) -> dict:  # fmt: skip
    env = {**os.environ, "WRK_METHOD": method, "WRK_THREADS": str(args.threads)}
    for key in ("WRK_BODY", "WRK_TOKEN", "WRK_PATHS"):
        env.pop(key, None)
    if body is not None:
        env["WRK_BODY"] = body
    if token:
        env["WRK_TOKEN"] = token
    paths_file = None
    if paths:
        paths_file = tempfile.NamedTemporaryFile("w", suffix=".paths", delete=False)
        paths_file.write("\n".join(paths) + "\n")
        paths_file.close()
        env["WRK_PATHS"] = paths_file.name
    command = ["wrk", "-t", str(args.threads), "-c", str(args.connections), "-d", f"{duration or args.duration}s"]
    command += ["--timeout", "30s", "-s", str(BENCH / "wrk_report.lua"), url]
    output = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    if paths_file:
        os.unlink(paths_file.name)
    line = next(line for line in output.splitlines() if line.startswith("WRK_JSON "))
    figures = json.loads(line.removeprefix("WRK_JSON "))
    figures["rps"] = figures["requests"] / (figures["duration_us"] / 1e6)
    return figures


# --- queries per request ------------------------------------------------------------------------------------------


def portal_queries(requests: dict[str, tuple[str, str, str | None, dict | None]]) -> dict[str, int]:
    """In-process, the same views on the same database: len(captured queries) of one request each."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for label, (method, path, token, body) in requests.items():
        client = Client(HTTP_X_SESSION_TOKEN=token) if token else Client()
        with CaptureQueriesContext(connection) as ctx:
            if method == "POST":
                response = client.post(path, body or {}, content_type="application/json")
            else:
                response = client.get(path)
        if response.status_code >= 400:
            raise SystemExit(f"{label}: {method} {path} answered {response.status_code}: {response.content[:300]}")
        counts[label] = len(ctx.captured_queries)
    return counts


def floor_queries(floor_url: str) -> dict[str, int]:
    env = {**os.environ, "FLOOR_DATABASE_URL": floor_url, "DJANGO_SETTINGS_MODULE": "floor.settings"}
    output = subprocess.run(
        [sys.executable, "-m", "floor.querycount"], cwd=BENCH / "floor", env=env, capture_output=True, text=True
    )
    if output.returncode:
        raise SystemExit(output.stderr)
    return json.loads(output.stdout.strip().splitlines()[-1])


# --- the run ------------------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--duration", type=int, default=15, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers, for both apps")
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3"))
    parser.add_argument("--reseed", action="store_true")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")

    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench")
    env = configure_environment(args)
    world = prepare_portal(args)
    floor_url = prepare_floor(os.environ["DATABASE_URL"])
    agency = world["agency"]
    say(
        f"Agency {agency.identity_code}: {world['agency_dossiers']:,} filed dossiers; applicant "
        f"{world['applicant'].email}: {world['applicant_dossiers']:,} dossiers."
    )

    portal_env = {**os.environ, **env}
    floor_env = {
        **os.environ,
        "FLOOR_DATABASE_URL": floor_url,
        "DB_CONN_MAX_AGE": "60",
        "DJANGO_SETTINGS_MODULE": "floor.settings",
    }
    portal = Server("portal", "portal.wsgi:application", ROOT, PORTAL_PORT, portal_env, args.workers)
    floor = Server("floor", "floor.wsgi:application", BENCH / "floor", FLOOR_PORT, floor_env, args.workers)
    results: dict[str, dict] = {}
    try:
        portal.wait("/api/v1/units/")
        floor.wait("/items/")
        officer = login(portal, world["officer"].email)
        applicant = login(portal, world["applicant"].email)
        list_path = "/api/v1/dossiers/?page_size=50"
        page200 = page_cursor(portal, officer, list_path, 200)
        create_body = json.dumps({"procedure": PROCEDURE_CODE, "data": world["data"]})
        floor_body = json.dumps({"data": {"title": "x" * 120, "status": "draft", "n": 1}})
        detail_paths = [f"/api/v1/dossiers/{pk}/" for pk in world["dossier_ids"]]
        track_paths = [f"/api/v1/track/{code}/" for code in world["codes"]]

        # Warm both apps (imports, connections, caches) before measuring.
        for path, token in ((list_path, officer), (page200, officer), (list_path, applicant),
                            (detail_paths[0], officer), (track_paths[0], None)):  # fmt: skip
            for _ in range(5):
                http("GET", portal.url(path), token=token)
        wrk(floor.url("/items/"), args=args, duration=3)
        wrk(portal.url(list_path), args=args, token=officer, duration=3)

        load_before = os.getloadavg()
        say(f"\nLoad average before the runs: {' / '.join(f'{x:.2f}' for x in load_before)} ({os.cpu_count()} CPUs)")
        say(f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s; gunicorn --workers {args.workers} (sync)\n")

        def run(label: str, url: str, **kwargs) -> None:
            figures = wrk(url, args=args, **kwargs)
            results.setdefault(label, []).append(figures)
            say(
                f"  {label:34s} {figures['rps']:8.1f} req/s  p50 {figures['p50_us'] / 1000:7.1f} ms  "
                f"p95 {figures['p95_us'] / 1000:7.1f} ms  non-2xx {figures['non_2xx']}"
            )

        run("floor: create one row", floor.url("/items/"), method="POST", body=floor_body)
        run("floor: list 50 rows", floor.url("/items/"))
        run("create draft", portal.url("/api/v1/dossiers/"), method="POST", body=create_body, token=applicant)
        drafts = top_up_drafts(world, wanted=max(3000, int(results["create draft"][0]["rps"] * args.duration * 4)))
        submit_paths = [f"/api/v1/dossiers/{pk}/submit/" for pk in drafts[1:]]
        run("submit", portal.url("/"), method="POST", body="{}", token=applicant, paths=submit_paths)
        run("officer queue, page 1", portal.url(list_path), token=officer)
        run("officer queue, page 200 (cursor)", portal.url(page200), token=officer)
        run("dossier page (API detail)", portal.url("/"), token=officer, paths=detail_paths)
        run("applicant's list", portal.url(list_path), token=applicant)
        run("public tracking", portal.url("/"), paths=track_paths)
        run("floor: create one row", floor.url("/items/"), method="POST", body=floor_body)
        run("floor: list 50 rows", floor.url("/items/"))
        load_after = os.getloadavg()

        queries = portal_queries(
            {
                "create draft": ("POST", "/api/v1/dossiers/", applicant, json.loads(create_body)),
                "submit": ("POST", f"/api/v1/dossiers/{drafts[0]}/submit/", applicant, {}),
                "officer queue, page 1": ("GET", list_path, officer, None),
                "officer queue, page 200 (cursor)": ("GET", page200, officer, None),
                "dossier page (API detail)": ("GET", detail_paths[0], officer, None),
                "applicant's list": ("GET", list_path, applicant, None),
                "public tracking": ("GET", track_paths[0], None, None),
            }
        )
        queries.update({f"floor: {k}": v for k, v in floor_queries(floor_url).items()})
    finally:
        portal.stop()
        floor.stop()
        try:
            import redis

            redis.Redis.from_url(args.redis_url).flushdb()  # the Celery tasks the submissions queued
        except Exception as error:  # the figures are printed anyway
            say(f"(could not flush {args.redis_url}: {error})")
    report(results, queries, load_before, load_after, args, world)


TARGETS = {
    # label: (reference, minimum ratio)
    "submit": ("create", 0.5),
    "officer queue, page 1": ("list", 0.7),
    "officer queue, page 200 (cursor)": ("list", 0.7),
    "public tracking": ("list", 0.9),
}


def report(results: dict, queries: dict, load_before, load_after, args, world) -> None:
    def mean_rps(label: str) -> float:
        return statistics.mean(r["rps"] for r in results[label])

    floor = {"create": mean_rps("floor: create one row"), "list": mean_rps("floor: list 50 rows")}
    say(f"\nFloor (mean of the runs before and after): create {floor['create']:.1f} req/s, list {floor['list']:.1f}")
    say(f"Load average after: {' / '.join(f'{x:.2f}' for x in load_after)}")
    say(f"uptime: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}\n")
    say("| request | req/s | ratio to floor | target | p50 | p95 | queries/request |")
    say("|---|---|---|---|---|---|---|")
    rows = {}
    for label, runs in results.items():
        figures = runs[-1]
        if label.startswith("floor"):
            reference, ratio, target = None, None, ""
        else:
            reference = "create" if label in ("create draft", "submit") else "list"
            ratio = figures["rps"] / floor[reference]
            minimum = TARGETS.get(label, (None, None))[1]
            target = f"≥ {minimum} {'✓' if ratio >= minimum else '✗'}" if minimum else ""
        rows[label] = ratio
        ratio_text = f"{ratio:.2f} × {reference}" if ratio is not None else "1"
        mean_runs = " / ".join(f"{r['rps']:.0f}" for r in runs)
        say(
            f"| {label} | {mean_runs} | {ratio_text} | {target} | {figures['p50_us'] / 1000:.1f} ms | "
            f"{figures['p95_us'] / 1000:.1f} ms | {queries.get(label, '')} |"
        )
    first, deep = (results[k][-1]["rps"] for k in ("officer queue, page 1", "officer queue, page 200 (cursor)"))
    spread = abs(first - deep) / max(first, deep)
    say(f"\nPage 1 vs page 200: {spread * 100:.1f} % apart (target within 10 %: {'✓' if spread <= 0.10 else '✗'}).")
    errors = {label: sum(r["non_2xx"] + r["socket_errors"] for r in runs) for label, runs in results.items()}
    if any(errors.values()):
        say(f"Non-2xx or socket errors: { {k: v for k, v in errors.items() if v} }")
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "api_bench.json").write_text(
        json.dumps(
            {
                "results": results,
                "queries": queries,
                "floor": floor,
                "load_before": load_before,
                "load_after": load_after,
                "args": vars(args),
                "agency_dossiers": world["agency_dossiers"],
                "applicant_dossiers": world["applicant_dossiers"],
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
