"""Writes (and the inbox read) on notifications.

`notifications_queue_for_event` runs inside the transaction that wrote a dossier event: the rows it stores commit or
roll back with the change itself (the outbox), and their delivery is published only after commit. Publishing is
best effort: when the broker is down the rows stay "created" and `notifications.tasks.sweep_outbox` sends them later.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from functools import partial
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from notifications import messages
from notifications.models import Channel, Kind, Notification, Status
from procedures.errors import NotFound
from procedures.services.calendar import portal_tz
from procedures.workflow import Action

logger = logging.getLogger(__name__)

LANGUAGES = ("vi", "en")

# Which applicant message each workflow action causes: (kind, message template in notifications.messages).
# Actions missing here (forward, supplement, pay, assign, comment, an applicant's own withdrawal) notify nobody yet;
# staff messages (new dossier in the queue, assigned to you) will be added beside these.
EVENT_MESSAGES: dict[str, tuple[Kind, str]] = {
    Action.SUBMIT: (Kind.SUBMITTED, "submitted"),
    Action.ACCEPT: (Kind.ACCEPTED, "accepted"),
    Action.REQUEST_SUPPLEMENT: (Kind.SUPPLEMENT_REQUESTED, "supplement_requested"),
    Action.REFUSE: (Kind.REFUSED, "refused"),
    Action.REQUEST_PAYMENT: (Kind.PAYMENT_REQUESTED, "payment_requested"),
    Action.EXTEND: (Kind.EXTENDED, "extended"),
    Action.STOP: (Kind.STOPPED, "stopped"),
    Action.COMPLETE: (Kind.COMPLETED, "completed"),
    Action.DELIVER: (Kind.DELIVERED, "delivered"),
    Action.APPROVE_WITHDRAWAL: (Kind.WITHDRAWAL_DECIDED, "withdrawal_approved"),
    Action.REJECT_WITHDRAWAL: (Kind.WITHDRAWAL_DECIDED, "withdrawal_rejected"),
}


def event_key(*, event_id: int, recipient_id: int, channel: str) -> str:
    return f"{event_id}:{recipient_id}:{channel}"


def recipient_channels(user) -> list[tuple[Channel, str]]:
    """The channels a user wants and can be reached on, with the address to use: (channel, address)."""
    channels: list[tuple[Channel, str]] = []
    if user.notify_email and user.email:
        channels.append((Channel.EMAIL, user.email))
    if user.notify_sms and user.phone:
        channels.append((Channel.SMS, user.phone))
    if user.notify_inapp:
        channels.append((Channel.INAPP, ""))
    return channels


def notifications_queue_for_event(*, event) -> list[Notification]:
    """Store the applicant's messages for a dossier event, one per enabled channel, and deliver them after commit.

    Call it inside the transaction that wrote the event. Idempotent: a second call for the same event returns the
    rows of the first (one per event, recipient and channel) and queues nothing new. Never raises because the broker
    is unreachable."""
    spec = EVENT_MESSAGES.get(event.action)
    if spec is None or event.internal:
        return []
    kind, template = spec
    dossier = event.dossier
    recipient = dossier.applicant
    if not recipient.is_active:
        return []
    channels = recipient_channels(recipient)
    if not channels:
        return []
    language = recipient.language if recipient.language in LANGUAGES else "vi"
    rendered = messages.render(template, language, _event_context(event, dossier, recipient, language))
    return [
        notification_enqueue(
            key=event_key(event_id=event.pk, recipient_id=recipient.pk, channel=channel),
            recipient=recipient,
            channel=channel,
            kind=kind,
            language=language,
            address=address,
            subject=rendered.subject,
            **_bodies(channel, rendered, language),
            dossier=dossier,
            event=event,
        )
        for channel, address in channels
    ]


def _bodies(channel: str, rendered: messages.Rendered, language: str) -> dict[str, str]:
    if channel == Channel.EMAIL:
        html = render_to_string(
            "notifications/email.html",
            {"language": language, "subject": rendered.subject, "paragraphs": rendered.letter},
        )
        return {"body_text": rendered.letter_text, "body_html": html}
    if channel == Channel.SMS:
        return {"body_text": rendered.sms, "body_html": ""}
    return {"body_text": rendered.text, "body_html": ""}


def notification_enqueue(
    *,
    key: str,
    recipient,
    channel: str,
    kind: str,
    language: str,
    address: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    dossier=None,
    event=None,
) -> Notification:
    """Store one message under `key` (once: a second call returns the stored row) and publish its delivery after
    the current transaction commits. The building block for every kind of message, event-driven or not."""
    notification, created = Notification.objects.get_or_create(
        key=key,
        defaults={
            "recipient": recipient,
            "channel": channel,
            "kind": kind,
            "language": language,
            "address": address,
            "subject": subject[:255],
            "body_text": body_text,
            "body_html": body_html,
            "dossier": dossier,
            "event": event,
        },
    )
    if created:
        transaction.on_commit(partial(publish_delivery, notification.pk))
    return notification


def publish_delivery(notification_id: UUID | str) -> bool:
    """Hand a delivery to the broker. Best effort by design: a request must never fail because Redis is down; the
    row is already committed, so the sweeper finds it and publishes it again. Returns whether publishing worked."""
    from notifications.tasks import deliver  # the tasks module imports this one

    try:
        deliver.delay(str(notification_id))
    except Exception:  # any broker or connection error; the outbox row is the durable record
        logger.warning("Could not publish delivery of notification %s; the sweeper will retry.", notification_id,
                       exc_info=True)
        return False
    return True


def notifications_resend(*, notification_ids: Iterable[UUID | str]) -> int:
    """Send messages again (the admin's "Gửi lại"): back to "created" with a fresh attempt budget, published after
    commit. Rows being sent right now are left alone; a stuck one is the sweeper's. Returns how many were reset."""
    with transaction.atomic():
        ids = list(
            Notification.objects.select_for_update()
            .filter(pk__in=list(notification_ids))
            .exclude(status=Status.SENDING)
            .values_list("pk", flat=True)
        )
        Notification.objects.filter(pk__in=ids).update(
            status=Status.CREATED, attempts=0, next_attempt_at=timezone.now(), claimed_at=None, last_error=""
        )
        for notification_id in ids:
            transaction.on_commit(partial(publish_delivery, notification_id))
    return len(ids)


# --- the in-app inbox ---------------------------------------------------------------------------------------------


def notifications_inbox(*, user) -> QuerySet[Notification]:
    """A user's in-app messages, newest first, with what the list shows (one query a page whatever its size).
    Only delivered rows: delivery is publication, so a message scheduled for later stays hidden until then."""
    return (
        Notification.objects.filter(recipient=user, channel=Channel.INAPP, status=Status.DELIVERED)
        .select_related("dossier")
        .order_by("-created_at", "-id")
    )


def notification_mark_read(*, notification_id: UUID | str, user) -> Notification:
    """Mark one of the user's in-app messages read (the first reading time is kept). NotFound if it is not theirs."""
    try:
        notification = notifications_inbox(user=user).get(pk=notification_id)
    except (Notification.DoesNotExist, DjangoValidationError, ValueError):
        raise NotFound(_("Không tìm thấy thông báo."))
    if notification.read_at is None:
        now = timezone.now()
        # Conditional, so two devices reading at once keep the earliest time.
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
        notification.read_at = now
    return notification


# --- message context ----------------------------------------------------------------------------------------------


def _event_context(event, dossier, recipient, language: str) -> dict[str, object]:
    payload = event.payload or {}
    procedure = dossier.procedure
    agency = dossier.agency
    english = language == "en"
    outcome = messages.OUTCOMES.get(payload.get("outcome") or dossier.outcome, {})
    channel = messages.DELIVERY_CHANNELS.get(payload.get("channel") or dossier.delivery_channel, {})
    items = payload.get("items") or []
    return {
        "name": recipient.full_name or recipient.email,
        "code": dossier.code or "",
        "procedure": (procedure.name_en if english and procedure.name_en else procedure.name),
        "agency": (agency.name_en if english and agency.name_en else agency.name),
        "submitted_at": _local(dossier.submitted_at or event.at, "%H:%M %d/%m/%Y"),
        "accepted_date": _local(dossier.accepted_at or event.at),
        "due_date": _local(payload.get("due_at") or dossier.due_at),
        "previous_due_date": _local(payload.get("previous_due_at") or dossier.original_due_at),
        "completed_date": _local(dossier.completed_at or event.at),
        "delivered_date": _local(dossier.delivered_at or event.at),
        "items": "\n".join(f"- {item}" for item in items),
        "reason": event.comment,
        "comment": event.comment,
        "amount": _money(payload.get("amount"), language),
        "outcome": outcome.get(language, ""),
        "delivery_channel": channel.get(language, ""),
        "site_url": settings.SITE_URL,
    }


def _local(value: datetime | str | None, fmt: str = "%d/%m/%Y") -> str:
    """Dates as Vietnamese forms print them, dd/mm/yyyy, on the Asia/Ho_Chi_Minh calendar."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is None:
        return ""
    return value.astimezone(portal_tz()).strftime(fmt)


def _money(amount: object, language: str) -> str:
    if isinstance(amount, bool) or not isinstance(amount, int):
        return ""
    grouped = f"{amount:,}"
    if language == "vi":
        grouped = grouped.replace(",", ".")
    return messages.CURRENCY[language].format(amount=grouped)
