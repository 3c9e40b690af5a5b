"""Give every agency a throw-away signing key for the demo: `python manage.py records_demo_keys [--dir DIR]`.

Writes a test CA and an agency certificate (records.devkeys) and points each agency without a key at it. Prints the
RECORDS_TRUST_ROOTS value the verifier needs. Never for production: real keys come from a licensed CA."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from procedures.models import Agency
from records.devkeys import make_dev_keys
from records.models import SigningKey


class Command(BaseCommand):
    help = "Create throw-away signing keys for the demo agencies (not for production)."

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=str(Path(settings.PRIVATE_MEDIA_ROOT) / "demo-signing"))

    def handle(self, *args, **options):
        directory = Path(options["dir"])
        keys = make_dev_keys(directory, agency_name="Một Cửa demo agency")
        created = 0
        for agency in Agency.objects.filter(signing_key__isnull=True):
            SigningKey.objects.create(agency=agency, pkcs12_path=str(keys.agency_p12), place=settings.RECORDS_PLACE)
            created += 1
        self.stdout.write(f"Signing keys for {created} agencies in {directory}.")
        self.stdout.write(f"For the verifier, set RECORDS_TRUST_ROOTS={keys.ca_pem}")
