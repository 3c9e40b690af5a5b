from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Nhật ký kiểm toán")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from audit import signals  # noqa: F401 - sign-in and MFA receivers
