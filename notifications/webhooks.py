"""Webhooks: an agency's dossier events POSTed to its integrators' endpoints, signed, retried, logged.

Same outbox as notifications (notifications.outbox): `notifications.services.webhooks_queue_for_event` stores one
WebhookDelivery per (event, endpoint) inside the event's transaction; `notifications.tasks.delivery.deliver_webhook`
claims it and sends it with this module; the outbox sweeper re-queues what was never published or is due for a retry.

Signature (what a receiver checks, see `verify_signature`):
    X-MotCua-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, f"{t}.{body}")>
The timestamp is that of the attempt, so a receiver can refuse old replays (5 minutes is a good tolerance); the
delivery id (X-MotCua-Delivery) stays the same across retries, so a receiver can drop a duplicate.

Requests never go to private, loopback, link-local, multicast or reserved addresses (an integrator's URL must not
become a way into our network): the host is resolved, every address is checked, and the connection is made to the
checked address itself, so a DNS answer that changes between the check and the request (rebinding) cannot slip
through (notifications.addresses).
"""

from __future__ import annotations

import hashlib
import hmac
import http.client as http_client
import json
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from uuid import UUID

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from notifications.addresses import resolve_public, url_problem
from notifications.channels import PermanentFailure, TemporaryFailure, conf
from notifications.keepalive import KeepAlive
from notifications.models import Status, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from notifications.outbox import (
    CLAIMABLE,
    DELIVERED,
    PERMANENT,
    SKIPPED,
    TEMPORARY,
    backoff_seconds,
    setting_int,
)

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-MotCua-Signature"
USER_AGENT = "MotCua-Webhooks/1"


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


# --- where requests go -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Response:
    status: int
    body: str
    duration_ms: int


def post(url: str, body: str, headers: dict[str, str], *, timeout: float, http: KeepAlive | None = None) -> Response:
    """POST `body` to `url` after checking where it goes, over `http`'s kept-alive connection to that checked address
    when given (a batch), else over a connection of its own. Network trouble is a TemporaryFailure; a refused
    address a PermanentFailure. Any HTTP answer is returned as it is (the caller decides what it means)."""
    problem = url_problem(url, resolve=False)
    if problem:
        raise PermanentFailure(problem)
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    addresses = resolve_public(parts.hostname, port)
    own = http is None
    http = KeepAlive(max_body=2000) if own else http
    started = time.monotonic()
    try:
        status, data = http.post(url, body.encode(), headers, timeout=timeout, address=addresses[0])
    except (OSError, http_client.HTTPException) as exc:
        raise TemporaryFailure(f"{type(exc).__name__}: {exc}") from exc
    finally:
        if own:
            http.close()
    text = data[:2000].decode(errors="replace")
    return Response(status=status, body=text, duration_ms=int((time.monotonic() - started) * 1000))


# --- the message -------------------------------------------------------------------------------------------


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


# --- delivery -------------------------------------------------------------------------------------------------


def deliver_webhook_delivery(delivery_id: UUID | str) -> tuple[str, float | None]:
    """Claim, sign, POST, record one delivery. Returns (outcome, seconds until the next try or None)."""
    return deliver_webhook_deliveries([delivery_id]).get(str(delivery_id), (SKIPPED, None))


def deliver_webhook_deliveries(delivery_ids) -> dict[str, tuple[str, float | None]]:
    """Claim those of `delivery_ids` that are due (in one statement), then sign, POST and record each over kept-alive
    connections. Returns {id: (outcome, seconds until the next try or None)} for the claimed ones. 2xx is delivered;
    5xx, 408, 429 and network errors are retried with backoff; other 4xx and refused addresses fail for good. Every
    failure counts towards switching the endpoint off; a success resets the count."""
    now = timezone.now()
    deliveries = WebhookDelivery.claim_batch(delivery_ids, now=now, related=("endpoint",))
    results: dict[str, tuple[str, float | None]] = {}
    disabled: set[int] = set()
    http = KeepAlive(max_body=2000)
    try:
        for delivery in deliveries:
            results[str(delivery.pk)] = _deliver(delivery, claimed_at=now, http=http, disabled=disabled)
    finally:
        http.close()
    return results


def _deliver(delivery: WebhookDelivery, *, claimed_at, http: KeepAlive, disabled: set[int]):
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
        if endpoint.pk in disabled:  # switched off by an earlier failure of this batch
            raise PermanentFailure("Endpoint disabled after too many consecutive failures.")
        response = post(endpoint.url, delivery.body, headers, timeout=float(conf("WEBHOOK_TIMEOUT", 10)), http=http)
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
        logger.exception("Unexpected error delivering webhook %s", delivery.pk)
        outcome, error = TEMPORARY, f"{type(exc).__name__}: {exc}"

    retry_in = None
    next_attempt_at = None
    if outcome == TEMPORARY:
        if delivery.attempts >= WebhookDelivery.max_attempts():
            outcome, error = PERMANENT, f"{error} (gave up after {delivery.attempts} attempts)"
        else:
            retry_in = backoff_seconds(delivery.attempts)
            next_attempt_at = claimed_at + timedelta(seconds=retry_in)
    _record(
        delivery,
        claimed_at=claimed_at,
        outcome=outcome,
        error=error,
        status_code=status_code,
        body=body,
        duration_ms=duration,
        next_attempt_at=next_attempt_at,
    )
    if endpoint.pk not in disabled and _count(endpoint, success=outcome == DELIVERED, now=claimed_at):
        disabled.add(endpoint.pk)
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


def _count(endpoint: WebhookEndpoint, *, success: bool, now: datetime) -> bool:
    """Consecutive failures per endpoint; at WEBHOOK_MAX_CONSECUTIVE_FAILURES the endpoint is switched off and its
    pending deliveries closed, so a dead integrator does not keep a queue of retries alive for ever. Returns whether
    this call switched it off."""
    if success:
        WebhookEndpoint.objects.filter(pk=endpoint.pk, consecutive_failures__gt=0).update(consecutive_failures=0)
        return False
    limit = setting_int("WEBHOOK_MAX_CONSECUTIVE_FAILURES", 10)
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
    return bool(disabled)
