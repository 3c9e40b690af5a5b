from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

identity_code_validator = RegexValidator(
    r"^[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[0-9A-Z]{3}$", _("Mã định danh có dạng 000.00.12.H56.")
)


class Agency(models.Model):
    """A state body in the province's tree (province -> departments / communes)."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("Cấp tỉnh")
        DEPARTMENT = "department", _("Sở, ban, ngành")
        COMMUNE = "commune", _("Cấp xã")

    identity_code = models.CharField(
        _("mã định danh"), max_length=13, unique=True, validators=[identity_code_validator]
    )
    name = models.CharField(_("tên"), max_length=255)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=255, blank=True)
    level = models.CharField(_("cấp"), max_length=12, choices=Level.choices, default=Level.COMMUNE)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("cơ quan cha")
    )
    province_code = models.CharField(_("mã tỉnh"), max_length=8, blank=True)
    commune_code = models.CharField(_("mã xã"), max_length=8, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        verbose_name = _("cơ quan")
        verbose_name_plural = _("cơ quan")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """A unit inside an agency that handles workflow steps (reception desk, justice, leadership...)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="departments", verbose_name=_("cơ quan"))
    code = models.SlugField(_("mã"), max_length=50)
    name = models.CharField(_("tên"), max_length=255)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("phòng ban")
        verbose_name_plural = _("phòng ban")
        ordering = ["agency", "name"]
        constraints = [models.UniqueConstraint(fields=["agency", "code"], name="department_code_unique")]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency.name})"
