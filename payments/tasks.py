"""Beat tasks of the payments app (registered in portal/settings.py CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task

from payments.services import reconcile_pending, remind_owing


@shared_task(name="payments.tasks.reconcile")
def reconcile() -> dict:
    return reconcile_pending()


@shared_task(name="payments.tasks.remind_owing")
def remind() -> int:
    return remind_owing()
