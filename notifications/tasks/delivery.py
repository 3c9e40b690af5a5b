"""Delivery of the outbox (notifications.outbox explains the claim and where exactly-once holds): `deliver` sends one
notification, `deliver_webhook` one webhook; `sweep_outbox` (beat, every minute) re-queues what was never published,
what is due for a retry and what a dead worker left half-sent, for both.

Publishing lives here too (`publish_deliveries`, `publish_webhooks`), below the services that call it on commit, so
notifications.services imports this module and nothing here imports the services.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from uuid import UUID

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from notifications.channels import PermanentFailure, TemporaryFailure, get_channel
from notifications.models import DeliveryAttempt, Notification, Status, WebhookDelivery
from notifications.outbox import (
    DELIVERED,
    PERMANENT,
    SKIPPED,
    TEMPORARY,
    backoff_seconds,
    publish_task,
    setting_int,
)
from notifications.webhooks import deliver_webhook_delivery

logger = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, ignore_result=True, name="notifications.tasks.deliver")
def deliver(self, notification_id: str) -> str:
    """Send one notification if it is due and nobody else is sending it. Returns what happened."""
    outcome, retry_in = deliver_notification(notification_id)
    if retry_in is not None:
        _schedule_retry(self, notification_id, retry_in)
    return outcome


def deliver_notification(notification_id: UUID | str) -> tuple[str, float | None]:
    """Claim, send, record. Returns (outcome, seconds until the next try or None)."""
    now = timezone.now()
    if not Notification.claim(notification_id, now=now):
        return SKIPPED, None  # delivered, being sent, failed for good, not yet due, or gone

    notification = Notification.objects.get(pk=notification_id)
    attempt = notification.attempts
    try:
        provider_ref = get_channel(notification.channel).send(notification)
    except PermanentFailure as exc:
        _record(notification, claimed_at=now, outcome=PERMANENT, error=str(exc))
        return PERMANENT, None
    except TemporaryFailure as exc:
        error = str(exc)
    except Exception as exc:  # an unforeseen error is retried like a temporary one, then gives up at the limit
        logger.exception("Unexpected error delivering notification %s", notification_id)
        error = f"{type(exc).__name__}: {exc}"
    else:
        _record(notification, claimed_at=now, outcome=DELIVERED, provider_ref=str(provider_ref or ""))
        return DELIVERED, None

    if attempt >= Notification.max_attempts():
        _record(notification, claimed_at=now, outcome=PERMANENT, error=f"{error} (gave up after {attempt} attempts)")
        return PERMANENT, None
    delay = backoff_seconds(attempt)
    retry_at = now + timedelta(seconds=delay)
    _record(notification, claimed_at=now, outcome=TEMPORARY, error=error, next_attempt_at=retry_at)
    return TEMPORARY, delay


def _record(
    notification: Notification,
    *,
    claimed_at: datetime,
    outcome: str,
    error: str = "",
    provider_ref: str = "",
    next_attempt_at: datetime | None = None,
) -> None:
    """Close the attempt: the row's new state and its DeliveryAttempt, together."""
    now = timezone.now()
    fields: dict = {"status": outcome, "last_error": error, "claimed_at": None}
    if outcome == DELIVERED:
        fields.update(provider_ref=provider_ref[:255], sent_at=now, last_error="")
    if next_attempt_at is not None:
        fields["next_attempt_at"] = next_attempt_at
    with transaction.atomic():
        # Only if our claim still stands: the sweeper may have released it as stuck and someone else re-claimed it.
        updated = Notification.objects.filter(pk=notification.pk, status=Status.SENDING, claimed_at=claimed_at).update(
            **fields
        )
        DeliveryAttempt.objects.create(
            notification_id=notification.pk,
            number=notification.attempts,
            at=now,
            outcome=outcome,
            error=error,
            provider_ref=provider_ref[:255],
        )
    if not updated:
        logger.warning(
            "Notification %s: attempt %s ended (%s) after its claim was released; raise "
            "NOTIFICATION_STUCK_AFTER_SECONDS above the task time limit.",
            notification.pk,
            notification.attempts,
            outcome,
        )


@shared_task(bind=True, acks_late=True, ignore_result=True, name="notifications.tasks.deliver_webhook")
def deliver_webhook(self, delivery_id: str) -> str:
    """Send one webhook delivery if it is due and nobody else is sending it (notifications.webhooks)."""
    outcome, retry_in = deliver_webhook_delivery(delivery_id)
    if retry_in is not None:
        _schedule_retry(self, delivery_id, retry_in, task_to_publish=deliver_webhook)
    return outcome


def _schedule_retry(task, notification_id: str, delay: float, *, task_to_publish=None) -> None:
    """Publish the retry with a countdown while it is short. Redis hands an unacknowledged (ETA) message to another
    worker after the visibility timeout, so long delays are left to the sweeper, which finds the row when it is due.
    In eager mode a countdown is ignored and the claim would refuse the early run anyway: the sweeper retries."""
    if task.app.conf.task_always_eager:
        return
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600)
    if delay > visibility / 2:
        return
    try:
        (task_to_publish or deliver).apply_async((str(notification_id),), countdown=delay)
    except Exception:
        logger.warning("Could not publish retry of notification %s; the sweeper will.", notification_id, exc_info=True)


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
    backlog = queue_backlog(deliver)
    # When the workers are behind, "created" rows are most likely waiting in that queue, and publishing them again
    # would only lengthen it. They are swept once the backlog is down (the claim makes a double publish harmless,
    # this only avoids the waste). Due retries still go out.
    retries_only = backlog is not None and backlog > batch
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


def publish_delivery(notification_id: UUID | str, *, force: bool = False) -> bool:
    return publish_task(deliver, str(notification_id), force=force)


def publish_deliveries(notification_ids: Iterable[UUID | str], *, force: bool = False) -> int:
    """Publish several deliveries, stopping at the first failure (the broker is down: each further try would only
    wait for its connection timeout again). Returns how many were published."""
    published = 0
    for notification_id in notification_ids:
        if not publish_delivery(notification_id, force=force):
            break
        published += 1
    return published


def publish_webhooks(delivery_ids: Iterable[UUID | str], *, force: bool = False) -> int:
    """Best effort, like publish_deliveries: the sweeper covers a broker outage."""
    published = 0
    for delivery_id in delivery_ids:
        if not publish_task(deliver_webhook, str(delivery_id), force=force):
            break
        published += 1
    return published
