"""The notification outbox.

A `Notification` is at once the outbox row (written in the same transaction as the change that caused it, then
delivered by `notifications.tasks.deliver`) and, for the in-app channel, the item in the recipient's inbox.
Every try is kept as a `DeliveryAttempt`, so an officer can answer "was the citizen told, and when?".
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    INAPP = "inapp", _("Trong ứng dụng")


class Kind(models.TextChoices):
    """What the message is about. Applicant messages first; reminders and staff messages join later."""

    SUBMITTED = "submitted", _("Đã nộp hồ sơ")
    ACCEPTED = "accepted", _("Đã tiếp nhận")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Yêu cầu bổ sung")
    REFUSED = "refused", _("Không được tiếp nhận")
    PAYMENT_REQUESTED = "payment_requested", _("Yêu cầu thực hiện nghĩa vụ tài chính")
    EXTENDED = "extended", _("Gia hạn giải quyết")
    STOPPED = "stopped", _("Dừng xử lý")
    COMPLETED = "completed", _("Đã có kết quả")
    DELIVERED = "delivered", _("Đã trả kết quả")
    WITHDRAWAL_DECIDED = "withdrawal_decided", _("Quyết định về yêu cầu rút hồ sơ")


class Status(models.TextChoices):
    CREATED = "created", _("Mới tạo")
    SENDING = "sending", _("Đang gửi")
    DELIVERED = "delivered", _("Đã gửi")
    TEMPORARY_FAILURE = "temporary_failure", _("Lỗi tạm thời")
    PERMANENT_FAILURE = "permanent_failure", _("Lỗi vĩnh viễn")


# The states the sweeper looks at; delivered and permanently failed rows (almost all of them) stay out of its index.
PENDING_STATUSES = (Status.CREATED, Status.SENDING, Status.TEMPORARY_FAILURE)


class Notification(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Idempotency: "{event_id}:{recipient_id}:{channel}" for event messages; later kinds (reminders, digests) use
    # their own prefix. The unique constraint is what makes "never created twice" true under any retry.
    key = models.CharField(_("khóa chống trùng"), max_length=200, unique=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("người nhận"),
    )
    dossier = models.ForeignKey(
        "procedures.Dossier",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("hồ sơ"),
    )
    event = models.ForeignKey(
        "procedures.DossierEvent",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("sự kiện"),
    )
    channel = models.CharField(_("kênh"), max_length=10, choices=Channel.choices)
    kind = models.CharField(_("loại"), max_length=40, choices=Kind.choices)
    language = models.CharField(_("ngôn ngữ"), max_length=5, default="vi")
    # Where it goes, as it was when the message was written (email address or phone; empty for in-app).
    address = models.CharField(_("địa chỉ nhận"), max_length=254, blank=True)
    subject = models.CharField(_("tiêu đề"), max_length=255)
    body_text = models.TextField(_("nội dung"))
    body_html = models.TextField(_("nội dung HTML"), blank=True)
    status = models.CharField(_("trạng thái"), max_length=20, choices=Status.choices, default=Status.CREATED)
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    next_attempt_at = models.DateTimeField(_("gửi lần tới lúc"), default=timezone.now)
    # When the current "sending" claim was taken: the sweeper's clock for stuck rows and the claim's token.
    claimed_at = models.DateTimeField(_("bắt đầu gửi lúc"), null=True, blank=True)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    provider_ref = models.CharField(_("mã nhà cung cấp"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    sent_at = models.DateTimeField(_("gửi thành công lúc"), null=True, blank=True)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at"]
        indexes = [
            # The sweeper: pending rows by due time. Partial, so the delivered history never weighs on it.
            models.Index(
                fields=["status", "next_attempt_at"],
                name="notification_sweep_idx",
                condition=Q(status__in=["created", "sending", "temporary_failure"]),
            ),
            # The inbox: a user's in-app messages, newest first.
            models.Index(fields=["recipient", "channel", "-created_at"], name="notification_inbox_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.get_channel_display()} · {self.recipient_id}"


class DeliveryAttempt(models.Model):
    class Outcome(models.TextChoices):
        DELIVERED = "delivered", _("Đã gửi")
        TEMPORARY_FAILURE = "temporary_failure", _("Lỗi tạm thời")
        PERMANENT_FAILURE = "permanent_failure", _("Lỗi vĩnh viễn")
        # The worker vanished mid-send (killed, time limit); the sweeper closed the attempt.
        INTERRUPTED = "interrupted", _("Bị gián đoạn")

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="delivery_attempts")
    number = models.PositiveSmallIntegerField(_("lần thứ"))
    at = models.DateTimeField(_("lúc"), default=timezone.now)
    outcome = models.CharField(_("kết quả"), max_length=20, choices=Outcome.choices)
    error = models.TextField(_("lỗi"), blank=True)
    provider_ref = models.CharField(_("mã nhà cung cấp"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("lần gửi")
        verbose_name_plural = _("lần gửi")
        ordering = ["notification", "at", "id"]

    def __str__(self) -> str:
        return f"{self.notification_id} #{self.number} {self.outcome}"
