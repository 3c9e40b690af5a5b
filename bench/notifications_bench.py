"""Benchmark: N notifications through the outbox and real Celery workers (PostgreSQL + Redis).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_notif REDIS_URL=redis://127.0.0.1:6379/7 \\
        nice -n 10 .venv/bin/python bench/notifications_bench.py [--count 10000] [--concurrency 2]
    ... --scenario 2      one scenario: 1 or 2 workers, "k" for one SIGKILLed half-way (1, 2, 1k, 2k)

What it does: creates the database if needed and migrates it, flushes the Redis database (it must not be db 0), and
runs four scenarios: 1 worker, 2 workers, 1 worker SIGKILLed half-way and replaced, 2 workers with one SIGKILLed
half-way and replaced. Each stores N e-mail notifications in the outbox (as events would), publishes their
deliveries (as the on-commit hook would: batches of NOTIFICATION_BATCH_SIZE per task) and lets real worker processes
(`celery worker -Q notifications`, prefork) deliver them through the real batch task and e-mail channel. The e-mail
backend is an in-process one that appends each message's Message-ID (one per notification, hence per unique key) to
a shared log file, so the figures measure the pipeline, not an SMTP server. After a kill, the outbox sweeper (run
here as beat would, every 2 s, with a 10 s stuck-after) recovers what the dead worker held.

Printed per scenario: throughput (messages/s from the first publish to the last delivery, in all and per worker;
with a kill it includes the wait for the stuck-after), duplicates (notifications whose Message-ID appears more than
once in the sent log), lost (rows not delivered at the end) and attempts. Not a timed test: run it by hand.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

BASE_DIR = Path(__file__).resolve().parent.parent
if str(BASE_DIR) not in sys.path:
    sys.path.insert(0, str(BASE_DIR))

SENT_LOG_ENV = "NOTIF_BENCH_SENT_LOG"
BACKEND = "bench.notifications_bench.SentLogBackend"


class SentLogBackend:
    """A Django e-mail backend that "sends" by appending the message's Message-ID to a log shared by every worker
    process (O_APPEND writes of one short line are atomic, so concurrent processes never interleave lines). With
    NOTIF_BENCH_RENDER=1 it first renders each message to the MIME bytes an SMTP backend would write."""

    def __init__(self, fail_silently: bool = False, **kwargs):
        self.path = os.environ[SENT_LOG_ENV]
        self.render = os.environ.get("NOTIF_BENCH_RENDER") == "1"

    def open(self):
        return True

    def close(self):
        return None

    def send_messages(self, messages) -> int:
        for message in messages if self.render else ():
            message.message().as_bytes()
        lines = "".join(f"{message.extra_headers.get('Message-ID', '')}\n" for message in messages)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, lines.encode())
        finally:
            os.close(fd)
        return len(messages)


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()


def run_worker(name: str, concurrency: int) -> None:
    """The worker subprocess: the portal's Celery app with the sent-log e-mail backend."""
    _setup_django()
    from django.conf import settings

    from portal.celery import app

    settings.EMAIL_BACKEND = BACKEND
    app.worker_main(
        [
            "worker",
            "-Q",
            "notifications",
            "--pool=prefork",
            f"--concurrency={concurrency}",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"{name}@%h",
        ]
    )


def _ensure_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


class Workers:
    def __init__(self, sent_log: Path, log_dir: Path, concurrency: int, stuck_after: int):
        self.sent_log, self.log_dir, self.concurrency = sent_log, log_dir, concurrency
        self.stuck_after = stuck_after
        self.processes: list[subprocess.Popen] = []

    def start(self, index: int) -> subprocess.Popen:
        env = {**os.environ, SENT_LOG_ENV: str(self.sent_log), "CELERY_TASK_ALWAYS_EAGER": "0"}
        env["NOTIFICATION_STUCK_AFTER_SECONDS"] = str(self.stuck_after)
        log = open(self.log_dir / f"worker-{index}.log", "ab")  # noqa: SIM115 - closed with the process
        command = [sys.executable, __file__, "--worker", f"bench{index}", "--concurrency", str(self.concurrency)]
        process = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
        self.processes.append(process)
        return process

    def kill(self, process: subprocess.Popen) -> None:
        process.send_signal(signal.SIGKILL)
        # Prefork children of a SIGKILLed parent exit on their own once it is gone; give them a moment.
        process.wait(timeout=10)

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


SCENARIOS = {"1": (1, False), "2": (2, False), "1k": (1, True), "2k": (2, True)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=2, help="pool processes per worker")
    parser.add_argument("--recipients", type=int, default=200)
    parser.add_argument("--scenario", action="append", choices=sorted(SCENARIOS), help="default: all four")
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--render", action="store_true", help="render each e-mail's MIME bytes, as SMTP would")
    parser.add_argument("--worker", metavar="NAME", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        run_worker(args.worker, args.concurrency)
        return 0

    database_url, redis_url = os.environ.get("DATABASE_URL", ""), os.environ.get("REDIS_URL", "")
    if not database_url.startswith("postgres") or not redis_url.startswith("redis"):
        print("Set DATABASE_URL=postgres://... and REDIS_URL=redis://.../<db> (a Redis database of its own).")
        return 2
    if urlparse(redis_url).path.strip("/") in ("", "0"):
        print("REDIS_URL must name a Redis database other than 0: the benchmark flushes it.")
        return 2
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "0"
    if args.render:
        os.environ["NOTIF_BENCH_RENDER"] = "1"
    _ensure_database(database_url)
    _setup_django()

    from django.core.management import call_command

    from citizens.models import User

    call_command("migrate", verbosity=0, interactive=False)
    recipients = []
    for index in range(args.recipients):
        user, _ = User.objects.get_or_create(
            email=f"bench-{index}@example.org", defaults={"full_name": f"Người nhận {index}"}
        )
        recipients.append(user)

    results = []
    for name in args.scenario or list(SCENARIOS):
        workers, kill = SCENARIOS[name]
        results.append(run_scenario(args, redis_url, recipients, workers=workers, kill=kill))

    print()
    loads = f"{results[0]['load_before']} / {results[-1]['load_after']}"
    print(f"load average before the first / after the last scenario: {loads} ({os.cpu_count()} CPUs)")
    print("| workers | SIGKILL half-way | delivered | s | msg/s | msg/s per worker | worker CPU per msg | dup | lost |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        cpu = f"{1000 * r['cpu'] / r['delivered']:.2f} ms" if r["cpu"] else "—"
        print(
            f"| {r['workers']} | {'yes' if r['kill'] else 'no'} | {r['delivered']} | {r['elapsed']:.1f} | "
            f"{r['rate']:.0f} | {r['rate'] / r['workers']:.0f} | {cpu} | {r['duplicates']} | {r['lost']} |"
        )
    failed = any(r["duplicates"] or r["lost"] for r in results)
    return 1 if failed else 0


def _tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process and its descendants (the prefork pool), from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    total, pending = 0.0, [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(child) for child in (task / "children").read_text().split()]
        except (OSError, ValueError, IndexError):
            continue  # gone meanwhile
    return total


def _workers_cpu(pool) -> float:
    return sum(_tree_cpu(process.pid) for process in pool.processes if process.poll() is None)


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def _wait_ready(workers: int, timeout: float = 60) -> None:
    from portal.celery import app

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        replies = app.control.ping(timeout=0.5) or []
        if len(replies) >= workers:
            return
        time.sleep(0.5)
    raise SystemExit(f"only some of the {workers} workers answered within {timeout:.0f} s")


def run_scenario(args, redis_url: str, recipients: list, *, workers: int, kill: bool) -> dict:
    import redis
    from django.conf import settings
    from django.db import transaction
    from django.utils import timezone

    from notifications.models import Channel, DeliveryAttempt, Kind, Notification, Status
    from notifications.services import publish_deliveries
    from notifications.tasks.delivery import sweep_outbox

    redis.Redis.from_url(redis_url).flushdb()
    Notification.objects.filter(key__startswith="bench:").delete()
    work = Path(tempfile.mkdtemp(prefix="notif-bench-"))
    sent_log = work / "sent.log"
    sent_log.touch()
    run = timezone.now().strftime("%Y%m%d%H%M%S")
    body = "Hồ sơ của Ông/Bà đã được tiếp nhận. Ngày hẹn trả kết quả: 09/03/2026.\n\n" * 3
    html = "<html><body>" + "<p>Hồ sơ của Ông/Bà đã được tiếp nhận.</p>" * 3 + "</body></html>"
    label = f"{workers} worker{'s' if workers > 1 else ''}" + (", one SIGKILLed half-way" if kill else "")
    print(f"\n== {label}: {args.count} notifications, prefork {args.concurrency} per worker")
    load_before = _load()

    # A short stuck-after (workers and this process's sweeper) so a kill is recovered in seconds, not 5 minutes; still
    # well above a batch's time, so a live batch is never taken for a dead one.
    stuck_after = 10 if kill else 300
    settings.NOTIFICATION_STUCK_AFTER_SECONDS = stuck_after
    pool = Workers(sent_log, work, args.concurrency, stuck_after=stuck_after)
    killed_at = recovered = None
    cpu = None
    try:
        for index in range(workers):
            pool.start(index)
        _wait_ready(workers)

        created = time.monotonic()
        with transaction.atomic():
            rows = Notification.objects.bulk_create(
                [
                    Notification(
                        key=f"bench:{run}:{index}",
                        recipient=recipients[index % len(recipients)],
                        channel=Channel.EMAIL,
                        kind=Kind.ACCEPTED,
                        address=recipients[index % len(recipients)].email,
                        subject=f"Hồ sơ BENCH-{index:05d} đã được tiếp nhận",
                        body_text=body,
                        body_html=html,
                    )
                    for index in range(args.count)
                ],
                batch_size=1000,
            )
        ids = [row.pk for row in rows]
        stored = time.monotonic() - created

        cpu_before = _workers_cpu(pool)
        started = time.monotonic()
        published = publish_deliveries(ids)
        publishing = time.monotonic() - started
        mine = Notification.objects.filter(key__startswith=f"bench:{run}:")
        last_sweep = time.monotonic()
        delivered = 0
        while time.monotonic() - started < args.timeout:
            delivered = mine.filter(status=Status.DELIVERED).count()
            if delivered >= args.count:
                break
            if kill and killed_at is None and delivered >= args.count // 2:
                pool.kill(pool.processes[0])
                killed_at = time.monotonic()
                print(f"killed worker 0 (SIGKILL) at {delivered} delivered; starting a replacement")
                pool.start(workers)
            if kill and time.monotonic() - last_sweep > 2:  # beat's sweeper, every 2 s here
                sweep_outbox()
                last_sweep = time.monotonic()
            time.sleep(0.1)
        elapsed = time.monotonic() - started
        if not kill:
            cpu = _workers_cpu(pool) - cpu_before
        if killed_at is not None:
            recovered = elapsed - (killed_at - started)
    finally:
        pool.stop()
    load_after = _load()

    # The Message-ID is fixed per notification (<notification.{id}@domain>), so it names the row and its unique key.
    lines = [line for line in sent_log.read_text().splitlines() if line]
    per_message = Counter(lines)
    duplicates = sum(1 for count in per_message.values() if count > 1)
    statuses = Counter(mine.values_list("status", flat=True))
    done = statuses.get(Status.DELIVERED, 0)
    lost = args.count - done
    never_sent = args.count - len(per_message)
    attempts = Counter(mine.values_list("attempts", flat=True))
    outcomes = Counter(DeliveryAttempt.objects.filter(notification__in=mine).values_list("outcome", flat=True))
    rate = done / elapsed if elapsed else 0.0

    print(f"stored in outbox       {stored:.2f} s (bulk insert)")
    print(f"published              {published} in {publishing:.2f} s")
    after_kill = f" ({recovered:.1f} s after the kill)" if recovered is not None else ""
    print(f"delivered              {done} in {elapsed:.2f} s{after_kill}")
    print(f"throughput             {rate:.0f} messages/s, {rate / workers:.0f} per worker")
    if cpu:
        print(
            f"worker CPU             {cpu:.1f} s in all, {1000 * cpu / done:.2f} ms a message ({done / cpu:.0f}/CPU-s)"
        )
    print(f"sent log lines         {len(lines)} ({len(per_message)} distinct Message-IDs)")
    print(f"duplicates             {duplicates}")
    print(f"lost                   {lost} (never sent: {never_sent})")
    print(f"statuses               {dict(statuses)}")
    print(f"attempts per row       {dict(sorted(attempts.items()))}; attempt outcomes {dict(outcomes)}")
    print(f"load average           {load_before} -> {load_after}")
    print(f"work dir               {work}")
    return {
        "workers": workers,
        "kill": kill,
        "delivered": done,
        "elapsed": elapsed,
        "rate": rate,
        "duplicates": duplicates,
        "lost": lost,
        "load_before": load_before,
        "load_after": load_after,
        "cpu": cpu,
    }


if __name__ == "__main__":
    sys.exit(main())
