"""Roles a staff member holds in an agency, and the applicant pseudo-role the workflow table uses."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    APPLICANT = "applicant", _("Người nộp hồ sơ")
    RECEPTION = "reception", _("Bộ phận một cửa")
    SPECIALIST = "specialist", _("Chuyên viên")
    LEADER = "leader", _("Lãnh đạo")
    AGENCY_ADMIN = "agency_admin", _("Quản trị cơ quan")
    IOC_VIEWER = "ioc_viewer", _("Giám sát IOC")


STAFF_ROLES = frozenset(Role) - {Role.APPLICANT}
# Roles whose holders see their agency's dossiers. Template configuration (agency admin) is not casework: it sees
# procedures, never citizens' dossiers.
DOSSIER_VIEWER_ROLES = STAFF_ROLES - {Role.AGENCY_ADMIN}
