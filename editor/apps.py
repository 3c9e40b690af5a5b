from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EditorConfig(AppConfig):
    """The procedure-template editor for agency admins."""

    name = "editor"
    verbose_name = _("Soạn mẫu thủ tục")
