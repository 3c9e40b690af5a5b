"""Roles a staff member holds in an agency, the applicant pseudo-role the workflow table uses, and the named sets
of roles every other module uses, each written once.

Pure like procedures.enums: no model, importable without a configured Django."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    APPLICANT = "applicant", _("Người nộp hồ sơ")
    RECEPTION = "reception", _("Bộ phận một cửa")
    SPECIALIST = "specialist", _("Chuyên viên")
    LEADER = "leader", _("Lãnh đạo")
    AGENCY_ADMIN = "agency_admin", _("Quản trị cơ quan")
    IOC_VIEWER = "ioc_viewer", _("Giám sát IOC")
    DATA_OFFICER = "data_officer", _("Cán bộ dữ liệu")


# Every role an agency grants (not the applicant pseudo-role).
STAFF_ROLES = frozenset(Role) - {Role.APPLICANT}
# Roles that work on dossiers: given dossiers, routed to, reminded, in the workflow's steps.
HANDLING_ROLES = frozenset({Role.RECEPTION, Role.SPECIALIST, Role.LEADER})
# Roles whose holders see their agency's dossiers. Template configuration (agency admin) and data publishing (data
# officer) are not casework: they never see citizens' dossiers.
DOSSIER_VIEWER_ROLES = STAFF_ROLES - {Role.AGENCY_ADMIN, Role.DATA_OFFICER}
