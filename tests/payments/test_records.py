"""Fees paid at filing, the same figures in the fees API, review page and e-receipt, the finance view with exports
and refunds, reminders of what is owed, and the providers' signing."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta
from urllib.parse import quote_plus

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from citizens.roles import Role
from notifications.models import Notification
from payments import selectors
from payments.models import AttemptStatus, PaymentAttempt, PaymentRequest, ProviderNotification, Refund, RequestStatus
from payments.providers import ProviderError, get_provider
from payments.providers.vnpay import VNPayProvider, sign
from payments.receipts import receipt_html
from payments.services import remind_owing
from procedures.models import Status
from procedures.services.catalogue import procedure_import
from tests.conftest import (
    VN,
    client_for,
    make_user,
    procedure_template,
    staff_login,  # noqa: I001
)
from tests.payments.conftest import awaiting_payment, open_page, press, start_payment
from tests.procedures.dossier_flow import new_draft
from tests.procedures.test_receipts import pdf_text

FEE_ITEMS = [
    {"code": "le_phi", "name": "Lệ phí cấp bản sao", "kind": "le_phi", "basis": "per_case", "amount": 20000},
    {
        "code": "copies",
        "name": "Phí bản sao",
        "kind": "phi",
        "basis": "per_copy",
        "amount": 8000,
        "quantity_field": "copies",
    },
]


@pytest.fixture
def at_filing(world):
    template = procedure_template("T.PAY", version={"fee_items": FEE_ITEMS, "payment_timing": "at_filing"})
    world.paid_procedure = procedure_import(template=template, agency=world.agency)
    return world


def _pay_draft(world, gateway):
    dossier = new_draft(world, procedure_code="T.PAY")  # 2 copies: 20.000 + 2 × 8.000
    started = start_payment(world, dossier)
    assert started["amount"] == 36000
    open_page(started["redirect_url"])
    press(gateway, started["reference"])
    dossier.refresh_from_db()
    return dossier, PaymentAttempt.objects.get(reference=started["reference"])


@pytest.mark.django_db(transaction=True)
def test_paid_at_filing_the_dossier_is_submitted_and_the_figures_agree_everywhere(at_filing, gateway):
    world = at_filing
    unpaid = new_draft(world, procedure_code="T.PAY")
    response = client_for(world.citizen).post(f"/api/v1/dossiers/{unpaid.pk}/submit/", {}, format="json")
    assert response.status_code == 400 and "fees" in response.json()

    browser = Client()
    staff_login(browser, world.citizen)
    review = browser.get(f"/ho-so/{unpaid.pk}/xem-lai/").content.decode()
    fees = client_for(world.citizen).get(f"/api/v1/dossiers/{unpaid.pk}/fees/").json()
    assert fees == {
        "items": [
            {
                "code": "le_phi",
                "name": "Lệ phí cấp bản sao",
                "kind": "le_phi",
                "quantity": 1,
                "unit_amount": 20000,
                "amount": 20000,
                "exempt": False,
            },
            {
                "code": "copies",
                "name": "Phí bản sao",
                "kind": "phi",
                "quantity": 2,
                "unit_amount": 8000,
                "amount": 16000,
                "exempt": False,
            },
        ],
        "total": 36000,
        "paid": 0,
        "outstanding": 36000,
        "payment_timing": "at_filing",
    }
    assert "36.000 đồng" in review and "16.000 đồng" in review

    dossier, attempt = _pay_draft(world, gateway)
    assert dossier.status == Status.SUBMITTED and dossier.code and dossier.paid_at and dossier.fee_amount == 36000
    assert dossier.events.get(action="submit").actor == world.citizen  # submitted as the applicant asked
    receipt = receipt_html(attempt)
    assert "36.000" in receipt and "16.000" in receipt and "20.000" in receipt and attempt.receipt_number in receipt
    after = client_for(world.citizen).get(f"/api/v1/dossiers/{dossier.pk}/fees/").json()
    assert (after["total"], after["paid"], after["outstanding"]) == (36000, 36000, 0)

    pdf = client_for(world.citizen).get(f"/api/v1/dossiers/{dossier.pk}/payments/{attempt.pk}/receipt.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    if text is not None:  # poppler present: the PDF says the same
        assert "36.000" in text and attempt.receipt_number in text
    assert (
        client_for(world.citizen2).get(f"/api/v1/dossiers/{dossier.pk}/payments/{attempt.pk}/receipt.pdf").status_code
        == 404
    )


@pytest.mark.django_db(transaction=True)
def test_finance_view_lists_exports_and_refunds_with_a_reason(world, gateway):
    dossier = awaiting_payment(world, amount=36000)
    started = start_payment(world, dossier)
    open_page(started["redirect_url"])
    press(gateway, started["reference"])
    attempt = PaymentAttempt.objects.get(reference=started["reference"])
    finance_officer = make_user("finance@example.org", agency=world.agency, roles=[Role.AGENCY_ADMIN])

    for outsider in (world.citizen, world.specialist, world.other_leader):
        client = Client()
        staff_login(client, outsider)
        response = client.get("/tai-chinh/")
        assert response.status_code == 403 or started["reference"] not in response.content.decode()

    client = Client()
    staff_login(client, finance_officer)
    page = client.get("/tai-chinh/?status=paid").content.decode()
    assert started["reference"] in page and "36.000" in page
    csv = client.get("/tai-chinh/?export=csv").content.decode("utf-8-sig")
    assert started["reference"] in csv and "36000" in csv
    xlsx = client.get("/tai-chinh/?export=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"

    assert client.post("/tai-chinh/", {"attempt": attempt.pk, "amount": 36000, "reason": ""}).status_code == 302
    assert not Refund.objects.exists()  # a reason is required
    client.post("/tai-chinh/", {"attempt": attempt.pk, "amount": 16000, "reason": "Thu thừa 2 bản sao"})
    refund = Refund.objects.get()
    assert (refund.status, refund.amount, refund.created_by) == ("done", 16000, finance_officer)
    assert gateway.transactions[attempt.reference].refunded == 16000  # the provider did refund
    client.post("/tai-chinh/", {"attempt": attempt.pk, "amount": 30000, "reason": "Quá số đã thu"})
    assert Refund.objects.count() == 1
    assert selectors.dossier_paid_amount(dossier) == 20000


@pytest.mark.django_db
def test_finance_queries_do_not_grow_with_rows(world):
    for _ in range(3):
        dossier = awaiting_payment(world)
        request = PaymentRequest.objects.get(dossier=dossier, status=RequestStatus.OPEN)
        PaymentAttempt.objects.create(
            request=request,
            dossier=dossier,
            agency=world.agency,
            payer=world.citizen,
            provider="vnpay",
            reference=f"R{dossier.pk.hex[:10]}",
            amount=request.amount,
            created_at=timezone.now(),
        )
    flt = selectors.FinanceFilter(agency_ids=frozenset({world.agency.pk}))
    with CaptureQueriesContext(connection) as queries:
        rows = selectors.finance_rows(flt)
        summary = selectors.finance_summary(flt)
    assert len(rows) == 3 and sum(s["count"] for s in summary) == 3
    assert len(queries) == 2


@pytest.mark.django_db
def test_the_applicant_owing_money_is_reminded_every_two_working_days(world, settings):
    settings.PAYMENT_REMINDER_WORKING_DAYS = 2
    dossier = awaiting_payment(world)
    request = PaymentRequest.objects.get(dossier=dossier)
    monday = timezone.datetime(2026, 3, 2, 9, 0, tzinfo=VN)
    PaymentRequest.objects.filter(pk=request.pk).update(created_at=monday)
    kinds = Notification.objects.filter(recipient=world.citizen, kind="payment_requested")
    before = kinds.count()
    assert remind_owing(now=monday + timedelta(days=1)) == 0  # Tuesday: one working day only
    assert remind_owing(now=monday + timedelta(days=2)) == 1  # Wednesday
    assert kinds.count() > before
    assert remind_owing(now=monday + timedelta(days=2, hours=3)) == 0  # not twice the same day
    assert remind_owing(now=monday + timedelta(days=5)) == 0  # Saturday: never
    assert remind_owing(now=monday + timedelta(days=7)) == 1  # Monday: two working days after Wednesday


# --- providers -----------------------------------------------------------------------------------------------------


def test_vnpay_signs_sorted_quote_plus_encoded_parameters():
    params = {
        "vnp_TxnRef": "MC1",
        "vnp_Amount": "3600000",
        "vnp_OrderInfo": "Thanh toan ho so",
        "vnp_SecureHashType": "x",
    }
    data = "vnp_Amount=3600000&vnp_OrderInfo=" + quote_plus("Thanh toan ho so") + "&vnp_TxnRef=MC1"
    assert sign(params, "s3cret") == hmac.new(b"s3cret", data.encode(), hashlib.sha512).hexdigest()
    provider = VNPayProvider(tmn_code="TMN", secret="s3cret", pay_url="https://pay.example/")
    signed = {
        "vnp_TmnCode": "TMN",
        "vnp_TxnRef": "MC1",
        "vnp_Amount": "3600000",
        "vnp_ResponseCode": "00",
        "vnp_TransactionStatus": "00",
        "vnp_TransactionNo": "42",
    }
    signed["vnp_SecureHash"] = sign(signed, "s3cret").upper()  # case is ignored
    notice = provider.parse_notification(signed)
    assert (notice.reference, notice.amount, notice.success) == ("MC1", 36000, True)
    signed_odd = {**signed, "vnp_Amount": "3600050"}
    signed_odd["vnp_SecureHash"] = sign(signed_odd, "s3cret")
    assert provider.parse_notification(signed_odd).amount == -1  # a fraction of a đồng never matches


def test_providers_refuse_to_start_unconfigured(settings):
    settings.VNPAY_TMN_CODE = ""
    with pytest.raises(ProviderError):
        get_provider("vnpay")
    settings.PAYMENTS_NATIONAL_ENABLED = False
    with pytest.raises(ProviderError):
        get_provider("national")
    settings.DEBUG, settings.PAYMENTS_FAKE_ALLOWED = False, False
    with pytest.raises(ProviderError):
        get_provider("fake")


@pytest.mark.django_db
def test_ipn_answers_99_and_97_and_keeps_every_message(world, settings, client):
    settings.VNPAY_TMN_CODE, settings.VNPAY_HASH_SECRET, settings.VNPAY_URL = "TMN", "s3cret", "https://pay.example/"
    assert client.get("/payments/vnpay/ipn/").json() == {"RspCode": "97", "Message": "Invalid signature"}
    unreadable = {"vnp_TmnCode": "TMN"}
    unreadable["vnp_SecureHash"] = sign(unreadable, "s3cret")
    assert client.get("/payments/vnpay/ipn/", unreadable).json()["RspCode"] == "99"
    assert client.get("/payments/nope/ipn/").json()["RspCode"] == "99"
    assert ProviderNotification.objects.count() == 3
    assert not PaymentAttempt.objects.filter(status=AttemptStatus.PAID).exists()


@pytest.mark.django_db
def test_indicator_selectors_count_fee_bearing_procedures_and_dossiers_paid_online(world, settings):
    settings.PAYMENT_PROVIDERS = []  # nothing usable: fee-bearing but not payable online
    assert selectors.fee_bearing_procedures_online() == {world.agency.pk: {"fee_bearing": 1, "payable_online": 0}}
    settings.VNPAY_TMN_CODE, settings.VNPAY_HASH_SECRET, settings.VNPAY_URL = "TMN", "s3cret", "https://pay.example/"
    settings.PAYMENT_PROVIDERS = ["vnpay"]
    assert selectors.fee_bearing_procedures_online() == {world.agency.pk: {"fee_bearing": 1, "payable_online": 1}}

    paid, unpaid = awaiting_payment(world), awaiting_payment(world)
    for dossier, status in ((paid, AttemptStatus.PAID), (unpaid, AttemptStatus.FAILED)):
        request = PaymentRequest.objects.get(dossier=dossier)
        PaymentAttempt.objects.create(
            request=request,
            dossier=dossier,
            agency=world.agency,
            payer=world.citizen,
            provider="vnpay",
            reference=f"R{dossier.pk.hex[:10]}",
            amount=request.amount,
            created_at=timezone.now(),
            status=status,
        )
    start = timezone.datetime(2026, 1, 1, tzinfo=VN)
    end = timezone.datetime(2027, 1, 1, tzinfo=VN)
    with CaptureQueriesContext(connection) as queries:
        figures = selectors.dossiers_paid_online(start=start, end=end)
    assert figures == {world.agency.pk: {"fee_dossiers": 2, "paid_online": 1}} and len(queries) == 1
