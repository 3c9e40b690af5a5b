"""Reads shared by views, the API and tasks. Querysets carry what their pages need in a fixed number of queries."""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import BooleanField, Case, Exists, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from citizens.models import StaffMembership, User
from citizens.roles import DOSSIER_VIEWER_ROLES, STAFF_ROLES, Role
from procedures.enums import CLOCK_RUNNING
from procedures.keyset import Ordering
from procedures.models import (
    Document,
    DocumentKind,
    Dossier,
    DossierEvent,
    Procedure,
    ProcedureStep,
    Status,
)
from procedures.models.dossier import CODE_KEY, CREATED_KEY, DUE_KEY, ID_KEY, SUBMITTED_KEY
from procedures.search import search_procedures
from procedures.workflow import Action, DossierFacts, available_actions

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
    annotated = getattr(dossier, "has_result_document", None)  # the list selectors annotate it
    if annotated is not None:
        return annotated
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


# What a list row shows (DossierListSerializer, the citizen's "my dossiers" page) and nothing more: the procedure
# version's form, documents and cases JSON, the dossier's own form data and the people's profiles stay in the table.
LIST_COLUMNS = (
    "id",
    "code",
    "status",
    "channel",
    "current_step",
    "step_due_at",
    "created_at",
    "submitted_at",
    "due_at",
    "completed_at",
    "paused_at",
    "resume_status",
    "withdrawal_from",
    "fee_amount",
    "version",
    "applicant_id",
    "agency__identity_code",
    "agency__name",
    "agency__name_en",
    "procedure__code",
    "procedure__name",
    "procedure__name_en",
    "procedure_version__id",
    "assignee__full_name",
)

STAFF_ORDER = Ordering((DUE_KEY, SUBMITTED_KEY, ID_KEY))
APPLICANT_ORDER = Ordering((CREATED_KEY, ID_KEY), descending=True)
# `ordering=` of the API (serializers.DOSSIER_ORDERINGS): each a keyset ordering ending in the id.
ORDERINGS = {
    "due_at": STAFF_ORDER,
    "-due_at": Ordering(STAFF_ORDER.keys, descending=True),
    "submitted_at": Ordering((SUBMITTED_KEY, ID_KEY)),
    "-submitted_at": Ordering((SUBMITTED_KEY, ID_KEY), descending=True),
    "created_at": Ordering((CREATED_KEY, ID_KEY)),
    "-created_at": APPLICANT_ORDER,
    "code": Ordering((CODE_KEY, ID_KEY)),
    "-code": Ordering((CODE_KEY, ID_KEY), descending=True),
}


@dataclass(frozen=True)
class DossierList:
    """A list's rows (unordered, unsliced) and the keyset ordering to page them with (procedures.keyset)."""

    queryset: QuerySet[Dossier]
    ordering: Ordering


def _list_rows(queryset: QuerySet[Dossier]) -> QuerySet[Dossier]:
    """The columns a row shows, the step names of its version (one query per page) and whether a completed
    dossier has its electronic result (the `deliver` action needs it), as a subquery instead of a query per row."""
    has_result = Exists(Document.objects.filter(dossier_id=OuterRef("pk"), kind=DocumentKind.RESULT))
    return (
        queryset.select_related("procedure", "procedure_version", "agency", "assignee")
        .only(*LIST_COLUMNS)
        .prefetch_related(Prefetch("procedure_version__steps", queryset=ProcedureStep.objects.order_by("position")))
        .annotate(
            has_result_document=Case(
                When(status=Status.COMPLETED, then=has_result), default=Value(False), output_field=BooleanField()
            )
        )
    )


def _list_filters(
    queryset: QuerySet[Dossier], *, status: str = "", procedure: str = "", overdue: bool | None = None
) -> QuerySet[Dossier]:
    if status:
        queryset = queryset.filter(status__in=[s for s in status.split(",") if s])
    if procedure:
        queryset = queryset.filter(procedure__code=procedure)
    if overdue is not None:
        late = Q(status__in=CLOCK_RUNNING, due_at__lt=timezone.now())
        queryset = queryset.filter(late) if overdue else queryset.exclude(late)
    return queryset


def dossier_list_for_applicant(
    *, user: User, status: str = "", procedure: str = "", overdue: bool | None = None, ordering: str = ""
) -> DossierList:
    """The user's own dossiers (drafts included), newest first: one index range (dossier_applicant_seek_idx)."""
    # Drafts their owner discarded (and drafts retention purged) leave the list; filed dossiers always stay.
    queryset = Dossier.objects.filter(applicant=user).exclude(status=Status.DRAFT, purged_at__isnull=False)
    queryset = _list_filters(queryset, status=status, procedure=procedure, overdue=overdue)
    return DossierList(_list_rows(queryset), ORDERINGS.get(ordering, APPLICANT_ORDER))


def dossier_list_for_staff(
    *,
    user: User,
    agency_ids: Collection[int] | None,
    status: str = "",
    procedure: str = "",
    overdue: bool | None = None,
    assigned_to_me: bool = False,
    ordering: str = "",
) -> DossierList:
    """The filed dossiers of the given agencies (all agencies when `agency_ids` is None: a superuser) by due date,
    then filing time. Never an applicant's own dossiers in the same query: an OR across the two audiences defeats
    every index. With one agency the default order is a seek on dossier_agency_due_idx (or, with one status,
    dossier_agency_status_due_idx)."""
    queryset = Dossier.objects.exclude(status=Status.DRAFT)
    if agency_ids is not None:
        agency_ids = sorted(set(agency_ids))
        queryset = (
            queryset.filter(agency_id=agency_ids[0])
            if len(agency_ids) == 1
            else queryset.filter(agency_id__in=agency_ids)
        )
    if assigned_to_me:
        queryset = queryset.filter(assignee=user)
    queryset = _list_filters(queryset, status=status, procedure=procedure, overdue=overdue)
    return DossierList(_list_rows(queryset), ORDERINGS.get(ordering, STAFF_ORDER))


def dossier_list_for(*, user: User, **filters) -> QuerySet[Dossier]:
    """The list a user gets by default, ordered: staff (an active membership, or a superuser) their agencies' filed
    dossiers, everyone else their own. One audience per query, never both."""
    if user.is_superuser:
        listing = dossier_list_for_staff(user=user, agency_ids=None, **filters)
    else:
        agency_ids = list(
            user.memberships.filter(is_active=True, role__in=DOSSIER_VIEWER_ROLES).values_list("agency_id", flat=True)
        )
        if agency_ids:
            listing = dossier_list_for_staff(user=user, agency_ids=agency_ids, **filters)
        else:
            filters.pop("assigned_to_me", None)
            listing = dossier_list_for_applicant(user=user, **filters)
    return listing.queryset.order_by(*listing.ordering.order_by())


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


TRACK_COLUMNS = (
    "id",
    "code",
    "status",
    "submitted_at",
    "accepted_at",
    "due_at",
    "completed_at",
    "delivered_at",
    "paused_at",
    "procedure__code",
    "procedure__name",
    "procedure__name_en",
    "agency__identity_code",
    "agency__name",
    "agency__name_en",
)


def dossier_track(*, code: str) -> Dossier | None:
    """A filed dossier by its code (the unique index on `code`: one index lookup) with its public events: what
    TrackSerializer shows and nothing more (no form data, no names)."""
    events = DossierEvent.objects.filter(internal=False).only("dossier", "from_status", "to_status", "internal", "at")
    rows = list(
        Dossier.objects.filter(code=code)
        .exclude(status=Status.DRAFT)
        .select_related("procedure", "agency")
        .only(*TRACK_COLUMNS)
        .prefetch_related(Prefetch("events", queryset=events.order_by("at", "id")))
        .order_by()[:1]
    )
    return rows[0] if rows else None
