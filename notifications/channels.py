"""Delivery channels. Each takes a stored Notification, hands it to its provider and returns the provider's reference,
or raises TemporaryFailure (worth retrying later) or PermanentFailure (retrying cannot help).

Which class serves which channel is configuration (`NOTIFICATION_CHANNELS`, a dict of channel -> dotted path), so the
real SMS providers and webhooks of later versions plug in without touching the delivery task.
"""

from __future__ import annotations

import logging
import os
import smtplib
import time
from email.utils import parseaddr
from functools import cache

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

DEFAULT_CHANNELS = {
    "email": "notifications.channels.EmailChannel",
    "sms": "notifications.channels.ConsoleSmsChannel",
    "inapp": "notifications.channels.InAppChannel",
}


class DeliveryFailure(Exception):
    """Base of the two outcomes a channel may report instead of a provider reference."""


class TemporaryFailure(DeliveryFailure):
    """The provider could not take the message now (down, timeout, 4xx); the same message may succeed later."""


class PermanentFailure(DeliveryFailure):
    """The message can never be delivered as it is (no address, mailbox does not exist, 5xx on the recipient)."""


class BaseChannel:
    def send(self, notification) -> str:
        raise NotImplementedError


def get_channel(name: str) -> BaseChannel:
    path = {**DEFAULT_CHANNELS, **getattr(settings, "NOTIFICATION_CHANNELS", {})}.get(name)
    if path is None:
        raise PermanentFailure(f"No delivery channel configured for {name!r}.")
    return _load(path)()


@cache
def _load(path: str) -> type[BaseChannel]:
    return import_string(path)


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
    """Django's configured e-mail backend (SMTP in production), text with an HTML alternative."""

    def send(self, notification) -> str:
        if not notification.address:
            raise PermanentFailure("The recipient has no e-mail address.")
        # A Message-ID fixed per notification: if a crash makes us send the same row twice (the at-least-once window
        # documented in notifications.tasks), receiving servers and mail clients see one message, not two.
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
            raise TemporaryFailure(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}") from exc
        except OSError as exc:
            # Every other smtplib error, refused connections, resets and timeouts are all OSError.
            raise TemporaryFailure(f"{type(exc).__name__}: {exc}") from exc
        return message_id


class InAppChannel(BaseChannel):
    """The row itself is the inbox item: delivering it means publishing it to the recipient's inbox."""

    def send(self, notification) -> str:
        return f"inapp:{notification.pk}"


class ConsoleSmsChannel(BaseChannel):
    """Stand-in until an SMS provider is configured: writes the message to the log."""

    def send(self, notification) -> str:
        if not notification.address:
            raise PermanentFailure("The recipient has no phone number.")
        phone = notification.address
        masked = phone[:3] + "*" * max(len(phone) - 5, 0) + phone[-2:]
        logger.info("SMS to %s: %s", masked, notification.body_text)
        return f"console:{notification.pk}"
