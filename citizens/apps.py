from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CitizensConfig(AppConfig):
    name = "citizens"
    verbose_name = _("Người dùng và cán bộ")

    def ready(self) -> None:
        from allauth.mfa.signals import authenticator_added

        from citizens import signals

        # Entering a valid code while enrolling proves the factor: the session counts as having passed it.
        authenticator_added.connect(signals.second_factor_enrolled, dispatch_uid="citizens.second_factor_enrolled")
