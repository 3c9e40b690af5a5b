"""Run the local fake payment gateway for the demo (refused when DEBUG is off)."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from payments.fakegateway import FakeGateway
from payments.providers import fake_allowed
from payments.providers.vnpay import FakeProvider


class Command(BaseCommand):
    help = "Serve the fake payment gateway on FAKEPAY_URL, notifying this portal (SITE_URL)."

    def handle(self, *args, **options):
        if not fake_allowed():
            raise CommandError("The fake payment gateway only runs with DEBUG on.")
        provider = FakeProvider.from_settings()
        url = urlsplit(getattr(settings, "FAKEPAY_URL", "http://127.0.0.1:8765"))
        ipn = f"{settings.SITE_URL}{reverse('payments:ipn', kwargs={'provider': 'fake'})}"
        gateway = FakeGateway(
            secret=provider.secret, tmn_code=provider.tmn_code, ipn_url=ipn, host=url.hostname, port=url.port or 80
        ).start()
        self.stdout.write(f"Fake payment gateway on {gateway.url}, notifying {ipn}. Ctrl-C to stop.")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            gateway.stop()
