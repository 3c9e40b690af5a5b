"""Reads on PAKN items: the author's list, the agency's queue, the public answers (with personal data removed)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db.models import Max, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from citizens.models import StaffMembership
from dashboard.opendata import Column, Dataset
from feedback.lifecycle import OPEN, Status
from feedback.models import Feedback

LIST_COLUMNS = (
    "id",
    "code",
    "category",
    "status",
    "title",
    "agency__name",
    "due_at",
    "received_at",
    "answered_at",
    "version",
)

# What must never be published even when the author typed it into the question: e-mail addresses, phone numbers,
# 9- or 12-digit identity numbers and other long digit runs.
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_DIGITS = re.compile(r"(?<!\d)(\+?\d[\d .-]{7,}\d)(?!\d)")


def redact(text: str) -> str:
    return _DIGITS.sub("[…]", _EMAIL.sub("[…]", text or ""))


def feedback_for_author(*, user) -> QuerySet[Feedback]:
    return Feedback.objects.filter(author=user).select_related("agency").order_by("-received_at", "-id")


def feedback_queue(*, user, status: str | None = None) -> QuerySet[Feedback]:
    """The PAKN items addressed to the agencies where `user` handles them, soonest due first."""
    agencies = StaffMembership.objects.filter(user=user, is_active=True).values("agency_id")
    queryset = Feedback.objects.filter(agency_id__in=agencies).select_related("agency", "assignee")
    if status == "open":
        queryset = queryset.filter(status__in=list(OPEN))
    elif status in {s.value for s in Status}:
        queryset = queryset.filter(status=status)
    return queryset.order_by("due_at", "id")


def public_answers(*, q: str = "") -> QuerySet[Feedback]:
    """Answered items their authors allowed to publish and a moderator approved, newest first."""
    queryset = (
        Feedback.objects.filter(status=Status.ANSWERED, published_at__isnull=False)
        .select_related("agency", "procedure")
        .only(
            "id",
            "code",
            "category",
            "title",
            "content",
            "answer",
            "answered_at",
            "published_at",
            "agency__name",
            "procedure__name",
            "procedure__code",
        )
        .order_by("-published_at", "-id")
    )
    if q:
        queryset = queryset.filter(Q(title__icontains=q) | Q(content__icontains=q) | Q(answer__icontains=q))
    return queryset


def public_answer_row(item: Feedback) -> dict:
    return {
        "code": item.code,
        "category": item.category,
        "agency": item.agency.name,
        "procedure": item.procedure.name if item.procedure_id else "",
        "title": redact(item.title),
        "question": redact(item.content),
        "answer": redact(item.answer),
        "answered_at": item.answered_at,
        "published_at": item.published_at,
    }


def _public_rows() -> Iterable[dict]:
    for item in public_answers().iterator():
        yield public_answer_row(item)


def _public_modified():
    return Feedback.objects.filter(published_at__isnull=False).aggregate(latest=Max("published_at"))["latest"]


PUBLIC_QUESTIONS_DATASET = Dataset(
    slug="hoi-dap-cong-khai",
    title=_("Phản ánh, kiến nghị và hỏi đáp đã trả lời"),
    description=_(
        "Câu hỏi, phản ánh đã được cơ quan trả lời và người gửi đồng ý công khai; không có họ tên, "
        "số điện thoại, thư điện tử hay số định danh."
    ),
    theme=_("Phản ánh, kiến nghị"),
    columns=(
        Column("code", _("Mã")),
        Column("category", _("Loại")),
        Column("agency", _("Cơ quan trả lời")),
        Column("procedure", _("Thủ tục")),
        Column("title", _("Tiêu đề")),
        Column("question", _("Nội dung")),
        Column("answer", _("Trả lời")),
        Column("answered_at", _("Ngày trả lời"), "datetime"),
        Column("published_at", _("Ngày công khai"), "datetime"),
    ),
    rows=_public_rows,
    modified=_public_modified,
    frequency="daily",
)


def on_time_ratio(*, agency_ids=None, start=None, end=None) -> tuple[int, int]:
    """(answered on time, answered or overdue) in the period: the facts indicator 5.2 needs."""
    from django.db.models import F
    from django.utils import timezone

    queryset = Feedback.objects.all()
    if agency_ids is not None:
        queryset = queryset.filter(agency_id__in=list(agency_ids))
    if start is not None:
        queryset = queryset.filter(received_at__gte=start)
    if end is not None:
        queryset = queryset.filter(received_at__lt=end)
    now = timezone.now()
    due = queryset.filter(Q(answered_at__isnull=False) | Q(due_at__lt=now, status__in=list(OPEN)))
    on_time = due.filter(answered_at__isnull=False, answered_at__lte=F("due_at")).count()
    return on_time, due.count()


def notification_link(notification) -> str | None:
    """The PAKN item a notice is about: its key is "feedback:<id>:…" (see services)."""
    from django.urls import reverse

    prefix, _sep, rest = notification.key.partition(":")
    item_id = rest.split(":", 1)[0]
    if prefix != "feedback" or not item_id:
        return None
    return reverse("feedback-detail", kwargs={"feedback_id": item_id})
