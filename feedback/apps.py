from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    """PAKN (feedback, complaints, questions) with its own lifecycle table, and messages on a dossier."""

    name = "feedback"
    verbose_name = _("Phản ánh, kiến nghị")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dashboard import opendata
        from dashboard.sources import register_dossier_source, register_indicator_source
        from feedback import demo, indicators, messages, selectors
        from notifications import links
        from notifications.messages import MESSAGES
        from notifications.models import Kind
        from procedures import hooks

        # Our texts render through the one message renderer; names are prefixed so they cannot clash.
        for name, message in messages.MESSAGES.items():
            MESSAGES.setdefault(name, message)
        opendata.register_dataset(selectors.PUBLIC_QUESTIONS_DATASET)
        for kind in (Kind.FEEDBACK_RECEIVED, Kind.FEEDBACK_ANSWERED, Kind.FEEDBACK_OVERDUE):
            links.register_link(kind, selectors.notification_link)
        hooks.register_demo_seeder("feedback.questions", demo.seed_feedback, order=50)
        register_indicator_source("5.1", indicators.by_category, name="feedback.by_category")
        register_indicator_source("5.2", indicators.handled_on_time, name="feedback.handled_on_time")
        register_indicator_source("5.3", indicators.satisfied_handling, name="feedback.satisfied_handling")
        register_dossier_source("5.4", indicators.dossiers_with_feedback, name="feedback.dossiers_with_feedback")
