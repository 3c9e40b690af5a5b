from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = _("Phí, lệ phí và thanh toán")

    def ready(self) -> None:
        from payments.services import payment_requests_follow_event
        from procedures import hooks

        # Before the outbox (50): the notification about a request can then describe the open request.
        hooks.register_event_hook("payments.requests", payment_requests_follow_event, order=30)
