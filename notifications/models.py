"""The notification outbox.

A `Notification` is at once the outbox row (notifications.outbox: written in the same transaction as the change that
caused it, then delivered by `notifications.tasks.delivery`) and, for the in-app channel, the item in the recipient's
inbox. Every try is kept as a `DeliveryAttempt`, so an officer can answer "was the citizen told, and when?".
"""

from __future__ import annotations

import secrets
import uuid
from datetime import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications.addresses import url_problem
from notifications.messages import MESSAGES, template_problems
from notifications.outbox import OutboxRow, Outcome
from notifications.outbox import Status as Status  # the outbox's states, read by most callers from here


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    INAPP = "inapp", _("Trong ứng dụng")


class Kind(models.TextChoices):
    """What the message is about: applicant messages, applicant reminders, then staff messages."""

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
    # Reminders to the applicant (notifications.tasks.reminders).
    SUPPLEMENT_REMINDER = "supplement_reminder", _("Nhắc bổ sung hồ sơ")
    DRAFT_REMINDER = "draft_reminder", _("Nhắc nộp hồ sơ nháp")
    # Staff messages: on events (notifications.services) and on the clock (notifications.tasks.reminders, .digests).
    NEW_IN_QUEUE = "new_in_queue", _("Hồ sơ mới chờ tiếp nhận")
    ASSIGNED = "assigned", _("Được phân công xử lý")
    SUPPLEMENTED = "supplemented", _("Người nộp đã bổ sung")
    UNROUTED = "unrouted", _("Hồ sơ chờ điều phối")
    NEAR_DUE = "near_due", _("Sắp đến hạn")
    OVERDUE = "overdue", _("Quá hạn")
    ESCALATED = "escalated", _("Báo cáo quá hạn lên lãnh đạo")
    APOLOGY_OFFER = "apology_offer", _("Đề xuất thư xin lỗi (mẫu 04)")
    DIGEST = "digest", _("Tổng hợp hằng ngày")
    # PAKN and dossier messages (feedback app).
    FEEDBACK_RECEIVED = "feedback_received", _("Phản ánh, kiến nghị cần xử lý")
    FEEDBACK_ANSWERED = "feedback_answered", _("Phản ánh, kiến nghị đã được xử lý")
    FEEDBACK_OVERDUE = "feedback_overdue", _("Phản ánh, kiến nghị quá hạn")
    DOSSIER_MESSAGE = "dossier_message", _("Tin nhắn về hồ sơ")
    DATASET_DUE = "dataset_due", _("Bộ dữ liệu đến hạn cập nhật")


class Notification(OutboxRow):
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
    provider_ref = models.CharField(_("mã nhà cung cấp"), max_length=255, blank=True)
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

    @classmethod
    def attempt_row(cls, *, pk, number, at, outcome, error) -> DeliveryAttempt:
        return DeliveryAttempt(notification_id=pk, number=number, at=at, outcome=outcome, error=error)

    @classmethod
    def delivered_fields(cls, *, now, ref: str) -> dict:
        return {"sent_at": now, "provider_ref": ref[:255]}


class DeliveryAttempt(models.Model):
    Outcome = Outcome

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


# --- preferences ------------------------------------------------------------------------------------------------


class NotificationPreference(models.Model):
    """What a user chose beyond the channels (which live on the user: notify_email, notify_sms, notify_inapp).

    Staff in "digest" mode get routine staff messages (new in the queue, assigned to you, near-due, supplemented)
    only in their in-app inbox and read them in the daily digest; overdue notices and escalations always come
    instantly on every channel they chose. No row means the defaults below."""

    class StaffMode(models.TextChoices):
        INSTANT = "instant", _("Nhận ngay")
        DIGEST = "digest", _("Tổng hợp hằng ngày")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("người dùng"),
    )
    staff_mode = models.CharField(
        _("cách nhận thông báo công việc"), max_length=10, choices=StaffMode.choices, default=StaffMode.INSTANT
    )
    daily_digest = models.BooleanField(_("nhận bản tổng hợp hằng ngày"), default=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("tùy chọn thông báo")
        verbose_name_plural = _("tùy chọn thông báo")

    def __str__(self) -> str:
        return f"{self.user} · {self.get_staff_mode_display()}"


# --- schedules --------------------------------------------------------------------------------------------------


class ReminderPolicy(models.Model):
    """When reminders, escalations and digests go out: one default row (no agency) and optional rows per agency.

    Read by notifications.tasks.reminders on every beat run (every 15 minutes); nothing is sent outside working days
    or outside office hours. Day counts are working days of the portal's calendar (Vietnam + admin overrides)."""

    agency = models.OneToOneField(
        "procedures.Agency",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminder_policy",
        verbose_name=_("cơ quan"),
        help_text=_("Để trống: cấu hình mặc định cho mọi cơ quan không có cấu hình riêng."),
    )
    is_default = models.BooleanField(_("cấu hình mặc định"), default=False, editable=False)
    enabled = models.BooleanField(_("bật nhắc việc"), default=True)
    office_start = models.TimeField(_("giờ bắt đầu gửi"), default=time(8, 0))
    office_end = models.TimeField(_("giờ kết thúc gửi"), default=time(17, 0))
    near_due_days = models.PositiveSmallIntegerField(
        _("cảnh báo sắp đến hạn trước (ngày làm việc)"),
        default=1,
        help_text=_("Cảnh báo cán bộ xử lý khi còn không quá số ngày làm việc này đến hạn trả."),
    )
    escalate_department_after_days = models.PositiveSmallIntegerField(
        _("báo lãnh đạo phòng sau khi quá hạn (ngày làm việc)"),
        default=0,
        help_text=_("0: báo ngay ngày làm việc đầu tiên quá hạn, cùng lúc báo cán bộ xử lý."),
    )
    escalate_agency_after_days = models.PositiveSmallIntegerField(
        _("báo lãnh đạo cơ quan sau thêm (ngày làm việc)"),
        default=2,
        help_text=_("Số ngày làm việc sau khi đã báo lãnh đạo phòng mà hồ sơ vẫn quá hạn."),
    )
    agency_leader_department = models.SlugField(
        _("mã phòng lãnh đạo cơ quan"),
        max_length=50,
        default="leadership",
        help_text=_("Lãnh đạo thuộc phòng này (hoặc không thuộc phòng nào) là lãnh đạo cơ quan."),
    )
    digest_enabled = models.BooleanField(_("gửi bản tổng hợp hằng ngày"), default=True)
    digest_time = models.TimeField(_("giờ gửi bản tổng hợp"), default=time(8, 0))
    apology_enabled = models.BooleanField(_("đề xuất thư xin lỗi (mẫu 04)"), default=True)
    apology_offer_days = models.PositiveSmallIntegerField(
        _("đề xuất thư xin lỗi trước hạn (ngày làm việc)"),
        default=1,
        help_text=_("0: vào ngày hẹn trả; 1: từ ngày làm việc trước đó."),
    )
    supplement_reminder_days = models.PositiveSmallIntegerField(
        _("nhắc người nộp bổ sung sau (ngày làm việc)"), default=5, help_text=_("0: không nhắc.")
    )
    supplement_reminder_max = models.PositiveSmallIntegerField(_("số lần nhắc bổ sung tối đa"), default=2)
    draft_reminder_days = models.PositiveSmallIntegerField(
        _("nhắc hồ sơ nháp chưa nộp sau (ngày làm việc)"), default=3, help_text=_("0: không nhắc.")
    )
    draft_reminder_max_age_days = models.PositiveSmallIntegerField(
        _("không nhắc hồ sơ nháp bỏ dở quá (ngày)"), default=30
    )
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("lịch nhắc việc")
        verbose_name_plural = _("lịch nhắc việc")
        ordering = ["-is_default", "agency__name"]
        constraints = [
            # Exactly the agency-less row is the default, and there is at most one of it.
            models.CheckConstraint(
                condition=Q(is_default=True, agency__isnull=True) | Q(is_default=False, agency__isnull=False),
                name="reminder_policy_default_has_no_agency",
            ),
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="reminder_policy_one_default"
            ),
        ]

    def __str__(self) -> str:
        return str(self.agency) if self.agency_id else str(_("Mặc định"))

    def save(self, *args, **kwargs):
        self.is_default = self.agency_id is None
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        if self.office_end <= self.office_start:
            raise ValidationError({"office_end": _("Giờ kết thúc phải sau giờ bắt đầu.")})


# --- message templates ------------------------------------------------------------------------------------------


class PoliciesInForce:
    """The reminder policies in force, read in one query: an agency's own row, else the default row, else the
    model's defaults with the near-due margin of settings.PORTAL_NEAR_DUE_MARGIN_DAYS.

    The one home of "which policy applies to an agency": the reminders and the workspace's "Sắp đến hạn" queue
    both take `near_due_days` from here, so the queue and the reminders agree."""

    def __init__(self, rows: list[ReminderPolicy]) -> None:
        self.default = next((row for row in rows if row.agency_id is None), None) or ReminderPolicy(
            near_due_days=settings.PORTAL_NEAR_DUE_MARGIN_DAYS
        )
        self.by_agency = {row.agency_id: row for row in rows if row.agency_id is not None}

    @classmethod
    def read(cls) -> PoliciesInForce:
        return cls(list(ReminderPolicy.objects.all()))

    def of(self, agency_id: int | None) -> ReminderPolicy:
        return self.by_agency.get(agency_id, self.default)

    def all(self) -> list[ReminderPolicy]:
        return [self.default, *self.by_agency.values()]


class MessageTemplate(models.Model):
    """An admin's wording of one message in one language, used instead of the built-in text of
    notifications.messages. Placeholders are written {like_this}; the admin form lists the ones each message knows.
    The e-mail's HTML is this text laid out by notifications/email.html (values are escaped), so an edit can never
    break the layout or inject markup."""

    name = models.CharField(_("mẫu"), max_length=40)
    language = models.CharField(_("ngôn ngữ"), max_length=5, choices=[("vi", "Tiếng Việt"), ("en", "English")])
    subject = models.CharField(_("tiêu đề"), max_length=255)
    body = models.TextField(_("nội dung"), help_text=_("Các đoạn cách nhau bởi một dòng trống."))
    sms = models.CharField(
        _("nội dung SMS"), max_length=480, blank=True, help_text=_("Để trống: dùng nội dung SMS mặc định.")
    )
    is_active = models.BooleanField(_("đang dùng"), default=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("mẫu thông báo")
        verbose_name_plural = _("mẫu thông báo")
        ordering = ["name", "language"]
        constraints = [models.UniqueConstraint(fields=["name", "language"], name="message_template_unique")]

    def __str__(self) -> str:
        return f"{self.name} ({self.language})"

    def clean(self) -> None:
        super().clean()
        if self.name not in MESSAGES:
            raise ValidationError({"name": _("Không có mẫu thông báo này.")})
        errors = {}
        for field in ("subject", "body", "sms"):
            problems = template_problems(self.name, getattr(self, field) or "")
            if problems:
                errors[field] = problems
        if errors:
            raise ValidationError(errors)


# --- webhooks ---------------------------------------------------------------------------------------------------


def _webhook_secret() -> str:
    return secrets.token_hex(32)


class WebhookEndpoint(models.Model):
    """An integrator's URL that receives an agency's dossier events, signed with `secret` (see notifications.webhooks).

    `events` lists workflow action names ("submit", "accept", ...); ["*"] means every public (non-internal) event.
    After WEBHOOK_MAX_CONSECUTIVE_FAILURES failed attempts in a row the endpoint is switched off."""

    agency = models.ForeignKey(
        "procedures.Agency", on_delete=models.CASCADE, related_name="webhook_endpoints", verbose_name=_("cơ quan")
    )
    url = models.URLField(_("địa chỉ nhận"), max_length=500)
    description = models.CharField(_("mô tả"), max_length=255, blank=True)
    secret = models.CharField(_("khóa ký"), max_length=128, default=_webhook_secret)
    events = models.JSONField(_("sự kiện"), default=list, blank=True)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    consecutive_failures = models.PositiveIntegerField(_("số lần lỗi liên tiếp"), default=0)
    disabled_at = models.DateTimeField(_("tự động tắt lúc"), null=True, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhook")
        ordering = ["agency", "url"]
        indexes = [models.Index(fields=["agency", "is_active"], name="webhook_agency_idx")]

    def __str__(self) -> str:
        return self.url

    def subscribes_to(self, action: str, *, internal: bool) -> bool:
        events = self.events or []
        return action in events or ("*" in events and not internal)

    def clean(self) -> None:
        super().clean()
        if not isinstance(self.events, list) or not all(isinstance(e, str) for e in self.events):
            raise ValidationError({"events": _('Danh sách tên sự kiện, ví dụ ["submit", "accept"] hoặc ["*"].')})
        problem = url_problem(self.url, resolve=False)
        if problem:
            raise ValidationError({"url": problem})


class WebhookDelivery(OutboxRow):
    """One event for one endpoint: the outbox row of a webhook, with the same life as a Notification."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    key = models.CharField(_("khóa chống trùng"), max_length=200, unique=True)
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("webhook")
    )
    event = models.ForeignKey(
        "procedures.DossierEvent", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    event_type = models.CharField(_("sự kiện"), max_length=40)
    # The exact bytes that are signed and sent (JSON), fixed when the event happened.
    body = models.TextField(_("nội dung"))
    response_status = models.PositiveSmallIntegerField(_("mã phản hồi"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("gửi thành công lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("lần gửi webhook")
        verbose_name_plural = _("nhật ký webhook")
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["status", "next_attempt_at"],
                name="webhook_sweep_idx",
                condition=Q(status__in=["created", "sending", "temporary_failure"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.endpoint_id} · {self.status}"

    # Deliveries to a switched-off endpoint wait (or were closed when it was switched off).
    max_attempts_setting = "WEBHOOK_MAX_ATTEMPTS"
    claim_filter = Q(endpoint__is_active=True)

    @classmethod
    def attempt_row(cls, *, pk, number, at, outcome, error) -> WebhookAttempt:
        return WebhookAttempt(delivery_id=pk, number=number, at=at, outcome=outcome, error=error)

    @classmethod
    def delivered_fields(cls, *, now, ref: str) -> dict:
        return {"delivered_at": now}


class WebhookAttempt(models.Model):
    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="delivery_attempts")
    number = models.PositiveSmallIntegerField(_("lần thứ"))
    at = models.DateTimeField(_("lúc"), default=timezone.now)
    outcome = models.CharField(_("kết quả"), max_length=20, choices=Outcome.choices)
    response_status = models.PositiveSmallIntegerField(_("mã phản hồi"), null=True, blank=True)
    response_body = models.TextField(_("phản hồi"), blank=True)
    error = models.TextField(_("lỗi"), blank=True)
    duration_ms = models.PositiveIntegerField(_("thời gian (ms)"), null=True, blank=True)

    class Meta:
        verbose_name = _("lần gửi webhook")
        verbose_name_plural = _("lần gửi webhook")
        ordering = ["delivery", "at", "id"]

    def __str__(self) -> str:
        return f"{self.delivery_id} #{self.number} {self.outcome}"
