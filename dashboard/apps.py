from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    """Statistics: the IOC dashboard, the public statistics page and the summary tables behind them."""

    name = "dashboard"
    verbose_name = _("Thống kê, điều hành")
    default_auto_field = "django.db.models.BigAutoField"
