"""`manage.py verify_audit`: recompute the audit trail's and the dossier events' hash chains; exit 1 naming the first
broken link, 0 when every link holds."""

from django.core.management.base import BaseCommand, CommandError

from audit.models import AuditEntry
from audit.verify import first_broken_link
from procedures.models import DossierEvent


class Command(BaseCommand):
    help = "Verify the hash chains of the audit trail and the dossier event log."

    def handle(self, *args, **options):
        broken = first_broken_link()
        if broken is not None:
            raise CommandError(f"First broken link: {broken}")
        entries, events = AuditEntry.objects.count(), DossierEvent.objects.count()
        self.stdout.write(f"OK: {entries} audit entries and {events} dossier events verified.")
