from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    """Electronic results with legal value: signed PDFs, register books, verification, the citizen's document
    store and the reuse of digitised documents."""

    name = "records"
    verbose_name = _("Kết quả điện tử, kho dữ liệu")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from procedures import hooks
        from records.services import (
            records_document_offers,
            records_document_source,
            records_on_document,
            records_on_event,
        )

        # Before the statistics (10): the signed result is part of the action, so the counters and the outbox see
        # a completion only once its e-result exists, and a signing failure rolls everything back before them.
        hooks.register_event_hook("records.results", records_on_event, order=5)
        hooks.register_document_hook("records.origins", records_on_document, order=5)
        hooks.register_document_source("from_store", records_document_source, order=10)
        hooks.register_document_offers("records.store", records_document_offers, order=10)
