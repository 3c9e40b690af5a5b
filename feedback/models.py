"""PAKN items (feedback, complaints, questions), their history and attachments, and messages on a dossier."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from feedback.lifecycle import Status


class Category(models.TextChoices):
    FEEDBACK = "feedback", _("Phản ánh")
    COMPLAINT = "complaint", _("Kiến nghị")
    QUESTION = "question", _("Hỏi đáp")


STATUS_LABELS = {
    Status.RECEIVED: _("Đã tiếp nhận"),
    Status.INFO_REQUESTED: _("Chờ bổ sung thông tin"),
    Status.ANSWERED: _("Đã trả lời"),
    Status.REJECTED: _("Từ chối xử lý"),
}


def attachment_path(instance, filename: str) -> str:
    # Random names: nothing about the author or the original file name leaks into storage paths.
    return f"feedback/{uuid.uuid4().hex}"


class Feedback(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(_("mã"), max_length=32, unique=True)
    category = models.CharField(_("loại"), max_length=12, choices=Category.choices)
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=[(s.value, STATUS_LABELS[s]) for s in Status], default=Status.RECEIVED
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="feedback_items", verbose_name=_("người gửi")
    )
    agency = models.ForeignKey(
        "procedures.Agency", on_delete=models.PROTECT, related_name="feedback_items", verbose_name=_("cơ quan")
    )
    procedure = models.ForeignKey(
        "procedures.Procedure", on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("thủ tục")
    )
    dossier = models.ForeignKey(
        "procedures.Dossier", on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("hồ sơ")
    )
    title = models.CharField(_("tiêu đề"), max_length=200)
    content = models.TextField(_("nội dung"), max_length=5000)
    # The author agrees that the question and its answer may be published without their name.
    is_public = models.BooleanField(_("đồng ý công khai"), default=False)
    published_at = models.DateTimeField(_("công khai lúc"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback_assigned",
        verbose_name=_("cán bộ xử lý"),
    )
    answer = models.TextField(_("trả lời"), blank=True)
    answered_at = models.DateTimeField(_("trả lời lúc"), null=True, blank=True)
    received_at = models.DateTimeField(_("tiếp nhận lúc"), default=timezone.now)
    reject_due_at = models.DateTimeField(_("hạn từ chối"))
    ask_due_at = models.DateTimeField(_("hạn yêu cầu bổ sung"))
    due_at = models.DateTimeField(_("hạn trả lời"))
    reopened = models.PositiveSmallIntegerField(_("số lần mở lại"), default=0)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("phản ánh, kiến nghị")
        verbose_name_plural = _("phản ánh, kiến nghị")
        indexes = [
            models.Index(fields=["agency", "status", "due_at"], name="feedback_agency_queue"),
            models.Index(fields=["author", "-created_at"], name="feedback_author_list"),
            models.Index(
                fields=["-published_at"], name="feedback_published", condition=models.Q(published_at__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_open(self) -> bool:
        from feedback.lifecycle import OPEN

        return self.status in OPEN


class FeedbackEvent(models.Model):
    """Append-only history of a PAKN item: who did what, when, with what text."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    action = models.CharField(max_length=20)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    content = models.TextField(blank=True)
    payload = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.feedback_id} {self.action}"


class Attachment(models.Model):
    """A file on a PAKN item or a dossier message: private, type sniffed from content, size-limited."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments")
    message = models.ForeignKey(
        "feedback.DossierMessage", on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path, max_length=255)
    name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class DossierMessage(models.Model):
    """A message between the applicant and the handling agency about one dossier (not an internal comment)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    dossier = models.ForeignKey("procedures.Dossier", on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_applicant = models.BooleanField()
    body = models.TextField(max_length=3000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["dossier", "created_at"], name="dossier_message_list")]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.created_at:%Y-%m-%d}"
