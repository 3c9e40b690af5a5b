"""Throw-away certificates for tests and the demo: a root CA, an agency signing certificate issued by it (in a
PKCS#12 file) and a timestamping certificate. Never for production: real keys come from a licensed CA."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


@dataclass(frozen=True)
class DevKeys:
    ca_pem: Path
    agency_p12: Path
    passphrase: str
    tsa_cert_pem: Path
    tsa_key_pem: Path


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Một Cửa (thử nghiệm)"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _issue(subject: str, key, issuer_name: x509.Name, issuer_key, *, ca: bool, now: datetime, eku=None):
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=3650 if ca else 825))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=not ca,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    )
    if issuer_key is not key:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False
        )
    if eku:
        builder = builder.add_extension(x509.ExtendedKeyUsage(eku), critical=True)
    return builder.sign(issuer_key, hashes.SHA256())


def make_dev_keys(directory: Path, *, agency_name: str = "UBND phường (thử nghiệm)", passphrase: str = "") -> DevKeys:
    """Write ca.pem, agency.p12 (certificate + key + CA, under `passphrase`), tsa.pem and tsa-key.pem."""
    directory.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = _issue("Một Cửa Test Root CA", ca_key, _name("Một Cửa Test Root CA"), ca_key, ca=True, now=now)
    agency_key = ec.generate_private_key(ec.SECP256R1())
    agency_cert = _issue(agency_name, agency_key, ca_cert.subject, ca_key, ca=False, now=now)
    # RSA: timestamp servers (and pyHanko's reference TSA) commonly sign with RSA.
    tsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    tsa_cert = _issue(
        "Một Cửa Test TSA", tsa_key, ca_cert.subject, ca_key, ca=False, now=now, eku=[ExtendedKeyUsageOID.TIME_STAMPING]
    )
    encryption = (
        serialization.BestAvailableEncryption(passphrase.encode()) if passphrase else serialization.NoEncryption()
    )
    paths = DevKeys(
        ca_pem=directory / "ca.pem",
        agency_p12=directory / "agency.p12",
        passphrase=passphrase,
        tsa_cert_pem=directory / "tsa.pem",
        tsa_key_pem=directory / "tsa-key.pem",
    )
    paths.ca_pem.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    paths.agency_p12.write_bytes(
        pkcs12.serialize_key_and_certificates(b"agency", agency_key, agency_cert, [ca_cert], encryption)
    )
    paths.tsa_cert_pem.write_bytes(tsa_cert.public_bytes(serialization.Encoding.PEM))
    paths.tsa_key_pem.write_bytes(
        tsa_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    for path in (paths.agency_p12, paths.tsa_key_pem):
        path.chmod(0o600)
    return paths
