"""Retention: data is kept only as long as the law says, then purged; `retention_run(dry_run=True)` reports only.

- A closed dossier (FINAL_STATUSES) whose procedure sets `documents_retention_years` loses its input documents (rows
  and files) that many years after it closed; `results_retention_years` does the same for its result documents.
- A draft nobody touched for DRAFT_RETENTION_DAYS is anonymised: its form data and files are removed, its history
  (the append-only event log) stays, and `purged_at` marks it.
- Nothing in an open dossier (submitted, in processing, awaiting anything) is ever purged.
Files are deleted from storage after the transaction commits, so a rollback never leaves rows without files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from procedures.enums import FINAL as FINAL_STATUSES
from procedures.models import Document, DocumentKind, Dossier, Status

DRAFT_RETENTION_DAYS = 90
DAYS_PER_YEAR = 365.25


@dataclass
class RetentionReport:
    dry_run: bool
    documents: int = 0
    results: int = 0
    bytes: int = 0
    drafts: int = 0
    dossiers: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        verb = "would purge" if self.dry_run else "purged"
        return [
            f"Retention {verb}: {self.documents} input documents, {self.results} result documents "
            f"({self.bytes} bytes) and {self.drafts} abandoned drafts.",
            *(f"  {item}" for item in self.dossiers),
        ]


def _expired_documents(now: datetime):
    closed = Q(dossier__status__in=FINAL_STATUSES)
    # The close date is completed_at when processing finished, else the last change (refused, withdrawn, stopped).
    inputs = Q(kind=DocumentKind.INPUT, dossier__procedure__documents_retention_years__isnull=False)
    results = Q(kind=DocumentKind.RESULT, dossier__procedure__results_retention_years__isnull=False)
    candidates = (
        Document.objects.filter(closed & (inputs | results))
        .select_related("dossier", "dossier__procedure")
        .order_by("dossier_id", "id")
    )
    for document in candidates.iterator(chunk_size=500):
        dossier = document.dossier
        closed_at = dossier.delivered_at or dossier.completed_at or dossier.updated_at
        years = (
            dossier.procedure.documents_retention_years
            if document.kind == DocumentKind.INPUT
            else dossier.procedure.results_retention_years
        )
        if closed_at + timedelta(days=years * DAYS_PER_YEAR) <= now:
            yield document


def retention_run(*, now: datetime | None = None, dry_run: bool = False) -> RetentionReport:
    now = now or timezone.now()
    report = RetentionReport(dry_run=dry_run)
    with transaction.atomic():
        files: list[tuple] = []
        doomed: list[int] = []
        for document in _expired_documents(now):
            if document.dossier.status not in FINAL_STATUSES:  # belt and braces: never an open dossier
                continue
            if document.kind == DocumentKind.INPUT:
                report.documents += 1
            else:
                report.results += 1
            report.bytes += document.size
            doomed.append(document.pk)
            files.append((document.file.storage, document.file.name))
            label = document.dossier.code or str(document.dossier_id)
            if label not in report.dossiers:
                report.dossiers.append(label)
        drafts = Dossier.objects.select_for_update().filter(
            status=Status.DRAFT,
            purged_at__isnull=True,
            updated_at__lt=now - timedelta(days=DRAFT_RETENTION_DAYS),
        )
        draft_ids = list(drafts.values_list("pk", flat=True))
        report.drafts = len(draft_ids)
        for document in Document.objects.filter(dossier_id__in=draft_ids):
            report.bytes += document.size
            doomed.append(document.pk)
            files.append((document.file.storage, document.file.name))
        report.dossiers.extend(f"draft {pk}" for pk in draft_ids)
        if dry_run:
            return report
        Document.objects.filter(pk__in=doomed).delete()
        # update() keeps updated_at as it was (auto_now only applies to save()): the draft's age stays readable.
        Dossier.objects.filter(pk__in=draft_ids).update(data={}, purged_at=now, version=F("version") + 1)
        transaction.on_commit(lambda: _delete_files(files))
    return report


def _delete_files(files: list[tuple]) -> None:
    for storage, name in files:
        if name:
            storage.delete(name)
