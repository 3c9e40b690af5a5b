"""The portal's user (email login) and staff memberships."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from citizens.roles import STAFF_ROLES, Role

national_id_validator = RegexValidator(r"^\d{12}$", _("Số định danh cá nhân gồm đúng 12 chữ số."))
phone_validator = RegexValidator(r"^(0|\+84)\d{9}$", _("Số điện thoại không hợp lệ (ví dụ 0912345678)."))


class AssuranceLevel(models.IntegerChoices):
    """How sure the portal is of who a person is (DOMAIN.md: accounts carry a level of assurance)."""

    NONE = 0, _("Chưa xác thực danh tính")
    BASIC = 1, _("Định danh điện tử mức 1")
    HIGH = 2, _("Định danh điện tử mức 2")


class IdentitySource(models.TextChoices):
    EID = "vneid", _("Định danh điện tử VNeID")
    DESK = "desk", _("Cán bộ một cửa đối chiếu thẻ căn cước")


# A reception officer who held the citizen's chip card and checked it against the person proofs identity in person.
DESK_ASSURANCE_LEVEL = AssuranceLevel.HIGH


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("Email is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("email"), unique=True)
    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=16, blank=True, validators=[phone_validator])
    national_id = models.CharField(
        _("số định danh cá nhân"), max_length=12, null=True, blank=True, validators=[national_id_validator]
    )
    # A typed ID is data only. It is an identity once verified (from the e-ID or by a reception officer who checked
    # the card), then locked; only verified IDs are unique (citizens.services.national_id_verify).
    national_id_verified_at = models.DateTimeField(_("số định danh xác thực lúc"), null=True, blank=True)
    national_id_verified_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cán bộ đối chiếu thẻ"),
    )
    national_id_source = models.CharField(
        _("nguồn xác thực số định danh"), max_length=8, choices=IdentitySource.choices, blank=True
    )
    assurance_level = models.PositiveSmallIntegerField(
        _("mức độ bảo đảm danh tính"), choices=AssuranceLevel.choices, default=AssuranceLevel.NONE
    )
    date_of_birth = models.DateField(_("ngày sinh"), null=True, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    language = models.CharField(
        _("ngôn ngữ"), max_length=5, default="vi", choices=[("vi", "Tiếng Việt"), ("en", "English")]
    )
    notify_email = models.BooleanField(_("nhận thông báo qua email"), default=True)
    notify_sms = models.BooleanField(_("nhận thông báo qua SMS"), default=False)
    notify_inapp = models.BooleanField(_("nhận thông báo trong ứng dụng"), default=True)
    is_staff = models.BooleanField(_("truy cập trang quản trị"), default=False)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    date_joined = models.DateTimeField(_("ngày tham gia"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")
        constraints = [
            models.UniqueConstraint(
                fields=["national_id"],
                condition=Q(national_id__isnull=False, national_id_verified_at__isnull=False),
                name="user_verified_national_id_unique",
            )
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()
        if self.national_id == "":
            self.national_id = None

    @property
    def national_id_verified(self) -> bool:
        return self.national_id_verified_at is not None

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[-1] if self.full_name else self.email


class StaffMembership(models.Model):
    """One role a user holds in an agency (and optionally a department of it)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("cán bộ"))
    agency = models.ForeignKey(
        "procedures.Agency", on_delete=models.CASCADE, related_name="memberships", verbose_name=_("cơ quan")
    )
    department = models.ForeignKey(
        "procedures.Department",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("phòng ban"),
    )
    role = models.CharField(_("vai trò"), max_length=20, choices=[(r.value, r.label) for r in Role if r in STAFF_ROLES])
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        verbose_name = _("phân công cán bộ")
        verbose_name_plural = _("phân công cán bộ")
        constraints = [
            models.UniqueConstraint(fields=["user", "agency", "department", "role"], name="membership_unique"),
        ]
        indexes = [models.Index(fields=["agency", "role", "is_active"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.agency}"


class IdentityProof(models.Model):
    """One proof of who an account's holder is: a login through the national e-ID (provider "vneid", the subject its
    `sub`) or a reception officer's check of the card (provider "desk", the subject the ID). Append-only."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="identity_proofs")
    provider = models.CharField(_("nguồn"), max_length=16, choices=IdentitySource.choices)
    subject = models.CharField(_("định danh tại nguồn"), max_length=255)
    level_of_assurance = models.PositiveSmallIntegerField(_("mức độ bảo đảm"), choices=AssuranceLevel.choices)
    national_id = models.CharField(_("số định danh cá nhân"), max_length=12, blank=True)
    verified_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("cán bộ")
    )
    at = models.DateTimeField(_("thời điểm"), default=timezone.now)

    class Meta:
        verbose_name = _("bằng chứng danh tính")
        verbose_name_plural = _("bằng chứng danh tính")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["provider", "subject"], name="identity_proof_subject_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.provider} {self.level_of_assurance} {self.at:%Y-%m-%d %H:%M}"
