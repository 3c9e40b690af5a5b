from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    """Statistics: the IOC dashboard, the public statistics page and the summary tables behind them."""

    name = "dashboard"
    verbose_name = _("Thống kê, điều hành")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dashboard.services import stats_record_document, stats_record_event
        from procedures import hooks

        # First: the counters change before anything tells the outside world about the event.
        hooks.register_event_hook("dashboard.stats", stats_record_event, order=10)
        hooks.register_document_hook("dashboard.stats", stats_record_document, order=10)
