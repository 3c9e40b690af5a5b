from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Thông báo")

    def ready(self) -> None:
        from notifications.services import notifications_queue_for_event
        from procedures import hooks

        hooks.register_event_hook("notifications.outbox", notifications_queue_for_event, order=50)
