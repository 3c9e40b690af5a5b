"""Delivery through a real Celery worker process and Redis: exactly one e-mail per message, even when the worker is
killed in the middle of sending.

Needs REDIS_URL (use a Redis database of your own, e.g. redis://127.0.0.1:6379/5: it is flushed) and a database the
worker process can open (PostgreSQL: DATABASE_URL=postgres://...). The worker writes e-mails to files (EMAIL_URL=file://)
so the test can count what was really sent.
"""

from __future__ import annotations

import email
import email.policy
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.conf import settings
from django.db import connection

from notifications.models import Channel, DeliveryAttempt, Notification, Status
from notifications.tasks.delivery import sweep_outbox
from portal.celery import app as celery_app
from tests.notifications.helpers import DUE_DATE, accepted, submitted

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(settings.BASE_DIR)
SEPARATOR = b"\n" + b"-" * 79 + b"\n"  # what Django's file e-mail backend writes after each message


def _database_url() -> str:
    """The URL of the database this test really uses (pytest-django's test_* database), for the worker process."""
    db = connection.settings_dict
    user, password = quote(db["USER"] or "", safe=""), quote(db["PASSWORD"] or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    return f"postgres://{credentials}{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{quote(db['NAME'], safe='')}"


def _flush_broker(url: str) -> None:
    """Start from an empty broker: no messages left by an earlier (killed) run."""
    client = redis.Redis.from_url(url)
    if client.connection_pool.connection_kwargs.get("db", 0):
        client.flushdb()  # a database of our own
    else:  # database 0 is likely shared: remove only what Celery keeps there
        for pattern in ("default*", "notifications*", "unacked*", "_kombu.*"):
            for key in client.scan_iter(match=pattern):
                client.delete(key)
    client.close()


@pytest.fixture
def real_broker(settings, monkeypatch):
    """Eager mode off in this process: deliveries are published to Redis for the worker."""
    if not os.environ.get("REDIS_URL"):
        pytest.skip("needs REDIS_URL (e.g. redis://127.0.0.1:6379/5): starts a real Celery worker on Redis")
    if connection.vendor != "postgresql":
        pytest.skip(
            "the worker process must open the test database; SQLite's test database lives in this process's memory "
            "(run with DATABASE_URL=postgres://...)"
        )
    broker_url = celery_app.conf.broker_url
    assert broker_url.startswith("redis://"), broker_url
    _flush_broker(broker_url)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    celery_app.conf.task_always_eager = False
    yield broker_url
    celery_app.conf.task_always_eager = True


class Worker:
    """`celery -A portal worker -Q default,notifications --pool=solo` as a child process."""

    def __init__(self, broker_url: str, mail_dir: Path, log_dir: Path, **env: str):
        self.name = f"notif-test-{uuid.uuid4().hex[:8]}"
        self.log_path = log_dir / f"{self.name}.log"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("NOTIFICATION")},
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DATABASE_URL": _database_url(),
            "REDIS_URL": os.environ["REDIS_URL"],
            "CELERY_BROKER_URL": broker_url,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "EMAIL_URL": f"file://{mail_dir}",
            "PYTHONUNBUFFERED": "1",
            **env,
        }
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> float:
        started = time.monotonic()
        command = [sys.executable, "-m", "celery", "-A", "portal", "worker", "-Q", "default,notifications"]
        command += ["--pool=solo", "--concurrency=1", "--loglevel=INFO", "--without-gossip", "--without-mingle"]
        command += ["--without-heartbeat", "-n", f"{self.name}@%h"]
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(command, cwd=BASE_DIR, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        wait_for(lambda: " ready." in self.log(), timeout=timeout, what="the worker to start", worker=self)
        return time.monotonic() - started

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL: no warm shutdown, no acknowledgement, the send cut off where it stood."""
        if self.alive():
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if not self.alive():
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill()


def wait_for(condition: Callable[[], object], *, timeout: float = 60, what: str, worker: Worker | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        if worker is not None and worker.process is not None and not worker.alive():
            pytest.fail(f"the worker exited while waiting for {what}:\n{worker.log()[-4000:]}")
        time.sleep(0.2)
    logs = f"\n--- worker log ---\n{worker.log()[-4000:]}" if worker else ""
    pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}{logs}")


def sent_messages(mail_dir: Path) -> list[email.message.EmailMessage]:
    messages = []
    for path in sorted(mail_dir.glob("*.log")):
        for chunk in path.read_bytes().split(SEPARATOR):
            if chunk.strip():
                messages.append(email.message_from_bytes(chunk.lstrip(b"\n"), policy=email.policy.default))
    return messages


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def all_delivered(dossier, expected: int):
    rows = list(Notification.objects.filter(dossier=dossier))
    return rows if len(rows) == expected and all(row.status == Status.DELIVERED for row in rows) else None


def test_a_real_worker_delivers_each_message_exactly_once(world, real_broker, tmp_path):
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    worker = Worker(real_broker, mail_dir, tmp_path)
    try:
        startup = worker.start()
        began = time.monotonic()
        dossier = accepted(world)  # submit + accept, each committed; deliveries published to Redis on commit
        # The applicant's 2 events x 2 channels, and the desk's "new dossier" message on 2 channels.
        rows = wait_for(lambda: all_delivered(dossier, 6), timeout=60, what="6 delivered notifications", worker=worker)
        delivery = time.monotonic() - began
        print(f"\nworker startup {startup:.1f}s, 6 messages delivered in {delivery:.1f}s")

        emails = {row.provider_ref: row for row in rows if row.channel == Channel.EMAIL}
        assert len(emails) == 3
        messages = sent_messages(mail_dir)
        per_message_id = Counter(str(message["Message-ID"]) for message in messages)
        assert per_message_id == {message_id: 1 for message_id in emails}  # one e-mail per (event, recipient)
        citizen_mail = [message for message in messages if message["To"] == "citizen@example.org"]
        subjects = sorted(str(message["Subject"]).strip() for message in citizen_mail)
        assert subjects == sorted([f"Hồ sơ {dossier.code} đã được nộp", f"Hồ sơ {dossier.code} đã được tiếp nhận"])
        for message in messages:
            assert dossier.code in text_of(message)
        [desk_mail] = [message for message in messages if message["To"] == "reception@example.org"]
        assert str(desk_mail["Subject"]).strip() == f"Hồ sơ mới {dossier.code} chờ tiếp nhận"
        accepted_mail = next(m for m in citizen_mail if "tiếp nhận" in str(m["Subject"]))
        assert f"Ngày hẹn trả kết quả: {DUE_DATE}." in text_of(accepted_mail)
        assert all(row.attempts == 1 for row in rows)
        assert DeliveryAttempt.objects.filter(notification__dossier=dossier).count() == 6
    finally:
        worker.stop()


def test_a_worker_killed_mid_send_is_recovered_by_the_sweeper_and_sends_once(world, real_broker, tmp_path):
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    # The first worker takes 30 s per e-mail (the channel's test hook), so it can be killed while "sending".
    slow = Worker(real_broker, mail_dir, tmp_path, NOTIFICATIONS_TEST_SEND_DELAY="30")
    # Its replacement treats a claim older than 2 s as abandoned (production: 300 s, above the task time limit).
    healthy = Worker(real_broker, mail_dir, tmp_path, NOTIFICATION_STUCK_AFTER_SECONDS="2")
    # Only the applicant's messages here, so the one slow e-mail is theirs (the desk's would queue behind it).
    world.reception.notify_email = world.reception.notify_inapp = False
    world.reception.save()
    try:
        slow.start()
        began = time.monotonic()
        dossier = submitted(world)
        row = Notification.objects.get(dossier=dossier, channel=Channel.EMAIL)
        wait_for(
            lambda: Notification.objects.filter(pk=row.pk, status=Status.SENDING).exists(),
            timeout=30,
            what="the e-mail to be claimed",
            worker=slow,
        )
        slow.kill()
        killed = time.monotonic()
        row.refresh_from_db()
        assert row.status == Status.SENDING and row.attempts == 1
        assert sent_messages(mail_dir) == []

        healthy.start()

        # Beat's job, faster: sweep until the abandoned claim is released and the message delivered.
        def swept_and_delivered():
            if Notification.objects.filter(pk=row.pk, status=Status.DELIVERED).exists():
                return True
            sweep_outbox.delay()
            time.sleep(1)
            return False

        wait_for(swept_and_delivered, timeout=60, what="the sweeper to resend the e-mail", worker=healthy)
        recovery = time.monotonic() - killed
        wait_for(lambda: all_delivered(dossier, 2), timeout=30, what="the in-app message", worker=healthy)
        total = time.monotonic() - began
        print(f"\nkilled mid-send; delivered {recovery:.1f}s after the kill ({total:.1f}s in all)")

        row.refresh_from_db()
        assert row.attempts == 2
        assert list(row.delivery_attempts.order_by("number").values_list("outcome", flat=True)) == [
            "interrupted",
            "delivered",
        ]
        messages = sent_messages(mail_dir)
        assert [str(message["Message-ID"]) for message in messages] == [row.provider_ref]
        assert dossier.code in text_of(messages[0])
        # Later sweeps find nothing more to send.
        sweep_outbox.delay()
        time.sleep(2)
        assert len(sent_messages(mail_dir)) == 1
    finally:
        slow.kill()
        healthy.stop()


# --- Redis stopped while a dossier is accepted ------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateRedis:
    """A redis-server of this test's own on a free port (never the machine's Redis, which other tests share), that
    the test can stop and start again. Nothing is persisted: a restart comes back empty, as after a crash."""

    def __init__(self, log_dir: Path):
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log_path = log_dir / f"redis-{self.port}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.skip("needs the redis-server binary")
        command = [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(command + ["--daemonize", "no"], stdout=log, stderr=subprocess.STDOUT)
        wait_for(self.ping, timeout=10, what=f"redis-server on port {self.port}")

    def ping(self) -> bool:
        try:
            return bool(redis.Redis(port=self.port, socket_connect_timeout=0.2).ping())
        except redis.RedisError:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


def _use_broker(url: str) -> None:
    celery_app.conf.broker_url = url
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def test_redis_stopped_while_a_dossier_is_accepted(world, real_broker, tmp_path, settings, monkeypatch):
    from django.test import RequestFactory

    from notifications.outbox import publish_reset
    from portal.health import health
    from tests.notifications.helpers import ACCEPT_AT, act

    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    private = PrivateRedis(tmp_path)
    previous = celery_app.conf.broker_url
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    settings.NOTIFICATION_SWEEP_GRACE_SECONDS = 0  # the test plays beat's sweeper itself, right away
    worker = Worker(private.url, mail_dir, tmp_path)
    try:
        private.start()
        _use_broker(private.url)
        dossier = submitted(world)  # published to Redis; nobody consumes it yet
        private.stop()  # Redis goes away, with the queued messages (nothing is persisted)

        started = time.monotonic()
        dossier = act(dossier, "accept", world.reception, now=ACCEPT_AT)
        elapsed = time.monotonic() - started
        dossier.refresh_from_db()
        assert dossier.status == "processing" and dossier.accepted_at == ACCEPT_AT  # the acceptance succeeded
        assert elapsed < 8, f"a broker outage must not hang the request ({elapsed:.1f}s)"
        accepted_rows = Notification.objects.filter(dossier=dossier, event__action="accept")
        assert accepted_rows.count() == 2 and {row.status for row in accepted_rows} == {Status.CREATED}
        down = health(RequestFactory().get("/health/"))
        assert down.status_code == 503 and json.loads(down.content)["broker"]["ok"] is False

        private.start()  # back, and empty
        publish_reset()
        worker.start()
        assert health(RequestFactory().get("/health/")).status_code == 200
        # Beat's sweeper finds every row still "created" (the submission's too: its queued tasks died with Redis).
        expected = Notification.objects.filter(dossier=dossier).count()
        result = sweep_outbox()
        assert result["published"] == expected
        rows = wait_for(lambda: all_delivered(dossier, expected), timeout=60, what="the outbox to drain", worker=worker)
        messages = sent_messages(mail_dir)
        per_id = Counter(str(message["Message-ID"]) for message in messages)
        assert per_id == {row.provider_ref: 1 for row in rows if row.channel == Channel.EMAIL}
        citizen = sorted(str(m["Subject"]).strip() for m in messages if m["To"] == "citizen@example.org")
        assert citizen == sorted([f"Hồ sơ {dossier.code} đã được nộp", f"Hồ sơ {dossier.code} đã được tiếp nhận"])
        assert all(row.attempts == 1 for row in rows)
        # A later sweep sends nothing again.
        assert sweep_outbox()["due"] == 0
    finally:
        worker.stop()
        private.stop()
        _use_broker(previous)


# --- SMS gateway and webhooks through a real worker -------------------------------------------------------------------


def test_a_real_worker_retries_a_failing_sms_gateway_and_signs_webhooks(world, real_broker, tmp_path):
    from notifications.models import WebhookDelivery, WebhookEndpoint
    from notifications.webhooks import verify_signature
    from tests.notifications.servers import LocalServer

    world.citizen.notify_sms, world.citizen.phone = True, "0912345678"
    world.citizen.save()
    world.citizen2.notify_sms, world.citizen2.phone = True, "0900000000"  # a number the gateway rejects
    world.citizen2.save()
    answers = {"0912345678": [503]}
    verified: list[bool] = []
    endpoint = WebhookEndpoint.objects.create(agency=world.agency, url="http://placeholder/", events=["submit"])

    def gateway_answer(request):
        to = request.json()["to"]
        if to == "0900000000":
            return 400, {"error": "invalid number"}
        script = answers.get(to) or []
        status = script.pop(0) if script else 200
        return status, ({"id": f"gw-{len(gateway.requests)}"} if status == 200 else {"error": "busy"})

    def receiver_answer(request):
        verified.append(verify_signature(endpoint.secret, request.headers["x-motcua-signature"], request.body))
        return 200, {}

    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    with LocalServer(respond=gateway_answer) as gateway, LocalServer(respond=receiver_answer) as receiver:
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(url=f"{receiver.url}/hook")
        worker = Worker(
            real_broker,
            mail_dir,
            tmp_path,
            SMS_PROVIDER="http",
            SMS_HTTP_URL=f"{gateway.url}/sms",
            SMS_HTTP_AUTH="Bearer worker-token",
            WEBHOOK_ALLOW_PRIVATE="1",
            NOTIFICATION_BACKOFF_BASE_SECONDS="0.2",  # retries within a second here (production: 15 s and up)
        )
        try:
            worker.start()
            good = submitted(world)
            bad = submitted(world, world.citizen2)
            sms = Notification.objects.get(dossier=good, channel=Channel.SMS)
            rejected = Notification.objects.get(dossier=bad, channel=Channel.SMS)
            wait_for(
                lambda: (
                    Notification.objects.filter(pk=sms.pk, status=Status.DELIVERED).exists()
                    and Notification.objects.filter(pk=rejected.pk, status=Status.PERMANENT_FAILURE).exists()
                    and WebhookDelivery.objects.filter(endpoint=endpoint, status=Status.DELIVERED).count() == 2
                ),
                timeout=60,
                what="the SMS and webhooks",
                worker=worker,
            )
            time.sleep(1.5)  # room for a wrong retry of the rejected SMS to show up
        finally:
            worker.stop()
    sms.refresh_from_db()
    rejected.refresh_from_db()
    assert list(sms.delivery_attempts.order_by("number").values_list("outcome", flat=True)) == [
        "temporary_failure",
        "delivered",
    ]
    assert sms.provider_ref.startswith("gw-")
    to_good = [r for r in gateway.requests if r.json()["to"] == "0912345678"]
    to_bad = [r for r in gateway.requests if r.json()["to"] == "0900000000"]
    assert len(to_good) == 2 and {r.headers["idempotency-key"] for r in to_good} == {str(sms.pk)}
    assert to_good[0].headers["authorization"] == "Bearer worker-token"
    assert len(to_bad) == 1 and rejected.attempts == 1 and "HTTP 400" in rejected.last_error
    assert verified == [True, True]
