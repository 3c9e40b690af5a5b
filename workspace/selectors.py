"""Reads for the officer workspace: the queues, their filters and search, and a count-free page of a queue.

Every queue is scoped to the agencies the officer holds an active membership in (a superuser sees all), and is
ordered over the indexed columns (`dossier_queue_idx`: agency, status, due_at, submitted_at), so one page costs a
fixed number of queries however large the queue is. Pages never run COUNT(*): a page fetches one row more than it
shows to know whether there is a next one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from citizens.models import StaffMembership, User
from citizens.roles import Role
from procedures import deadlines
from procedures.models import Dossier, Status
from procedures.services.calendar import portal_tz, working_calendar

# States in which a dossier is still someone's work (accepted and not finished, or waiting at the desk).
WORK_STATUSES = (
    Status.SUBMITTED,
    Status.PROCESSING,
    Status.AWAITING_PAYMENT,
    Status.WITHDRAWAL_REQUESTED,
    Status.SUPPLEMENT_REQUESTED,
    Status.COMPLETED,
)
# States in which the due-date clock runs (what near-due and overdue are about).
CLOCK_STATUSES = (Status.PROCESSING, Status.AWAITING_PAYMENT, Status.WITHDRAWAL_REQUESTED)
NEAR_DUE_MARGIN_DAYS = 1


@dataclass(frozen=True)
class Queue:
    slug: str
    label: str
    description: str


QUEUES: dict[str, Queue] = {
    q.slug: q
    for q in (
        Queue("tiep-nhan", _("Tiếp nhận hồ sơ mới"), _("Hồ sơ mới nộp, chờ bộ phận một cửa tiếp nhận.")),
        Queue("cua-toi", _("Việc của tôi"), _("Hồ sơ đang giao cho tôi xử lý.")),
        Queue("phong-ban", _("Phòng ban của tôi"), _("Hồ sơ đang ở bước của phòng ban tôi.")),
        Queue("sap-den-han", _("Sắp đến hạn"), _("Hồ sơ còn không quá một ngày làm việc.")),
        Queue("qua-han", _("Quá hạn"), _("Hồ sơ đã quá ngày hẹn trả mà chưa xong.")),
        Queue("dieu-phoi", _("Điều phối"), _("Hồ sơ đang xử lý chưa có phòng ban hoặc cán bộ phụ trách.")),
        Queue("rut-ho-so", _("Yêu cầu rút hồ sơ"), _("Người nộp xin rút hồ sơ đã tiếp nhận.")),
        Queue("tra-ket-qua", _("Chờ trả kết quả"), _("Hồ sơ đã xử lý xong, chờ trả cho người nộp.")),
        Queue("tat-ca", _("Tất cả hồ sơ"), _("Mọi hồ sơ đã nộp của cơ quan.")),
    )
}
DEFAULT_QUEUE = "cua-toi"


def workspace_memberships(user: User) -> list[StaffMembership]:
    """The officer's active memberships that handle dossiers (IOC viewers only read dashboards; agency admins
    configure procedures and see no dossiers)."""
    if not user.is_authenticated or not user.is_active:
        return []
    return list(
        StaffMembership.objects.filter(user=user, is_active=True)
        .exclude(role__in=[Role.IOC_VIEWER, Role.AGENCY_ADMIN])
        .select_related("agency", "department")
    )


def near_due_limit(now: datetime) -> datetime:
    """The latest due date that still counts as near-due at `now`: end of the working day NEAR_DUE_MARGIN_DAYS
    working days after today (the same rule as deadlines.is_near_due, as a bound a query can use)."""
    calendar, tz = working_calendar(), portal_tz()
    day = timezone.localtime(now, tz).date()
    for _i in range(NEAR_DUE_MARGIN_DAYS):
        day = calendar.next_working_day(day)
    return deadlines.end_of_day(day, tz)


def queue_dossiers(
    *,
    user: User,
    memberships: list[StaffMembership],
    queue: str,
    procedure: str = "",
    status: str = "",
    q: str = "",
    descending: bool = False,
    now: datetime | None = None,
) -> QuerySet[Dossier]:
    """The dossiers of one queue, filtered and searched, ordered by due date then filing time."""
    now = now or timezone.now()
    base = Dossier.objects.exclude(status=Status.DRAFT)
    if not user.is_superuser:
        base = base.filter(agency_id__in={m.agency_id for m in memberships})
    if queue == "tiep-nhan":
        qs = base.filter(status=Status.SUBMITTED)
    elif queue == "cua-toi":
        qs = base.filter(assignee=user, status__in=WORK_STATUSES)
    elif queue == "phong-ban":
        departments = {m.department_id for m in memberships if m.department_id}
        qs = base.filter(department_id__in=departments, status__in=WORK_STATUSES)
    elif queue == "sap-den-han":
        qs = base.filter(status__in=CLOCK_STATUSES, due_at__gte=now, due_at__lte=near_due_limit(now))
    elif queue == "qua-han":
        qs = base.filter(status__in=CLOCK_STATUSES, due_at__lt=now)
    elif queue == "dieu-phoi":
        qs = base.filter(status__in=CLOCK_STATUSES).filter(Q(department__isnull=True) | Q(assignee__isnull=True))
    elif queue == "rut-ho-so":
        qs = base.filter(status=Status.WITHDRAWAL_REQUESTED)
    elif queue == "tra-ket-qua":
        qs = base.filter(status=Status.COMPLETED)
    else:
        qs = base
    if procedure:
        qs = qs.filter(procedure__code=procedure)
    if status and status in Status.values:
        qs = qs.filter(status=status)
    qs = search(qs, q)
    qs = qs.select_related("procedure", "applicant", "assignee", "department", "agency")
    # One ordering for every queue, the index's own (due_at is empty for new filings, so the reception desk is in
    # filing order): the database walks dossier_queue_idx instead of sorting the whole queue.
    order = ["due_at", "submitted_at", "id"]
    if descending:
        order = ["-" + o for o in order]
    return qs.order_by(*order)


def search(qs: QuerySet[Dossier], q: str) -> QuerySet[Dossier]:
    """By dossier code (prefix or whole), applicant's national ID (exact, on the account or in the form), or
    applicant's name (contains, case-insensitive)."""
    q = (q or "").strip()
    if not q:
        return qs
    if q.isdigit() and len(q) == 12:
        return qs.filter(Q(applicant__national_id=q) | Q(data__national_id=q))
    condition = Q(code__istartswith=q) | Q(applicant__full_name__icontains=q)
    if q.isdigit():
        condition |= Q(code__icontains=q)
    return qs.filter(condition)


@dataclass
class QueuePage:
    """A page of rows without a total count: `has_next` comes from fetching one row more than shown."""

    rows: list
    number: int
    per_page: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.per_page + 1 if self.rows else 0


def page_of(qs: QuerySet, *, number: int, per_page: int) -> QueuePage:
    """One query: LIMIT per_page + 1 OFFSET (number - 1) * per_page over the indexed ordering."""
    number = max(1, number)
    offset = (number - 1) * per_page
    rows = list(qs[offset : offset + per_page + 1])
    return QueuePage(rows=rows[:per_page], number=number, per_page=per_page, has_next=len(rows) > per_page)


def due_state(dossier: Dossier, now: datetime, near_limit: datetime) -> str:
    """'overdue', 'near', 'on_time' or 'done' for a dossier with a due date; '' when none applies yet.
    `near_limit` is near_due_limit(now), computed once per page (it reads the calendar)."""
    from procedures.selectors import is_overdue

    if dossier.due_at is None:
        return ""
    if is_overdue(dossier, now):
        return "overdue"
    if dossier.status in CLOCK_STATUSES and dossier.due_at <= near_limit:
        return "near"
    if dossier.status in (Status.COMPLETED, Status.DELIVERED, Status.STOPPED, Status.REFUSED, Status.WITHDRAWN):
        return "done"
    return "on_time"


def agency_officers(agency_id: int) -> list[User]:
    """Active officers of an agency who can be given dossiers (not IOC viewers or agency admins)."""
    ids = (
        StaffMembership.objects.filter(agency_id=agency_id, is_active=True, user__is_active=True)
        .exclude(role__in=[Role.IOC_VIEWER, Role.AGENCY_ADMIN])
        .values_list("user_id", flat=True)
    )
    return list(User.objects.filter(pk__in=ids).order_by("full_name", "email"))
