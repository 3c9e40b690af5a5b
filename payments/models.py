"""Money records: what a dossier was asked to pay, each attempt with a provider, every raw notification, refunds.

Amounts are integer đồng. Rows are never deleted; an attempt only moves pending -> paid | failed | expired (and an
expired one to paid when a late, verified notification or a reconciliation query says the money was taken).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Chờ thanh toán")
    PAID = "paid", _("Đã thanh toán")
    CANCELLED = "cancelled", _("Đã huỷ")


class Purpose(models.TextChoices):
    FILING = "filing", _("Thanh toán khi nộp hồ sơ")
    APPRAISAL = "appraisal", _("Thanh toán theo yêu cầu của cơ quan")


class AttemptStatus(models.TextChoices):
    PENDING = "pending", _("Đang chờ")
    PAID = "paid", _("Thành công")
    FAILED = "failed", _("Không thành công")
    EXPIRED = "expired", _("Hết hạn")


class PaymentRequest(models.Model):
    """What the dossier owes at one moment: the amount and the fee lines as computed then (a snapshot)."""

    dossier = models.ForeignKey("procedures.Dossier", on_delete=models.PROTECT, related_name="payment_requests")
    agency = models.ForeignKey("procedures.Agency", on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(_("mục đích"), max_length=12, choices=Purpose.choices)
    amount = models.PositiveBigIntegerField(_("số tiền (đồng)"))
    items = models.JSONField(_("các khoản"), default=list)
    status = models.CharField(_("trạng thái"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN)
    created_at = models.DateTimeField(_("ngày yêu cầu"))
    paid_at = models.DateTimeField(_("ngày thanh toán"), null=True, blank=True)
    last_reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("yêu cầu thanh toán")
        verbose_name_plural = _("yêu cầu thanh toán")
        constraints = [
            models.UniqueConstraint(fields=["dossier"], condition=Q(status="open"), name="payment_one_open_request")
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="payment_request_status_idx")]

    def __str__(self) -> str:
        return f"{self.dossier} · {self.amount:,} đ · {self.status}"


class PaymentAttempt(models.Model):
    """One try to pay a request through a provider; `reference` is what the provider knows us by (vnp_TxnRef)."""

    request = models.ForeignKey(PaymentRequest, on_delete=models.PROTECT, related_name="attempts")
    dossier = models.ForeignKey("procedures.Dossier", on_delete=models.PROTECT, related_name="payment_attempts")
    agency = models.ForeignKey("procedures.Agency", on_delete=models.PROTECT, related_name="+")
    payer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    provider = models.CharField(_("kênh thanh toán"), max_length=20)
    reference = models.CharField(_("mã giao dịch"), max_length=100, unique=True)
    amount = models.PositiveBigIntegerField(_("số tiền (đồng)"))
    status = models.CharField(_("trạng thái"), max_length=10, choices=AttemptStatus.choices, default="pending")
    provider_txn_id = models.CharField(_("mã giao dịch của kênh thanh toán"), max_length=100, blank=True)
    provider_code = models.CharField(_("mã kết quả"), max_length=20, blank=True)
    # VNPay's vnp_CreateDate (yyyyMMddHHmmss), needed again by querydr and refund.
    provider_created = models.CharField(max_length=14, blank=True)
    created_at = models.DateTimeField(_("ngày tạo"))
    finished_at = models.DateTimeField(_("ngày hoàn tất"), null=True, blank=True)
    checked_at = models.DateTimeField(_("lần đối soát gần nhất"), null=True, blank=True)
    # Something finance must look at: paid twice, paid after the dossier closed, amounts disagree.
    mismatch = models.TextField(_("sai lệch cần xử lý"), blank=True)
    receipt_number = models.CharField(_("số biên lai"), max_length=30, unique=True, null=True, blank=True)

    class Meta:
        verbose_name = _("giao dịch thanh toán")
        verbose_name_plural = _("giao dịch thanh toán")
        indexes = [
            models.Index(fields=["status", "created_at"], name="payment_attempt_status_idx"),
            models.Index(fields=["agency", "created_at"], name="payment_attempt_agency_idx"),
        ]

    def __str__(self) -> str:
        return self.reference


class ProviderNotification(models.Model):
    """Every message a provider sent (or we fetched), exactly as received, with what we made of it."""

    provider = models.CharField(max_length=20)
    source = models.CharField(max_length=10)  # ipn, return, query
    attempt = models.ForeignKey(
        PaymentAttempt, on_delete=models.PROTECT, null=True, blank=True, related_name="notifications"
    )
    reference = models.CharField(max_length=100, blank=True)
    raw = models.JSONField(default=dict)
    signature_valid = models.BooleanField(default=False)
    outcome = models.CharField(max_length=40, blank=True)  # e.g. "00 paid", "97 bad signature"
    remote_addr = models.GenericIPAddressField(null=True, blank=True)
    received_at = models.DateTimeField()

    class Meta:
        verbose_name = _("thông báo từ kênh thanh toán")
        verbose_name_plural = _("thông báo từ kênh thanh toán")
        indexes = [models.Index(fields=["reference", "received_at"], name="payment_notification_ref_idx")]

    def __str__(self) -> str:
        return f"{self.provider} {self.source} {self.reference} {self.outcome}"


class RefundStatus(models.TextChoices):
    DONE = "done", _("Đã hoàn tiền")
    FAILED = "failed", _("Hoàn tiền không thành công")


class Refund(models.Model):
    attempt = models.ForeignKey(PaymentAttempt, on_delete=models.PROTECT, related_name="refunds")
    amount = models.PositiveBigIntegerField(_("số tiền hoàn (đồng)"))
    reason = models.TextField(_("lý do"))
    status = models.CharField(_("trạng thái"), max_length=10, choices=RefundStatus.choices)
    provider_reference = models.CharField(max_length=100, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("hoàn tiền")
        verbose_name_plural = _("hoàn tiền")

    def __str__(self) -> str:
        return f"{self.attempt_id} −{self.amount:,} đ"


class AgencyPaymentSettings(models.Model):
    """Which providers an agency collects through (the first is offered first); none set: PAYMENT_PROVIDERS."""

    agency = models.OneToOneField("procedures.Agency", on_delete=models.CASCADE, related_name="payment_settings")
    providers = models.JSONField(_("kênh thanh toán"), default=list, help_text=_('Ví dụ ["vnpay"].'))

    class Meta:
        verbose_name = _("cấu hình thanh toán của cơ quan")
        verbose_name_plural = _("cấu hình thanh toán của cơ quan")

    def __str__(self) -> str:
        return f"{self.agency_id}: {', '.join(self.providers)}"
