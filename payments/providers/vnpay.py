"""VNPay payment API 2.1.0 (shared/API.md "Payments"), and the local fake provider that speaks the same protocol.

Signing: HMAC-SHA512 (hex) with the hash secret over every vnp_* parameter except vnp_SecureHash and
vnp_SecureHashType, keys sorted in byte order, values encoded with quote_plus, joined as key=value with "&".
Amounts travel as đồng × 100. querydr and refund (reconciliation) are JSON POSTs to VNPAY_API_URL signed over
"|"-joined fields in the order VNPay's merchant documentation lists them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import unicodedata
import urllib.error
import urllib.request
import uuid
from collections.abc import Mapping
from datetime import timedelta
from urllib.parse import quote_plus

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

VERSION = "2.1.0"
EXPIRE_MINUTES = 15
TIMEOUT = 10  # seconds for querydr/refund
QUERY_RESPONSE_FIELDS = (
    "vnp_ResponseId vnp_Command vnp_ResponseCode vnp_Message vnp_TmnCode vnp_TxnRef vnp_Amount vnp_BankCode "
    "vnp_PayDate vnp_TransactionNo vnp_TransactionType vnp_TransactionStatus vnp_OrderInfo vnp_PromotionCode "
    "vnp_PromotionAmount"
).split()


def _stamp(moment) -> str:
    return timezone.localtime(moment, portal_tz()).strftime("%Y%m%d%H%M%S")


def ascii_text(text: str, limit: int = 255) -> str:
    """vnp_OrderInfo: no diacritics, no special characters."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return re.sub(r"[^A-Za-z0-9 .,:_\-/]", " ", text).strip()[:limit] or "Thanh toan phi le phi"


def signing_data(params: Mapping[str, str]) -> str:
    keys = sorted(k for k in params if k.startswith("vnp_") and k not in ("vnp_SecureHash", "vnp_SecureHashType"))
    return "&".join(f"{quote_plus(k)}={quote_plus(str(params[k]))}" for k in keys)


def sign(params: Mapping[str, str], secret: str) -> str:
    return hmac.new(secret.encode(), signing_data(params).encode(), hashlib.sha512).hexdigest()


def sign_fields(values: list[str], secret: str) -> str:
    return hmac.new(secret.encode(), "|".join(values).encode(), hashlib.sha512).hexdigest()


class VNPayProvider:
    name = "vnpay"
    label = "VNPay"

    def __init__(self, *, tmn_code: str, secret: str, pay_url: str, api_url: str = ""):
        if not (tmn_code and secret and pay_url):
            raise ProviderError(f"{self.name}: merchant code, hash secret and payment URL must be set.")
        self.tmn_code, self.secret, self.pay_url, self.api_url = tmn_code, secret, pay_url, api_url

    @classmethod
    def from_settings(cls) -> VNPayProvider:
        return cls(
            tmn_code=getattr(settings, "VNPAY_TMN_CODE", ""),
            secret=getattr(settings, "VNPAY_HASH_SECRET", ""),
            pay_url=getattr(settings, "VNPAY_URL", ""),
            api_url=getattr(settings, "VNPAY_API_URL", ""),
        )

    # --- pay ----------------------------------------------------------------------------------------------------

    def start(self, *, attempt, return_url: str, client_ip: str, locale: str = "vn") -> Started:
        now = timezone.now()
        created = _stamp(now)
        params = {
            "vnp_Version": VERSION,
            "vnp_Command": "pay",
            "vnp_TmnCode": self.tmn_code,
            "vnp_Amount": str(attempt.amount * 100),
            "vnp_CurrCode": "VND",
            "vnp_TxnRef": attempt.reference,
            "vnp_OrderInfo": ascii_text(f"Thanh toan phi le phi ho so {attempt.dossier.code or attempt.reference}"),
            "vnp_OrderType": "other",
            "vnp_Locale": "en" if locale == "en" else "vn",
            "vnp_ReturnUrl": return_url,
            "vnp_IpAddr": client_ip or "127.0.0.1",
            "vnp_CreateDate": created,
            "vnp_ExpireDate": _stamp(now + timedelta(minutes=EXPIRE_MINUTES)),
        }
        params = {k: v for k, v in params.items() if v}  # never an empty parameter
        query = signing_data(params) + "&vnp_SecureHash=" + sign(params, self.secret)
        return Started(redirect_url=f"{self.pay_url}?{query}", provider_created=created)

    def parse_notification(self, params: Mapping[str, str]) -> Notice:
        given = str(params.get("vnp_SecureHash") or "")
        if not given or not hmac.compare_digest(given.lower(), sign(params, self.secret)):
            raise InvalidSignature("vnp_SecureHash does not match")
        try:
            reference = str(params["vnp_TxnRef"])
            raw_amount = int(str(params["vnp_Amount"]))
        except (KeyError, ValueError) as exc:
            raise Unreadable(str(exc)) from exc
        if params.get("vnp_TmnCode") != self.tmn_code:
            raise ForeignMerchant(str(params.get("vnp_TmnCode")))
        success = params.get("vnp_ResponseCode") == "00" and params.get("vnp_TransactionStatus") == "00"
        return Notice(
            reference=reference,
            # A fraction of a đồng cannot be ours: keep it visible as a mismatch (-1 never equals an amount).
            amount=raw_amount // 100 if raw_amount % 100 == 0 else -1,
            success=success,
            provider_txn_id=str(params.get("vnp_TransactionNo", ""))[:100],
            code=f"{params.get('vnp_ResponseCode', '')}/{params.get('vnp_TransactionStatus', '')}"[:20],
            raw=dict(params),
        )

    def answer(self, code: str, message: str) -> dict:
        return {"RspCode": code, "Message": message}

    # --- reconciliation -----------------------------------------------------------------------------------------

    def _post(self, body: dict) -> dict:
        if not self.api_url:
            raise ProviderError(f"{self.name}: no API URL for querydr/refund.")
        request = urllib.request.Request(
            self.api_url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 (configured https URL)
                return json.loads(response.read().decode() or "{}")
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise ProviderError(f"{self.name}: {exc}") from exc

    def _check_response(self, data: dict) -> None:
        given = str(data.get("vnp_SecureHash") or "")
        expected = sign_fields([str(data.get(k, "")) for k in QUERY_RESPONSE_FIELDS], self.secret)
        if not given or not hmac.compare_digest(given.lower(), expected):
            raise InvalidSignature("querydr answer signature does not match")

    def query(self, *, attempt) -> Notice | None:
        created = _stamp(timezone.now())
        body = {
            "vnp_RequestId": uuid.uuid4().hex[:32],
            "vnp_Version": VERSION,
            "vnp_Command": "querydr",
            "vnp_TmnCode": self.tmn_code,
            "vnp_TxnRef": attempt.reference,
            "vnp_OrderInfo": ascii_text(f"Doi soat {attempt.reference}"),
            "vnp_TransactionDate": attempt.provider_created,
            "vnp_CreateDate": created,
            "vnp_IpAddr": "127.0.0.1",
        }
        order = "vnp_RequestId vnp_Version vnp_Command vnp_TmnCode vnp_TxnRef vnp_TransactionDate vnp_CreateDate"
        body["vnp_SecureHash"] = sign_fields(
            [body[k] for k in order.split()] + [body["vnp_IpAddr"], body["vnp_OrderInfo"]], self.secret
        )
        data = self._post(body)
        self._check_response(data)
        if data.get("vnp_ResponseCode") == "91":  # transaction not found at VNPay
            return None
        if data.get("vnp_ResponseCode") != "00":
            raise ProviderError(f"querydr answered {data.get('vnp_ResponseCode')}")
        status = str(data.get("vnp_TransactionStatus", ""))
        try:
            raw_amount = int(str(data.get("vnp_Amount", "0")))
        except ValueError as exc:
            raise Unreadable("vnp_Amount") from exc
        return Notice(
            reference=str(data.get("vnp_TxnRef", "")),
            amount=raw_amount // 100 if raw_amount % 100 == 0 else -1,
            success=status == "00",
            provider_txn_id=str(data.get("vnp_TransactionNo", ""))[:100],
            code=f"{data.get('vnp_ResponseCode')}/{status}"[:20],
            final=status not in ("01", "05"),  # 01 not finished yet, 05 being refunded
            raw=data,
        )

    def refund(self, *, attempt, amount: int, reason: str, actor_name: str) -> RefundResult:
        created = _stamp(timezone.now())
        body = {
            "vnp_RequestId": uuid.uuid4().hex[:32],
            "vnp_Version": VERSION,
            "vnp_Command": "refund",
            "vnp_TmnCode": self.tmn_code,
            "vnp_TransactionType": "02" if amount == attempt.amount else "03",
            "vnp_TxnRef": attempt.reference,
            "vnp_Amount": str(amount * 100),
            "vnp_TransactionNo": attempt.provider_txn_id,
            "vnp_TransactionDate": attempt.provider_created,
            "vnp_CreateBy": ascii_text(actor_name, 250),
            "vnp_CreateDate": created,
            "vnp_IpAddr": "127.0.0.1",
            "vnp_OrderInfo": ascii_text(reason),
        }
        order = (
            "vnp_RequestId vnp_Version vnp_Command vnp_TmnCode vnp_TransactionType vnp_TxnRef vnp_Amount "
            "vnp_TransactionNo vnp_TransactionDate vnp_CreateBy vnp_CreateDate vnp_IpAddr vnp_OrderInfo"
        )
        body["vnp_SecureHash"] = sign_fields([body[k] for k in order.split()], self.secret)
        try:
            data = self._post(body)
        except ProviderError as exc:
            return RefundResult(ok=False, message=str(exc))
        ok = data.get("vnp_ResponseCode") == "00"
        return RefundResult(
            ok=ok, provider_reference=str(data.get("vnp_TransactionNo", "")), message=str(data.get("vnp_Message", ""))
        )


class FakeProvider(VNPayProvider):
    """The local fake gateway (payments/fakegateway.py) speaks VNPay's protocol with its own merchant code and
    secret, so the demo and the tests run the real adapter end to end. Refused when DEBUG is off."""

    name = "fake"
    label = "Cổng thử nghiệm"

    @classmethod
    def from_settings(cls) -> FakeProvider:
        base = getattr(settings, "FAKEPAY_URL", "http://127.0.0.1:8765").rstrip("/")
        return cls(
            tmn_code=getattr(settings, "FAKEPAY_TMN_CODE", "FAKEPAY1"),
            secret=getattr(settings, "FAKEPAY_HASH_SECRET", "fake-hash-secret-for-demo-only"),
            pay_url=f"{base}/paymentv2/vpcpay.html",
            api_url=f"{base}/merchant_webapi/api/transaction",
        )
