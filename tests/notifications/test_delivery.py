"""Delivery: the claim, retries with backoff, permanent failures, the sweeper and a broker that is down."""

from __future__ import annotations

import smtplib
import threading
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from citizens.models import User
from notifications.models import Channel, DeliveryAttempt, Notification, Status
from notifications.tasks import delivery as tasks
from portal.celery import app as celery_app
from tests.conftest import staff_login
from tests.notifications.backends import ScriptedBackend
from tests.notifications.helpers import ACCEPT_AT, DUE_DATE, accepted, act, draft, last_event, submitted

pytestmark = pytest.mark.django_db

SCRIPTED = "tests.notifications.backends.ScriptedBackend"


@pytest.fixture
def scripted_email(settings):
    settings.EMAIL_BACKEND = SCRIPTED
    ScriptedBackend.reset()
    yield ScriptedBackend
    ScriptedBackend.reset()


def email_row(dossier, action="submit") -> Notification:
    """The applicant's e-mail about the dossier's last `action` (staff get their own messages about some events)."""
    return Notification.objects.get(
        event=last_event(dossier, action), channel=Channel.EMAIL, recipient_id=dossier.applicant_id
    )


def make_due(notification: Notification) -> None:
    """Move the row's next try into the past, as the clock would."""
    Notification.objects.filter(pk=notification.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))


def outcomes(notification: Notification) -> list[str]:
    return list(notification.delivery_attempts.order_by("number", "at").values_list("outcome", flat=True))


# --- eager delivery --------------------------------------------------------------------------------------------------


def test_eager_delivery_sends_the_email_with_code_and_due_date(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dossier = submitted(world)
    with django_capture_on_commit_callbacks(execute=True):
        act(dossier, "accept", world.reception, now=ACCEPT_AT)
    citizen_mail = [message for message in mail.outbox if message.to == ["citizen@example.org"]]
    assert [message.subject for message in citizen_mail] == [
        f"Hồ sơ {dossier.code} đã được nộp",
        f"Hồ sơ {dossier.code} đã được tiếp nhận",
    ]
    # The reception desk hears of the new dossier too (its own message, in its own row).
    [desk_mail] = [message for message in mail.outbox if message.to == ["reception@example.org"]]
    assert desk_mail.subject == f"Hồ sơ mới {dossier.code} chờ tiếp nhận"
    message = citizen_mail[1]
    assert message.to == ["citizen@example.org"]
    assert message.from_email == "Một Cửa <no-reply@motcua.example>"
    assert f"Ngày hẹn trả kết quả: {DUE_DATE}." in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and DUE_DATE in html and dossier.code in html

    rows = Notification.objects.filter(dossier=dossier, recipient=world.citizen)
    assert rows.count() == 4
    assert set(Notification.objects.filter(dossier=dossier).values_list("status", flat=True)) == {Status.DELIVERED}
    accepted_email = email_row(dossier, "accept")
    assert accepted_email.attempts == 1 and accepted_email.sent_at is not None
    assert accepted_email.provider_ref == message.extra_headers["Message-ID"]
    assert accepted_email.provider_ref == f"<notification.{accepted_email.pk}@motcua.example>"
    assert outcomes(accepted_email) == [DeliveryAttempt.Outcome.DELIVERED]


def test_english_speaker_gets_english_email(world, django_capture_on_commit_callbacks):
    world.citizen.language = "en"
    world.citizen.save()
    with django_capture_on_commit_callbacks(execute=True):
        dossier = accepted(world)
    citizen_mail = [message for message in mail.outbox if message.to == ["citizen@example.org"]]
    assert [message.subject for message in citizen_mail] == [
        f"Dossier {dossier.code} has been submitted",
        f"Dossier {dossier.code} has been accepted",
    ]
    assert f"The result is due on {DUE_DATE}." in citizen_mail[1].body
    # Staff read in their own language: the reception officer's is Vietnamese.
    assert [m.subject for m in mail.outbox if m.to == ["reception@example.org"]] == [
        f"Hồ sơ mới {dossier.code} chờ tiếp nhận"
    ]


def test_sms_goes_to_the_console_provider(world, django_capture_on_commit_callbacks, caplog):
    world.citizen.notify_sms = True
    world.citizen.phone = "0912345678"
    world.citizen.save()
    with caplog.at_level("INFO", logger="notifications.channels"), django_capture_on_commit_callbacks(execute=True):
        dossier = submitted(world)
    sms = Notification.objects.get(dossier=dossier, channel=Channel.SMS)
    assert sms.status == Status.DELIVERED and sms.provider_ref == f"console:{sms.pk}"
    assert f"Ho so {dossier.code}" in caplog.text
    assert "0912345678" not in caplog.text  # the log shows a masked number


# --- retries and failures -------------------------------------------------------------------------------------------


def test_temporary_failures_are_retried_with_growing_delays_then_delivered(world, scripted_email):
    scripted_email.reset([smtplib.SMTPServerDisconnected("closed"), TimeoutError("timed out"), None])
    dossier = submitted(world)  # rows committed to the outbox, not yet sent (no on-commit here)
    row = email_row(dossier)

    outcome, first_delay = tasks.deliver_notification(row.pk)
    row.refresh_from_db()
    assert outcome == "temporary_failure"
    assert row.status == Status.TEMPORARY_FAILURE and row.attempts == 1
    assert "SMTPServerDisconnected" in row.last_error
    first_wait = row.next_attempt_at - timezone.now()
    assert timedelta(seconds=20) < first_wait <= timedelta(seconds=30)  # 15 * 2**1 with 75-100% jitter

    # Not due yet: a re-delivered or early task does nothing.
    assert tasks.deliver_notification(row.pk) == ("skipped", None)
    assert mail.outbox == []

    make_due(row)
    outcome, second_delay = tasks.deliver_notification(row.pk)
    row.refresh_from_db()
    assert outcome == "temporary_failure" and row.attempts == 2
    assert "TimeoutError" in row.last_error
    assert second_delay > first_delay
    assert row.next_attempt_at - timezone.now() > timedelta(seconds=40)  # 15 * 2**2 with jitter

    make_due(row)
    assert tasks.deliver(str(row.pk)) == "delivered"
    row.refresh_from_db()
    assert row.status == Status.DELIVERED and row.attempts == 3 and row.last_error == ""
    assert len(mail.outbox) == 1
    assert outcomes(row) == ["temporary_failure", "temporary_failure", "delivered"]


def test_backoff_grows_and_is_capped(settings):
    settings.NOTIFICATION_BACKOFF_CAP_SECONDS = 600
    delays = [tasks.backoff_seconds(n) for n in range(1, 9)]
    assert all(later > earlier for earlier, later in zip(delays[:4], delays[1:5], strict=True))
    assert all(0.75 * 600 <= delay <= 600 for delay in delays[5:])


def test_a_temporary_failure_schedules_a_retry_with_a_countdown(world, scripted_email, settings, monkeypatch):
    scripted_email.reset([smtplib.SMTPResponseException(421, b"try later")])
    row = email_row(submitted(world))
    published = []
    monkeypatch.setattr(tasks.deliver, "apply_async", lambda args, countdown: published.append((args, countdown)))
    settings.CELERY_TASK_ALWAYS_EAGER = False
    celery_app.conf.task_always_eager = False

    assert tasks.deliver(str(row.pk)) == "temporary_failure"
    row.refresh_from_db()
    [(args, countdown)] = published
    assert args == (str(row.pk),)
    assert 22 <= countdown <= 30
    assert "421" in row.last_error


def test_temporary_failures_give_up_after_the_maximum(world, scripted_email, settings, monkeypatch):
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    scripted_email.reset(forever=ConnectionRefusedError("refused"))
    row = email_row(submitted(world))
    for _ in range(3):
        make_due(row)
        outcome = tasks.deliver(str(row.pk))
    row.refresh_from_db()
    assert outcome == "permanent_failure"
    assert row.status == Status.PERMANENT_FAILURE and row.attempts == 3
    assert "gave up after 3 attempts" in row.last_error
    assert outcomes(row) == ["temporary_failure", "temporary_failure", "permanent_failure"]
    make_due(row)
    assert tasks.deliver(str(row.pk)) == "skipped"


@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPRecipientsRefused({"citizen@example.org": (550, b"5.1.1 No such user")}),
        smtplib.SMTPDataError(554, b"5.7.1 Message rejected"),
    ],
)
def test_permanent_failure_is_not_retried(world, scripted_email, settings, monkeypatch, error):
    scripted_email.reset([error])
    row = email_row(submitted(world))
    published = []
    monkeypatch.setattr(tasks.deliver, "apply_async", lambda *args, **kwargs: published.append(args))
    settings.CELERY_TASK_ALWAYS_EAGER = False
    celery_app.conf.task_always_eager = False

    assert tasks.deliver(str(row.pk)) == "permanent_failure"
    row.refresh_from_db()
    assert row.status == Status.PERMANENT_FAILURE and row.attempts == 1
    assert published == []
    make_due(row)
    assert tasks.deliver(str(row.pk)) == "skipped"
    assert scripted_email.sent == 0
    assert outcomes(row) == ["permanent_failure"]


@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPRecipientsRefused({"citizen@example.org": (450, b"4.2.0 Mailbox busy")}),
        smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
        smtplib.SMTPAuthenticationError(535, b"bad credentials"),  # our configuration, not the citizen's fault
        smtplib.SMTPSenderRefused(553, b"sender refused", "no-reply@motcua.example"),
        ConnectionResetError("reset"),
        RuntimeError("unexpected"),
    ],
)
def test_transient_and_unknown_errors_are_temporary(world, scripted_email, error):
    scripted_email.reset([error])
    row = email_row(submitted(world))
    assert tasks.deliver(str(row.pk)) == "temporary_failure"


def test_unreachable_smtp_server_is_a_temporary_failure(world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 6391, 2
    row = email_row(submitted(world))
    assert tasks.deliver(str(row.pk)) == "temporary_failure"
    row.refresh_from_db()
    assert "ConnectionRefusedError" in row.last_error


# --- the claim ------------------------------------------------------------------------------------------------------


def test_a_row_is_sent_once_however_often_its_task_runs(world):
    row = email_row(submitted(world))
    assert tasks.deliver(str(row.pk)) == "delivered"
    assert tasks.deliver(str(row.pk)) == "skipped"  # a duplicate or re-delivered task
    make_due(row)
    assert tasks.deliver(str(row.pk)) == "skipped"  # delivered rows are never claimable again
    assert len(mail.outbox) == 1
    assert Notification.objects.get(pk=row.pk).attempts == 1


def test_a_row_being_sent_elsewhere_is_not_claimed(world):
    row = email_row(submitted(world))
    # Another worker holds the claim (and is talking to the SMTP server right now).
    Notification.objects.filter(pk=row.pk).update(status=Status.SENDING, claimed_at=timezone.now(), attempts=1)
    assert tasks.deliver(str(row.pk)) == "skipped"
    assert mail.outbox == []


def test_a_stale_worker_does_not_overwrite_a_newer_attempt(world, scripted_email):
    row = email_row(submitted(world))
    # Simulate: this worker's claim was released by the sweeper and another worker re-claimed it meanwhile.
    claimed_at = timezone.now() - timedelta(minutes=10)
    Notification.objects.filter(pk=row.pk).update(status=Status.SENDING, claimed_at=timezone.now(), attempts=2)
    row.refresh_from_db()
    row.claim, row.status, row.provider_ref, row.claimed_at = claimed_at, Status.DELIVERED, "old", None
    assert Notification.close_claims([row], ["status", "provider_ref", "claimed_at"]) == 0
    row.refresh_from_db()
    assert row.status == Status.SENDING and row.provider_ref == ""


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_on_postgresql_send_once(world, scripted_email):
    if connection.vendor != "postgresql":
        pytest.skip("row-level claim races need a database with concurrent writers (PostgreSQL)")
    row = email_row(submitted(world))  # committed, so already delivered on commit (eager): reset it to unsent
    Notification.objects.filter(pk=row.pk).update(status=Status.CREATED, attempts=0, sent_at=None, provider_ref="")
    DeliveryAttempt.objects.filter(notification=row).delete()
    scripted_email.reset(delay=0.3)
    barrier = threading.Barrier(2)
    results: list[str] = []

    def worker():
        try:
            barrier.wait()
            results.append(tasks.deliver(str(row.pk)))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == ["delivered", "skipped"]
    assert scripted_email.sent == 1
    row.refresh_from_db()
    assert row.status == Status.DELIVERED and row.attempts == 1
    assert outcomes(row) == ["delivered"]


# --- the sweeper ----------------------------------------------------------------------------------------------------


def age(notification: Notification, seconds: int) -> None:
    Notification.objects.filter(pk=notification.pk).update(created_at=timezone.now() - timedelta(seconds=seconds))


def test_sweeper_sends_created_rows_whose_publish_was_lost(world):
    dossier = submitted(world)  # no on-commit in this test: as if the broker never got the task
    old = email_row(dossier)
    fresh = Notification.objects.get(dossier=dossier, channel=Channel.INAPP, recipient=world.citizen)
    age(old, 60)
    result = tasks.sweep_outbox()
    assert result["due"] == 1 and result["published"] == 1
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.status == Status.DELIVERED
    assert fresh.status == Status.CREATED  # within the grace period its own on-commit publish may still come
    assert len(mail.outbox) == 1


def test_sweeper_retries_due_temporary_failures_only(world, scripted_email):
    first = email_row(submitted(world))
    second = email_row(submitted(world))
    scripted_email.reset([TimeoutError("slow"), TimeoutError("slow")])
    tasks.deliver(str(first.pk))
    tasks.deliver(str(second.pk))
    make_due(first)
    tasks.sweep_outbox()
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Status.DELIVERED
    assert second.status == Status.TEMPORARY_FAILURE  # its next try is still in the future
    assert len(mail.outbox) == 1


def test_sweeper_releases_rows_stuck_in_sending_and_sends_them_once(world, settings):
    settings.NOTIFICATION_STUCK_AFTER_SECONDS = 300
    dossier = submitted(world)
    stuck = email_row(dossier)
    busy = email_row(submitted(world))
    now = timezone.now()
    # A worker claimed `stuck` ten minutes ago and died; `busy` was claimed a moment ago by a live worker.
    Notification.objects.filter(pk=stuck.pk).update(
        status=Status.SENDING, attempts=1, claimed_at=now - timedelta(minutes=10)
    )
    Notification.objects.filter(pk=busy.pk).update(status=Status.SENDING, attempts=1, claimed_at=now)

    result = tasks.sweep_outbox()
    assert result["released"] == 1
    stuck.refresh_from_db()
    busy.refresh_from_db()
    assert stuck.status == Status.DELIVERED and stuck.attempts == 2
    assert outcomes(stuck) == ["interrupted", "delivered"]
    assert busy.status == Status.SENDING
    assert [message.subject for message in mail.outbox] == [f"Hồ sơ {dossier.code} đã được nộp"]
    tasks.sweep_outbox()
    assert len(mail.outbox) == 1


def test_sweeper_gives_up_on_a_stuck_row_that_used_all_its_attempts(world, settings):
    settings.NOTIFICATION_MAX_ATTEMPTS = 2
    row = email_row(submitted(world))
    Notification.objects.filter(pk=row.pk).update(
        status=Status.SENDING, attempts=2, claimed_at=timezone.now() - timedelta(hours=1)
    )
    tasks.sweep_outbox()
    row.refresh_from_db()
    assert row.status == Status.PERMANENT_FAILURE
    assert mail.outbox == []


# --- broker down ----------------------------------------------------------------------------------------------------


def _reset_producer_pools() -> None:
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker_down(settings, monkeypatch):
    """Eager off and the broker on a closed port: publishing fails the way it does when Redis is down."""
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    monkeypatch.delenv("CELERY_BROKER_WRITE_URL", raising=False)
    previous = celery_app.conf.broker_url
    settings.CELERY_TASK_ALWAYS_EAGER = False
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = "redis://127.0.0.1:6390/0"
    _reset_producer_pools()
    yield
    celery_app.conf.broker_url = previous
    celery_app.conf.task_always_eager = True
    _reset_producer_pools()


def test_an_action_succeeds_while_the_broker_is_down_and_the_sweeper_catches_up(
    world, broker_down, django_capture_on_commit_callbacks, settings, caplog
):
    dossier = draft(world)
    started = time.monotonic()
    with caplog.at_level("WARNING", logger="notifications.services"):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            act(dossier, "submit", world.citizen)
    elapsed = time.monotonic() - started
    assert callbacks  # the publish ran after commit, and failed quietly:
    assert caplog.text.count("Could not publish delivery") == 1  # one failed connection, not one per channel
    assert elapsed < 8, f"a broker outage must not hang the request ({elapsed:.1f}s)"
    dossier.refresh_from_db()
    assert dossier.status == "submitted"
    rows = Notification.objects.filter(dossier=dossier)
    assert rows.filter(recipient=world.citizen).count() == 2
    assert rows.filter(recipient=world.reception).count() == 2  # the desk's "new dossier" message
    assert set(rows.values_list("status", flat=True)) == {Status.CREATED}
    assert mail.outbox == []

    # The broker is back (eager here): the sweeper's minute comes and the messages go out.
    celery_app.conf.task_always_eager = True
    settings.CELERY_TASK_ALWAYS_EAGER = True
    rows.update(created_at=timezone.now() - timedelta(minutes=1))
    tasks.sweep_outbox()
    assert set(rows.values_list("status", flat=True)) == {Status.DELIVERED}
    assert sorted(message.to[0] for message in mail.outbox) == ["citizen@example.org", "reception@example.org"]


# --- admin ----------------------------------------------------------------------------------------------------------


def test_admin_lists_searches_and_resends(world, client, django_capture_on_commit_callbacks):
    admin = User.objects.create_superuser(email="admin@example.org", password="x" * 12)
    staff_login(client, admin)
    dossier = submitted(world)
    row = email_row(dossier)
    Notification.objects.filter(pk=row.pk).update(status=Status.PERMANENT_FAILURE, attempts=8, last_error="550")

    url = "/admin/notifications/notification/"
    page = client.get(url, {"q": dossier.code, "status__exact": "permanent_failure", "channel__exact": "email"})
    assert page.status_code == 200
    assert page.context["cl"].result_count == 1
    assert client.get(f"{url}{row.pk}/change/").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "resend", "_selected_action": [str(row.pk)]})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == Status.DELIVERED and row.attempts == 1
    assert len(mail.outbox) == 1
