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
from citizens.roles import HANDLING_ROLES, Role
from notifications.models import PoliciesInForce
from procedures import deadlines
from procedures.enums import CLOCK_RUNNING, DONE, WORK
from procedures.models import Dossier, Status
from procedures.services.calendar import portal_tz, working_calendar


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
    """The officer's active memberships that handle dossiers (IOC viewers only read dashboards)."""
    if not user.is_authenticated or not user.is_active:
        return []
    return list(
        StaffMembership.objects.filter(user=user, is_active=True)
        .exclude(role=Role.IOC_VIEWER)
        .select_related("agency", "department")
    )


class NearDue:
    """Near-due at `now` as bounds a query can use: a dossier is near due when its due date is at most its agency's
    `near_due_days` working days after today (the reminders' rule and margin, notifications.PoliciesInForce, and
    deadlines.is_near_due's), so the "Sắp đến hạn" queue lists what the reminders warn about. One query."""

    def __init__(self, now: datetime) -> None:
        policies = PoliciesInForce.read()
        self._calendar, self._tz = working_calendar(), portal_tz()
        self._today = timezone.localtime(now, self._tz).date()
        self._limits: dict[int, datetime] = {}
        self.default = self._limit(policies.default.near_due_days)
        self.by_agency = {agency: self._limit(p.near_due_days) for agency, p in policies.by_agency.items()}

    def _limit(self, days: int) -> datetime:
        """The end of the working day `days` working days after today."""
        if days not in self._limits:
            day = self._today
            for _i in range(days):
                day = self._calendar.next_working_day(day)
            self._limits[days] = deadlines.end_of_day(day, self._tz)
        return self._limits[days]

    def limit_for(self, agency_id: int) -> datetime:
        return self.by_agency.get(agency_id, self.default)

    def condition(self) -> Q:
        """Due no later than the dossier's agency's limit."""
        condition = Q(due_at__lte=self.default)
        if self.by_agency:
            condition &= ~Q(agency_id__in=list(self.by_agency))
        for agency_id, limit in self.by_agency.items():
            condition |= Q(agency_id=agency_id, due_at__lte=limit)
        return condition


def near_due_limit(now: datetime) -> NearDue:
    return NearDue(now)


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
        qs = base.filter(assignee=user, status__in=WORK)
    elif queue == "phong-ban":
        departments = {m.department_id for m in memberships if m.department_id}
        qs = base.filter(department_id__in=departments, status__in=WORK)
    elif queue == "sap-den-han":
        qs = base.filter(near_due_limit(now).condition(), status__in=CLOCK_RUNNING, due_at__gte=now)
    elif queue == "qua-han":
        qs = base.filter(status__in=CLOCK_RUNNING, due_at__lt=now)
    elif queue == "dieu-phoi":
        qs = base.filter(status__in=CLOCK_RUNNING).filter(Q(department__isnull=True) | Q(assignee__isnull=True))
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


def due_state(dossier: Dossier, now: datetime, near: NearDue) -> str:
    """'overdue', 'near', 'on_time' or 'done' for a dossier with a due date; '' when none applies yet.
    `near` is near_due_limit(now), computed once per page (it reads the calendar and the reminder policies)."""
    from procedures.selectors import is_overdue

    if dossier.due_at is None:
        return ""
    if is_overdue(dossier, now):
        return "overdue"
    if dossier.status in CLOCK_RUNNING and dossier.due_at <= near.limit_for(dossier.agency_id):
        return "near"
    if dossier.status in DONE:
        return "done"
    return "on_time"


def agency_officers(agency_id: int) -> list[User]:
    """Active officers of an agency who can be given dossiers (not IOC viewers or agency admins)."""
    ids = (
        StaffMembership.objects.filter(agency_id=agency_id, is_active=True, user__is_active=True)
        .filter(role__in=HANDLING_ROLES)
        .values_list("user_id", flat=True)
    )
    return list(User.objects.filter(pk__in=ids).order_by("full_name", "email"))
