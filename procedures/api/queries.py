"""Small reads the API needs on top of `procedures.selectors`, each one query whatever the page size.

Kept beside the API (not in selectors.py) because they only serve serialisation: the caller's roles, computed once
per request so that `available_actions` costs no query per row, and the department names a procedure's steps show.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from citizens.models import StaffMembership
from citizens.roles import STAFF_ROLES, Role
from procedures.models import Department, Dossier


@dataclass(frozen=True)
class CallerRoles:
    """What the caller is, per agency: the same answer `selectors.actor_roles` gives, without a query per dossier."""

    user_id: int | None
    superuser: bool = False
    by_agency: Mapping[int, frozenset[str]] = field(default_factory=dict)

    def staff_roles(self, agency_id: int) -> frozenset[str]:
        if self.superuser:
            return frozenset(STAFF_ROLES)
        return self.by_agency.get(agency_id, frozenset())

    def for_dossier(self, dossier: Dossier) -> set[str]:
        if self.user_id is not None and dossier.applicant_id == self.user_id:
            return {Role.APPLICANT}  # separation of duties, as selectors.actor_roles
        return set(self.staff_roles(dossier.agency_id))

    def is_staff_on(self, dossier: Dossier) -> bool:
        """Acting as the agency's staff on this dossier (never on one's own application)."""
        return dossier.applicant_id != self.user_id and self.is_agency_staff(dossier.agency_id)

    def is_agency_staff(self, agency_id: int) -> bool:
        """Staff of that agency see its internal events (comments, assignments) and who a dossier is assigned to."""
        return bool(self.staff_roles(agency_id))


def caller_roles(user) -> CallerRoles:
    """One query: the caller's active memberships (none for anonymous callers)."""
    if user is None or not user.is_authenticated:
        return CallerRoles(user_id=None)
    by_agency: dict[int, set[str]] = {}
    if not user.is_superuser:
        for agency_id, role in StaffMembership.objects.filter(user=user, is_active=True).values_list(
            "agency_id", "role"
        ):
            by_agency.setdefault(agency_id, set()).add(role)
    return CallerRoles(
        user_id=user.pk,
        superuser=user.is_superuser,
        by_agency={agency_id: frozenset(roles) for agency_id, roles in by_agency.items()},
    )


def department_names(agency_id: int) -> dict[str, tuple[str, str]]:
    """`{department code: (name, name_en)}` of one agency, for the steps of its procedures."""
    return {
        code: (name, name_en)
        for code, name, name_en in Department.objects.filter(agency_id=agency_id).values_list("code", "name", "name_en")
    }
