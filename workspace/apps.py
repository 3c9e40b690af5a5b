from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspaceConfig(AppConfig):
    """The officers' workspace: queues and dossier pages. Reads through selectors, writes through services."""

    name = "workspace"
    verbose_name = _("Không gian làm việc cán bộ")

    def ready(self):
        from django.db.backends.signals import connection_created

        from workspace.search import register_sqlite_fold

        # SQLite has no accent folding: give each connection the portal's own (officer search, workspace/search.py).
        connection_created.connect(register_sqlite_fold, dispatch_uid="workspace-sqlite-fold")
