"""Writes (and the inbox read) on notifications.

`notifications_queue_for_event` runs inside the transaction that wrote a dossier event: the rows it stores commit or
roll back with the change itself (the outbox), and their delivery is published only after commit. Publishing is
best effort: when the broker is down the rows stay "created" and `notifications.tasks.delivery.sweep_outbox` sends them
later.
"""

from __future__ import annotations

import contextvars
import logging
import uuid
from collections.abc import Iterable
from contextlib import contextmanager
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

from citizens.models import StaffMembership, User
from citizens.roles import DOSSIER_VIEWER_ROLES, HANDLING_ROLES, Role
from notifications import messages
from notifications.models import (
    Channel,
    Kind,
    MessageTemplate,
    Notification,
    NotificationPreference,
    Status,
    WebhookDelivery,
    WebhookEndpoint,
)
from notifications.tasks.delivery import publish_deliveries, publish_webhooks
from notifications.webhooks import event_body
from procedures import events
from procedures.errors import ActionForbidden, ActionNotAvailable, NotFound
from procedures.models import Dossier
from procedures.services.calendar import portal_tz
from procedures.workflow import Action

logger = logging.getLogger(__name__)

LANGUAGES = ("vi", "en")

# Which applicant message each workflow action causes: (kind, message template in notifications.messages).
# Actions missing here (forward, supplement, pay, assign, comment, an applicant's own withdrawal) tell the applicant
# nothing; staff messages are decided by `_staff_messages` below.
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


_muted: contextvars.ContextVar[bool] = contextvars.ContextVar("notifications_muted", default=False)


@contextmanager
def notifications_muted():
    """Within this block dossier events tell nobody (no messages, no webhooks): for back-dated data (the demo's
    history, imports, data migrations), where "a new dossier is waiting" would be false news."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def notifications_queue_for_event(*, event, dossier=None) -> list[Notification]:
    """Store the messages a dossier event causes and deliver them after commit: the applicant's (one per enabled
    channel), the staff's (new dossier in the desk's queue, assigned to you, supplemented, waiting to be assigned)
    and the agency's webhooks.

    Call it inside the transaction that wrote the event. Idempotent: a second call for the same event returns the
    rows of the first (one per event, recipient and channel) and queues nothing new. Never raises because the broker
    is unreachable."""
    if _muted.get():
        return []
    renderer = Renderer()
    rows = _applicant_messages(event, renderer) + _staff_messages(event, renderer)
    webhooks_queue_for_event(event=event)
    return rows


def _applicant_messages(event, renderer: Renderer) -> list[Notification]:
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
    language = language_of(recipient)
    rendered = renderer.render(template, language, _event_context(event, dossier, recipient, language))
    return _store_all(
        key_prefix=f"{event.pk}:{recipient.pk}",
        recipient=recipient,
        channels=channels,
        kind=kind,
        language=language,
        rendered=rendered,
        dossier=dossier,
        event=event,
    )


def _staff_messages(event, renderer: Renderer) -> list[Notification]:
    """Who among the agency's staff hears of an event: reception of a new dossier, an officer of a dossier assigned
    to them (by hand or by routing, never of their own doing), the officer in charge of a supplement, reception and
    leaders of a dossier that could not be routed."""
    dossier = event.dossier
    assignment = events.assignment_of(events.read(event.action, event.payload))
    targets: list[tuple[object, Kind, str, dict]] = []
    if event.action == Action.SUBMIT:
        for user in staff_of(dossier.agency_id, roles=[Role.RECEPTION], exclude=[event.actor_id]):
            targets.append((user, Kind.NEW_IN_QUEUE, "new_in_queue", {}))
    elif event.action in ASSIGNING_ACTIONS and assignment and assignment.unrouted:
        reason = assignment.reason
        for user in staff_of(dossier.agency_id, roles=[Role.LEADER, Role.RECEPTION], exclude=[event.actor_id]):
            targets.append((user, Kind.UNROUTED, "unrouted", {"reason": reason}))
    elif event.action in ASSIGNING_ACTIONS and assignment and assignment.assignee:
        assignee = _user(assignment.assignee)
        if assignee is not None and assignee.pk != event.actor_id and assignee.is_active:
            # The note that came with it: a reassignment's comment, a send-back's reason.
            targets.append((assignee, Kind.ASSIGNED, "assigned", {"comment": event.comment}))
    if event.action == Action.SUPPLEMENT:
        officers = [dossier.assignee] if dossier.assignee_id else staff_of(dossier.agency_id, roles=[Role.RECEPTION])
        for user in officers:
            if user.is_active:
                targets.append((user, Kind.SUPPLEMENTED, "supplemented", {}))
    rows: list[Notification] = []
    for user, kind, template, extra in targets:
        language = language_of(user)
        context = {**dossier_context(dossier, user, language), **extra}
        rows += _store_all(
            key_prefix=f"{event.pk}:{user.pk}",
            recipient=user,
            channels=channels_for(user, kind),
            kind=kind,
            language=language,
            rendered=renderer.render(template, language, context),
            dossier=dossier,
            event=event,
        )
    return rows


# Events whose payload names who the dossier was given to: the steps' entries (routing, procedures.services.routing)
# and a leader's or reception's reassignment.
ASSIGNING_ACTIONS = frozenset({Action.ACCEPT, Action.FORWARD, Action.SEND_BACK, Action.ASSIGN})


def _user(user_id):
    try:
        return User.objects.filter(pk=int(user_id)).first()
    except (TypeError, ValueError):
        return None


def staff_of(agency_id: int, *, roles, exclude=(), department_id=None) -> list:
    """Active users holding one of `roles` in the agency (optionally in one department), each once, by id."""
    memberships = StaffMembership.objects.filter(
        agency_id=agency_id, role__in=list(roles), is_active=True, user__is_active=True
    )
    if department_id is not None:
        memberships = memberships.filter(department_id=department_id)
    users = {m.user_id: m.user for m in memberships.select_related("user").order_by("user_id")}
    return [user for user_id, user in users.items() if user_id not in set(exclude)]


def language_of(user) -> str:
    return user.language if user.language in LANGUAGES else "vi"


# Routine staff messages: a "digest" officer reads them in the inbox and the daily digest instead of by e-mail/SMS.
DIGESTIBLE_KINDS = frozenset({Kind.NEW_IN_QUEUE, Kind.ASSIGNED, Kind.NEAR_DUE, Kind.SUPPLEMENTED})


def staff_mode(user) -> str:
    preference = NotificationPreference.objects.filter(user_id=user.pk).values_list("staff_mode", flat=True).first()
    return preference or NotificationPreference.StaffMode.INSTANT


def channels_for(user, kind: str, *, mode: str | None = None) -> list[tuple[Channel, str]]:
    """The channels a message of `kind` goes to for `user`: their choice of channels, narrowed to the inbox for
    routine staff messages when they asked for a digest."""
    channels = recipient_channels(user)
    if kind in DIGESTIBLE_KINDS:
        mode = mode or staff_mode(user)
        if mode == NotificationPreference.StaffMode.DIGEST:
            channels = [(channel, address) for channel, address in channels if channel == Channel.INAPP]
    return channels


def notify(
    *,
    recipient,
    kind: str,
    template: str,
    context: dict,
    key_prefix: str,
    dossier=None,
    event=None,
    channels=None,
    renderer: Renderer | None = None,
) -> list[Notification]:
    """Store one message for `recipient` on each of their channels under f"{key_prefix}:{channel}" (so at most once,
    whatever the number of calls) and publish the new ones after commit. The building block of reminders and
    digests (notifications.tasks.reminders, notifications.tasks.digests)."""
    if not recipient.is_active:
        return []
    channels = channels if channels is not None else channels_for(recipient, kind)
    if not channels:
        return []
    language = language_of(recipient)
    context = {"name": recipient.full_name or recipient.email, "site_url": settings.SITE_URL, **context}
    rendered = (renderer or Renderer()).render(template, language, context)
    return _store_all(
        key_prefix=key_prefix,
        recipient=recipient,
        channels=channels,
        kind=kind,
        language=language,
        rendered=rendered,
        dossier=dossier,
        event=event,
    )


def _store_all(*, key_prefix, recipient, channels, kind, language, rendered, dossier, event) -> list[Notification]:
    notifications, fresh = [], []
    for channel, address in channels:
        notification, created = _store(
            key=f"{key_prefix}:{channel}",
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
        notification.was_created = created  # for callers that count what a run added
        notifications.append(notification)
        if created:
            fresh.append(notification.pk)
    if fresh:
        # One callback per recipient's messages: during a broker outage the request pays for one failed connection,
        # not one per channel.
        transaction.on_commit(partial(publish_deliveries, fresh))
    return notifications


class Renderer:
    """Renders messages with the admins' wording where they gave one (MessageTemplate), reading each
    (template, language) override once per batch."""

    def __init__(self) -> None:
        self._overrides: dict[tuple[str, str], messages.Override | None] = {}

    def override(self, template: str, language: str) -> messages.Override | None:
        key = (template, language)
        if key not in self._overrides:
            row = (
                MessageTemplate.objects.filter(name=template, language=language, is_active=True)
                .values_list("subject", "body", "sms")
                .first()
            )
            self._overrides[key] = (
                messages.Override(
                    subject=row[0],
                    paragraphs=tuple(p.strip() for p in row[1].replace("\r\n", "\n").split("\n\n") if p.strip()),
                    sms=row[2],
                )
                if row
                else None
            )
        return self._overrides[key]

    def render(self, template: str, language: str, context) -> messages.Rendered:
        lang = language if language in LANGUAGES else "vi"
        return messages.render(template, lang, context, self.override(template, lang))


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
    notification, created = _store(
        key=key,
        recipient=recipient,
        channel=channel,
        kind=kind,
        language=language,
        address=address,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        dossier=dossier,
        event=event,
    )
    if created:
        transaction.on_commit(partial(publish_deliveries, [notification.pk]))
    return notification


def _store(*, key: str, subject: str, **fields) -> tuple[Notification, bool]:
    return Notification.objects.get_or_create(key=key, defaults={"subject": subject[:255], **fields})


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
        transaction.on_commit(partial(publish_deliveries, ids))
    return len(ids)


# --- webhooks -----------------------------------------------------------------------------------------------------


def webhooks_queue_for_event(*, event) -> list[WebhookDelivery]:
    """One delivery per active endpoint of the dossier's agency subscribed to the event's action, stored in the
    caller's transaction and published after commit. Idempotent per (event, endpoint)."""
    endpoints = [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(agency_id=event.dossier.agency_id, is_active=True)
        if endpoint.subscribes_to(event.action, internal=event.internal)
    ]
    deliveries, fresh = [], []
    for endpoint in endpoints:
        delivery_id = uuid.uuid4()
        delivery, created = WebhookDelivery.objects.get_or_create(
            key=f"{event.pk}:{endpoint.pk}",
            defaults={
                "id": delivery_id,
                "endpoint": endpoint,
                "event": event,
                "event_type": f"dossier.{event.action}",
                "body": event_body(event, delivery_id),
            },
        )
        if created:
            fresh.append(delivery.pk)
        deliveries.append(delivery)
    if fresh:
        transaction.on_commit(partial(publish_webhooks, fresh))
    return deliveries


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


# --- a dossier's notifications, for its agency's staff -------------------------------------------------------------


def _staff_dossier(*, dossier_id, user) -> Dossier:
    """The dossier if `user` is staff of its agency. NotFound if they cannot see it at all (never reveal that
    another person's dossier exists), ActionForbidden if they can but are not its agency's staff (its applicant)."""
    try:
        dossier = Dossier.objects.visible_to(user).get(pk=dossier_id)
    except (Dossier.DoesNotExist, DjangoValidationError, ValueError, TypeError):
        raise NotFound(_("Không tìm thấy hồ sơ."))
    if (
        not user.is_superuser
        and not StaffMembership.objects.filter(
            user=user, agency_id=dossier.agency_id, is_active=True, role__in=DOSSIER_VIEWER_ROLES
        ).exists()
    ):
        raise ActionForbidden(_("Chỉ cán bộ của cơ quan xử lý hồ sơ được xem thông báo của hồ sơ."))
    return dossier


def notifications_for_dossier(*, dossier_id, user) -> QuerySet[Notification]:
    """Every message about a dossier (all recipients and channels) with its attempts, newest first, for the staff
    of the dossier's agency: "was the citizen told, and when?"."""
    dossier = _staff_dossier(dossier_id=dossier_id, user=user)
    return (
        Notification.objects.filter(dossier=dossier)
        .select_related("recipient")
        .prefetch_related("delivery_attempts")
        .order_by("-created_at", "-id")
    )


def notification_resend(*, notification_id, user) -> Notification:
    """Send one message again, asked by the staff of its dossier's agency (or a system admin). ActionNotAvailable
    while it is being sent; NotFound when the caller may not see it."""
    try:
        notification = Notification.objects.get(pk=notification_id)
    except (Notification.DoesNotExist, DjangoValidationError, ValueError, TypeError):
        raise NotFound(_("Không tìm thấy thông báo."))
    if notification.dossier_id is None:
        if not user.is_superuser:
            raise NotFound(_("Không tìm thấy thông báo."))
    else:
        try:
            _staff_dossier(dossier_id=notification.dossier_id, user=user)
        except ActionForbidden:
            raise NotFound(_("Không tìm thấy thông báo."))
    if not notifications_resend(notification_ids=[notification.pk]):
        raise ActionNotAvailable(_("Thông báo đang được gửi; hãy thử lại sau."))
    notification.refresh_from_db()
    return notification


# --- message context ----------------------------------------------------------------------------------------------


def dossier_url(dossier) -> str:
    return f"{settings.SITE_URL}/ho-so/{dossier.pk}/"


def staff_dossier_url(dossier) -> str:
    """The officer's page of the dossier (the citizen page shows staff nothing they can act on)."""
    return f"{settings.SITE_URL}/can-bo/ho-so/{dossier.pk}/"


def dossier_context(dossier, recipient, language: str) -> dict[str, object]:
    """What staff messages and reminders say about a dossier, in `language`."""
    english = language == "en"
    procedure, agency = dossier.procedure, dossier.agency
    step = _current_step(dossier)
    assignee = dossier.assignee if dossier.assignee_id else None
    return {
        "name": recipient.full_name or recipient.email,
        "code": dossier.code or "",
        "procedure": (procedure.name_en if english and procedure.name_en else procedure.name),
        "agency": (agency.name_en if english and agency.name_en else agency.name),
        "step": ((step.name_en if english and step.name_en else step.name) if step else ""),
        "step_due_date": _local(dossier.step_due_at),
        "due_date": _local(dossier.due_at),
        "submitted_at": _local(dossier.submitted_at, "%H:%M %d/%m/%Y"),
        "created_date": _local(dossier.created_at),
        "assignee_name": (str(assignee) if assignee else ("(chưa phân công)" if not english else "(unassigned)")),
        "applicant_name": dossier.applicant.full_name or dossier.applicant.email,
        "dossier_url": dossier_url(dossier) if recipient.pk == dossier.applicant_id else staff_dossier_url(dossier),
        "site_url": settings.SITE_URL,
    }


def _current_step(dossier):
    if not dossier.current_step:
        return None
    steps = getattr(dossier, "_routing_steps", None)
    if steps is None:
        steps = list(dossier.procedure_version.steps.order_by("position"))
    return next((step for step in steps if step.position == dossier.current_step), None)


def _event_context(event, dossier, recipient, language: str) -> dict[str, object]:
    payload = events.read(event.action, event.payload)
    procedure = dossier.procedure
    agency = dossier.agency
    english = language == "en"
    outcome = messages.OUTCOMES.get(
        (payload.outcome if isinstance(payload, events.Completed) else "") or dossier.outcome, {}
    )
    channel = messages.DELIVERY_CHANNELS.get(
        (payload.channel if isinstance(payload, events.Delivered) else "") or dossier.delivery_channel, {}
    )
    items = payload.items if isinstance(payload, events.SupplementRequested) else []
    previous_due = payload.previous_due_at if isinstance(payload, events.Extended) else None
    return {
        "name": recipient.full_name or recipient.email,
        "code": dossier.code or "",
        "procedure": (procedure.name_en if english and procedure.name_en else procedure.name),
        "agency": (agency.name_en if english and agency.name_en else agency.name),
        "submitted_at": _local(dossier.submitted_at or event.at, "%H:%M %d/%m/%Y"),
        "accepted_date": _local(dossier.accepted_at or event.at),
        "due_date": _local(events.due_at_of(payload) or dossier.due_at),
        "previous_due_date": _local(previous_due or dossier.original_due_at),
        "completed_date": _local(dossier.completed_at or event.at),
        "delivered_date": _local(dossier.delivered_at or event.at),
        "items": "\n".join(f"- {item}" for item in items),
        "reason": event.comment,
        "comment": event.comment,
        "amount": _money(
            payload.amount if isinstance(payload, events.PaymentRequested | events.Paid) else None, language
        ),
        "outcome": outcome.get(language, ""),
        "delivery_channel": channel.get(language, ""),
        "site_url": settings.SITE_URL,
        "dossier_url": dossier_url(dossier),
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


# --- preferences --------------------------------------------------------------------------------------------------


def is_staff_member(user) -> bool:
    return StaffMembership.objects.filter(user=user, is_active=True, role__in=HANDLING_ROLES).exists()


def notification_preferences_get(*, user) -> NotificationPreference:
    """The user's preference row, or an unsaved one with the defaults."""
    return NotificationPreference.objects.filter(user=user).first() or NotificationPreference(user=user)


@transaction.atomic
def notification_preferences_update(
    *,
    user,
    notify_email: bool,
    notify_sms: bool,
    notify_inapp: bool,
    staff_mode: str | None = None,
    daily_digest: bool | None = None,
) -> NotificationPreference:
    """Save the channels a user wants (on the user) and, for staff, instant or digest (on their preference row)."""
    user.notify_email, user.notify_sms, user.notify_inapp = bool(notify_email), bool(notify_sms), bool(notify_inapp)
    user.save(update_fields=["notify_email", "notify_sms", "notify_inapp"])
    preference = notification_preferences_get(user=user)
    if staff_mode is not None:
        if staff_mode not in NotificationPreference.StaffMode.values:
            raise DjangoValidationError({"staff_mode": _("Lựa chọn không hợp lệ.")})
        preference.staff_mode = staff_mode
    if daily_digest is not None:
        preference.daily_digest = bool(daily_digest)
    if staff_mode is not None or daily_digest is not None or preference.pk:
        preference.save()
    return preference


def notifications_mark_all_read(*, user) -> int:
    return notifications_inbox(user=user).filter(read_at__isnull=True).update(read_at=timezone.now())
