from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def document_path(instance: Document, filename: str) -> str:
    # Random names: nothing about the applicant or the original file name leaks into storage paths.
    return f"dossiers/{instance.dossier_id}/{uuid.uuid4().hex}"


class DocumentKind(models.TextChoices):
    INPUT = "input", _("Thành phần hồ sơ")
    RESULT = "result", _("Kết quả")


class Document(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    dossier = models.ForeignKey("procedures.Dossier", on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=8, choices=DocumentKind.choices, default=DocumentKind.INPUT)
    requirement = models.CharField(_("thành phần"), max_length=64)
    file = models.FileField(upload_to=document_path, max_length=255)
    name = models.CharField(_("tên tệp"), max_length=255)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Where the file came from, for the Decision 766 digitisation indicators (dashboard.indicators 4.2b-4.5).
    reused_data = models.BooleanField(
        _("tái sử dụng dữ liệu số hoá"), default=False, help_text=_("Thay thế bằng giấy tờ, dữ liệu đã số hoá.")
    )
    from_data_store = models.BooleanField(
        _("lấy từ kho dữ liệu cá nhân"), default=False, help_text=_("Lấy từ kho quản lý dữ liệu điện tử của người dân.")
    )
    from_population_data = models.BooleanField(
        _("dữ liệu dân cư"), default=False, help_text=_("Lấy từ Cơ sở dữ liệu quốc gia về dân cư.")
    )
    e_certified_copy = models.BooleanField(
        _("bản sao điện tử được chứng thực"), default=False, help_text=_("Chứng thực bản sao điện tử từ bản chính.")
    )

    class Meta:
        verbose_name = _("tài liệu")
        verbose_name_plural = _("tài liệu")
        ordering = ["created_at"]
        indexes = [models.Index(fields=["dossier", "kind"], name="document_dossier_idx")]

    def __str__(self) -> str:
        return self.name
