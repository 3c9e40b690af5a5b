"""Delivery channels. Each takes a stored Notification, hands it to its provider and returns the provider's reference,
or raises TemporaryFailure (worth retrying later) or PermanentFailure (retrying cannot help).

Which class serves which channel is configuration (`NOTIFICATION_CHANNELS`, a dict of channel -> dotted path), so
another provider plugs in without touching the delivery task. SMS goes through a provider chosen by `SMS_PROVIDER`:
"console" (the log; the default), "http" (a generic JSON-over-HTTP gateway, see HttpSmsChannel) or a dotted path.
Settings are read from django.conf.settings first and from the environment second (`conf`), so a worker started
with SMS_* variables works whether or not settings.py names them.

A delivery batch uses one `ChannelSession`: each channel is made once and keeps its provider connection (one SMTP
connection, HTTP keep-alive to the SMS gateway) for the whole batch, then is closed.
"""

from __future__ import annotations

import http.client
import json
import logging
import os
import re
import smtplib
import time
from email.utils import parseaddr
from functools import cache
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.utils.module_loading import import_string

from notifications.keepalive import KeepAlive

logger = logging.getLogger(__name__)

DEFAULT_CHANNELS = {
    "email": "notifications.channels.EmailChannel",
    "sms": "notifications.channels.SmsChannel",
    "inapp": "notifications.channels.InAppChannel",
}


class DeliveryFailure(Exception):
    """Base of the two outcomes a channel may report instead of a provider reference."""


class TemporaryFailure(DeliveryFailure):
    """The provider could not take the message now (down, timeout, SMTP 4xx, HTTP 5xx); it may succeed later."""


class PermanentFailure(DeliveryFailure):
    """The message can never be delivered as it is (no address, SMTP 5xx on the recipient, HTTP 4xx)."""


_UNSET = object()


def conf(name: str, default: Any = None) -> Any:
    """A setting from django.conf.settings, else from the environment, else `default`."""
    value = getattr(settings, name, _UNSET)
    if value is not _UNSET and value is not None:
        return value
    return os.environ.get(name, default)


def conf_bool(name: str, default: bool = False) -> bool:
    value = conf(name, None)
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"1", "true", "yes", "on"}


class BaseChannel:
    def send(self, notification) -> str:
        raise NotImplementedError

    def close(self) -> None:
        """Release what the channel kept open between sends (connections). Called at the end of a batch."""


def get_channel(name: str) -> BaseChannel:
    path = {**DEFAULT_CHANNELS, **settings.NOTIFICATION_CHANNELS}.get(name)
    if path is None:
        raise PermanentFailure(f"No delivery channel configured for {name!r}.")
    return _load(path)()


@cache
def _load(path: str) -> type[BaseChannel]:
    return import_string(path)


class ChannelSession:
    """The channels of one delivery batch, each made on first use and closed at the end, so their connections are
    reused by every message of the batch."""

    def __init__(self) -> None:
        self._channels: dict[str, BaseChannel] = {}

    def get(self, name: str) -> BaseChannel:
        if name not in self._channels:
            self._channels[name] = get_channel(name)
        return self._channels[name]

    def close(self) -> None:
        for channel in self._channels.values():
            try:
                channel.close()
            except Exception:  # closing is best effort: the messages are already sent and recorded
                logger.debug("Could not close channel %r cleanly.", channel, exc_info=True)
        self._channels.clear()

    def __enter__(self) -> ChannelSession:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _test_send_delay() -> None:
    """Test hook for the real-worker tests: NOTIFICATIONS_TEST_SEND_DELAY=<seconds> makes each e-mail send that slow,
    so a test can kill the worker mid-send. Read from the environment of the worker process, and only when set."""
    delay = os.environ.get("NOTIFICATIONS_TEST_SEND_DELAY")
    if delay:
        time.sleep(float(delay))


def _sender_domain() -> str:
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rpartition("@")[2] or "localhost"


class EmailChannel(BaseChannel):
    """Django's configured e-mail backend (SMTP in production), text with an HTML alternative. One connection is
    opened on the first send and reused until `close()`; after an error that may have broken it, the next send opens
    a new one."""

    def __init__(self) -> None:
        self.connection = None

    def _connection(self):
        if self.connection is None:
            connection = get_connection(fail_silently=False)
            connection.open()
            self.connection = connection
        return self.connection

    def close(self) -> None:
        connection, self.connection = self.connection, None
        if connection is not None:
            try:
                connection.close()
            except Exception:  # a connection that broke may not close cleanly; it is dropped either way
                logger.debug("Closing the e-mail connection failed.", exc_info=True)

    def send(self, notification) -> str:
        if not notification.address:
            raise PermanentFailure("The recipient has no e-mail address.")
        # A Message-ID fixed per notification: if a crash makes us send the same row twice (the at-least-once window
        # documented in notifications.outbox), receiving servers and mail clients see one message, not two.
        message_id = f"<notification.{notification.pk}@{_sender_domain()}>"
        message = EmailMultiAlternatives(
            subject=notification.subject,
            body=notification.body_text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[notification.address],
            headers={"Message-ID": message_id},
        )
        if notification.body_html:
            message.attach_alternative(notification.body_html, "text/html")
        _test_send_delay()
        try:
            message.connection = self._connection()
            message.send(fail_silently=False)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            error = f"Recipient refused: {exc.recipients!r}"
            if codes and all(500 <= code < 600 for code in codes):
                raise PermanentFailure(error) from exc
            raise TemporaryFailure(error) from exc
        except smtplib.SMTPDataError as exc:
            # 5xx after DATA: the server rejected this message (content, size, policy); resending it changes nothing.
            error = f"SMTP {exc.smtp_code}: {exc.smtp_error!r}"
            if 500 <= exc.smtp_code < 600:
                raise PermanentFailure(error) from exc
            raise TemporaryFailure(error) from exc
        except smtplib.SMTPResponseException as exc:
            # 4xx, and 5xx about us rather than the recipient (authentication, sender refused): an operator can fix
            # the configuration, so keep the message for the next attempt.
            self.close()
            raise TemporaryFailure(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}") from exc
        except OSError as exc:
            # Every other smtplib error, refused connections, resets and timeouts are all OSError.
            self.close()
            raise TemporaryFailure(f"{type(exc).__name__}: {exc}") from exc
        return message_id


class InAppChannel(BaseChannel):
    """The row itself is the inbox item: delivering it means publishing it to the recipient's inbox."""

    def send(self, notification) -> str:
        return f"inapp:{notification.pk}"


def mask_phone(phone: str) -> str:
    return phone[:3] + "*" * max(len(phone) - 5, 0) + phone[-2:]


class ConsoleSmsChannel(BaseChannel):
    """Stand-in until an SMS provider is configured: writes the message to the log."""

    def send(self, notification) -> str:
        if not notification.address:
            raise PermanentFailure("The recipient has no phone number.")
        logger.info("SMS to %s: %s", mask_phone(notification.address), notification.body_text)
        return f"console:{notification.pk}"


SMS_PROVIDERS = {
    "console": "notifications.channels.ConsoleSmsChannel",
    "http": "notifications.channels.HttpSmsChannel",
}


class SmsChannel(BaseChannel):
    """The SMS channel: hands the message to the provider SMS_PROVIDER names (console, http or a dotted path), one
    provider instance per channel (so per batch), which keeps its connection between messages."""

    def __init__(self) -> None:
        self.provider: BaseChannel | None = None

    def send(self, notification) -> str:
        if self.provider is None:
            name = str(conf("SMS_PROVIDER", "console") or "console").strip()
            path = SMS_PROVIDERS.get(name.lower(), name)
            try:
                self.provider = _load(path)()
            except ImportError as exc:
                # Configuration, not the message: keep it for when an operator fixes SMS_PROVIDER.
                raise TemporaryFailure(f"SMS_PROVIDER {name!r} cannot be loaded: {exc}") from exc
        return self.provider.send(notification)

    def close(self) -> None:
        if self.provider is not None:
            self.provider.close()
            self.provider = None


DEFAULT_SMS_PAYLOAD = '{"to": "{to}", "text": "{text}", "reference": "{id}"}'
REFERENCE_FIELDS = ("id", "message_id", "messageId", "reference", "ref", "sid")
# HTTP statuses that mean "not now" although they are 4xx: request timeout, too early, too many requests.
RETRYABLE_4XX = frozenset({408, 425, 429})


def _e164(phone: str) -> str:
    digits = re.sub(r"[^\d+]", "", phone)
    if digits.startswith("+"):
        return digits
    if digits.startswith("0"):
        return "+84" + digits[1:]
    return "+" + digits


def fill_payload(template: str, values: dict[str, str]) -> Any:
    """The JSON payload template with its "{placeholders}" replaced inside its strings. The template is parsed first
    and the values inserted into the parsed strings, so a message text with quotes or newlines cannot break the
    JSON or add fields to it."""

    def fill(node: Any) -> Any:
        if isinstance(node, str):
            for name, value in values.items():
                node = node.replace("{" + name + "}", value)
            return node
        if isinstance(node, list):
            return [fill(item) for item in node]
        if isinstance(node, dict):
            return {fill(key): fill(value) for key, value in node.items()}
        return node

    return fill(json.loads(template))


def auth_header(value: str) -> tuple[str, str] | None:
    """SMS_HTTP_AUTH as a header: "Bearer xyz" (or any value) is the Authorization header; "X-Api-Key: xyz" names
    its own header."""
    value = (value or "").strip()
    if not value:
        return None
    match = re.match(r"^([A-Za-z0-9-]+):\s*(.+)$", value)
    if match:
        return match.group(1), match.group(2)
    return "Authorization", value


class HttpSmsChannel(BaseChannel):
    """A generic SMS gateway spoken to as JSON over HTTP(S).

    SMS_HTTP_URL      the gateway's endpoint (POST)
    SMS_HTTP_AUTH     "Bearer <token>", "Basic <b64>" (sent as Authorization) or "<Header-Name>: <value>"
    SMS_HTTP_PAYLOAD  a JSON template whose strings may use {to} (as stored, 0912345678), {to_e164} (+84912345678),
                      {text}, {id} (the notification id, also sent as the Idempotency-Key header) and {sender}
                      (SMS_HTTP_SENDER, the brand name). Default: {"to": "{to}", "text": "{text}", "reference": "{id}"}
    SMS_HTTP_TIMEOUT  seconds (default 10)
    A 2xx answer is delivery; its JSON's "id" (or message_id, reference...) is kept as the provider reference.
    5xx, timeouts, refused connections, 408 and 429 are temporary failures (retried with backoff); any other 4xx is
    permanent (the gateway refused this message: a bad number, a blocked text), as are 3xx redirects (never
    followed). The connection is kept alive between the messages of a batch."""

    def __init__(self) -> None:
        self.http = KeepAlive()

    def close(self) -> None:
        self.http.close()

    def send(self, notification) -> str:
        if not notification.address:
            raise PermanentFailure("The recipient has no phone number.")
        url = conf("SMS_HTTP_URL", "")
        if not url:
            raise TemporaryFailure("SMS_HTTP_URL is not configured.")
        values = {
            "to": notification.address,
            "to_e164": _e164(notification.address),
            "text": notification.body_text,
            "id": str(notification.pk),
            "sender": str(conf("SMS_HTTP_SENDER", "") or ""),
        }
        try:
            payload = fill_payload(conf("SMS_HTTP_PAYLOAD", "") or DEFAULT_SMS_PAYLOAD, values)
        except ValueError as exc:
            raise TemporaryFailure(f"SMS_HTTP_PAYLOAD is not valid JSON: {exc}") from exc
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Accept": "application/json",
            "Idempotency-Key": str(notification.pk),
            "User-Agent": "MotCua-Notify/1",
        }
        auth = auth_header(str(conf("SMS_HTTP_AUTH", "") or ""))
        if auth:
            headers[auth[0]] = auth[1]
        data = json.dumps(payload, ensure_ascii=False).encode()
        timeout = float(conf("SMS_HTTP_TIMEOUT", 10))
        _test_send_delay()
        try:
            status, body = self.http.post(url, data, headers, timeout=timeout)
        except ValueError as exc:
            raise TemporaryFailure(f"SMS_HTTP_URL is not usable: {exc}") from exc
        except (OSError, http.client.HTTPException) as exc:
            raise TemporaryFailure(f"SMS gateway unreachable: {type(exc).__name__}: {exc}") from exc
        if not 200 <= status < 300:
            error = f"SMS gateway answered HTTP {status}: {body[:500].decode(errors='replace')}".strip()
            if 300 <= status < 500 and status not in RETRYABLE_4XX:
                raise PermanentFailure(error)
            raise TemporaryFailure(error)
        return _reference(body) or f"http:{notification.pk}"


def _reference(body: bytes) -> str:
    try:
        data = json.loads(body or b"null")
    except ValueError:
        return ""
    if isinstance(data, dict):
        field = conf("SMS_HTTP_REF_FIELD", "")
        for name in ([field] if field else []) + list(REFERENCE_FIELDS):
            value = data.get(name)
            if isinstance(value, str | int) and not isinstance(value, bool) and str(value):
                return str(value)[:255]
    return ""
