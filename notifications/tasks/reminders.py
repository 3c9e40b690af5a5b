"""Reminders, escalation and digests, run by Celery beat (every 15 minutes; see CELERY_BEAT_SCHEDULE).

Each run decides for itself whether to send anything: only on working days of the portal's calendar (Vietnam's
holidays, Tết included, plus the admins' overrides) and only within the office hours of the agency's ReminderPolicy
(notifications.models; one default row, optionally one per agency, edited in the admin). Every notice is stored in
the notification outbox under a key naming the dossier, the kind, the due date or level and the recipient, so however
often beat runs (or two beats overlap) each is written, and sent, once.

What goes out (day counts are working days):
- near_due      to the officer in charge, when the dossier's due date is at most `near_due_days` away;
- apology_offer to the department's leaders (else the agency's), at most `apology_offer_days` before the due date:
                a draft of the apology letter (form 04) and the reminder that extending sends it;
- overdue       to the officer in charge, on the first working day past the due date;
- escalated     level 1 to the department's leaders `escalate_department_after_days` after that (default: the same
                day), level 2 to the agency's leaders `escalate_agency_after_days` further working days later;
- digest        to every officer once per working day from `digest_time`: new in their queue, near-due and overdue
                dossiers they hold, and (leaders, reception) the coordination queue; nothing to say, no message;
- supplement_reminder to the applicant every `supplement_reminder_days` while a supplement request is unanswered
                (at most `supplement_reminder_max` times);
- draft_reminder to the applicant once per idle period when a draft has not been touched for `draft_reminder_days`
                (not for drafts abandoned more than `draft_reminder_max_age_days` ago).
A dossier waiting for the applicant's supplement has its clock paused, so it gets no deadline notices meanwhile.

Every task takes an optional `now` (an aware datetime, or its ISO text when sent through the broker) for tests and
for re-running a missed day by hand. The tasks keep the Celery names they had when they lived in procedures.tasks
("procedures.tasks.run_reminders", ...): beat's schedule and messages already queued refer to them by name.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from celery import shared_task
from django.db import transaction

from notifications.messages import ESCALATION_LEVELS
from notifications.models import Kind
from notifications.services import dossier_context, dossier_url, language_of
from notifications.tasks.digests import send_daily_digests
from notifications.tasks.schedule import (
    BATCH_LIMITS,
    CLOCK_STATUSES,
    Clock,
    Leaders,
    Policies,
    Sender,
    clock_at,
    moment_of,
)
from procedures.deadlines import end_of_day
from procedures.models import Dossier, DossierEvent, Status

# --- deadlines: near-due, overdue, escalation, apology offer -----------------------------------------------------


@shared_task(name="procedures.tasks.send_deadline_reminders", acks_late=True, ignore_result=True, **BATCH_LIMITS)
def send_deadline_reminders(now: datetime | str | None = None) -> dict[str, int]:
    clock = clock_at(now)
    if not clock.working_day:
        return {"skipped": 1}
    policies = Policies()
    margin = max([p.near_due_days for p in policies.all()] + [p.apology_offer_days for p in policies.all()])
    horizon = end_of_day(clock.calendar.add_working_days(clock.today, margin), clock.tz)
    dossiers = list(
        Dossier.objects.filter(status__in=CLOCK_STATUSES, due_at__isnull=False, due_at__lte=horizon)
        .select_related("procedure", "procedure_version", "agency", "assignee", "applicant", "department")
        .order_by("due_at", "id")
    )
    leaders = Leaders(d.agency_id for d in dossiers)
    sender = Sender()
    for dossier in dossiers:
        policy = policies.of(dossier.agency_id)
        if not clock.open_for(policy):
            continue
        with transaction.atomic():
            _deadline_notices(dossier, policy=policy, clock=clock, leaders=leaders, sender=sender)
    return dict(sender.created)


def _deadline_notices(dossier: Dossier, *, policy, clock: Clock, leaders: Leaders, sender: Sender) -> None:
    due_date = clock.date_of(dossier.due_at)
    assignee = dossier.assignee if dossier.assignee_id and dossier.assignee.is_active else None
    base = f"r:{{kind}}:{dossier.pk}:{due_date:%Y%m%d}"

    def context_for(user, **extra) -> dict:
        return {**dossier_context(dossier, user, language_of(user)), **extra}

    if clock.now > dossier.due_at:
        days = clock.calendar.working_days_between(due_date, clock.today)
        if assignee is not None:
            sender.send(
                recipient=assignee,
                kind=Kind.OVERDUE,
                template="overdue",
                key=base.format(kind="overdue"),
                context=context_for(assignee, days_overdue=days),
                dossier=dossier,
            )
        ladder = [
            (1, 1 + policy.escalate_department_after_days),
            (2, 1 + policy.escalate_department_after_days + policy.escalate_agency_after_days),
        ]
        for level, after in ladder:
            if days < after:
                continue
            if level == 1:
                recipients = leaders.department_leaders(dossier.agency_id, dossier.department_id, policy)
            else:
                recipients = leaders.agency_leaders(dossier.agency_id, policy)
            for leader in recipients:
                if assignee is not None and leader.pk == assignee.pk:
                    continue  # the officer in charge already has the overdue notice
                language = language_of(leader)
                sender.send(
                    recipient=leader,
                    kind=Kind.ESCALATED,
                    template="escalated",
                    key=base.format(kind="escalated") + f":L{level}",
                    context=context_for(leader, days_overdue=days, level_text=ESCALATION_LEVELS[level][language]),
                    dossier=dossier,
                )
        return

    left = clock.calendar.working_days_between(clock.today, due_date)
    if assignee is not None and left <= policy.near_due_days:
        sender.send(
            recipient=assignee,
            kind=Kind.NEAR_DUE,
            template="near_due",
            key=base.format(kind="near_due"),
            context=context_for(assignee),
            dossier=dossier,
        )
    if policy.apology_enabled and left <= policy.apology_offer_days:
        for leader in leaders.department_leaders(dossier.agency_id, dossier.department_id, policy):
            sender.send(
                recipient=leader,
                kind=Kind.APOLOGY_OFFER,
                template="apology_offer",
                key=base.format(kind="apology"),
                context=context_for(leader),
                dossier=dossier,
            )


# --- reminders to applicants --------------------------------------------------------------------------------------


@shared_task(name="procedures.tasks.send_applicant_reminders", acks_late=True, ignore_result=True, **BATCH_LIMITS)
def send_applicant_reminders(now: datetime | str | None = None) -> dict[str, int]:
    clock = clock_at(now)
    if not clock.working_day:
        return {"skipped": 1}
    policies = Policies()
    sender = Sender()
    related = ("procedure", "agency", "applicant")

    # Supplement requests still unanswered: reminder k after k * N working days, up to the maximum.
    waiting = list(Dossier.objects.filter(status=Status.SUPPLEMENT_REQUESTED).select_related(*related))
    requests: dict = {}
    for dossier_id, event_id, at in (
        DossierEvent.objects.filter(dossier__in=waiting, action="request_supplement")
        .order_by("at", "id")
        .values_list("dossier_id", "id", "at")
    ):
        requests[dossier_id] = (event_id, at)  # the latest wins
    for dossier in waiting:
        policy = policies.of(dossier.agency_id)
        every = policy.supplement_reminder_days
        if not every or dossier.pk not in requests or not clock.open_for(policy):
            continue
        event_id, requested_at = requests[dossier.pk]
        days = clock.calendar.working_days_between(clock.date_of(requested_at), clock.today)
        level = min(days // every, policy.supplement_reminder_max)
        if level < 1:
            continue
        applicant = dossier.applicant
        context = {
            **dossier_context(dossier, applicant, language_of(applicant)),
            "requested_date": clock.date_of(requested_at).strftime("%d/%m/%Y"),
            "items": "\n".join(f"- {item}" for item in dossier.supplement_items or []),
        }
        with transaction.atomic():
            sender.send(
                recipient=applicant,
                kind=Kind.SUPPLEMENT_REMINDER,
                template="supplement_reminder",
                key=f"r:supplement:{dossier.pk}:{event_id}:{level}",
                context=context,
                dossier=dossier,
            )

    # Drafts left unfiled: one reminder per idle period (a later edit starts a new one).
    longest = max(p.draft_reminder_max_age_days for p in policies.all())
    shortest = min([p.draft_reminder_days for p in policies.all() if p.draft_reminder_days] or [0])
    if shortest:
        drafts = Dossier.objects.filter(
            status=Status.DRAFT,
            updated_at__lte=clock.now - timedelta(days=shortest),
            updated_at__gte=clock.now - timedelta(days=longest),
        ).select_related(*related)
        for dossier in drafts:
            policy = policies.of(dossier.agency_id)
            after = policy.draft_reminder_days
            if not after or not clock.open_for(policy):
                continue
            if dossier.updated_at < clock.now - timedelta(days=policy.draft_reminder_max_age_days):
                continue
            if clock.calendar.working_days_between(clock.date_of(dossier.updated_at), clock.today) < after:
                continue
            applicant = dossier.applicant
            context = {
                **dossier_context(dossier, applicant, language_of(applicant)),
                "dossier_url": dossier_url(dossier),
            }
            with transaction.atomic():
                sender.send(
                    recipient=applicant,
                    kind=Kind.DRAFT_REMINDER,
                    template="draft_reminder",
                    key=f"r:draft:{dossier.pk}:{dossier.updated_at:%Y%m%d%H%M%S}",
                    context=context,
                    dossier=dossier,
                )
    return dict(sender.created)


# --- the beat entry ---------------------------------------------------------------------------------------------


@shared_task(name="procedures.tasks.run_reminders", acks_late=True, ignore_result=True, **BATCH_LIMITS)
def run_reminders(now: datetime | str | None = None) -> dict[str, dict[str, int]]:
    """Everything above, in one beat entry. Cheap when there is nothing to do (a non-working day returns at once)."""
    moment = moment_of(now)
    return {
        "deadlines": send_deadline_reminders(now=moment),
        "digests": send_daily_digests(now=moment),
        "applicants": send_applicant_reminders(now=moment),
    }
