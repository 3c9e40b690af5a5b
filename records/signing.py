"""PAdES signatures with pyHanko: the agency's key (a PKCS#12 file or a PKCS#11 token), an optional RFC 3161
timestamp, and validation against the portal's trust roots with pyhanko-certvalidator.

pyHanko and python-pkcs11 are imported where they are used, like WeasyPrint, so the portal starts without them.
Secrets never sit in the database or in settings files: a key names the environment variable holding its passphrase
or PIN.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import io
import logging
import os
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils.translation import gettext as _

from procedures.errors import DomainError

logger = logging.getLogger(__name__)

FIELD_NAME = "ChuKyCoQuan"


class SigningFailed(DomainError):
    """The agency's signature could not be made (key missing or locked, token absent, timestamp server down).
    The action that asked for it is rolled back; the message says what to fix."""

    status_code = 409
    code = "signing_failed"


@dataclass(frozen=True)
class SignerConfig:
    backend: str  # "pkcs12" or "pkcs11"
    pkcs12_path: str = ""
    passphrase_env: str = ""  # the NAME of the environment variable holding the passphrase (PKCS#12) or PIN (PKCS#11)
    pkcs11_module: str = ""
    pkcs11_token_label: str = ""
    pkcs11_key_label: str = ""
    pkcs11_raw_mechanism: bool = False  # hash on the server, raw ECDSA on the token (tokens without ECDSA-SHA256)
    signer_title: str = "CHỦ TỊCH"
    place: str = ""


@dataclass(frozen=True)
class SignedPdf:
    content: bytes
    certificate_subject: str
    certificate_serial: str
    timestamped: bool


@dataclass(frozen=True)
class Validation:
    valid: bool  # intact, covering the whole file, and chained to a trust root
    intact: bool
    trusted: bool
    signed_at: datetime | None
    signer_subject: str
    reason: str  # why not valid, for people; empty when valid


def _outside_event_loop(function, *args, **kwargs):
    """Call `function` where asyncio.run() works. pyHanko's synchronous API runs its own event loop, which fails in
    a thread that already runs one (an async server, a notebook, Playwright's sync API): there, a worker thread
    does the pure cryptography (it touches no database connection)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()


def signer_config_for(agency) -> SignerConfig | None:
    """The agency's own active key, else the portal-wide PKCS#12 key from settings, else None (results stay
    unsigned: the agency has not been given a key yet)."""
    from records.models import SigningKey

    key = SigningKey.objects.filter(agency=agency, is_active=True).first()
    if key is not None:
        return SignerConfig(
            backend=key.backend,
            pkcs12_path=key.pkcs12_path,
            passphrase_env=key.passphrase_env,
            pkcs11_module=key.pkcs11_module,
            pkcs11_token_label=key.pkcs11_token_label,
            pkcs11_key_label=key.pkcs11_key_label,
            pkcs11_raw_mechanism=key.pkcs11_raw_mechanism,
            signer_title=key.signer_title,
            place=key.place,
        )
    if settings.RECORDS_PKCS12_PATH:
        return SignerConfig(
            backend="pkcs12",
            pkcs12_path=str(settings.RECORDS_PKCS12_PATH),
            passphrase_env=settings.RECORDS_PKCS12_PASSPHRASE_ENV,
            signer_title=settings.RECORDS_SIGNER_TITLE,
            place=settings.RECORDS_PLACE,
        )
    return None


def _secret(env_name: str) -> str | None:
    if not env_name:
        return None
    value = os.environ.get(env_name)
    if value is None:
        raise SigningFailed(
            _("Chưa cấu hình mật khẩu khoá ký số: biến môi trường %(env)s chưa được đặt.") % {"env": env_name}
        )
    return value


def _pkcs12_signer(config: SignerConfig):
    from pyhanko.sign import signers

    passphrase = _secret(config.passphrase_env)
    try:
        with open(config.pkcs12_path, "rb") as handle:
            data = handle.read()
    except OSError:
        raise SigningFailed(
            _("Không đọc được tệp khoá ký số của cơ quan (%(path)s).") % {"path": os.path.basename(config.pkcs12_path)}
        )
    try:
        return signers.SimpleSigner.load_pkcs12_data(
            data, other_certs=[], passphrase=passphrase.encode() if passphrase is not None else None
        )
    except ValueError:
        raise SigningFailed(_("Không mở được khoá ký số: mật khẩu sai hoặc tệp PKCS#12 hỏng."))


class _Pkcs11Session:
    """Open a token session for one signature and always close it (tokens allow few sessions)."""

    def __init__(self, config: SignerConfig):
        self.config = config
        self.session = None

    def __enter__(self):
        try:
            from pyhanko.config.pkcs11 import TokenCriteria
            from pyhanko.sign import pkcs11 as hanko_pkcs11
        except ImportError:
            raise SigningFailed(_("Máy chủ chưa cài thư viện python-pkcs11 để ký bằng thiết bị PKCS#11."))
        pin = _secret(self.config.passphrase_env)
        criteria = TokenCriteria(label=self.config.pkcs11_token_label) if self.config.pkcs11_token_label else None
        try:
            self.session = hanko_pkcs11.open_pkcs11_session(
                self.config.pkcs11_module, token_criteria=criteria, user_pin=pin
            )
        except Exception as exc:  # the token library raises its own types (PKCS11Error, PinIncorrect, OSError...)
            logger.warning("PKCS#11 session failed: %s", exc)
            raise SigningFailed(
                _("Không kết nối được thiết bị ký số (token/HSM): %(error)s") % {"error": type(exc).__name__}
            )
        label = self.config.pkcs11_key_label
        return hanko_pkcs11.PKCS11Signer(
            self.session, cert_label=label, key_label=label, use_raw_mechanism=self.config.pkcs11_raw_mechanism
        )

    def __exit__(self, *exc_info):
        if self.session is not None:
            try:
                self.session.close()
            except Exception:  # closing must not hide the signing error
                logger.warning("Closing the PKCS#11 session failed", exc_info=True)


def _timestamper():
    url = settings.RECORDS_TSA_URL
    if not url:
        return None
    from pyhanko.sign.timestamps import HTTPTimeStamper

    return HTTPTimeStamper(url, timeout=10)


def _sign_with(signer, pdf: bytes, *, reason: str, location: str, name: str) -> SignedPdf:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    timestamper = _timestamper()
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,  # PAdES: ETSI.CAdES.detached
        reason=reason,
        location=location,
        name=name,
    )
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        output = _outside_event_loop(signers.sign_pdf, writer, meta, signer=signer, timestamper=timestamper)
    except Exception as exc:  # pyHanko, the token and the TSA client raise many types; all mean "not signed"
        logger.warning("Signing failed: %r", exc)
        if timestamper is not None and "timestamp" in f"{type(exc).__name__} {exc}".lower():
            raise SigningFailed(_("Máy chủ cấp dấu thời gian không phản hồi; chưa ký được kết quả, hãy thử lại."))
        raise SigningFailed(_("Không ký số được văn bản kết quả: %(error)s") % {"error": type(exc).__name__})
    cert = signer.signing_cert
    return SignedPdf(
        content=output.getvalue(),
        certificate_subject=cert.subject.human_friendly[:500],
        certificate_serial=format(cert.serial_number, "x"),
        timestamped=timestamper is not None,
    )


def sign_pdf(pdf: bytes, *, config: SignerConfig, reason: str, location: str, name: str) -> SignedPdf:
    """The PDF with one PAdES (CAdES-detached, SHA-256) signature of the agency's key, timestamped when
    RECORDS_TSA_URL is set. Raises SigningFailed with a message a person can act on."""
    if config.backend == "pkcs11":
        if not config.pkcs11_module:
            raise SigningFailed(_("Chưa cấu hình thư viện PKCS#11 cho khoá ký số của cơ quan."))
        with _Pkcs11Session(config) as signer:
            return _sign_with(signer, pdf, reason=reason, location=location, name=name)
    if not config.pkcs12_path:
        raise SigningFailed(_("Chưa cấu hình tệp khoá ký số của cơ quan."))
    return _sign_with(_pkcs12_signer(config), pdf, reason=reason, location=location, name=name)


def trust_roots() -> list:
    """The CA certificates results must chain to (RECORDS_TRUST_ROOTS: PEM or DER files)."""
    from pyhanko.keys import load_certs_from_pemder

    paths = [str(p) for p in settings.RECORDS_TRUST_ROOTS if p]
    return list(load_certs_from_pemder(paths)) if paths else []


def validate_pdf(content: bytes) -> Validation:
    """Check the last signature of a PDF: the signed bytes are unchanged, the signature covers the whole file (no
    content appended after signing), and the signer's certificate chains to a trust root."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    def invalid(reason: str) -> Validation:
        return Validation(False, False, False, None, "", reason)

    try:
        reader = PdfFileReader(io.BytesIO(content), strict=False)
        signatures = reader.embedded_signatures
    except Exception:  # any parse error means the file is not a PDF we issued
        return invalid(_("Tệp không đọc được như một PDF."))
    if not signatures:
        return invalid(_("Tệp không có chữ ký số."))
    try:
        context = ValidationContext(trust_roots=trust_roots(), allow_fetching=False)
        status = _outside_event_loop(validate_pdf_signature, signatures[-1], context)
    except (SignatureValidationError, ValueError, KeyError, TypeError) as exc:
        logger.info("Signature validation error: %r", exc)
        return invalid(_("Chữ ký số không hợp lệ."))
    except Exception as exc:  # a malformed signature dictionary can raise from deep inside the parser
        logger.info("Signature validation failed: %r", exc)
        return invalid(_("Chữ ký số không hợp lệ."))
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    signed_at = status.timestamp_validity.timestamp if status.timestamp_validity else status.signer_reported_dt
    reason = ""
    if not status.intact:
        reason = _("Nội dung tệp đã bị thay đổi sau khi ký.")
    elif not whole:
        reason = _("Tệp có nội dung được thêm vào sau khi ký.")
    elif not status.trusted:
        reason = _("Chứng thư ký số không thuộc tổ chức chứng thực được tin cậy.")
    elif not status.valid:
        reason = _("Chữ ký số không hợp lệ.")
    return Validation(
        valid=status.intact and status.valid and status.trusted and whole,
        intact=bool(status.intact),
        trusted=bool(status.trusted),
        signed_at=signed_at,
        signer_subject=status.signing_cert.subject.human_friendly if status.signing_cert else "",
        reason=reason,
    )
