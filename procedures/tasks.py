"""Beat tasks of the procedures app (reminders and digests live in notifications.tasks)."""

from celery import shared_task


@shared_task(name="procedures.tasks.run_retention")
def run_retention() -> str:
    """Beat: purge what the archival periods no longer allow to keep (procedures.services.retention)."""
    from procedures.services.retention import retention_run

    return retention_run().lines()[0]
