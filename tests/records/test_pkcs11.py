"""Signing with a PKCS#11 token: SoftHSM (Debian softhsm2) stands in for the agency's HSM or USB token. The agency's
key and certificate are loaded into a fresh token; the portal opens a session with the PIN from the environment,
signs through the token, and the signature validates like a PKCS#12 one."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from procedures.models import Dossier, Status
from records import signing as records_signing
from records.models import SignedResult, SigningKey
from tests.records.helpers import complete

SOFTHSM = Path("/usr/lib/softhsm/libsofthsm2.so")
PIN = "246810"

pytestmark = pytest.mark.skipif(
    not SOFTHSM.exists(), reason=f"SoftHSM not found at {SOFTHSM} (apt-get install softhsm2; .ci/run installs it)"
)


@pytest.fixture(scope="module")
def token(tmp_path_factory):
    """One token per test run (a PKCS#11 library is loaded once per process, with the configuration it first saw)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs12

    from records.devkeys import make_dev_keys

    directory = tmp_path_factory.mktemp("softhsm")
    keys = make_dev_keys(directory / "keys", agency_name="UBND phường Ba Đình (token)", passphrase="")
    (directory / "tokens").mkdir()
    config = directory / "softhsm2.conf"
    config.write_text(f"directories.tokendir = {directory / 'tokens'}\nobjectstore.backend = file\n")
    os.environ["SOFTHSM2_CONF"] = str(config)
    label = f"agency-{directory.name}"[:32]
    subprocess.run(
        ["softhsm2-util", "--init-token", "--free", "--label", label, "--pin", PIN, "--so-pin", "13579"],
        check=True,
        capture_output=True,
    )
    key, cert, _chain = pkcs12.load_key_and_certificates(keys.agency_p12.read_bytes(), None)

    import pkcs11
    from pkcs11 import Attribute, CertificateType, KeyType, ObjectClass
    from pkcs11.util.ec import encode_named_curve_parameters

    library = pkcs11.lib(str(SOFTHSM))
    with library.get_token(token_label=label).open(rw=True, user_pin=PIN) as session:
        session.create_object(
            {
                Attribute.CLASS: ObjectClass.PRIVATE_KEY,
                Attribute.KEY_TYPE: KeyType.EC,
                Attribute.EC_PARAMS: encode_named_curve_parameters("secp256r1"),
                Attribute.VALUE: key.private_numbers().private_value.to_bytes(32, "big"),
                Attribute.LABEL: "signing",
                Attribute.ID: b"\x01",
                Attribute.TOKEN: True,
                Attribute.PRIVATE: True,
                Attribute.SENSITIVE: True,
                Attribute.SIGN: True,
            }
        )
        session.create_object(
            {
                Attribute.CLASS: ObjectClass.CERTIFICATE,
                Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                Attribute.VALUE: cert.public_bytes(serialization.Encoding.DER),
                Attribute.SUBJECT: cert.subject.public_bytes(),
                Attribute.LABEL: "signing",
                Attribute.ID: b"\x01",
                Attribute.TOKEN: True,
            }
        )
    return {"label": label, "ca_pem": keys.ca_pem}


@pytest.fixture
def token_key(world, token, settings, monkeypatch):
    settings.RECORDS_PKCS12_PATH = ""
    settings.RECORDS_TRUST_ROOTS = [str(token["ca_pem"])]
    settings.RECORDS_TSA_URL = ""
    monkeypatch.setenv("TEST_TOKEN_PIN", PIN)
    return SigningKey.objects.create(
        agency=world.agency,
        backend="pkcs11",
        pkcs11_module=str(SOFTHSM),
        pkcs11_token_label=token["label"],
        pkcs11_key_label="signing",
        passphrase_env="TEST_TOKEN_PIN",
        pkcs11_raw_mechanism=True,  # SoftHSM signs EC keys with raw CKM_ECDSA only
        place="Hà Nội",
    )


def test_the_result_is_signed_through_the_token(world, token_key):
    result = SignedResult.objects.get(dossier=complete(world))
    with result.document.file.open("rb") as handle:
        check = records_signing.validate_pdf(handle.read())
    assert check.valid, check.reason
    assert "(token)" in result.certificate_subject


def test_a_wrong_pin_leaves_the_dossier_unchanged(world, token_key, monkeypatch):
    monkeypatch.setenv("TEST_TOKEN_PIN", "000000")
    with pytest.raises(records_signing.SigningFailed, match="token/HSM"):
        complete(world)
    assert not SignedResult.objects.exists()
    assert not Dossier.objects.filter(status=Status.COMPLETED).exists()
