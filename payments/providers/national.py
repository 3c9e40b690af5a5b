"""Adapter for the national public-service payment platform (Nền tảng thanh toán của Cổng Dịch vụ công quốc gia).

Behind a flag (PAYMENTS_NATIONAL_ENABLED) and off by default. What is public about the platform: portals redirect
the payer to the national platform with the dossier code, amount and a return URL; the platform notifies the portal
server to server and the portal confirms; agencies reconcile against it daily. The message formats are given to
connected portals under agreement and are NOT public: every place below marked "NOT PUBLIC" is our assumption
(modelled on the VNPay 2.1.0 conventions the platform's partner banks use) and must be checked against the
integration document before this adapter is switched on.

Settings: NATIONAL_PAY_URL, NATIONAL_PAY_PARTNER_CODE, NATIONAL_PAY_SECRET.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from urllib.parse import urlencode

from django.conf import settings
from django.utils import timezone

from payments.providers import (
    ForeignMerchant,
    InvalidSignature,
    Notice,
    ProviderError,
    RefundResult,
    Started,
    Unreadable,
)
from procedures.services.calendar import portal_tz


def _signature(params: Mapping[str, str], secret: str) -> str:
    # NOT PUBLIC: algorithm and field set assumed (HMAC-SHA256 over sorted key=value pairs, "signature" excluded).
    data = "&".join(f"{k}={params[k]}" for k in sorted(params) if k != "signature")
    return hmac.new(secret.encode(), data.encode(), hashlib.sha256).hexdigest()


class NationalProvider:
    name = "national"
    label = "Nền tảng thanh toán Cổng DVCQG"

    def __init__(self, *, url: str, partner_code: str, secret: str):
        if not (url and partner_code and secret):
            raise ProviderError("national: NATIONAL_PAY_URL, NATIONAL_PAY_PARTNER_CODE and NATIONAL_PAY_SECRET.")
        self.url, self.partner_code, self.secret = url, partner_code, secret

    @classmethod
    def from_settings(cls) -> NationalProvider:
        return cls(
            url=getattr(settings, "NATIONAL_PAY_URL", ""),
            partner_code=getattr(settings, "NATIONAL_PAY_PARTNER_CODE", ""),
            secret=getattr(settings, "NATIONAL_PAY_SECRET", ""),
        )

    def start(self, *, attempt, return_url: str, client_ip: str, locale: str = "vn") -> Started:
        created = timezone.localtime(timezone.now(), portal_tz()).strftime("%Y%m%d%H%M%S")
        # NOT PUBLIC: parameter names assumed. Public: dossier code, amount in đồng, return URL.
        params = {
            "partnerCode": self.partner_code,
            "transactionRef": attempt.reference,
            "dossierCode": attempt.dossier.code or str(attempt.dossier_id),
            "amount": str(attempt.amount),
            "returnUrl": return_url,
            "createdAt": created,
            "ip": client_ip or "127.0.0.1",
        }
        params["signature"] = _signature(params, self.secret)
        return Started(redirect_url=f"{self.url}?{urlencode(params)}", provider_created=created)

    def parse_notification(self, params: Mapping[str, str]) -> Notice:
        given = str(params.get("signature") or "")
        if not given or not hmac.compare_digest(given.lower(), _signature(params, self.secret)):
            raise InvalidSignature("signature does not match")
        if params.get("partnerCode") != self.partner_code:
            raise ForeignMerchant(str(params.get("partnerCode")))
        try:
            amount = int(str(params["amount"]))
            reference = str(params["transactionRef"])
        except (KeyError, ValueError) as exc:
            raise Unreadable(str(exc)) from exc
        # NOT PUBLIC: success code assumed "00".
        return Notice(
            reference=reference,
            amount=amount,
            success=params.get("status") == "00",
            provider_txn_id=str(params.get("platformTransactionId", ""))[:100],
            code=str(params.get("status", ""))[:20],
            raw=dict(params),
        )

    def answer(self, code: str, message: str) -> dict:
        # NOT PUBLIC: answer shape assumed to mirror VNPay's.
        return {"code": code, "message": message}

    def query(self, *, attempt) -> Notice | None:
        raise ProviderError("national: the status query interface is NOT PUBLIC; reconcile from its daily report.")

    def refund(self, *, attempt, amount: int, reason: str, actor_name: str) -> RefundResult:
        return RefundResult(ok=False, message="national: refunds go through the platform's back office (NOT PUBLIC).")
