"""Signing the result when the leader completes a dossier: PAdES with the agency's PKCS#12 key, optional RFC 3161
timestamp, validation with pyhanko-certvalidator, and a failure that leaves the dossier as it was."""

from __future__ import annotations

import io

import pytest

from procedures.models import Document, DocumentKind, Dossier, Outcome, Status
from procedures.workflow import Action
from records import signing as records_signing
from records.models import RegisterBook, SignedResult, SigningKey, StoredDocument
from tests.conftest import client_for
from tests.procedures.dossier_flow import act, drive
from tests.records.helpers import complete


def _validate(content: bytes, ca_pem):
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    reader = PdfFileReader(io.BytesIO(content))
    (signature,) = reader.embedded_signatures
    context = ValidationContext(trust_roots=[load_cert_from_pemder(str(ca_pem))], allow_fetching=False)
    return signature, validate_pdf_signature(signature, context)


def _content(result: SignedResult) -> bytes:
    with result.document.file.open("rb") as handle:
        return handle.read()


def test_completion_signs_a_pades_result_that_certvalidator_validates(world, signing):
    dossier = complete(world)
    assert dossier.status == Status.COMPLETED
    result = SignedResult.objects.get(dossier=dossier)
    content = _content(result)
    signature, status = _validate(content, signing.ca_pem)
    assert status.intact and status.valid and status.trusted
    assert status.bottom_line
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES
    assert "UBND phường Ba Đình" in status.signing_cert.subject.human_friendly
    assert result.document.kind == DocumentKind.RESULT and result.document.dossier_id == dossier.pk
    assert result.signer == world.leader and result.register_number == 1 and result.book.year == 2026
    assert not result.timestamped
    # The applicant's store has it.
    assert StoredDocument.objects.filter(owner=world.citizen, document=result.document, kind="result").exists()


def test_a_changed_byte_fails_validation(world, signing):
    content = _content(SignedResult.objects.get(dossier=complete(world)))
    marker = content.index(b"/Contents <") + 40  # inside the signature value
    for position in (len(content) // 4, marker):
        tampered = bytearray(content)
        tampered[position] ^= 0x01
        check = records_signing.validate_pdf(bytes(tampered))
        assert not check.valid, position
    assert records_signing.validate_pdf(content).valid


def test_a_signature_from_an_untrusted_ca_is_not_valid(world, signing, settings, tmp_path):
    from records.devkeys import make_dev_keys

    content = _content(SignedResult.objects.get(dossier=complete(world)))
    settings.RECORDS_TRUST_ROOTS = [str(make_dev_keys(tmp_path / "other").ca_pem)]
    check = records_signing.validate_pdf(content)
    assert check.intact and not check.trusted and not check.valid


def test_register_numbers_follow_each_other_per_agency_and_year(world, signing):
    first = complete(world)
    second = complete(world)
    numbers = sorted(SignedResult.objects.filter(dossier__in=[first, second]).values_list("register_number", flat=True))
    assert numbers == [1, 2]
    assert RegisterBook.objects.get(agency=world.agency, year=2026).last_number == 2


def test_a_wrong_passphrase_leaves_the_dossier_unchanged_and_says_why(world, signing, monkeypatch):
    monkeypatch.setenv("TEST_RECORDS_P12_PASSPHRASE", "not-the-passphrase")
    dossier = drive(world, "processing@3", e_result=False)
    response = client_for(world.leader).post(
        f"/api/v1/dossiers/{dossier.pk}/actions/",
        {"action": Action.COMPLETE, "version": dossier.version, "outcome": Outcome.APPROVED},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "signing_failed"
    assert "mật khẩu" in response.json()["detail"]
    fresh = Dossier.objects.get(pk=dossier.pk)
    assert (fresh.status, fresh.version, fresh.completed_at) == (Status.PROCESSING, dossier.version, None)
    assert not SignedResult.objects.exists()
    assert not Document.objects.filter(dossier=dossier, kind=DocumentKind.RESULT).exists()
    assert not fresh.events.filter(action=Action.COMPLETE).exists()


def test_an_unset_passphrase_variable_is_named_in_the_message(world, signing, monkeypatch):
    monkeypatch.delenv("TEST_RECORDS_P12_PASSPHRASE")
    dossier = drive(world, "processing@3", e_result=False)
    with pytest.raises(records_signing.SigningFailed, match="TEST_RECORDS_P12_PASSPHRASE"):
        act(dossier, Action.COMPLETE, world.leader, now=dossier.accepted_at.replace(hour=15), outcome="approved")
    assert Dossier.objects.get(pk=dossier.pk).status == Status.PROCESSING


def test_the_agency_key_row_wins_over_settings_and_a_missing_file_is_reported(world, signing):
    SigningKey.objects.create(
        agency=world.agency, pkcs12_path="/nonexistent/agency.p12", passphrase_env="TEST_RECORDS_P12_PASSPHRASE"
    )
    with pytest.raises(records_signing.SigningFailed, match="agency.p12"):
        complete(world)
    assert not SignedResult.objects.exists()


def test_an_agency_without_any_key_completes_without_an_e_result(world, settings):
    settings.RECORDS_PKCS12_PATH = ""
    dossier = complete(world)
    assert dossier.status == Status.COMPLETED
    assert not SignedResult.objects.exists()


def test_a_denial_is_signed_too(world, signing):
    dossier = complete(world, outcome=Outcome.DENIED)
    result = SignedResult.objects.get(dossier=dossier)
    assert result.outcome == Outcome.DENIED
    assert records_signing.validate_pdf(_content(result)).valid


def test_the_signature_is_timestamped_by_the_rfc3161_server(world, signing, settings, tsa_server):
    settings.RECORDS_TSA_URL = tsa_server
    result = SignedResult.objects.get(dossier=complete(world))
    assert result.timestamped
    _signature, status = _validate(_content(result), signing.ca_pem)
    assert status.bottom_line
    assert status.timestamp_validity is not None and status.timestamp_validity.valid
    assert status.timestamp_validity.trusted


def test_an_unreachable_timestamp_server_blocks_signing_with_a_message(world, signing, settings):
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.RECORDS_TSA_URL = f"http://127.0.0.1:{port}/tsa"
    dossier = drive(world, "processing@3", e_result=False)
    with pytest.raises(records_signing.SigningFailed) as failure:
        act(dossier, Action.COMPLETE, world.leader, now=dossier.accepted_at.replace(hour=15), outcome="approved")
    assert failure.value.status_code == 409
    assert Dossier.objects.get(pk=dossier.pk).status == Status.PROCESSING


def test_a_pkcs11_key_without_a_reachable_token_fails_cleanly(world, signing, monkeypatch):
    # No token on this machine: the configuration is read, the module load fails, and the officer is told why.
    monkeypatch.setenv("TEST_TOKEN_PIN", "1234")
    SigningKey.objects.create(
        agency=world.agency,
        backend="pkcs11",
        pkcs11_module="/nonexistent/libsofthsm2.so",
        pkcs11_token_label="agency",
        pkcs11_key_label="signing",
        passphrase_env="TEST_TOKEN_PIN",
    )
    with pytest.raises(records_signing.SigningFailed, match="token/HSM"):
        complete(world)
    assert not SignedResult.objects.exists()


def test_signing_and_validation_work_inside_a_running_event_loop(world, signing):
    # An async server or a tool with its own loop (Playwright's sync API) calls us from a thread where
    # asyncio.run(), which pyHanko's synchronous API uses, is refused.
    import asyncio

    from procedures.receipts import html_to_pdf

    pdf = html_to_pdf("<p>Kết quả</p>")
    config = records_signing.signer_config_for(world.agency)

    async def inside_loop():
        signed = records_signing.sign_pdf(pdf, config=config, reason="r", location="Hà Nội", name="N")
        return records_signing.validate_pdf(signed.content)

    assert asyncio.run(inside_loop()).valid


def test_the_demo_keys_command_gives_every_agency_a_working_key(world, settings, tmp_path):
    from django.core.management import call_command

    settings.RECORDS_PKCS12_PATH = ""
    call_command("records_demo_keys", "--dir", str(tmp_path / "demo"), stdout=io.StringIO())
    assert SigningKey.objects.count() == 2
    settings.RECORDS_TRUST_ROOTS = [str(tmp_path / "demo" / "ca.pem")]
    result = SignedResult.objects.get(dossier=complete(world))
    assert records_signing.validate_pdf(_content(result)).valid
