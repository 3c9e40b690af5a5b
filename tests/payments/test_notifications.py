"""Only a verified provider notification pays, exactly once: the fake gateway (a real HTTP server) sends good, late,
duplicated, forged and altered notifications to the live portal, and each changes only what it should."""

from __future__ import annotations

import urllib.parse
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from payments.models import AttemptStatus, PaymentAttempt, PaymentRequest, ProviderNotification, RequestStatus
from payments.services import reconcile_pending
from procedures.models import Dossier, Status
from tests.conftest import client_for
from tests.payments.conftest import awaiting_payment, open_page, press, start_payment, wait_for
from tests.procedures.dossier_flow import drive

pytestmark = pytest.mark.django_db(transaction=True)


def pay_events(dossier) -> int:
    return dossier.events.filter(action="pay").count()


def test_nobody_can_pay_through_the_actions_endpoint(world, settings):
    dossier = awaiting_payment(world)
    for user in (world.citizen, world.specialist, world.leader, world.reception):
        response = client_for(user).post(
            f"/api/v1/dossiers/{dossier.pk}/actions/",
            {"action": "pay", "version": dossier.version, "reference": "I-did-not-pay"},
            format="json",
        )
        assert response.status_code == 403, (user, response.content)
    dossier.refresh_from_db()
    assert dossier.status == Status.AWAITING_PAYMENT and dossier.paid_at is None and pay_events(dossier) == 0
    detail = client_for(world.citizen).get(f"/api/v1/dossiers/{dossier.pk}/").json()
    assert "pay" not in detail["available_actions"]


def test_paying_through_the_fake_gateway_end_to_end(world, gateway):
    dossier = awaiting_payment(world, amount=36000)
    assert PaymentRequest.objects.get(dossier=dossier, status=RequestStatus.OPEN).amount == 36000
    started = start_payment(world, dossier)
    assert started["amount"] == 36000 and started["status"] == "pending"
    redirect = urllib.parse.urlsplit(started["redirect_url"])
    params = dict(urllib.parse.parse_qsl(redirect.query))
    assert params["vnp_Amount"] == "3600000" and params["vnp_Version"] == "2.1.0" and params["vnp_Command"] == "pay"
    assert all(params.values())  # never an empty parameter
    page = open_page(started["redirect_url"])
    assert "36.000 đồng" in page

    result, location = press(gateway, started["reference"])
    # The gateway notified the portal before sending the browser back, and the portal said "recorded".
    assert gateway.sent[-1][1:] == (200, {"RspCode": "00", "Message": "Confirm Success"})
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING and dossier.paid_at is not None
    event = dossier.events.get(action="pay")
    assert event.actor is None  # the system, on the provider's word
    assert event.payload == {"amount": 36000, "reference": started["reference"], "provider": "fake"}
    attempt = PaymentAttempt.objects.get(reference=started["reference"])
    assert attempt.status == AttemptStatus.PAID and attempt.receipt_number and attempt.provider_txn_id

    # The browser's return only reads state.
    browser = Client()
    browser.force_login(world.citizen)
    response = browser.get(location.replace(gateway.ipn_url.rsplit("/payments/", 1)[0], ""))
    assert response.status_code == 302 and response["Location"] == f"/ho-so/{dossier.pk}/"
    assert ProviderNotification.objects.filter(source="return", reference=attempt.reference).count() == 1
    assert pay_events(dossier) == 1

    fees = client_for(world.citizen).get(f"/api/v1/dossiers/{dossier.pk}/fees/").json()
    assert fees["paid"] == 36000 and fees["outstanding"] == 0


def test_a_forged_signature_changes_nothing(world, gateway):
    dossier = awaiting_payment(world)
    started = start_payment(world, dossier)
    open_page(started["redirect_url"])
    status, answer = gateway.forge(started["reference"])
    assert (status, answer["RspCode"]) == (200, "97")
    # A real message altered in transit (amount changed, old signature kept) is forged too.
    gateway.complete(started["reference"], notify=False)
    status, answer = gateway.notify(started["reference"], changes={"vnp_Amount": "100"}, resign=False)
    assert answer["RspCode"] == "97"
    attempt = PaymentAttempt.objects.get(reference=started["reference"])
    assert attempt.status == AttemptStatus.PENDING
    dossier.refresh_from_db()
    assert dossier.status == Status.AWAITING_PAYMENT and pay_events(dossier) == 0
    assert ProviderNotification.objects.filter(signature_valid=False, outcome__startswith="97").count() == 2


def test_a_wrong_amount_is_refused_and_flagged(world, gateway):
    dossier = awaiting_payment(world, amount=50000)
    started = start_payment(world, dossier)
    open_page(started["redirect_url"])
    gateway.complete(started["reference"], notify=False)
    # Signed with the right secret, but for 500 đồng.
    _status, answer = gateway.notify(started["reference"], changes={"vnp_Amount": "50000"})
    assert answer["RspCode"] == "04"
    attempt = PaymentAttempt.objects.get(reference=started["reference"])
    assert attempt.status == AttemptStatus.PENDING and "amount" in attempt.mismatch
    dossier.refresh_from_db()
    assert dossier.status == Status.AWAITING_PAYMENT and pay_events(dossier) == 0


def test_an_unknown_reference_or_merchant_changes_nothing(world, gateway):
    dossier = awaiting_payment(world)
    started = start_payment(world, dossier)
    open_page(started["redirect_url"])
    gateway.complete(started["reference"], notify=False)
    _status, answer = gateway.notify(started["reference"], changes={"vnp_TxnRef": "MC-NOT-OURS"})
    assert answer["RspCode"] == "01"
    _status, answer = gateway.notify(started["reference"], changes={"vnp_TmnCode": "OTHER"})
    assert answer["RspCode"] == "01"
    assert PaymentAttempt.objects.get(reference=started["reference"]).status == AttemptStatus.PENDING
    assert pay_events(Dossier.objects.get(pk=dossier.pk)) == 0


def test_a_replayed_notification_pays_once(world, gateway):
    dossier = awaiting_payment(world)
    started = start_payment(world, dossier)
    open_page(started["redirect_url"])
    press(gateway, started["reference"])
    for _ in range(3):
        _status, answer = gateway.notify(started["reference"])
        assert answer["RspCode"] == "02"
    dossier.refresh_from_db()
    assert pay_events(dossier) == 1 and dossier.status == Status.PROCESSING
    assert ProviderNotification.objects.filter(reference=started["reference"], source="ipn").count() == 4


def test_out_of_order_notifications_do_not_rewrite_history(world, gateway):
    # A failure arriving after the success is answered 02 and the payment stands.
    dossier = awaiting_payment(world)
    first = start_payment(world, dossier)
    open_page(first["redirect_url"])
    press(gateway, first["reference"])
    _s, answer = gateway.notify(first["reference"], changes={"vnp_ResponseCode": "24", "vnp_TransactionStatus": "02"})
    assert answer["RspCode"] == "02"
    assert PaymentAttempt.objects.get(reference=first["reference"]).status == AttemptStatus.PAID

    # A success arriving after the failure was recorded: answered 02, the attempt stays failed, finance is told.
    other = awaiting_payment(world)
    second = start_payment(world, other)
    open_page(second["redirect_url"])
    press(gateway, second["reference"], outcome="cancel")
    attempt = PaymentAttempt.objects.get(reference=second["reference"])
    assert attempt.status == AttemptStatus.FAILED
    _s, answer = gateway.notify(second["reference"], changes={"vnp_ResponseCode": "00", "vnp_TransactionStatus": "00"})
    assert answer["RspCode"] == "02"
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.FAILED and "success reported" in attempt.mismatch
    other.refresh_from_db()
    assert other.status == Status.AWAITING_PAYMENT and pay_events(other) == 0


def test_a_late_notification_settles_an_expired_attempt(world, gateway):
    dossier = awaiting_payment(world)
    started = start_payment(world, dossier)
    open_page(started["redirect_url"])
    # Nobody finished paying: the provider does not know the outcome yet, reconciliation expires it after 30 min.
    PaymentAttempt.objects.filter(reference=started["reference"]).update(
        created_at=timezone.now() - timedelta(minutes=40)
    )
    counts = reconcile_pending()
    assert counts["expired"] == 1
    assert PaymentAttempt.objects.get(reference=started["reference"]).status == AttemptStatus.EXPIRED
    # Then the payer completes and the notification arrives late (in the background, a second later).
    gateway.complete(started["reference"], notify=False)
    sent = len(gateway.sent)
    gateway.notify(started["reference"], delay=0.5)
    wait_for(lambda: len(gateway.sent) > sent)  # the portal answered: its transaction is over
    assert gateway.sent[-1][2]["RspCode"] == "00"
    assert PaymentAttempt.objects.get(reference=started["reference"]).status == AttemptStatus.PAID
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING and pay_events(dossier) == 1


def test_reconciliation_settles_a_payment_whose_notification_never_came(world, gateway):
    dossier = awaiting_payment(world)
    started = start_payment(world, dossier)
    open_page(started["redirect_url"])
    gateway.complete(started["reference"], notify=False)  # the IPN is lost
    assert reconcile_pending()["checked"] == 0  # too young to ask about
    later = timezone.now() + timedelta(minutes=20)
    counts = reconcile_pending(now=later)
    assert counts["paid"] == 1
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING and pay_events(dossier) == 1
    assert ProviderNotification.objects.filter(source="query", reference=started["reference"]).exists()
    # Asked again the next day: already settled, nothing more happens.
    assert reconcile_pending(now=later + timedelta(days=1, minutes=1))["checked"] == 0


def test_the_fake_provider_is_refused_when_debug_is_off(world, gateway, settings):
    settings.PAYMENTS_FAKE_ALLOWED = False
    settings.DEBUG = False
    dossier = awaiting_payment(world)
    response = client_for(world.citizen).post(
        f"/api/v1/dossiers/{dossier.pk}/payments/", {"provider": "fake"}, format="json"
    )
    assert response.status_code == 400
    assert PaymentAttempt.objects.count() == 0


def test_only_the_applicant_pays_and_only_when_something_is_owed(world, gateway):
    dossier = awaiting_payment(world)
    other = client_for(world.citizen2).post(
        f"/api/v1/dossiers/{dossier.pk}/payments/", {"provider": "fake"}, format="json"
    )
    assert other.status_code == 404
    staff = client_for(world.specialist).post(
        f"/api/v1/dossiers/{dossier.pk}/payments/", {"provider": "fake"}, format="json"
    )
    assert staff.status_code == 403
    nothing = drive(world, "processing@2")  # filed, nothing requested yet
    assert (
        client_for(world.citizen)
        .post(f"/api/v1/dossiers/{nothing.pk}/payments/", {"provider": "fake"}, format="json")
        .status_code
        == 409
    )
