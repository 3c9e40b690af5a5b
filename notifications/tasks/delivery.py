"""Delivery of the outbox (notifications.outbox explains the claim and where exactly-once holds). `deliver_batch` sends
a batch of notifications, `deliver_webhooks` a batch of webhooks (publishing groups rows NOTIFICATION_BATCH_SIZE to a
task); `deliver` and `deliver_webhook` send one (retries of single rows, messages queued before batches). Both
`sweep_outbox` (beat, every minute) re-queues what was never published, what is due for a retry and what a dead
worker left half-sent.

Publishing lives here too (`publish_deliveries`, `publish_webhooks`), below the services that call it on commit, so
notifications.services imports this module and nothing here imports the services.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta
from uuid import UUID

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from notifications.channels import ChannelSession, PermanentFailure, TemporaryFailure
from notifications.models import DeliveryAttempt, Notification, WebhookDelivery
from notifications.outbox import (
    DELIVERED,
    INTERRUPTED_ERROR,
    PERMANENT,
    SKIPPED,
    TEMPORARY,
    Outcome,
    SentJournal,
    backoff_seconds,
    chunks,
    publish_task,
    setting_int,
)
from notifications.webhooks import deliver_webhook_deliveries, deliver_webhook_delivery

logger = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, ignore_result=True, name="notifications.tasks.deliver_batch")
def deliver_batch(self, notification_ids: list[str]) -> dict[str, int]:
    """Send a batch of notifications (what `publish_deliveries` groups into one task): one claim, one connection per
    provider, one write of the results. Returns how many ended each way."""
    results = deliver_notifications(notification_ids)
    retry = [pk for pk, (outcome, _) in results.items() if outcome == TEMPORARY]
    if retry:
        _schedule_retry(self, [retry], max(results[pk][1] for pk in retry))
    counts: dict[str, int] = {}
    for outcome, _ in results.values():
        counts[outcome] = counts.get(outcome, 0) + 1
    skipped = len(set(map(str, notification_ids))) - len(results)
    if skipped:
        counts[SKIPPED] = skipped
    return counts


@shared_task(bind=True, acks_late=True, ignore_result=True, name="notifications.tasks.deliver")
def deliver(self, notification_id: str) -> str:
    """Send one notification if it is due and nobody else is sending it. Returns what happened."""
    outcome, retry_in = deliver_notification(notification_id)
    if retry_in is not None:
        _schedule_retry(self, (str(notification_id),), retry_in)
    return outcome


def deliver_notification(notification_id: UUID | str) -> tuple[str, float | None]:
    """Claim, send, record one notification. Returns (outcome, seconds until the next try or None)."""
    return deliver_notifications([notification_id]).get(str(notification_id), (SKIPPED, None))


# What a batch writes back on each row (close_claims): the row's new state, whatever the outcome.
RESULT_FIELDS = ("status", "last_error", "claimed_at", "provider_ref", "sent_at", "next_attempt_at")


def deliver_notifications(notification_ids) -> dict[str, tuple[str, float | None]]:
    """Claim the due ones among `notification_ids`, send each through its channel (connections kept for the
    batch), then write every row's result and its DeliveryAttempt together: two statements for the batch. Returns
    {id: (outcome, seconds until the next try or None)} for the rows this call claimed; the others were skipped
    (delivered, being sent, failed for good, not yet due, or gone).

    Between a provider's acceptance and that write, each sent row is noted in the sent journal (outbox.SentJournal,
    one pipelined Redis write), so a worker killed mid-batch leaves rows the sweeper closes as delivered instead of
    sending them again."""
    now = timezone.now()
    rows = Notification.claim_batch(list(notification_ids), now=now)
    if not rows:
        return {}
    results: dict[str, tuple[str, float | None]] = {}
    journal = SentJournal(Notification)
    try:
        attempts = _send_all(rows, journal, results, now=now)
        with transaction.atomic():
            written = Notification.close_claims(rows, RESULT_FIELDS)
            DeliveryAttempt.objects.bulk_create(attempts)
        journal.clear()  # committed: the notes are no longer needed
    finally:
        journal.close()
    if written < len(rows):
        logger.warning(
            "%s of %s notifications ended after their claim was released; raise NOTIFICATION_STUCK_AFTER_SECONDS "
            "above the task time limit.",
            len(rows) - written,
            len(rows),
        )
    return results


def _send_all(rows: list[Notification], journal: SentJournal, results: dict, *, now) -> list[DeliveryAttempt]:
    """Send each claimed row over the batch's channels, note the sent ones in the journal, set each row's result
    on it and in `results`. Returns the attempts to write."""
    max_attempts = Notification.max_attempts()
    attempts: list[DeliveryAttempt] = []
    try:
        with ChannelSession() as channels:
            for row in rows:
                outcome, error, ref = _send(channels, row)
                if outcome == DELIVERED:
                    journal.sent(row, ref)
                results[str(row.pk)] = _close(row, outcome, error, ref, now=now, max_attempts=max_attempts)
                attempts.append(_attempt(row, ref=ref))
    except SoftTimeLimitExceeded:
        # Out of time: what was not tried goes back as due now, its claim closed like an interrupted one.
        logger.warning("Notification batch ran out of time after %s of %s messages.", len(attempts), len(rows))
        for row in rows[len(attempts) :]:
            results[str(row.pk)] = _close(row, TEMPORARY, INTERRUPTED_ERROR, "", now=now, max_attempts=max_attempts)
            row.next_attempt_at = now
            attempts.append(_attempt(row, outcome=Outcome.INTERRUPTED))
    return attempts


def _send(channels: ChannelSession, row: Notification) -> tuple[str, str, str]:
    """(outcome, error, provider reference) of one send."""
    try:
        ref = channels.get(row.channel).send(row)
    except PermanentFailure as exc:
        return PERMANENT, str(exc), ""
    except TemporaryFailure as exc:
        return TEMPORARY, str(exc), ""
    except SoftTimeLimitExceeded:
        raise
    except Exception as exc:  # an unforeseen error is retried like a temporary one, then gives up at the limit
        logger.exception("Unexpected error delivering notification %s", row.pk)
        return TEMPORARY, f"{type(exc).__name__}: {exc}", ""
    return DELIVERED, "", str(ref or "")[:255]


def _close(row: Notification, outcome: str, error: str, ref: str, *, now, max_attempts: int):
    """Set the row's result on it (written by close_claims). Returns (outcome, retry delay or None)."""
    delay = None
    if outcome == TEMPORARY and row.attempts >= max_attempts:
        outcome, error = PERMANENT, f"{error} (gave up after {row.attempts} attempts)"
    row.status, row.last_error, row.claimed_at = outcome, error, None
    if outcome == DELIVERED:
        row.provider_ref, row.sent_at = ref, timezone.now()
    elif outcome == TEMPORARY:
        delay = backoff_seconds(row.attempts)
        row.next_attempt_at = now + timedelta(seconds=delay)
    return outcome, delay


def _attempt(row: Notification, *, outcome: str | None = None, ref: str = "") -> DeliveryAttempt:
    """The attempt log's row for the result just set on `row` (its status and error, unless `outcome` says)."""
    return DeliveryAttempt(
        notification_id=row.pk,
        number=row.attempts,
        at=timezone.now(),
        outcome=outcome or row.status,
        error=row.last_error,
        provider_ref=ref,
    )


@shared_task(bind=True, acks_late=True, ignore_result=True, name="notifications.tasks.deliver_webhooks")
def deliver_webhooks(self, delivery_ids: list[str]) -> dict[str, int]:
    """Send a batch of webhook deliveries over kept-alive connections (notifications.webhooks)."""
    results = deliver_webhook_deliveries(delivery_ids)
    retry = [pk for pk, (outcome, _) in results.items() if outcome == TEMPORARY]
    if retry:
        _schedule_retry(self, [retry], max(results[pk][1] for pk in retry))
    counts: dict[str, int] = {}
    for outcome, _ in results.values():
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


@shared_task(bind=True, acks_late=True, ignore_result=True, name="notifications.tasks.deliver_webhook")
def deliver_webhook(self, delivery_id: str) -> str:
    """Send one webhook delivery if it is due and nobody else is sending it (notifications.webhooks)."""
    outcome, retry_in = deliver_webhook_delivery(delivery_id)
    if retry_in is not None:
        _schedule_retry(self, (str(delivery_id),), retry_in)
    return outcome


def _schedule_retry(task, args, delay: float) -> None:
    """Publish the retry (the same task with the same arguments) with a countdown while it is short. Redis hands an
    unacknowledged (ETA) message to another worker after the visibility timeout, so long delays are left to the
    sweeper, which finds the rows when they are due. In eager mode a countdown is ignored and the claim would refuse
    the early run anyway: the sweeper retries."""
    if task.app.conf.task_always_eager:
        return
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600)
    if delay > visibility / 2:
        return
    try:
        task.apply_async(tuple(args), countdown=delay)
    except Exception:
        logger.warning("Could not publish retry of %s %s; the sweeper will.", task.name, args, exc_info=True)


@shared_task(acks_late=True, ignore_result=True, name="notifications.tasks.sweep_outbox")
def sweep_outbox() -> dict[str, int]:
    """Release rows stuck in "sending" and re-queue every row that is due: "created" ones older than a short grace
    period (their on-commit publish was lost: broker down, process died) and temporary failures whose time came.
    Webhook deliveries get the same treatment."""
    now = timezone.now()
    grace = timedelta(seconds=setting_int("NOTIFICATION_SWEEP_GRACE_SECONDS", 15))
    batch = setting_int("NOTIFICATION_SWEEP_BATCH", 500)
    stuck_after = setting_int("NOTIFICATION_STUCK_AFTER_SECONDS", 300)
    released = Notification.release_stuck(now=now, stuck_after=stuck_after, batch=batch)
    backlog = queue_backlog(deliver_batch)
    # When the workers are behind, "created" rows are most likely waiting in that queue, and publishing them again
    # would only lengthen it. They are swept once the backlog is down (the claim makes a double publish harmless,
    # this only avoids the waste). Due retries still go out. The queue holds batches: count in messages.
    retries_only = backlog is not None and backlog * batch_size() > batch
    due = Notification.due_ids(now=now, grace=grace, batch=batch, retries_only=retries_only)
    published = publish_deliveries(due, force=True)
    released_hooks = WebhookDelivery.release_stuck(now=now, stuck_after=stuck_after, batch=batch)
    due_hooks = WebhookDelivery.due_ids(now=now, grace=grace, batch=batch, retries_only=retries_only)
    published_hooks = publish_webhooks(due_hooks, force=True) if due_hooks else 0
    if released or due or released_hooks or due_hooks or backlog:
        logger.info(
            "Outbox sweep: %s stuck released, %s due, %s published; webhooks: %s released, %s due, %s published; "
            "queue backlog %s.",
            released,
            len(due),
            published,
            released_hooks,
            len(due_hooks),
            published_hooks,
            backlog,
        )
    return {
        "released": released,
        "due": len(due),
        "published": published,
        "webhooks_released": released_hooks,
        "webhooks_due": len(due_hooks),
        "webhooks_published": published_hooks,
    }


def queue_backlog(task) -> int | None:
    """Messages waiting in the broker queue `task` is routed to, or None when it cannot be told (eager mode, broker
    down, a transport without a message count)."""
    app = task.app
    if app.conf.task_always_eager:
        return None
    try:
        queue = app.amqp.router.route({}, task.name)["queue"].name
        with app.connection_for_read() as connection:
            return connection.default_channel.queue_declare(queue=queue, passive=True).message_count
    except Exception:
        logger.debug("Could not read the length of the queue of %s.", task.name, exc_info=True)
        return None


# --- publishing (after the commit that stored the rows) ------------------------------------------------------------


def batch_size() -> int:
    return max(1, setting_int("NOTIFICATION_BATCH_SIZE", 100))


def publish_deliveries(notification_ids: Iterable[UUID | str], *, force: bool = False) -> int:
    """Publish deliveries in batches of NOTIFICATION_BATCH_SIZE (one task each), stopping at the first failure (the
    broker is down: each further try would only wait for its connection timeout again). Returns how many
    notifications were published."""
    published = 0
    for chunk in chunks((str(pk) for pk in notification_ids), batch_size()):
        if not publish_task(deliver_batch, chunk, force=force):
            break
        published += len(chunk)
    return published


def publish_webhooks(delivery_ids: Iterable[UUID | str], *, force: bool = False) -> int:
    """Best effort, like publish_deliveries: the sweeper covers a broker outage."""
    published = 0
    for chunk in chunks((str(pk) for pk in delivery_ids), batch_size()):
        if not publish_task(deliver_webhooks, chunk, force=force):
            break
        published += len(chunk)
    return published
