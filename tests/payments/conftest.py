"""Payments tests: the local fake gateway (a real HTTP server on 127.0.0.1) notifying pytest-django's live server."""

from __future__ import annotations

import tempfile
import time
import urllib.request
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest

from payments.fakegateway import FakeGateway
from procedures.models import Dossier
from tests.conftest import client_for, procedure_template
from tests.procedures.dossier_flow import T0, act, drive

SECRET = "test-fake-secret"
TMN = "FAKETEST"


@pytest.fixture(scope="session")
def _no_live_media():
    # Same reason as tests/browser/conftest.py: the live server's media handler needs a URL that serves nothing.
    from django.conf import settings

    old = settings.MEDIA_URL, settings.MEDIA_ROOT
    settings.MEDIA_URL = "/__live-server-no-media__/"
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="no-media-")
    yield
    settings.MEDIA_URL, settings.MEDIA_ROOT = old


@pytest.fixture
def gateway(_no_live_media, live_server, settings):
    gateway = FakeGateway(secret=SECRET, tmn_code=TMN, ipn_url=f"{live_server.url}/payments/fake/ipn/").start()
    settings.PAYMENTS_FAKE_ALLOWED = True
    settings.FAKEPAY_URL = gateway.url
    settings.FAKEPAY_TMN_CODE = TMN
    settings.FAKEPAY_HASH_SECRET = SECRET
    settings.PAYMENT_PROVIDERS = ["fake"]
    settings.SITE_URL = live_server.url
    yield gateway
    gateway.stop()


def awaiting_payment(world, amount: int = 50000) -> Dossier:
    """A dossier at the specialist's step, asked to pay `amount`."""
    dossier = drive(world, "processing@2")
    return act(dossier, "request_payment", world.specialist, now=T0.replace(hour=11), amount=amount)


def start_payment(world, dossier: Dossier) -> dict:
    response = client_for(world.citizen).post(
        f"/api/v1/dossiers/{dossier.pk}/payments/", {"provider": "fake"}, format="json"
    )
    assert response.status_code == 201, response.content
    return response.json()


def open_page(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def press(gateway: FakeGateway, reference: str, outcome: str = "success") -> dict:
    """The payer presses a button on the gateway's page; returns the return-URL parameters the browser is sent to."""
    opener = urllib.request.build_opener(NoRedirect)
    data = urlencode({"ref": reference, "outcome": outcome}).encode()
    try:
        opener.open(f"{gateway.url}/pay", data=data, timeout=30)
    except urllib.error.HTTPError as exc:
        assert exc.code == 302
        location = exc.headers["Location"]
    else:
        raise AssertionError("expected a redirect back to the portal")
    return dict(parse_qsl(urlsplit(location).query)), location


def wait_for(predicate, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("timed out")


__all__ = ["awaiting_payment", "open_page", "press", "procedure_template", "start_payment", "wait_for"]
