from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspaceConfig(AppConfig):
    """The officers' workspace: queues and dossier pages. Reads through selectors, writes through services."""

    name = "workspace"
    verbose_name = _("Không gian làm việc cán bộ")
