"""A sandbox gateway inside the portal: a page that shows the amount and a "confirm" button, no money moves.

Stateless: the transaction is a signed, time-limited token (dossier, amount, reference), so nothing is stored until
the portal records the `pay` action; a tampered or expired token fails `verify`.
"""

from __future__ import annotations

import uuid

from django.core import signing
from django.urls import reverse

from procedures.payments import ConfirmedPayment, PaymentError, PaymentStart

SALT = "procedures.payments.sandbox"
MAX_AGE = 30 * 60  # seconds a sandbox payment page stays valid


class SandboxProvider:
    name = "sandbox"

    def start(self, *, dossier_id: str, amount: int, return_url: str = "") -> PaymentStart:
        reference = "SBX-" + uuid.uuid4().hex[:12].upper()
        token = signing.dumps({"d": str(dossier_id), "a": int(amount), "r": reference}, salt=SALT)
        return PaymentStart(reference=reference, redirect_url=reverse("payment-sandbox", kwargs={"token": token}))

    def details(self, token: str) -> ConfirmedPayment:
        """What a token says (for the sandbox page), verified like `verify`."""
        return self.verify(token)

    def verify(self, token: str) -> ConfirmedPayment:
        try:
            data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
        except signing.BadSignature as exc:  # SignatureExpired is a BadSignature
            raise PaymentError("invalid or expired sandbox token") from exc
        return ConfirmedPayment(reference=data["r"], dossier_id=data["d"], amount=int(data["a"]))
