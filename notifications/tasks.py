"""Delivery of the outbox: `deliver` sends one notification, `deliver_webhook` one webhook; `sweep_outbox` (beat,
every minute) re-queues what was never published, what is due for a retry and what a dead worker left half-sent,
for both.

Exactly once, and where it is only at least once
------------------------------------------------
1. Creation. A message's row is written in the same transaction as the dossier event, under a unique key
   (event, recipient, channel): it exists if and only if the change committed, and only once however often the
   event's side effects are queued.
2. Claim. Before any provider is called, one conditional UPDATE moves the row to "sending":
       UPDATE ... SET status='sending', attempts=attempts+1, claimed_at=now
       WHERE id=? AND status IN ('created','temporary_failure') AND next_attempt_at <= now
   The database applies it atomically (on PostgreSQL a concurrent UPDATE waits for the row lock, then re-checks the
   WHERE clause), so of two workers, a duplicate task, an acks_late re-delivery or a sweeper re-queue racing the
   original, exactly one gets a row count of 1 and sends; the others return "skipped". A delivered row can never be
   claimed again, so tasks may be published as often as convenient: the claim, not the queue, decides.
3. The window. The provider call happens after the claim commits and before "delivered" commits. If the worker dies
   in between (SIGKILL, OOM, lost host, hard time limit) the row stays "sending": the broker re-delivers the task
   (acks_late + reject_on_worker_lost) but the claim refuses it, and after NOTIFICATION_STUCK_AFTER_SECONDS the
   sweeper records the attempt as interrupted and sends again. If the provider had already accepted the message
   (the SMTP server answered 250 a moment before the kill) the recipient gets it twice. That is the at-least-once
   window, and the only one: no external provider can join our transaction, so it cannot be closed from our side,
   only narrowed. Each e-mail carries a Message-ID fixed per notification so mail systems can fold the duplicate,
   and later SMS/webhook providers get the notification id as their idempotency key.
   NOTIFICATION_STUCK_AFTER_SECONDS must stay above the task's hard time limit (CELERY_TASK_TIME_LIMIT), so a slow
   but live send is never taken for a dead one; the "delivered" write also checks the claim's timestamp, so a worker
   whose claim was released never overwrites the newer attempt.
"""

from __future__ import annotations

import logging
import random
from datetime import datetime, timedelta
from uuid import UUID

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from notifications.channels import PermanentFailure, TemporaryFailure, conf, get_channel
from notifications.models import DeliveryAttempt, Notification, Status
from notifications.services import publish_deliveries

logger = logging.getLogger(__name__)

CLAIMABLE = (Status.CREATED, Status.TEMPORARY_FAILURE)

DELIVERED = "delivered"
TEMPORARY = "temporary_failure"
PERMANENT = "permanent_failure"
SKIPPED = "skipped"


def _setting(name: str, default: int) -> int:
    # Settings first, then the environment (a worker started with NOTIFICATION_* variables), then the default.
    return int(float(conf(name, default)))


def backoff_seconds(attempts: int) -> float:
    """Delay before the next try after `attempts` failed ones: base * 2**attempts, capped, with jitter so a provider
    outage does not end in a thundering herd. The jitter (75-100%) keeps successive delays growing below the cap."""
    base = float(conf("NOTIFICATION_BACKOFF_BASE_SECONDS", 15))
    cap = float(conf("NOTIFICATION_BACKOFF_CAP_SECONDS", 3600))
    return min(cap, base * 2**attempts) * random.uniform(0.75, 1.0)


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
    claimed = Notification.objects.filter(pk=notification_id, status__in=CLAIMABLE, next_attempt_at__lte=now).update(
        status=Status.SENDING, attempts=F("attempts") + 1, claimed_at=now
    )
    if not claimed:
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

    max_attempts = _setting("NOTIFICATION_MAX_ATTEMPTS", 8)
    if attempt >= max_attempts:
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
    from notifications.webhooks import deliver_webhook_delivery

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
    from notifications.models import WebhookDelivery
    from notifications.webhooks import publish_webhooks, release_stuck_webhooks

    now = timezone.now()
    released = release_stuck(now=now)
    grace = timedelta(seconds=_setting("NOTIFICATION_SWEEP_GRACE_SECONDS", 15))
    batch = _setting("NOTIFICATION_SWEEP_BATCH", 500)
    due_filter = Q(status=Status.CREATED, created_at__lte=now - grace) | Q(status=Status.TEMPORARY_FAILURE)
    backlog = queue_backlog(deliver)
    if backlog is not None and backlog > batch:
        # The workers are behind: "created" rows are most likely waiting in that queue, and publishing them again
        # would only lengthen it. They are swept once the backlog is down (the claim makes a double publish harmless,
        # this only avoids the waste). Due retries still go out.
        due_filter = Q(status=Status.TEMPORARY_FAILURE)
    due = list(
        Notification.objects.filter(due_filter, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:batch]
    )
    published = publish_deliveries(due, force=True)
    released_hooks = release_stuck_webhooks(
        now=now,
        stuck_after=_setting("NOTIFICATION_STUCK_AFTER_SECONDS", 300),
        max_attempts=_setting("WEBHOOK_MAX_ATTEMPTS", 8),
        batch=batch,
    )
    due_hooks = list(
        WebhookDelivery.objects.filter(due_filter, next_attempt_at__lte=now, endpoint__is_active=True)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:batch]
    )
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


def release_stuck(*, now: datetime) -> int:
    """Rows "sending" for longer than NOTIFICATION_STUCK_AFTER_SECONDS lost their worker: close the attempt as
    interrupted and make the row due now (or failed for good when it has used all its attempts)."""
    cutoff = now - timedelta(seconds=_setting("NOTIFICATION_STUCK_AFTER_SECONDS", 300))
    max_attempts = _setting("NOTIFICATION_MAX_ATTEMPTS", 8)
    stuck = list(
        Notification.objects.filter(status=Status.SENDING, claimed_at__lt=cutoff).values_list(
            "pk", "claimed_at", "attempts"
        )[: _setting("NOTIFICATION_SWEEP_BATCH", 500)]
    )
    released = 0
    for pk, claimed_at, attempts in stuck:
        give_up = attempts >= max_attempts
        error = "Interrupted: the worker stopped while sending (killed or timed out)."
        with transaction.atomic():
            updated = Notification.objects.filter(pk=pk, status=Status.SENDING, claimed_at=claimed_at).update(
                status=Status.PERMANENT_FAILURE if give_up else Status.TEMPORARY_FAILURE,
                next_attempt_at=now,
                claimed_at=None,
                last_error=error,
            )
            if updated:
                DeliveryAttempt.objects.create(
                    notification_id=pk,
                    number=attempts,
                    at=now,
                    outcome=DeliveryAttempt.Outcome.INTERRUPTED,
                    error=error,
                )
        released += updated
    return released
