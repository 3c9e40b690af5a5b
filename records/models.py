"""What the records app keeps: signing keys per agency, register books, signed results (with their verification
code and revocation), the citizen's document store and where each dossier document came from."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SigningBackend(models.TextChoices):
    PKCS12 = "pkcs12", _("Tệp PKCS#12 (.p12/.pfx)")
    PKCS11 = "pkcs11", _("Thiết bị ký PKCS#11 (HSM, USB token)")


class SigningKey(models.Model):
    """How an agency signs its results. Secrets never live in the database: the row names the environment variable
    that holds the passphrase or PIN."""

    agency = models.OneToOneField(
        "procedures.Agency", on_delete=models.CASCADE, related_name="signing_key", verbose_name=_("cơ quan")
    )
    backend = models.CharField(_("loại khoá"), max_length=8, choices=SigningBackend.choices, default="pkcs12")
    pkcs12_path = models.CharField(_("đường dẫn tệp PKCS#12"), max_length=500, blank=True)
    passphrase_env = models.CharField(
        _("biến môi trường chứa mật khẩu / PIN"),
        max_length=100,
        blank=True,
        help_text=_("Tên biến, không phải mật khẩu."),
    )
    pkcs11_module = models.CharField(_("thư viện PKCS#11 (.so)"), max_length=500, blank=True)
    pkcs11_token_label = models.CharField(_("nhãn token"), max_length=100, blank=True)
    pkcs11_key_label = models.CharField(_("nhãn khoá / chứng thư"), max_length=100, blank=True)
    pkcs11_raw_mechanism = models.BooleanField(
        _("băm trên máy chủ (ECDSA thô)"),
        default=False,
        help_text=_("Cho thiết bị chỉ hỗ trợ ký ECDSA thô (không băm trên thiết bị), ví dụ SoftHSM."),
    )
    signer_title = models.CharField(_("chức danh người ký"), max_length=100, default="CHỦ TỊCH")
    place = models.CharField(_("địa danh"), max_length=100, blank=True, help_text=_("Ví dụ: Hà Nội"))
    is_active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("khoá ký số của cơ quan")
        verbose_name_plural = _("khoá ký số của cơ quan")

    def __str__(self) -> str:
        return f"{self.agency} ({self.get_backend_display()})"


class RegisterBook(models.Model):
    """The register book (sổ) of an agency for a year: result numbers run 1, 2, 3... within it, under a row lock."""

    agency = models.ForeignKey("procedures.Agency", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("sổ đăng ký kết quả")
        verbose_name_plural = _("sổ đăng ký kết quả")
        constraints = [models.UniqueConstraint(fields=["agency", "year"], name="register_book_unique")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"01/{self.year}"


class SignedResult(models.Model):
    """An electronic result the agency signed: the file (a dossier document of kind result), its register entry,
    who signed and when, the public verification code, and a revocation if a leader withdrew it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    dossier = models.ForeignKey("procedures.Dossier", on_delete=models.PROTECT, related_name="signed_results")
    document = models.OneToOneField("procedures.Document", on_delete=models.PROTECT, related_name="signed_result")
    agency = models.ForeignKey("procedures.Agency", on_delete=models.PROTECT, related_name="+")
    book = models.ForeignKey(RegisterBook, on_delete=models.PROTECT, related_name="results")
    register_number = models.PositiveIntegerField(_("số"))
    verification_code = models.CharField(_("mã xác thực"), max_length=20, unique=True)
    outcome = models.CharField(max_length=10)
    sha256 = models.CharField(max_length=64, db_index=True)
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signer_name = models.CharField(max_length=255)
    signer_title = models.CharField(max_length=100)
    certificate_subject = models.CharField(max_length=500)
    certificate_serial = models.CharField(max_length=100)
    timestamped = models.BooleanField(default=False)
    signed_at = models.DateTimeField()
    downloaded_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoke_reason = models.TextField(blank=True)

    class Meta:
        verbose_name = _("kết quả điện tử đã ký")
        verbose_name_plural = _("kết quả điện tử đã ký")
        constraints = [
            models.UniqueConstraint(fields=["book", "register_number"], name="signed_result_number_unique"),
        ]
        indexes = [models.Index(fields=["agency", "signed_at"], name="signed_result_agency_idx")]

    def __str__(self) -> str:
        return f"{self.register_number}/{self.book.label} ({self.verification_code})"

    @property
    def register_label(self) -> str:
        return f"{self.register_number:06d}"


class StoredKind(models.TextChoices):
    RESULT = "result", _("Kết quả giải quyết TTHC")
    UPLOAD = "upload", _("Giấy tờ đã nộp")
    SCAN = "scan", _("Giấy tờ số hoá tại bộ phận một cửa")


class StoredDocument(models.Model):
    """One entry of a citizen's document store (kho dữ liệu): a signed result issued to them, or a document of
    their dossiers they chose to keep. It points to the dossier document holding the file (no second copy)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="stored_documents")
    document = models.ForeignKey("procedures.Document", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=StoredKind.choices)
    requirement = models.CharField(max_length=64, blank=True)  # the requirement code it answered, for matching
    name = models.CharField(max_length=255)
    issued_at = models.DateTimeField()

    class Meta:
        verbose_name = _("giấy tờ trong kho dữ liệu")
        verbose_name_plural = _("kho dữ liệu của công dân")
        ordering = ["-issued_at"]
        constraints = [models.UniqueConstraint(fields=["owner", "document"], name="stored_document_unique")]
        indexes = [models.Index(fields=["owner", "-issued_at"], name="stored_document_owner_idx")]

    def __str__(self) -> str:
        return self.name


class Origin(models.TextChoices):
    UPLOAD = "upload", _("Tải lên")
    SCAN = "scan", _("Số hoá từ giấy tại bộ phận một cửa")
    REUSE = "reuse", _("Dùng lại từ kho dữ liệu")


class DocumentOrigin(models.Model):
    """Where a dossier's input document came from: uploaded, scanned at the desk (indicator 4.2) or reused from the
    applicant's store without a new upload (indicator 4.3)."""

    document = models.OneToOneField("procedures.Document", on_delete=models.CASCADE, related_name="origin")
    dossier = models.ForeignKey("procedures.Dossier", on_delete=models.CASCADE, related_name="+")
    origin = models.CharField(max_length=8, choices=Origin.choices)
    reused_from = models.ForeignKey(StoredDocument, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("nguồn tài liệu")
        verbose_name_plural = _("nguồn tài liệu")
        indexes = [models.Index(fields=["dossier", "origin"], name="document_origin_idx")]

    def __str__(self) -> str:
        return f"{self.document_id}: {self.origin}"
