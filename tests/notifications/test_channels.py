"""SMS through a generic HTTP gateway, and webhooks: against real HTTP servers on 127.0.0.1."""

from __future__ import annotations

import json
import socket
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from notifications.addresses import address_forbidden, resolve_public, url_problem
from notifications.channels import fill_payload
from notifications.models import Channel, Notification, Status, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from notifications.tasks import delivery as tasks
from notifications.webhooks import sign, signature_header, verify_signature
from portal.celery import app as celery_app
from procedures.models import Dossier
from tests.notifications.helpers import act, draft, submitted
from tests.notifications.servers import LocalServer

pytestmark = pytest.mark.django_db


def make_due(model, pk) -> None:
    model.objects.filter(pk=pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))


@pytest.fixture
def sms_citizen(world):
    world.citizen.notify_sms = True
    world.citizen.phone = "0912345678"
    world.citizen.save()
    return world.citizen


@pytest.fixture
def no_retry_publish(monkeypatch, settings):
    """Eager off and retries captured instead of published, so a test sees whether one was scheduled."""
    published = []
    monkeypatch.setattr(tasks.deliver, "apply_async", lambda *a, **k: published.append((a, k)))
    monkeypatch.setattr(tasks.deliver_webhook, "apply_async", lambda *a, **k: published.append((a, k)))
    settings.CELERY_TASK_ALWAYS_EAGER = False
    celery_app.conf.task_always_eager = False
    yield published
    celery_app.conf.task_always_eager = True


def sms_row(dossier) -> Notification:
    return Notification.objects.get(dossier=dossier, channel=Channel.SMS, recipient_id=dossier.applicant_id)


def http_sms(settings, gateway: LocalServer, **extra) -> None:
    settings.SMS_PROVIDER = "http"
    settings.SMS_HTTP_URL = f"{gateway.url}/v1/sms"
    settings.SMS_HTTP_AUTH = "Bearer s3cret-token"
    for name, value in extra.items():
        setattr(settings, name, value)


# --- SMS over HTTP ------------------------------------------------------------------------------------------------


def test_sms_gateway_5xx_is_retried_with_backoff_then_delivered(world, sms_citizen, settings):
    with LocalServer([503, 502], body={"message_id": "GW-77"}) as gateway:
        http_sms(settings, gateway)
        row = sms_row(submitted(world))
        assert tasks.deliver(str(row.pk)) == "temporary_failure"
        row.refresh_from_db()
        assert row.status == Status.TEMPORARY_FAILURE and "HTTP 503" in row.last_error
        first_wait = row.next_attempt_at - timezone.now()
        assert tasks.deliver(str(row.pk)) == "skipped"  # not due yet
        make_due(Notification, row.pk)
        assert tasks.deliver(str(row.pk)) == "temporary_failure"
        row.refresh_from_db()
        assert row.next_attempt_at - timezone.now() > first_wait  # the backoff grows
        make_due(Notification, row.pk)
        assert tasks.deliver(str(row.pk)) == "delivered"
    row.refresh_from_db()
    assert row.status == Status.DELIVERED and row.provider_ref == "GW-77"
    assert list(row.delivery_attempts.values_list("outcome", flat=True)) == [
        "temporary_failure",
        "temporary_failure",
        "delivered",
    ]
    assert len(gateway.requests) == 3
    request = gateway.requests[-1]
    assert request.path == "/v1/sms"
    assert request.headers["authorization"] == "Bearer s3cret-token"
    assert request.headers["idempotency-key"] == str(row.pk)  # the same on every try: the gateway can fold repeats
    assert {r.headers["idempotency-key"] for r in gateway.requests} == {str(row.pk)}
    assert request.json() == {"to": "0912345678", "text": row.body_text, "reference": str(row.pk)}
    assert request.json()["text"].isascii()


@pytest.mark.parametrize("status", [400, 401, 404, 422])
def test_sms_gateway_4xx_is_a_permanent_failure_and_never_retried(
    world, sms_citizen, settings, status, no_retry_publish
):
    with LocalServer([status]) as gateway:
        http_sms(settings, gateway)
        row = sms_row(submitted(world))
        assert tasks.deliver(str(row.pk)) == "permanent_failure"
        make_due(Notification, row.pk)
        assert tasks.deliver(str(row.pk)) == "skipped"
        tasks.sweep_outbox()
    row.refresh_from_db()
    assert row.status == Status.PERMANENT_FAILURE and f"HTTP {status}" in row.last_error
    assert row.attempts == 1 and len(gateway.requests) == 1
    assert no_retry_publish == []


@pytest.mark.parametrize("status", [429, 408, 500])
def test_sms_gateway_throttling_and_timeouts_are_temporary(world, sms_citizen, settings, status, no_retry_publish):
    with LocalServer([status]) as gateway:
        http_sms(settings, gateway)
        row = sms_row(submitted(world))
        assert tasks.deliver(str(row.pk)) == "temporary_failure"
    [(args, kwargs)] = no_retry_publish
    assert args == ((str(row.pk),),) and kwargs["countdown"] > 0


def test_an_unreachable_gateway_is_temporary(world, sms_citizen, settings):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.SMS_PROVIDER = "http"
    settings.SMS_HTTP_URL = f"http://127.0.0.1:{port}/sms"
    row = sms_row(submitted(world))
    assert tasks.deliver(str(row.pk)) == "temporary_failure"
    row.refresh_from_db()
    assert "unreachable" in row.last_error


def test_the_payload_template_and_header_are_configurable(world, sms_citizen, settings):
    template = '{"msisdn": "{to_e164}", "brand": "{sender}", "content": {"body": "{text}"}, "tags": ["{id}"]}'
    with LocalServer(body={"id": 42}) as gateway:
        http_sms(settings, gateway, SMS_HTTP_PAYLOAD=template, SMS_HTTP_AUTH="X-Api-Key: k-1", SMS_HTTP_SENDER="MOTCUA")
        row = sms_row(submitted(world))
        assert tasks.deliver(str(row.pk)) == "delivered"
    request = gateway.requests[0]
    assert request.headers["x-api-key"] == "k-1" and "authorization" not in request.headers
    assert request.json() == {
        "msisdn": "+84912345678",
        "brand": "MOTCUA",
        "content": {"body": row.body_text},
        "tags": [str(row.pk)],
    }
    assert Notification.objects.get(pk=row.pk).provider_ref == "42"


def test_message_text_cannot_break_out_of_the_json_payload():
    filled = fill_payload('{"to": "{to}", "text": "{text}"}', {"to": "09", "text": 'a", "admin": true, "x": "\n'})
    assert filled == {"to": "09", "text": 'a", "admin": true, "x": "\n'}
    assert set(json.loads(json.dumps(filled))) == {"to", "text"}


def test_a_provider_that_cannot_be_loaded_keeps_the_message_for_later(world, sms_citizen, settings):
    settings.SMS_PROVIDER = "nowhere.Provider"
    row = sms_row(submitted(world))
    assert tasks.deliver(str(row.pk)) == "temporary_failure"
    assert "cannot be loaded" in Notification.objects.get(pk=row.pk).last_error


# --- webhooks -----------------------------------------------------------------------------------------------------


def endpoint_for(world, url: str, events=("submit", "accept"), **extra) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(agency=world.agency, url=url, events=list(events), **extra)


@pytest.fixture
def allow_private(settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True  # the receiver listens on 127.0.0.1


def verifying_receiver(secret_of, verified: list):
    """A receiver that checks each request's signature as an integrator would."""

    def respond(request):
        verified.append(verify_signature(secret_of(), request.headers.get("x-motcua-signature", ""), request.body))
        return 200, {"ok": True}

    return respond


def test_webhook_deliveries_are_signed_so_the_receiver_can_verify_them(world, allow_private):
    verified: list[bool] = []
    holder = {}
    with LocalServer(respond=verifying_receiver(lambda: holder["secret"], verified)) as receiver:
        endpoint = endpoint_for(world, f"{receiver.url}/hooks/motcua")
        holder["secret"] = endpoint.secret
        dossier = submitted(world)
        [delivery] = WebhookDelivery.objects.filter(endpoint=endpoint)
        assert tasks.deliver_webhook(str(delivery.pk)) == "delivered"
        assert tasks.deliver_webhook(str(delivery.pk)) == "skipped"  # once
    assert verified == [True]
    [request] = receiver.requests
    assert request.path == "/hooks/motcua"
    assert request.headers["x-motcua-event"] == "dossier.submit"
    assert request.headers["x-motcua-delivery"] == str(delivery.pk)
    body = request.json()
    assert body["id"] == str(delivery.pk) and body["type"] == "dossier.submit"
    assert body["data"]["dossier"]["code"] == dossier.code and body["data"]["dossier"]["status"] == "submitted"
    assert body["data"]["dossier"]["agency"] == world.agency.identity_code
    # No personal data leaves: no names, contacts, form answers.
    raw = request.body.decode()
    assert "citizen@example.org" not in raw and "Nguyễn Văn An" not in raw and "001203004567" not in raw
    # A tampered body or a wrong secret does not verify; an old signature neither.
    header = request.headers["x-motcua-signature"]
    assert not verify_signature(endpoint.secret, header, request.body + b" ")
    assert not verify_signature("another-secret", header, request.body)
    stamp = int(header.split(",")[0][2:])
    assert not verify_signature(endpoint.secret, header, request.body, now=stamp + 3600)
    delivery.refresh_from_db()
    assert delivery.status == Status.DELIVERED and delivery.response_status == 200
    [attempt] = delivery.delivery_attempts.all()
    assert attempt.outcome == "delivered" and attempt.response_status == 200 and attempt.duration_ms is not None


def test_signature_format():
    header = signature_header("k", '{"a":1}', timestamp=1700000000)
    expected = sign("k", 1700000000, '{"a":1}')
    assert header == f"t=1700000000,v1={expected}"
    import hashlib
    import hmac

    assert expected == hmac.new(b"k", b'1700000000.{"a":1}', hashlib.sha256).hexdigest()
    assert verify_signature("k", header, b'{"a":1}', now=1700000100)
    assert not verify_signature("k", "garbage", b"{}")


def test_webhook_5xx_is_retried_then_delivered_and_4xx_fails_for_good(world, allow_private, no_retry_publish):
    with LocalServer([500, 503]) as flaky, LocalServer([410]) as gone:
        retried = endpoint_for(world, f"{flaky.url}/a")
        refused = endpoint_for(world, f"{gone.url}/b")
        submitted(world)
        first = WebhookDelivery.objects.get(endpoint=retried)
        second = WebhookDelivery.objects.get(endpoint=refused)
        assert tasks.deliver_webhook(str(first.pk)) == "temporary_failure"
        make_due(WebhookDelivery, first.pk)
        assert tasks.deliver_webhook(str(first.pk)) == "temporary_failure"
        make_due(WebhookDelivery, first.pk)
        assert tasks.deliver_webhook(str(first.pk)) == "delivered"
        assert tasks.deliver_webhook(str(second.pk)) == "permanent_failure"
        make_due(WebhookDelivery, second.pk)
        assert tasks.deliver_webhook(str(second.pk)) == "skipped"
    assert len(flaky.requests) == 3 and len(gone.requests) == 1
    assert len(no_retry_publish) == 2  # a countdown retry after each 5xx, none after the 410
    # Every attempt is logged with its answer.
    assert list(WebhookAttempt.objects.filter(delivery=first).values_list("response_status", flat=True)) == [
        500,
        503,
        200,
    ]
    retried.refresh_from_db()
    assert retried.consecutive_failures == 0  # reset by the success


def test_an_endpoint_is_switched_off_after_repeated_failures(world, allow_private, settings, no_retry_publish):
    settings.WEBHOOK_MAX_CONSECUTIVE_FAILURES = 3
    with LocalServer(default=500) as broken:
        endpoint = endpoint_for(world, broken.url)
        submitted(world)
        submitted(world)
        first, second = WebhookDelivery.objects.filter(endpoint=endpoint).order_by("created_at")
        for _ in range(3):
            make_due(WebhookDelivery, first.pk)
            tasks.deliver_webhook(str(first.pk))
        endpoint.refresh_from_db()
        assert not endpoint.is_active and endpoint.disabled_at is not None and endpoint.consecutive_failures == 3
        second.refresh_from_db()
        assert second.status == Status.PERMANENT_FAILURE and "disabled" in second.last_error
        make_due(WebhookDelivery, first.pk)
        assert tasks.deliver_webhook(str(first.pk)) == "skipped"
        submitted(world)  # new events no longer queue anything for it
    assert WebhookDelivery.objects.filter(endpoint=endpoint).count() == 2
    assert len(broken.requests) == 3


def test_private_and_loopback_addresses_are_refused(world, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    with LocalServer() as receiver:
        endpoint = endpoint_for(world, receiver.url)
        submitted(world)
        delivery = WebhookDelivery.objects.get(endpoint=endpoint)
        assert tasks.deliver_webhook(str(delivery.pk)) == "permanent_failure"
    assert receiver.requests == []
    assert "mạng nội bộ" in WebhookDelivery.objects.get(pk=delivery.pk).last_error
    for url in (
        "http://10.1.2.3/h",
        "http://192.168.1.1/h",
        "http://[::1]:8000/h",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:127.0.0.1]/h",
        "http://0.0.0.0/h",
        "http://localhost:8000/h",
        "http://100.64.0.1/h",
    ):
        assert url_problem(url), url
    assert url_problem("ftp://example.org/h") and url_problem("https://user:pw@example.org/h")
    assert url_problem("https://93.184.216.34/hooks", resolve=False) == ""
    assert not address_forbidden("93.184.216.34") and address_forbidden("fd00::1")


def test_a_name_resolving_to_a_private_address_is_refused(monkeypatch, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = False

    def fake_getaddrinfo(host, port, *args, **kwargs):
        answers = {"hooks.example.org": ["93.184.216.34", "10.0.0.5"], "ok.example.org": ["93.184.216.34"]}
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port)) for ip in answers[host]]

    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)
    assert "10.0.0.5" in url_problem("https://hooks.example.org/x")  # one private answer is enough to refuse
    assert url_problem("https://ok.example.org/x") == ""
    assert resolve_public("ok.example.org", 443) == ["93.184.216.34"]


def test_only_subscribed_endpoints_of_the_dossiers_agency_get_events(world, allow_private):
    everything = endpoint_for(world, "http://127.0.0.1:9/all", events=["*"])
    accepts = endpoint_for(world, "http://127.0.0.1:9/accept", events=["accept"])
    internal = endpoint_for(world, "http://127.0.0.1:9/assign", events=["assign"])
    paused = endpoint_for(world, "http://127.0.0.1:9/off", events=["*"], is_active=False)
    elsewhere = WebhookEndpoint.objects.create(agency=world.other_agency, url="http://127.0.0.1:9/x", events=["*"])
    dossier = submitted(world)
    act(dossier, "accept", world.reception)
    act(dossier, "comment", world.reception, comment="nội bộ")
    act(dossier, "assign", world.leader, assignee=world.specialist.pk)

    def types(endpoint):
        return sorted(WebhookDelivery.objects.filter(endpoint=endpoint).values_list("event_type", flat=True))

    assert types(everything) == ["dossier.accept", "dossier.submit"]  # "*" is every public event
    assert types(accepts) == ["dossier.accept"]
    assert types(internal) == ["dossier.assign"]  # internal events only when named
    assert types(paused) == [] and types(elsewhere) == []


def test_webhook_rows_roll_back_with_the_event(world, allow_private):
    endpoint = endpoint_for(world, "http://127.0.0.1:9/h")
    dossier = draft(world)
    with pytest.raises(RuntimeError), transaction.atomic():
        act(dossier, "submit", world.citizen)
        assert WebhookDelivery.objects.filter(endpoint=endpoint).count() == 1
        raise RuntimeError
    assert WebhookDelivery.objects.count() == 0 and Dossier.objects.get(pk=dossier.pk).status == "draft"


def test_the_sweeper_sends_webhooks_whose_publish_was_lost(world, allow_private):
    with LocalServer() as receiver:
        endpoint = endpoint_for(world, receiver.url)
        submitted(world)  # committed in the test transaction; no on-commit publish ran
        WebhookDelivery.objects.update(created_at=timezone.now() - timedelta(minutes=1))
        result = tasks.sweep_outbox()
    assert result["webhooks_due"] == 1 and result["webhooks_published"] == 1
    assert WebhookDelivery.objects.get(endpoint=endpoint).status == Status.DELIVERED
    assert len(receiver.requests) == 1


def test_the_admin_form_refuses_a_private_url(world, settings):
    from django.core.exceptions import ValidationError

    settings.WEBHOOK_ALLOW_PRIVATE = False
    endpoint = WebhookEndpoint(agency=world.agency, url="http://127.0.0.1/x", events=["submit"])
    with pytest.raises(ValidationError) as excinfo:
        endpoint.full_clean()
    assert "url" in excinfo.value.message_dict
    endpoint.url = "https://93.184.216.34/x"
    endpoint.events = "submit"
    with pytest.raises(ValidationError) as excinfo:
        endpoint.full_clean()
    assert "events" in excinfo.value.message_dict
    assert len(endpoint.secret) == 64  # generated
