"""Reads shared by views, the API and tasks. Querysets carry what their pages need in a fixed number of queries."""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from citizens.models import StaffMembership, User
from citizens.roles import STAFF_ROLES, Role
from procedures.models import (
    Document,
    DocumentKind,
    Dossier,
    DossierEvent,
    Procedure,
    ProcedureStep,
    Status,
)
from procedures.search import search_procedures
from procedures.workflow import Action, DossierFacts, available_actions

OPEN_STATUSES = (Status.PROCESSING, Status.AWAITING_PAYMENT, Status.WITHDRAWAL_REQUESTED)
# An applicant sees a result document only once the dossier is decided.
RESULT_RELEASED_STATUSES = frozenset({Status.COMPLETED, Status.DELIVERED})


def result_released(dossier: Dossier, document: Document) -> bool:
    """Whether the dossier's applicant may see `document` (input documents always; results after completion)."""
    return document.kind != DocumentKind.RESULT or dossier.status in RESULT_RELEASED_STATUSES


# --- catalogue ------------------------------------------------------------------------------------------------


def procedure_list(
    *, q: str = "", agency: str = "", field: str = "", online_level: str = "", applicant_type: str = ""
) -> QuerySet[Procedure]:
    """Published, active procedures; `q` matches code and names ignoring case and Vietnamese diacritics."""
    queryset = Procedure.objects.filter(is_active=True, current_version__isnull=False).select_related(
        "field", "agency", "current_version"
    )
    if agency:
        queryset = queryset.filter(agency__identity_code=agency)
    if field:
        queryset = queryset.filter(field__code=field)
    if online_level:
        queryset = queryset.filter(online_level=online_level)
    if applicant_type:
        if _json_contains():
            queryset = queryset.filter(applicant_types__contains=[applicant_type])
        else:
            # SQLite has no JSON containment; the stored list is JSON text, so match the quoted element instead of
            # silently ignoring the filter.
            queryset = queryset.filter(applicant_types__icontains=json.dumps(applicant_type))
    return search_procedures(queryset, q) if q.strip() else queryset.order_by("name", "code")


def _json_contains() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


def procedure_get(*, code: str) -> Procedure | None:
    return (
        Procedure.objects.filter(code=code, is_active=True, current_version__isnull=False)
        .select_related("field", "agency", "current_version")
        .prefetch_related(Prefetch("current_version__steps", queryset=ProcedureStep.objects.order_by("position")))
        .first()
    )


# --- dossiers -------------------------------------------------------------------------------------------------


def staff_roles(user: User, agency_id: int) -> set[str]:
    if user.is_superuser:
        return set(STAFF_ROLES)
    return set(
        StaffMembership.objects.filter(user=user, agency_id=agency_id, is_active=True).values_list("role", flat=True)
    )


def actor_roles(dossier: Dossier, user: User) -> set[str]:
    """The roles `user` holds on this dossier: applicant of it, and/or active staff roles in its agency.

    Always read from the database (one query): a role cached on the user object would outlive a membership change
    made while the object is alive (a long task, a test, a request that grants a role).

    Separation of duties: on a dossier they filed, staff are only its applicant (no staff role applies), so they
    can never accept, process, assign or decide their own application."""
    if dossier.applicant_id == user.pk:
        return {Role.APPLICANT}
    return staff_roles(user, dossier.agency_id) if user.is_active else set()


def dossier_steps(version_id: int) -> list[ProcedureStep]:
    return list(ProcedureStep.objects.filter(version_id=version_id).order_by("position"))


def dossier_facts(dossier: Dossier, steps: list[ProcedureStep]) -> DossierFacts:
    step = steps[dossier.current_step - 1] if dossier.current_step and dossier.current_step <= len(steps) else None
    return DossierFacts(
        status=Status(dossier.status),
        current_step=dossier.current_step,
        step_count=len(steps),
        step_role=step.role if step else None,
        supplement_from=Status(dossier.resume_status) if dossier.resume_status else None,
        withdraw_from=Status(dossier.withdrawal_from) if dossier.withdrawal_from else None,
        # Only a completed dossier asks (deliver); uses prefetched documents when the page has them.
        has_electronic_result=dossier.status == Status.COMPLETED and _has_result_document(dossier),
        channel=dossier.channel,
    )


def _has_result_document(dossier: Dossier) -> bool:
    prefetched = getattr(dossier, "_prefetched_objects_cache", {}).get("documents")
    if prefetched is not None:
        return any(doc.kind == DocumentKind.RESULT for doc in prefetched)
    return Document.objects.filter(dossier_id=dossier.pk, kind=DocumentKind.RESULT).exists()


def dossier_available_actions(
    dossier: Dossier, user: User, *, steps: list[ProcedureStep] | None = None, roles: set[str] | None = None
) -> list[Action]:
    steps = steps if steps is not None else _prefetched_steps(dossier)
    roles = roles if roles is not None else actor_roles(dossier, user)
    return available_actions(dossier_facts(dossier, steps), roles)


def _prefetched_steps(dossier: Dossier) -> list[ProcedureStep]:
    version = dossier.procedure_version
    return sorted(version.steps.all(), key=lambda s: s.position)


def is_overdue(dossier: Dossier, now=None) -> bool:
    now = now or timezone.now()
    if dossier.status in (Status.DRAFT, Status.SUBMITTED, Status.REFUSED, Status.WITHDRAWN):
        return False
    if dossier.status == Status.SUPPLEMENT_REQUESTED and dossier.paused_at:
        return bool(dossier.due_at and dossier.paused_at > dossier.due_at)
    if dossier.completed_at:
        return bool(dossier.due_at and dossier.completed_at > dossier.due_at)
    if dossier.status == Status.STOPPED:
        return False
    return bool(dossier.due_at and now > dossier.due_at)


def dossier_list_for(
    *,
    user: User,
    status: str = "",
    procedure: str = "",
    overdue: bool | None = None,
    assigned_to_me: bool = False,
    ordering: str = "",
) -> QuerySet[Dossier]:
    """An applicant's own dossiers newest first; staff see their agencies' filed dossiers by due date."""
    queryset = (
        Dossier.objects.visible_to(user)
        .select_related("procedure", "procedure_version", "agency", "assignee", "applicant")
        .prefetch_related(Prefetch("procedure_version__steps", queryset=ProcedureStep.objects.order_by("position")))
    )
    is_staff_view = user.is_superuser or user.memberships.filter(is_active=True).exists()
    if status:
        queryset = queryset.filter(status__in=[s for s in status.split(",") if s])
    if procedure:
        queryset = queryset.filter(procedure__code=procedure)
    if assigned_to_me:
        queryset = queryset.filter(assignee=user)
    if overdue is not None:
        now = timezone.now()
        late = Q(status__in=OPEN_STATUSES, due_at__lt=now)
        queryset = queryset.filter(late) if overdue else queryset.exclude(late)
    allowed = {"due_at", "-due_at", "submitted_at", "-submitted_at", "created_at", "-created_at", "code", "-code"}
    if ordering in allowed:
        return queryset.order_by(ordering, "id")
    if is_staff_view:
        return queryset.order_by("due_at", "submitted_at", "id")
    return queryset.order_by("-created_at", "id")


def dossier_detail_for(*, user: User, dossier_id) -> Dossier | None:
    events = DossierEvent.objects.select_related("actor").order_by("at", "id")
    queryset = (
        Dossier.objects.visible_to(user)
        .select_related("procedure", "procedure_version", "agency", "assignee", "applicant", "department")
        .prefetch_related(
            Prefetch("procedure_version__steps", queryset=ProcedureStep.objects.order_by("position")),
            Prefetch("events", queryset=events),
            Prefetch("documents", queryset=Document.objects.order_by("created_at")),
        )
    )
    try:
        return queryset.get(pk=dossier_id)
    except (Dossier.DoesNotExist, ValueError, TypeError, DjangoValidationError):  # a malformed UUID is "not found"
        return None


def dossier_track(*, code: str) -> Dossier | None:
    return (
        Dossier.objects.exclude(status=Status.DRAFT)
        .select_related("procedure", "agency")
        .prefetch_related(Prefetch("events", queryset=DossierEvent.objects.filter(internal=False).order_by("at", "id")))
        .filter(code=code)
        .first()
    )
