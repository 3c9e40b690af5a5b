"""The language switcher, and paying a requested fee through the local fake gateway (a real HTTP server), in
Chromium: the gateway notifies the live portal before sending the browser back."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.core.files.base import ContentFile

from procedures.models import Document, Status
from procedures.services.dossiers import dossier_create, dossier_perform_action
from procedures.workflow import Action
from tests.browser.conftest import screenshot, sign_in, verified
from tests.conftest import PASSWORD, PDF_BYTES, VALID_DATA, World

pytestmark = pytest.mark.browser


def test_language_switch_changes_visible_strings(page):
    world = World()
    page.goto(page.base_url + "/")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.get_by_role("link", name="Tra cứu hồ sơ").first.is_visible()
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("link", name="Track a dossier").first.is_visible()
    assert world.procedure.name_en in page.content()
    screenshot(page, "home-en")
    page.get_by_role("button", name="Tiếng Việt").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "vi"


@pytest.fixture
def gateway(page, live_server, settings):
    from payments.fakegateway import FakeGateway

    gateway = FakeGateway(secret="browser-secret", tmn_code="FAKEBRWS", ipn_url=f"{live_server.url}/payments/fake/ipn/")
    gateway.start()
    settings.PAYMENTS_FAKE_ALLOWED = True
    settings.FAKEPAY_URL = gateway.url
    settings.FAKEPAY_TMN_CODE = "FAKEBRWS"
    settings.FAKEPAY_HASH_SECRET = "browser-secret"
    settings.PAYMENT_PROVIDERS = ["fake"]
    settings.SITE_URL = live_server.url
    yield gateway
    gateway.stop()


def test_citizen_pays_a_requested_fee_through_the_fake_gateway(page, gateway):
    world = World()
    verified(world.citizen)
    dossier = dossier_create(applicant=world.citizen, procedure_code=world.procedure.code, data=VALID_DATA)
    Document.objects.create(
        dossier=dossier,
        requirement="declaration",
        file=ContentFile(PDF_BYTES, name="to-khai.pdf"),
        name="to-khai.pdf",
        size=len(PDF_BYTES),
        content_type="application/pdf",
        sha256=hashlib.sha256(PDF_BYTES).hexdigest(),
        uploaded_by=world.citizen,
    )
    for action, actor, payload in (
        (Action.SUBMIT, world.citizen, {}),
        (Action.ACCEPT, world.reception, {}),
        (Action.FORWARD, world.reception, {}),
        (Action.REQUEST_PAYMENT, world.specialist, {"amount": 50000}),
    ):
        dossier.refresh_from_db()
        dossier_perform_action(
            dossier_id=dossier.pk, action=action, actor=actor, version=dossier.version, payload=payload
        )

    sign_in(page, world.citizen.email, PASSWORD)
    page.goto(page.base_url + f"/ho-so/{dossier.pk}/")
    page.get_by_role("link", name=re.compile("^Thanh toán")).click()
    assert page.get_by_test_id("amount").inner_text() == "50.000 đồng"
    screenshot(page, "payment")
    from tests.browser.test_citizen_journey import axe_violations

    assert axe_violations(page) == []
    page.get_by_role("button", name="Thanh toán").click()
    page.wait_for_url(re.compile(re.escape(gateway.url)))
    assert page.get_by_test_id("amount").inner_text() == "50.000 đồng"
    page.get_by_role("button", name="Thanh toán").click()
    page.wait_for_url(re.compile(rf"/ho-so/{dossier.pk}/$"))
    assert "Thanh toán thành công" in page.content()
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING and dossier.paid_at is not None
    event = dossier.events.get(action="pay")
    assert event.actor is None and event.payload["provider"] == "fake"
    assert gateway.sent[-1][2] == {"RspCode": "00", "Message": "Confirm Success"}
