"""Citizen pages added for the web experience: review and confirmation, supplement scope, autosave, payment,
result hand-over by download, rating, profile."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from procedures.errors import ActionNotAvailable
from procedures.models import Dossier, Rating, Status
from procedures.services.documents import document_upload
from procedures.services.dossiers import dossier_create
from procedures.services.ratings import rating_create
from procedures.workflow import Action
from tests.conftest import PDF_BYTES, VALID_DATA
from tests.helpers import act
from tests.web.test_pages import accepted, browser, submitted, text

pytestmark = pytest.mark.django_db


def completed(world) -> Dossier:
    dossier = accepted(world)
    act(dossier, Action.FORWARD, world.reception)
    act(dossier, Action.FORWARD, world.specialist)
    document_upload(
        dossier_id=dossier.pk,
        actor=world.leader,
        requirement="result",
        upload=SimpleUploadedFile("ket-qua.pdf", PDF_BYTES, content_type="application/pdf"),
        kind="result",
    )
    return act(dossier, Action.COMPLETE, world.leader, outcome="approved")


def test_submit_from_review_leads_to_the_confirmation_with_code_and_receipt(world):
    from tests.web.test_pages import attach

    dossier = dossier_create(applicant=world.citizen, procedure_code=world.procedure.code, data=VALID_DATA)
    attach(dossier, world.citizen)
    client = browser(world.citizen)
    review = text(client.get(reverse("dossier-review", kwargs={"dossier_id": dossier.pk})))
    assert VALID_DATA["full_name"] in review and 'name="action" value="submit"' in review
    response = client.post(
        reverse("dossier-action", kwargs={"dossier_id": dossier.pk}), {"action": "submit", "version": dossier.version}
    )
    assert response.url == reverse("dossier-submitted", kwargs={"dossier_id": dossier.pk})
    dossier.refresh_from_db()
    page = text(client.get(response.url))
    assert dossier.code in page and f"/api/v1/dossiers/{dossier.pk}/receipt.pdf" in page


def test_supplement_form_shows_only_the_named_field_and_saves_it(world):
    dossier = accepted(world)
    act(dossier, Action.REQUEST_SUPPLEMENT, world.specialist, items=["Sửa số bản sao"], fields=["copies"])
    client = browser(world.citizen)
    url = reverse("dossier-edit", kwargs={"dossier_id": dossier.pk})
    page = text(client.get(url))
    assert 'name="copies"' in page and 'name="full_name"' not in page
    dossier.refresh_from_db()
    response = client.post(url, {"copies": "3", "version": dossier.version, "_continue": ""})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.data["copies"] == 3 and dossier.data["full_name"] == VALID_DATA["full_name"]
    documents = text(client.get(reverse("dossier-documents", kwargs={"dossier_id": dossier.pk})))
    assert 'id="req-declaration"' not in documents  # no document was asked for


def test_autosave_creates_a_draft_then_keeps_valid_answers_only(world):
    client = browser(world.citizen)
    response = client.post(
        reverse("dossier-file", kwargs={"code": world.procedure.code}),
        {"full_name": "Lê Văn C", "national_id": "12", "_autosave": "1"},
    )
    assert response.status_code == 200
    body = response.json()
    dossier = Dossier.objects.get(pk=body["id"])
    assert dossier.status == Status.DRAFT and dossier.data["full_name"] == "Lê Văn C"
    assert body["skipped"] == ["national_id"] and not dossier.data.get("national_id")
    again = client.post(
        body["edit_url"],
        {"full_name": "Lê Văn C", "national_id": "001203004567", "_autosave": "1", "version": body["version"]},
    )
    assert again.status_code == 200 and again.json()["version"] == body["version"] + 1
    dossier.refresh_from_db()
    assert dossier.data["national_id"] == "001203004567"


def test_the_payment_page_shows_the_fees_and_sends_the_payer_to_the_provider(world, settings):
    settings.PAYMENTS_FAKE_ALLOWED = True
    settings.PAYMENT_PROVIDERS = ["fake"]
    settings.FAKEPAY_URL = "http://127.0.0.1:9"
    dossier = accepted(world)
    act(dossier, Action.FORWARD, world.reception)
    act(dossier, Action.REQUEST_PAYMENT, world.specialist, amount=50000)
    assert browser(world.citizen2).get(reverse("dossier-payment", kwargs={"dossier_id": dossier.pk})).status_code == 404
    client = browser(world.citizen)
    page = text(client.get(reverse("dossier-payment", kwargs={"dossier_id": dossier.pk})))
    assert "50.000" in page and "Cổng thử nghiệm" in page
    response = client.post(reverse("dossier-payment", kwargs={"dossier_id": dossier.pk}), {"provider": "fake"})
    assert response.status_code == 302 and response["Location"].startswith("http://127.0.0.1:9/paymentv2/")
    dossier.refresh_from_db()
    # Starting a payment pays nothing: only the provider's verified notification does (tests/payments).
    assert dossier.status == Status.AWAITING_PAYMENT and dossier.paid_at is None


def test_downloading_the_result_delivers_online_and_then_rating_is_possible(world):
    dossier = completed(world)
    result = dossier.documents.get(kind="result")
    assert (
        browser(world.citizen2)
        .get(reverse("dossier-result", kwargs={"dossier_id": dossier.pk, "document_id": result.pk}))
        .status_code
        == 404
    )
    client = browser(world.citizen)
    url = reverse("dossier-result", kwargs={"dossier_id": dossier.pk, "document_id": result.pk})
    # A GET (a prefetch, a crawler, a preview) serves the file and changes nothing.
    looked = client.get(url)
    assert looked.status_code == 200 and b"".join(looked.streaming_content) == PDF_BYTES
    dossier.refresh_from_db()
    assert dossier.status == Status.COMPLETED
    response = client.post(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF_BYTES
    dossier.refresh_from_db()
    assert dossier.status == Status.DELIVERED and dossier.delivery_channel == "online"
    rate_url = reverse("dossier-rate", kwargs={"dossier_id": dossier.pk})
    bad = client.post(rate_url, {"overall": "9"})
    assert bad.status_code == 200 and "Chọn một mức từ 1 đến 5." in text(bad)
    ok = client.post(
        rate_url, {"overall": "4", "timeliness": "5", "attitude": "5", "convenience": "3", "satisfied": "true"}
    )
    assert ok.status_code == 302
    assert Rating.objects.get(dossier=dossier).overall == 4
    with pytest.raises(ActionNotAvailable):
        rating_create(
            dossier_id=dossier.pk,
            actor=world.citizen,
            overall=5,
            timeliness=5,
            attitude=5,
            convenience=5,
            satisfied=True,
        )


def test_rating_before_delivery_is_refused(world):
    dossier = submitted(world)
    with pytest.raises(ActionNotAvailable):
        rating_create(
            dossier_id=dossier.pk,
            actor=world.citizen,
            overall=5,
            timeliness=5,
            attitude=5,
            convenience=5,
            satisfied=True,
        )


@pytest.mark.urls("tests.web.urls")
def test_profile_saves_contact_details_and_channels(world):
    client = browser(world.citizen)
    url = reverse("profile")
    assert "Thông tin tài khoản" in text(client.get(url))
    bad = client.post(url, {"full_name": "An", "national_id": "12", "language": "vi", "notify_sms": "on"})
    assert bad.status_code == 200
    response = client.post(
        url,
        {
            "full_name": "Nguyễn Văn An",
            "national_id": "001203004567",
            "phone": "0912345678",
            "address": "Hà Nội",
            "language": "en",
            "notify_email": "on",
            "notify_sms": "on",
        },
    )
    assert response.status_code == 302 and response.cookies["django_language"].value == "en"
    world.citizen.refresh_from_db()
    assert (world.citizen.phone, world.citizen.notify_sms, world.citizen.notify_inapp) == ("0912345678", True, False)
