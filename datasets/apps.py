from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DatasetsConfig(AppConfig):
    """Sector datasets agencies publish (health, education, labour, prices…), their public pages and IOC panels."""

    name = "datasets"
    verbose_name = _("Dữ liệu chuyên ngành")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dashboard import opendata
        from datasets import demo, selectors
        from datasets.messages import DATASET_DUE
        from notifications.messages import MESSAGES
        from procedures import hooks

        opendata.register_source(selectors.open_datasets)
        MESSAGES.setdefault("dataset_due", DATASET_DUE)
        hooks.register_demo_seeder("datasets.sector_data", demo.seed_datasets, order=60)
