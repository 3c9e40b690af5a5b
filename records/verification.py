"""What the verifier says about a file or a code: valid or not, which dossier, which agency, when signed, revoked
or not. No personal data: anyone may ask."""

from __future__ import annotations

import hashlib

from django.utils.translation import gettext as _

from records import selectors, signing
from records.models import SignedResult


def describe(result: SignedResult | None, *, valid: bool, reason: str) -> dict:
    return {
        "valid": bool(valid and result is not None),
        "dossier_code": result.dossier.code if result else None,
        "issued_by": result.agency.name if result else None,
        "signed_at": result.signed_at.isoformat() if result else None,
        "revoked": bool(result and result.revoked_at),
        "revoked_at": result.revoked_at.isoformat() if result and result.revoked_at else None,
        "revoke_reason": result.revoke_reason if result else "",
        "register_number": f"{result.register_number}/{result.book.year}" if result else None,
        "verification_code": result.verification_code if result else None,
        "procedure": result.dossier.procedure.name if result else None,
        "reason": reason,
    }


def verify_file(content: bytes) -> dict:
    """Valid when the bytes are exactly those of a result this portal issued and the signature in them is intact,
    covers the whole file and chains to a trust root. A changed byte breaks both the digest and the signature."""
    result = selectors.result_by_sha256(hashlib.sha256(content).hexdigest())
    check = signing.validate_pdf(content)
    if result is None:
        reason = check.reason or _(
            "Tệp không khớp với văn bản nào do cổng ban hành (đã bị sửa hoặc không phải bản gốc)."
        )
        return describe(None, valid=False, reason=reason)
    if not check.valid:
        return describe(result, valid=False, reason=check.reason)
    return describe(result, valid=True, reason=_("Văn bản đã bị thu hồi.") if result.revoked_at else "")
