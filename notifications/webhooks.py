"""Webhooks: an agency's dossier events POSTed to its integrators' endpoints, signed, retried, logged.

Same outbox discipline as notifications: `webhooks_queue_for_event` stores one WebhookDelivery per (event, endpoint)
inside the event's transaction; `notifications.tasks.deliver_webhook` claims and sends it; the outbox sweeper
re-queues what was never published or is due for a retry.

Signature (what a receiver checks, see `verify_signature`):
    X-MotCua-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, f"{t}.{body}")>
The timestamp is that of the attempt, so a receiver can refuse old replays (5 minutes is a good tolerance); the
delivery id (X-MotCua-Delivery) stays the same across retries, so a receiver can drop a duplicate.

Requests never go to private, loopback, link-local, multicast or reserved addresses (an integrator's URL must not
become a way into our network): the host is resolved, every address is checked, and the connection is made to the
checked address itself, so a DNS answer that changes between the check and the request (rebinding) cannot slip
through. WEBHOOK_ALLOW_PRIVATE=True lifts this (tests, or an intranet deployment that wants it).
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import socket
import ssl
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from urllib.parse import urlsplit
from uuid import UUID

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from notifications.channels import PermanentFailure, TemporaryFailure, conf, conf_bool
from notifications.models import DeliveryAttempt, Status, WebhookAttempt, WebhookDelivery, WebhookEndpoint

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-MotCua-Signature"
USER_AGENT = "MotCua-Webhooks/1"
CLAIMABLE = (Status.CREATED, Status.TEMPORARY_FAILURE)


# --- signing --------------------------------------------------------------------------------------------------


def sign(secret: str, timestamp: int, body: str | bytes) -> str:
    if isinstance(body, bytes):
        body = body.decode()
    return hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()


def signature_header(secret: str, body: str | bytes, *, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    return f"t={timestamp},v1={sign(secret, timestamp, body)}"


def verify_signature(secret: str, header: str, body: str | bytes, *, tolerance: int = 300, now: float | None = None):
    """What a receiver runs: True if `header` signs `body` with `secret` and is at most `tolerance` seconds old."""
    parts = dict(part.split("=", 1) for part in (header or "").split(",") if "=" in part)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), parts.get("v1", ""))


# --- where requests may go ------------------------------------------------------------------------------------


def _allow_private() -> bool:
    return conf_bool("WEBHOOK_ALLOW_PRIVATE", False)


def address_forbidden(address: str) -> bool:
    """True for every address that is not on the public internet."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


def url_problem(url: str, *, resolve: bool = True) -> str:
    """Why `url` may not receive webhooks ("" if it may). With resolve=False only what needs no DNS is checked (the
    admin form); the delivery always resolves."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        return f"Địa chỉ không hợp lệ: {exc}"
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return "Chỉ nhận địa chỉ http:// hoặc https:// có tên máy chủ."
    if parts.username or parts.password:
        return "Không đặt tên đăng nhập hay mật khẩu trong địa chỉ; dùng khóa ký."
    if _allow_private():
        return ""
    host = parts.hostname
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        return "Không gửi đến địa chỉ mạng nội bộ." if address_forbidden(host) else ""
    if host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
        return "Không gửi đến địa chỉ mạng nội bộ."
    if resolve:
        try:
            resolve_public(host, port or (443 if parts.scheme == "https" else 80))
        except PermanentFailure as exc:
            return str(exc)
        except TemporaryFailure:
            return ""  # DNS down now: not a reason to refuse the URL
    return ""


def resolve_public(host: str, port: int) -> list[str]:
    """Every address `host` resolves to, if all are public (or private ones are allowed). PermanentFailure if any is
    not: one private answer is enough to refuse, since a resolver may return them in any order."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise TemporaryFailure(f"Cannot resolve {host}: {exc}") from exc
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise TemporaryFailure(f"{host} has no address.")
    if not _allow_private():
        forbidden = [address for address in addresses if address_forbidden(address)]
        if forbidden:
            raise PermanentFailure(f"Refused: {host} resolves to a non-public address ({', '.join(forbidden)}).")
    return addresses


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to an address checked beforehand while speaking HTTP to the host name."""

    def __init__(self, host: str, port: int, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


@dataclass(frozen=True)
class Response:
    status: int
    body: str
    duration_ms: int


def post(url: str, body: str, headers: dict[str, str], *, timeout: float) -> Response:
    """POST `body` to `url` after checking where it goes. Network trouble is a TemporaryFailure; a refused address
    a PermanentFailure. Any HTTP answer is returned as it is (the caller decides what it means)."""
    problem = url_problem(url, resolve=False)
    if problem:
        raise PermanentFailure(problem)
    parts = urlsplit(url)
    https = parts.scheme == "https"
    port = parts.port or (443 if https else 80)
    addresses = resolve_public(parts.hostname, port)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    connection_class = _PinnedHTTPSConnection if https else _PinnedHTTPConnection
    started = time.monotonic()
    connection = connection_class(parts.hostname, port, addresses[0], timeout)
    try:
        connection.request("POST", path, body=body.encode(), headers=headers)
        response = connection.getresponse()
        text = response.read(2000).decode(errors="replace")
        status = response.status
    except (OSError, http.client.HTTPException) as exc:
        raise TemporaryFailure(f"{type(exc).__name__}: {exc}") from exc
    finally:
        connection.close()
    return Response(status=status, body=text, duration_ms=int((time.monotonic() - started) * 1000))


# --- queueing (inside the event's transaction) ----------------------------------------------------------------


def event_body(event, delivery_id: UUID) -> str:
    """What an integrator receives: the event and the dossier's public facts, no personal data (no names, contacts,
    form answers or documents); the integrator reads more through the API with its own credentials."""
    dossier = event.dossier
    payload = {
        "id": str(delivery_id),
        "type": f"dossier.{event.action}",
        "occurred_at": event.at.isoformat(),
        "data": {
            "event": {
                "id": event.pk,
                "action": event.action,
                "from_status": event.from_status,
                "to_status": event.to_status,
                "step": event.step,
            },
            "dossier": {
                "id": str(dossier.pk),
                "code": dossier.code,
                "status": dossier.status,
                "procedure": dossier.procedure.code,
                "agency": dossier.agency.identity_code,
                "current_step": dossier.current_step,
                "submitted_at": _iso(dossier.submitted_at),
                "accepted_at": _iso(dossier.accepted_at),
                "due_at": _iso(dossier.due_at),
                "completed_at": _iso(dossier.completed_at),
            },
        },
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


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


def publish_webhooks(delivery_ids: Iterable[UUID | str], *, force: bool = False) -> int:
    """Best effort, like notifications.services.publish_deliveries: the sweeper covers a broker outage."""
    from notifications.services import publish_task
    from notifications.tasks import deliver_webhook

    published = 0
    for delivery_id in delivery_ids:
        if not publish_task(deliver_webhook, delivery_id, force=force):
            break
        published += 1
    return published


# --- delivery -------------------------------------------------------------------------------------------------


def _int(name: str, default: int) -> int:
    return int(float(conf(name, default)))


def deliver_webhook_delivery(delivery_id: UUID | str) -> tuple[str, float | None]:
    """Claim, sign, POST, record. Returns (outcome, seconds until the next try or None). 2xx is delivered; 5xx,
    408, 429 and network errors are retried with backoff; other 4xx and refused addresses fail for good. Every
    failure counts towards switching the endpoint off; a success resets the count."""
    from notifications.tasks import DELIVERED, PERMANENT, SKIPPED, TEMPORARY, backoff_seconds

    now = timezone.now()
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id, status__in=CLAIMABLE, next_attempt_at__lte=now, endpoint__is_active=True
    ).update(status=Status.SENDING, attempts=F("attempts") + 1, claimed_at=now)
    if not claimed:
        return SKIPPED, None
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    endpoint = delivery.endpoint
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "X-MotCua-Event": delivery.event_type,
        "X-MotCua-Delivery": str(delivery.pk),
        SIGNATURE_HEADER: signature_header(endpoint.secret, delivery.body),
    }
    status_code, body, duration, error = None, "", None, ""
    outcome = DELIVERED
    try:
        response = post(endpoint.url, delivery.body, headers, timeout=float(conf("WEBHOOK_TIMEOUT", 10)))
        status_code, body, duration = response.status, response.body, response.duration_ms
        if 200 <= response.status < 300:
            outcome = DELIVERED
        elif response.status >= 500 or response.status in {408, 425, 429}:
            outcome, error = TEMPORARY, f"HTTP {response.status}"
        else:
            outcome, error = PERMANENT, f"HTTP {response.status}"
    except PermanentFailure as exc:
        outcome, error = PERMANENT, str(exc)
    except TemporaryFailure as exc:
        outcome, error = TEMPORARY, str(exc)
    except Exception as exc:  # a bug or an unforeseen error: retried like a temporary one
        logger.exception("Unexpected error delivering webhook %s", delivery_id)
        outcome, error = TEMPORARY, f"{type(exc).__name__}: {exc}"

    retry_in = None
    next_attempt_at = None
    if outcome == TEMPORARY:
        if delivery.attempts >= _int("WEBHOOK_MAX_ATTEMPTS", 8):
            outcome, error = PERMANENT, f"{error} (gave up after {delivery.attempts} attempts)"
        else:
            retry_in = backoff_seconds(delivery.attempts)
            next_attempt_at = now + timedelta(seconds=retry_in)
    _record(
        delivery,
        claimed_at=now,
        outcome=outcome,
        error=error,
        status_code=status_code,
        body=body,
        duration_ms=duration,
        next_attempt_at=next_attempt_at,
    )
    _count(endpoint, success=outcome == DELIVERED, now=now)
    return outcome, retry_in


def _record(delivery, *, claimed_at, outcome, error, status_code, body, duration_ms, next_attempt_at) -> None:
    now = timezone.now()
    fields: dict = {"status": outcome, "last_error": error, "claimed_at": None, "response_status": status_code}
    if outcome == Status.DELIVERED:
        fields["delivered_at"] = now
    if next_attempt_at is not None:
        fields["next_attempt_at"] = next_attempt_at
    with transaction.atomic():
        WebhookDelivery.objects.filter(pk=delivery.pk, status=Status.SENDING, claimed_at=claimed_at).update(**fields)
        WebhookAttempt.objects.create(
            delivery_id=delivery.pk,
            number=delivery.attempts,
            at=now,
            outcome=outcome,
            response_status=status_code,
            response_body=body[:2000],
            error=error,
            duration_ms=duration_ms,
        )


def _count(endpoint: WebhookEndpoint, *, success: bool, now: datetime) -> None:
    """Consecutive failures per endpoint; at WEBHOOK_MAX_CONSECUTIVE_FAILURES the endpoint is switched off and its
    pending deliveries closed, so a dead integrator does not keep a queue of retries alive for ever."""
    if success:
        WebhookEndpoint.objects.filter(pk=endpoint.pk, consecutive_failures__gt=0).update(consecutive_failures=0)
        return
    limit = _int("WEBHOOK_MAX_CONSECUTIVE_FAILURES", 10)
    with transaction.atomic():
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=F("consecutive_failures") + 1)
        disabled = WebhookEndpoint.objects.filter(
            pk=endpoint.pk, is_active=True, consecutive_failures__gte=limit
        ).update(is_active=False, disabled_at=now)
        if disabled:
            reason = f"Endpoint disabled after {limit} consecutive failures."
            WebhookDelivery.objects.filter(endpoint_id=endpoint.pk, status__in=CLAIMABLE).update(
                status=Status.PERMANENT_FAILURE, last_error=reason
            )
            logger.warning("Webhook endpoint %s (%s) disabled: %s", endpoint.pk, endpoint.url, reason)


def release_stuck_webhooks(*, now: datetime, stuck_after: int, max_attempts: int, batch: int) -> int:
    cutoff = now - timedelta(seconds=stuck_after)
    stuck = list(
        WebhookDelivery.objects.filter(status=Status.SENDING, claimed_at__lt=cutoff).values_list(
            "pk", "claimed_at", "attempts"
        )[:batch]
    )
    released = 0
    error = "Interrupted: the worker stopped while sending (killed or timed out)."
    for pk, claimed_at, attempts in stuck:
        with transaction.atomic():
            updated = WebhookDelivery.objects.filter(pk=pk, status=Status.SENDING, claimed_at=claimed_at).update(
                status=Status.PERMANENT_FAILURE if attempts >= max_attempts else Status.TEMPORARY_FAILURE,
                next_attempt_at=now,
                claimed_at=None,
                last_error=error,
            )
            if updated:
                WebhookAttempt.objects.create(
                    delivery_id=pk, number=attempts, at=now, outcome=DeliveryAttempt.Outcome.INTERRUPTED, error=error
                )
        released += updated
    return released
