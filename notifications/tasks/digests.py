"""The daily digest: one message per officer per working day, from the digest time of their agency's policy, listing
what is new in their hands, near-due and overdue, and (leaders, reception) what waits to be assigned. Run by the
reminders' beat entry (notifications.tasks.reminders.run_reminders)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from celery import shared_task

from citizens.models import StaffMembership
from citizens.roles import Role
from notifications.models import Kind, Notification, NotificationPreference, ReminderPolicy
from notifications.services import language_of
from notifications.tasks.schedule import (
    ARRIVAL_ACTIONS,
    BATCH_LIMITS,
    CLOCK_STATUSES,
    HANDLING_ROLES,
    HELD_STATUSES,
    Clock,
    Policies,
    Sender,
    clock_at,
)
from procedures.models import Dossier, DossierEvent, Status
from procedures.services.routing import coordination_queue


@shared_task(name="procedures.tasks.send_daily_digests", acks_late=True, ignore_result=True, **BATCH_LIMITS)
def send_daily_digests(now: datetime | str | None = None) -> dict[str, int]:
    """One digest per officer per working day, from the digest time of their (first) agency's policy."""
    clock = clock_at(now)
    if not clock.working_day:
        return {"skipped": 1}
    policies = Policies()
    memberships = list(
        StaffMembership.objects.filter(role__in=HANDLING_ROLES, is_active=True, user__is_active=True)
        .select_related("user")
        .order_by("user_id", "pk")
    )
    officers: dict[int, dict] = {}
    for m in memberships:
        entry = officers.setdefault(m.user_id, {"user": m.user, "agency": m.agency_id, "roles": defaultdict(set)})
        entry["roles"][m.agency_id].add(m.role)
    opted_out = set(NotificationPreference.objects.filter(daily_digest=False).values_list("user_id", flat=True))
    due_today = {
        user_id: entry
        for user_id, entry in officers.items()
        if user_id not in opted_out and _digest_time(policies.of(entry["agency"]), clock)
    }
    if not due_today:
        return {}
    tag = f"{clock.today:%Y%m%d}"
    # Already sent today? Looked up by key (the unique index), not by scanning today's rows.
    keys = [f"digest:{tag}:{user_id}:{channel}" for user_id in due_today for channel in ("email", "sms", "inapp")]
    done: set[int] = set()
    for start in range(0, len(keys), 900):
        done.update(
            Notification.objects.filter(key__in=keys[start : start + 900]).values_list("recipient_id", flat=True)
        )
    pending = {user_id: entry for user_id, entry in due_today.items() if user_id not in done}
    if not pending:
        return {}
    since = datetime.combine(clock.previous_working_day(), policies.default.digest_time, tzinfo=clock.tz)
    items = _digest_items(pending, clock=clock, policies=policies, since=since)
    sender = Sender()
    for user_id, entry in pending.items():
        found = items.get(user_id)
        if not found or not any(found.values()):
            continue
        user = entry["user"]
        language = language_of(user)
        context = {
            "date": clock.today.strftime("%d/%m/%Y"),
            "new_count": len(found["new"]),
            "near_due_count": len(found["near_due"]),
            "overdue_count": len(found["overdue"]),
            **{f"{name}_items": _lines(rows, language, clock) for name, rows in found.items()},
        }
        sender.send(recipient=user, kind=Kind.DIGEST, template="digest", key=f"digest:{tag}", context=context)
    return dict(sender.created)


def _digest_time(policy: ReminderPolicy, clock: Clock) -> bool:
    return clock.open_for(policy) and policy.digest_enabled and clock.local.time() >= policy.digest_time


def _digest_items(officers: dict[int, dict], *, clock: Clock, policies: Policies, since: datetime) -> dict:
    """For each officer: {"new", "near_due", "overdue", "unrouted"} lists of dossiers, in five queries in all."""
    user_ids = list(officers)
    items: dict[int, dict[str, list]] = {
        uid: {"new": [], "near_due": [], "overdue": [], "unrouted": []} for uid in officers
    }
    related = ("procedure", "agency")
    held = list(
        Dossier.objects.filter(assignee_id__in=user_ids, status__in=HELD_STATUSES)
        .select_related(*related)
        .order_by("due_at", "id")
    )
    arrived = set(
        DossierEvent.objects.filter(
            dossier__assignee_id__in=user_ids, action__in=ARRIVAL_ACTIONS, at__gte=since, at__lte=clock.now
        ).values_list("dossier_id", flat=True)
    )
    for dossier in held:
        bucket = items[dossier.assignee_id]
        if dossier.pk in arrived:
            bucket["new"].append(dossier)
        if dossier.status in CLOCK_STATUSES and dossier.due_at:
            if clock.now > dossier.due_at:
                bucket["overdue"].append(dossier)
            else:
                left = clock.calendar.working_days_between(clock.today, clock.date_of(dossier.due_at))
                if left <= policies.of(dossier.agency_id).near_due_days:
                    bucket["near_due"].append(dossier)

    reception_agencies = {
        uid: {a for a, roles in entry["roles"].items() if Role.RECEPTION in roles} for uid, entry in officers.items()
    }
    coordinating = {
        uid: {a for a, roles in entry["roles"].items() if roles & {Role.RECEPTION, Role.LEADER}}
        for uid, entry in officers.items()
    }
    desk_agencies = set().union(*reception_agencies.values())
    if desk_agencies:
        waiting = list(
            Dossier.objects.filter(agency_id__in=desk_agencies, status=Status.SUBMITTED)
            .select_related(*related)
            .order_by("submitted_at", "id")
        )
        for uid, agencies in reception_agencies.items():
            seen = {d.pk for d in items[uid]["new"]}
            items[uid]["new"] += [d for d in waiting if d.agency_id in agencies and d.pk not in seen]
    queue_agencies = set().union(*coordinating.values())
    if queue_agencies:
        unrouted = list(coordination_queue(agency_ids=queue_agencies))
        for uid, agencies in coordinating.items():
            items[uid]["unrouted"] = [d for d in unrouted if d.agency_id in agencies]
    return items


def _lines(dossiers: list[Dossier], language: str, clock: Clock) -> str:
    english = language == "en"
    lines = []
    for dossier in dossiers[:50]:
        procedure = dossier.procedure.name_en if english and dossier.procedure.name_en else dossier.procedure.name
        due = clock.date_of(dossier.due_at).strftime("%d/%m/%Y") if dossier.due_at else ""
        code = dossier.code or "—"
        when = (f" · due {due}" if english else f" · hạn {due}") if due else ""
        lines.append(f"- {code} · {procedure}{when}")
    if len(dossiers) > 50:
        more = len(dossiers) - 50
        lines.append(f"- … and {more} more" if english else f"- … và {more} hồ sơ khác")
    return "\n".join(lines)
