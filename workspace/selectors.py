"""Reads for the officer workspace: the queues, their filters and search, and a count-free page of a queue.

Every queue is scoped to the agencies the officer holds an active membership in (a superuser sees all) and ordered
by the dossier list sort keys (due date, filing time, id: procedures.models.dossier). Each queue's filter has an
index that ends in those keys (see Dossier.Meta.indexes), and pages are keyset pages (procedures.keyset): the next
page starts after the last row shown, so page 200 is one index seek like page 1, and no page runs COUNT(*) (a page
fetches one row more than it shows to know whether there is a next one).
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
from procedures.enums import CLOCK_RUNNING, DONE
from procedures.keyset import Cursor, InvalidCursor, KeysetPage, Ordering, decode_cursor, encode_cursor, keyset_page
from procedures.models import Dossier, Status
from procedures.models.dossier import CLOCK_STATUSES, DUE_KEY, ID_KEY, SUBMITTED_KEY, WORK_STATUSES
from procedures.services.calendar import portal_tz, working_calendar

__all__ = ["CLOCK_STATUSES", "WORK_STATUSES"]  # where other modules have read them from

QUEUE_ORDER = Ordering((DUE_KEY, SUBMITTED_KEY, ID_KEY))
QUEUE_ORDER_LATEST_FIRST = Ordering(QUEUE_ORDER.keys, descending=True)
# What a queue row shows (workspace/queue.html, due_state): the form data and the version's JSON stay in the table.
QUEUE_COLUMNS = (
    "id",
    "code",
    "status",
    "channel",
    "version",
    "due_at",
    "submitted_at",
    "completed_at",
    "paused_at",
    "agency_id",
    "procedure__name",
    "applicant__full_name",
    "applicant__email",
    "assignee__full_name",
    "assignee__email",
)


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

    def condition(self, field: str = "due_at") -> Q:
        """Due no later than the dossier's agency's limit (`field`: due_at, or the queues' sort-key alias)."""
        condition = Q(**{f"{field}__lte": self.default})
        if self.by_agency:
            condition &= ~Q(agency_id__in=list(self.by_agency))
        for agency_id, limit in self.by_agency.items():
            condition |= Q(agency_id=agency_id, **{f"{field}__lte": limit})
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
    """The dossiers of one queue, filtered and searched, ordered by due date then filing time (queue_ordering).

    Each queue's filter is the predicate of one index (Dossier.Meta.indexes) with the sort keys after it, so with one
    agency the rows come out of the index in order; due-date windows are written on the sort key itself so that they
    bound the same index scan."""
    now = now or timezone.now()
    base = Dossier.objects.exclude(status=Status.DRAFT)
    if not user.is_superuser:
        base = base.filter(_one_or_many("agency_id", {m.agency_id for m in memberships}))
    due = DUE_KEY.expression
    if queue == "tiep-nhan":
        qs = base.filter(status=Status.SUBMITTED)
    elif queue == "cua-toi":
        qs = base.filter(assignee=user, status__in=WORK_STATUSES)
    elif queue == "phong-ban":
        departments = {m.department_id for m in memberships if m.department_id}
        qs = base.filter(_one_or_many("department_id", departments), status__in=WORK_STATUSES)
    elif queue == "sap-den-han":
        qs = base.alias(due_key=due).filter(
            near_due_limit(now).condition("due_key"), status__in=CLOCK_STATUSES, due_key__gte=now
        )
    elif queue == "qua-han":
        qs = base.alias(due_key=due).filter(status__in=CLOCK_STATUSES, due_key__lt=now)
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
    qs = qs.select_related("procedure", "applicant", "assignee").only(*QUEUE_COLUMNS)
    return qs.order_by(*queue_ordering(descending).order_by())


def queue_ordering(descending: bool = False) -> Ordering:
    return QUEUE_ORDER_LATEST_FIRST if descending else QUEUE_ORDER


def _one_or_many(column: str, values: set) -> Q:
    # `col = x` for one value: the planner then reads the index's sort keys in order (with IN it must sort).
    values = sorted(values)
    return Q(**{column: values[0]}) if len(values) == 1 else Q(**{f"{column}__in": values})


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
    """A page of rows without a total count. `next_cursor` / `previous_cursor` are the `cursor` URL values of the
    neighbouring pages; a previous page without a cursor is the first page."""

    rows: list
    number: int
    per_page: int
    has_next: bool
    has_previous: bool
    next_cursor: str | None = None
    previous_cursor: str | None = None
    previous_page_number: int | None = None  # only for pages reached by number (links made before cursors)

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.per_page + 1 if self.rows else 0


def page_of(qs: QuerySet, *, ordering: Ordering, per_page: int, cursor: str = "", number: int = 1) -> QueuePage:
    """One query. With a cursor (from a previous page's links): a keyset page, the rows after (or before) the
    position it names. Without one: the first page, or page `number` by OFFSET for links made before cursors.
    A cursor of another ordering or a damaged one shows the first page."""
    position = None
    if cursor:
        try:
            position = decode_cursor(ordering, cursor)
        except InvalidCursor:
            position = None
    if position is None and number > 1:
        return _offset_page(qs, ordering=ordering, per_page=per_page, number=number)
    page = keyset_page(qs, ordering, size=per_page, cursor=position)
    return _queue_page(page, ordering, per_page)


def _queue_page(page: KeysetPage, ordering: Ordering, per_page: int) -> QueuePage:
    previous = page.previous
    return QueuePage(
        rows=page.rows,
        number=page.number,
        per_page=per_page,
        has_next=page.next is not None,
        has_previous=previous is not None,
        next_cursor=encode_cursor(ordering, page.next) if page.next else None,
        # Back to page 1: the plain queue URL (it also picks up dossiers filed since).
        previous_cursor=encode_cursor(ordering, previous) if previous and previous.page > 1 else None,
    )


def _offset_page(qs: QuerySet, *, ordering: Ordering, per_page: int, number: int) -> QueuePage:
    offset = (number - 1) * per_page
    rows = list(qs.order_by(*ordering.order_by())[offset : offset + per_page + 1])
    more, rows = len(rows) > per_page, rows[:per_page]
    following = Cursor(ordering.position(rows[-1]), page=number + 1) if more else None
    return QueuePage(
        rows=rows,
        number=number,
        per_page=per_page,
        has_next=more,
        has_previous=True,
        next_cursor=encode_cursor(ordering, following) if following else None,
        previous_page_number=number - 1,
    )


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
