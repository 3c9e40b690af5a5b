"""Beat task: remind an agency's data officers when a published dataset is due for its next version (the latest is
older than the declared frequency), on working days, once per dataset and due date."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from citizens.roles import Role
from datasets.models import Dataset, DatasetStatus, Frequency
from notifications.models import Kind
from notifications.services import notify, staff_of
from procedures.services.calendar import working_calendar


@shared_task(name="datasets.tasks.remind_due_updates")
def remind_due_updates() -> int:
    now = timezone.now()
    if not working_calendar().is_working_day(timezone.localtime(now).date()):
        return 0
    sent = 0
    due = Dataset.objects.filter(status=DatasetStatus.PUBLISHED).annotate(last=Max("versions__published_at"))
    for dataset in due.select_related("agency"):
        if dataset.last is None:
            continue
        due_at = dataset.last + timedelta(days=Frequency(dataset.frequency).days)
        if due_at > now:
            continue
        for officer in staff_of(dataset.agency_id, roles=[Role.DATA_OFFICER]):
            rows = notify(
                recipient=officer,
                kind=Kind.DATASET_DUE,
                template="dataset_due",
                context={
                    "code": dataset.slug,
                    "title": dataset.title,
                    "agency": dataset.agency.name,
                    "due_date": f"{timezone.localtime(due_at):%d/%m/%Y}",
                    "dossier_url": f"{settings.SITE_URL}/du-lieu/quan-ly/{dataset.slug}/",
                },
                key_prefix=f"dataset:{dataset.pk}:due:{due_at:%Y%m%d}:{officer.pk}",
            )
            sent += sum(1 for row in rows if getattr(row, "was_created", False))
    return sent
