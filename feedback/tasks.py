"""Beat task: PAKN items past their answer deadline are escalated to the agency's leaders and the handler is
reminded, once per item and deadline (the outbox's unique key makes a second run a no-op)."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from citizens.roles import Role
from feedback.lifecycle import OPEN
from feedback.models import Feedback
from feedback.services import notice_context
from notifications.models import Kind
from notifications.services import notify, staff_of
from procedures.services.calendar import working_calendar


@shared_task(name="feedback.tasks.escalate_overdue")
def escalate_overdue() -> int:
    """Runs on working days only; returns how many messages were queued."""
    now = timezone.now()
    if not working_calendar().is_working_day(timezone.localtime(now).date()):
        return 0
    sent = 0
    overdue = Feedback.objects.filter(status__in=list(OPEN), due_at__lt=now).select_related("agency", "assignee")
    for item in overdue.iterator():
        recipients = {user.pk: user for user in staff_of(item.agency_id, roles=[Role.LEADER])}
        if item.assignee_id:
            recipients[item.assignee_id] = item.assignee
        for user in recipients.values():
            rows = notify(
                recipient=user,
                kind=Kind.FEEDBACK_OVERDUE,
                template="feedback_overdue",
                context=notice_context(item),
                key_prefix=f"feedback:{item.pk}:overdue:{item.due_at:%Y%m%d}:{user.pk}",
            )
            sent += sum(1 for row in rows if getattr(row, "was_created", False))
    return sent
