"""Recomputes the hash chains: the audit trail (one global chain) and each dossier's event log."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from audit.models import AuditEntry
from portal.hashchain import GENESIS, link_hash
from procedures.models import DossierEvent


@dataclass(frozen=True)
class BrokenLink:
    table: str
    row_id: int
    reason: str

    def __str__(self) -> str:
        return f"{self.table} #{self.row_id}: {self.reason}"


def _check(table: str, rows: Iterator, *, chain_of=lambda row: None) -> BrokenLink | None:
    last: dict = {}
    for row in rows:
        chain = chain_of(row)
        expected_prev = last.get(chain, GENESIS)
        if row.prev_hash != expected_prev:
            return BrokenLink(table, row.pk, "does not follow the previous row (a row was removed or reordered)")
        if link_hash(row.prev_hash, row.chain_content()) != row.hash:
            return BrokenLink(table, row.pk, "its content no longer matches its hash (the row was changed)")
        last[chain] = row.hash
    return None


def verify_audit_trail() -> BrokenLink | None:
    return _check("audit_auditentry", AuditEntry.objects.order_by("id").iterator(chunk_size=2000))


def verify_dossier_events() -> BrokenLink | None:
    rows = DossierEvent.objects.order_by("id").iterator(chunk_size=2000)
    return _check("procedures_dossierevent", rows, chain_of=lambda row: row.dossier_id)


def first_broken_link() -> BrokenLink | None:
    return verify_audit_trail() or verify_dossier_events()
