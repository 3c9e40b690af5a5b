"""Benchmark: N notifications through the outbox and real Celery workers (PostgreSQL + Redis).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_notif REDIS_URL=redis://127.0.0.1:6379/7 \\
        .venv/bin/python bench/notifications_bench.py [--count 10000] [--workers 2] [--concurrency 2] [--kill]

What it does: creates the database if needed and migrates it, flushes the Redis database (it must not be db 0),
stores N e-mail notifications in the outbox (as events would), publishes their deliveries (as the on-commit hook
would), and lets real worker processes (`celery worker -Q notifications`, prefork) deliver them through the real
delivery task and e-mail channel. The e-mail backend is an in-process one that appends each message's Message-ID
(one per notification, hence per unique key) to a shared log file, so the figures measure the pipeline, not an SMTP
server. With --kill one worker is SIGKILLed half-way and replaced; the outbox sweeper (run here as beat would, with
a short stuck-after) recovers what it held.

Printed: throughput (messages/s from the first publish to the last delivery), duplicates (notifications whose
Message-ID appears more than once in the sent log), lost (rows not delivered at the end), and attempt counts.
Not a timed test: run it by hand and read the figures.
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
    """A Django e-mail backend that "sends" by appending the Message-ID to a log shared by every worker process.
    O_APPEND writes of one short line are atomic, so concurrent processes never interleave lines."""

    def __init__(self, fail_silently: bool = False, **kwargs):
        self.path = os.environ[SENT_LOG_ENV]

    def open(self):
        return True

    def close(self):
        return None

    def send_messages(self, messages) -> int:
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2, help="worker processes (each prefork)")
    parser.add_argument("--concurrency", type=int, default=2, help="pool processes per worker")
    parser.add_argument("--recipients", type=int, default=200)
    parser.add_argument("--kill", action="store_true", help="SIGKILL one worker half-way and replace it")
    parser.add_argument("--timeout", type=float, default=900)
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
    _ensure_database(database_url)
    _setup_django()

    import redis
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from citizens.models import User
    from notifications.models import Channel, DeliveryAttempt, Kind, Notification, Status
    from notifications.services import publish_deliveries
    from notifications.tasks.delivery import sweep_outbox

    call_command("migrate", verbosity=0, interactive=False)
    redis.Redis.from_url(redis_url).flushdb()
    Notification.objects.filter(key__startswith="bench:").delete()

    recipients = []
    for index in range(args.recipients):
        user, _ = User.objects.get_or_create(
            email=f"bench-{index}@example.org", defaults={"full_name": f"Người nhận {index}"}
        )
        recipients.append(user)

    work = Path(tempfile.mkdtemp(prefix="notif-bench-"))
    sent_log = work / "sent.log"
    sent_log.touch()
    run = timezone.now().strftime("%Y%m%d%H%M%S")
    body = "Hồ sơ của Ông/Bà đã được tiếp nhận. Ngày hẹn trả kết quả: 09/03/2026.\n\n" * 3
    html = "<html><body>" + "<p>Hồ sơ của Ông/Bà đã được tiếp nhận.</p>" * 3 + "</body></html>"

    workers = Workers(sent_log, work, args.concurrency, stuck_after=5 if args.kill else 300)
    try:
        for index in range(args.workers):
            workers.start(index)
        time.sleep(6)  # let the workers connect (they pick up whatever is queued as soon as they are up anyway)

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

        started = time.monotonic()
        published = publish_deliveries(ids)
        publishing = time.monotonic() - started
        mine = Notification.objects.filter(key__startswith=f"bench:{run}:")
        killed = False
        last_sweep = time.monotonic()
        delivered = 0
        while time.monotonic() - started < args.timeout:
            delivered = mine.filter(status=Status.DELIVERED).count()
            if delivered >= args.count:
                break
            if args.kill and not killed and delivered >= args.count // 2:
                workers.kill(workers.processes[0])
                killed = True
                print(f"killed worker 0 (SIGKILL) at {delivered} delivered; starting a replacement")
                workers.start(args.workers)
            if time.monotonic() - last_sweep > 10:  # beat's sweeper, every 10 s here
                sweep_outbox()
                last_sweep = time.monotonic()
            time.sleep(0.25)
        elapsed = time.monotonic() - started
    finally:
        workers.stop()

    # The Message-ID is fixed per notification (<notification.{id}@domain>), so it names the row and its unique key.
    lines = [line for line in sent_log.read_text().splitlines() if line]
    per_message = Counter(lines)
    duplicates = sum(1 for count in per_message.values() if count > 1)
    statuses = Counter(mine.values_list("status", flat=True))
    lost = args.count - statuses.get(Status.DELIVERED, 0)
    never_sent = args.count - len(per_message)
    attempts = Counter(mine.values_list("attempts", flat=True))
    interrupted = DeliveryAttempt.objects.filter(notification__in=mine, outcome="interrupted").count()

    print()
    print(f"notifications          {args.count}")
    print(
        f"workers                {args.workers} x prefork {args.concurrency}"
        + (" (one SIGKILLed)" if args.kill else "")
    )
    print(f"stored in outbox       {stored:.2f} s (bulk insert)")
    print(f"published              {published} in {publishing:.2f} s")
    print(f"delivered              {statuses.get(Status.DELIVERED, 0)} in {elapsed:.2f} s")
    print(f"throughput             {statuses.get(Status.DELIVERED, 0) / elapsed:.0f} messages/s")
    print(f"sent log lines         {len(lines)} ({len(per_message)} distinct Message-IDs)")
    print(f"duplicates             {duplicates}")
    print(f"lost                   {lost} (never sent: {never_sent})")
    print(f"statuses               {dict(statuses)}")
    print(f"attempts per row       {dict(sorted(attempts.items()))}; interrupted attempts {interrupted}")
    print(f"work dir               {work}")
    return 0 if (duplicates == 0 or args.kill) and lost == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
