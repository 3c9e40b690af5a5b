"""audit_record(): the one writer of the audit trail. Keyword-only, callable from any app's service or view.

    audit_record(action="template.publish", actor=request.user, request=request, target=procedure,
                 details={"version": 3})

The entry joins the global hash chain: the previous entry is read under a lock (a transaction-scoped advisory lock
on PostgreSQL; SQLite serialises writers anyway), so concurrent writers cannot fork the chain. The entry is written
in the caller's transaction: if the audited act rolls back, so does its entry.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from audit.middleware import current_request
from audit.models import AuditEntry
from portal.hashchain import GENESIS, link_hash

_LOCK_KEY = 0x4D6F74437561  # "MotCua": one advisory lock for the audit chain


def client_ip(request) -> str | None:
    """The request's client address as Django sees it (REMOTE_ADDR; a trusted proxy sets it upstream)."""
    raw = (request.META.get("REMOTE_ADDR") or "").strip() if request is not None else ""
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return None


def audit_record(
    *,
    action: str,
    actor=None,
    request=None,
    target=None,
    target_type: str = "",
    target_id: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    if request is None:
        request = current_request.get()
    if actor is None and request is not None and getattr(request, "user", None) is not None:
        actor = request.user if request.user.is_authenticated else None
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(target.pk)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        previous = AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS
        entry = AuditEntry(
            at=timezone.now(),
            actor=actor,
            actor_label=(getattr(actor, "email", "") or "")[:254],
            ip=client_ip(request),
            action=action[:64],
            target_type=target_type[:64],
            target_id=str(target_id)[:64],
            details=dict(details or {}),
            prev_hash=previous,
        )
        entry.hash = link_hash(previous, entry.chain_content())
        entry.save()
    return entry
