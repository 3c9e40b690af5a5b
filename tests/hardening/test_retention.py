"""Retention: expired documents, results and abandoned drafts go; nothing in an open dossier is ever purged."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from procedures.models import Document, DocumentKind, Dossier, Status
from procedures.services.retention import retention_run
from tests.api import attach, create_draft, submitted

pytestmark = pytest.mark.django_db


def close(dossier_id, *, years_ago: float) -> None:
    when = timezone.now() - timedelta(days=365.25 * years_ago)
    Dossier.objects.filter(pk=dossier_id).update(status=Status.DELIVERED, delivered_at=when, completed_at=when)


def test_expired_documents_and_results_of_closed_dossiers_are_purged_with_their_files(
    world, django_capture_on_commit_callbacks
):
    world.procedure.documents_retention_years, world.procedure.results_retention_years = 5, 20
    world.procedure.save(update_fields=["documents_retention_years", "results_retention_years"])
    old, recent = submitted(world), submitted(world, user=world.citizen2)
    result = attach(old, world.leader, requirement="result", kind=DocumentKind.RESULT)
    close(old["id"], years_ago=6)
    close(recent["id"], years_ago=1)
    old_input = Document.objects.get(dossier_id=old["id"], kind=DocumentKind.INPUT)
    storage, name = old_input.file.storage, old_input.file.name

    report = retention_run(dry_run=True)
    assert (report.documents, report.results) == (1, 0) and Document.objects.count() == 3  # nothing changed

    with django_capture_on_commit_callbacks(execute=True):  # files go once the purge has committed
        report = retention_run()
    assert report.documents == 1 and report.results == 0
    assert not Document.objects.filter(pk=old_input.pk).exists()
    assert Document.objects.filter(pk=result.pk).exists()  # results are kept 20 years
    assert Document.objects.filter(dossier_id=recent["id"]).exists()
    assert not storage.exists(name)


def test_nothing_in_an_open_dossier_is_purged(world):
    world.procedure.documents_retention_years = 1
    world.procedure.save(update_fields=["documents_retention_years"])
    dossier = submitted(world)
    long_ago = timezone.now() - timedelta(days=3000)
    Dossier.objects.filter(pk=dossier["id"]).update(status=Status.PROCESSING, completed_at=long_ago)
    report = retention_run()
    assert report.documents == 0 and Document.objects.filter(dossier_id=dossier["id"]).exists()


def test_drafts_untouched_for_90_days_are_anonymised_and_reported_in_a_dry_run(world):
    stale, fresh = create_draft(world), create_draft(world)
    attach(stale, world.citizen)
    Dossier.objects.filter(pk=stale["id"]).update(updated_at=timezone.now() - timedelta(days=91))
    out = StringIO()
    call_command("retention", "--dry-run", stdout=out)
    assert "would purge" in out.getvalue() and "1 abandoned drafts" in out.getvalue()
    assert Dossier.objects.get(pk=stale["id"]).data  # dry run changed nothing
    call_command("retention", stdout=StringIO())
    purged = Dossier.objects.get(pk=stale["id"])
    assert purged.data == {} and purged.purged_at is not None and not purged.documents.exists()
    assert Dossier.objects.get(pk=fresh["id"]).data and Dossier.objects.get(pk=fresh["id"]).purged_at is None
