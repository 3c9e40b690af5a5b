"""How many dossiers wait in each queue, for the workspace menu: capped so a count costs a bounded query.

One LIMIT query per queue (a fixed number whatever the queue sizes); past the cap the menu shows "99+", which is all
an officer needs to know to pick a queue.
"""

from __future__ import annotations

from datetime import datetime

from citizens.models import StaffMembership, User
from workspace.selectors import QUEUES, queue_dossiers

COUNT_CAP = 99


def capped_count_text(count: int, cap: int = COUNT_CAP) -> str:
    return f"{cap}+" if count > cap else str(count)


def queue_counts(
    *, user: User, memberships: list[StaffMembership], now: datetime | None = None, cap: int = COUNT_CAP
) -> dict[str, str]:
    """{queue slug: "0".."99" or "99+"}: at most cap + 1 primary keys read per queue."""
    counts = {}
    for slug in QUEUES:
        pks = queue_dossiers(user=user, memberships=memberships, queue=slug, now=now).order_by()
        counts[slug] = capped_count_text(len(pks.values_list("pk", flat=True)[: cap + 1]), cap)
    return counts
