"""Batch delivery: one claim per batch (FOR UPDATE SKIP LOCKED on PostgreSQL, the conditional UPDATE elsewhere), one
provider connection per batch, a fixed number of queries whatever the batch size, and the sent journal that lets the
sweeper close what a killed worker had already sent instead of sending it again."""

from __future__ import annotations

import smtplib
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications.models import (
    Channel,
    DeliveryAttempt,
    Kind,
    Notification,
    Status,
    WebhookDelivery,
    WebhookEndpoint,
)
from notifications.outbox import SentJournal
from notifications.tasks import delivery as tasks
from tests.notifications.backends import ScriptedBackend
from tests.notifications.helpers import submitted
from tests.notifications.servers import LocalServer

pytestmark = pytest.mark.django_db


@pytest.fixture
def scripted_email(settings):
    settings.EMAIL_BACKEND = "tests.notifications.backends.ScriptedBackend"
    ScriptedBackend.reset()
    yield ScriptedBackend
    ScriptedBackend.reset()


def rows(world, count: int, *, channel: str = Channel.EMAIL, tag: str = "b") -> list[Notification]:
    address = {"email": "citizen@example.org", "sms": "0912345678", "inapp": ""}[channel]
    return Notification.objects.bulk_create(
        [
            Notification(
                key=f"test:{tag}:{index}:{channel}",
                recipient=world.citizen,
                channel=channel,
                kind=Kind.ACCEPTED,
                address=address,
                subject=f"Thông báo {index}",
                body_text=f"Nội dung {index}",
            )
            for index in range(count)
        ]
    )


def ids(notifications) -> list[str]:
    return [str(row.pk) for row in notifications]


def test_a_batch_uses_one_email_connection_and_a_fixed_number_of_queries(world, scripted_email):
    small, large = rows(world, 3, tag="small"), rows(world, 30, tag="large")
    with CaptureQueriesContext(connection) as few:
        results = tasks.deliver_notifications(ids(small))
    assert set(results.values()) == {("delivered", None)}
    assert scripted_email.opened == 1 and scripted_email.sent == 3
    with CaptureQueriesContext(connection) as many:
        results = tasks.deliver_notifications(ids(large))
    assert len(results) == 30 and scripted_email.sent == 33
    assert scripted_email.opened == 2  # one connection per batch, not per message
    assert len(many) == len(few), [query["sql"][:80] for query in many.captured_queries]
    assert set(Notification.objects.values_list("status", flat=True)) == {Status.DELIVERED}
    assert DeliveryAttempt.objects.filter(outcome="delivered").count() == 33
    # A delivered row is never claimed again, in a batch or alone.
    assert tasks.deliver_notifications(ids(small)) == {}
    assert tasks.deliver(ids(small)[0]) == "skipped"
    assert scripted_email.sent == 33


def test_publishing_groups_rows_into_batch_tasks(world, scripted_email, settings, monkeypatch):
    settings.NOTIFICATION_BATCH_SIZE = 4
    published = []
    monkeypatch.setattr(tasks.deliver_batch, "delay", lambda batch: published.append(batch))
    notifications = rows(world, 10)
    assert tasks.publish_deliveries([row.pk for row in notifications]) == 10
    assert [len(batch) for batch in published] == [4, 4, 2]
    assert sum(published, []) == ids(notifications)


def test_mixed_outcomes_in_one_batch_are_each_recorded(world, scripted_email):
    scripted_email.reset([None, smtplib.SMTPResponseException(421, b"try later"), None])
    email = rows(world, 3)
    inapp = rows(world, 2, channel=Channel.INAPP)
    results = tasks.deliver_notifications(ids(email) + ids(inapp))
    assert [results[pk][0] for pk in ids(email)] == ["delivered", "temporary_failure", "delivered"]
    assert all(results[pk] == ("delivered", None) for pk in ids(inapp))
    failed = Notification.objects.get(pk=email[1].pk)
    assert failed.status == Status.TEMPORARY_FAILURE and "421" in failed.last_error and failed.claimed_at is None
    assert failed.next_attempt_at > timezone.now()
    assert scripted_email.opened == 2  # the 421 dropped the connection; the next message opened a new one
    assert DeliveryAttempt.objects.count() == 5


def test_the_sweeper_closes_what_a_killed_worker_had_sent_and_resends_the_rest(world, scripted_email, settings):
    settings.NOTIFICATION_STUCK_AFTER_SECONDS = 60
    batch = rows(world, 4)
    # A worker claims the batch, hands two messages to the provider, notes them in the journal, and is killed.
    claimed = Notification.claim_batch(ids(batch), now=timezone.now())
    assert len(claimed) == 4
    Notification.objects.filter(pk__in=ids(batch)).update(claimed_at=timezone.now() - timedelta(minutes=5))
    journal = SentJournal(Notification)
    for row in claimed[:2]:
        journal.sent(row, f"<notification.{row.pk}@motcua.example>")
    assert tasks.deliver_notifications(ids(batch)) == {}  # the claim holds: nobody else sends them

    result = tasks.sweep_outbox()
    assert result["released"] == 4
    sent_before = {row.pk for row in claimed[:2]}
    for row in Notification.objects.filter(pk__in=[row.pk for row in batch]):
        attempts = list(row.delivery_attempts.values_list("outcome", flat=True))
        if row.pk in sent_before:
            assert row.status == Status.DELIVERED and row.provider_ref.startswith("<notification.")
            assert attempts == ["delivered"]
        else:
            # Released and due again; the sweep published them (eager here) and they went out on attempt 2.
            assert row.status == Status.DELIVERED and row.attempts == 2
            assert attempts == ["interrupted", "delivered"]
    assert scripted_email.sent == 2  # only the two the dead worker had not sent


@pytest.mark.django_db(transaction=True)
def test_two_workers_claiming_the_same_batches_on_postgresql_send_each_row_once(world, scripted_email):
    if connection.vendor != "postgresql":
        pytest.skip("FOR UPDATE SKIP LOCKED needs PostgreSQL")
    batch = rows(world, 40)
    scripted_email.reset(delay=0.01)
    barrier = threading.Barrier(2)
    results: list[dict] = []

    def worker(order):
        try:
            barrier.wait()
            results.append(tasks.deliver_notifications(order))
        finally:
            connection.close()

    forward, backward = ids(batch), list(reversed(ids(batch)))
    threads = [threading.Thread(target=worker, args=(order,)) for order in (forward, backward)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(results) == 2
    assert not set(results[0]) & set(results[1])  # no row claimed by both
    assert len(results[0]) + len(results[1]) == 40
    assert scripted_email.sent == 40
    assert set(Notification.objects.values_list("status", flat=True)) == {Status.DELIVERED}
    assert set(Notification.objects.values_list("attempts", flat=True)) == {1}


def test_the_sms_gateway_connection_is_kept_alive_within_a_batch(world, settings):
    with LocalServer(body={"id": "GW-1"}, keep_alive=True) as gateway:
        settings.SMS_PROVIDER = "http"
        settings.SMS_HTTP_URL = f"{gateway.url}/v1/sms"
        results = tasks.deliver_notifications(ids(rows(world, 5, channel=Channel.SMS)))
    assert set(results.values()) == {("delivered", None)}
    assert len(gateway.requests) == 5
    assert gateway.connections == 1


def test_webhooks_of_a_batch_share_one_connection(world, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    with LocalServer(keep_alive=True) as receiver:
        WebhookEndpoint.objects.create(agency=world.agency, url=f"{receiver.url}/hooks", events=["submit"])
        dossiers = [submitted(world) for _ in range(3)]  # stored in the test's transaction; not yet published
        deliveries = WebhookDelivery.objects.filter(event__dossier__in=dossiers).values_list("pk", flat=True)
        assert len(deliveries) == 3
        outcome = tasks.deliver_webhooks([str(pk) for pk in deliveries])
    assert outcome == {"delivered": 3}
    assert len(receiver.requests) == 3
    assert receiver.connections == 1
