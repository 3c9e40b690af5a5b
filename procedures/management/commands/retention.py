"""`manage.py retention [--dry-run]`: apply the archival periods now (beat runs it daily); --dry-run only reports."""

from django.core.management.base import BaseCommand

from procedures.services.retention import retention_run


class Command(BaseCommand):
    help = "Purge documents and results past their retention period and anonymise drafts abandoned for 90 days."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report what would be purged; change nothing.")

    def handle(self, *args, dry_run, **options):
        for line in retention_run(dry_run=dry_run).lines():
            self.stdout.write(line)
