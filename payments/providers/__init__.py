"""Payment providers behind one interface, chosen per agency.

A provider turns an attempt into a redirect (`start`), reads what it sends back (`parse_notification`, which checks
the signature and nothing else: amounts and states are the service's job), answers its server-to-server call
(`answer`), asks it about an attempt (`query`, for reconciliation) and refunds (`refund`). The service
(payments/services.py) is the only caller, and the only place a fee becomes paid.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.conf import settings
from django.utils.translation import gettext_lazy as _


class ProviderError(Exception):
    """The provider cannot be used, or did not answer in a way we can read."""


class InvalidSignature(ProviderError):
    pass


class Unreadable(ProviderError):
    pass


class ForeignMerchant(ProviderError):
    """Signed correctly but addressed to another merchant code (treated like an unknown reference)."""


@dataclass(frozen=True)
class Started:
    redirect_url: str
    provider_created: str = ""  # e.g. vnp_CreateDate, kept for querydr/refund


@dataclass(frozen=True)
class Notice:
    """What a verified message says about one attempt."""

    reference: str
    amount: int  # đồng (already divided by 100 for VNPay)
    success: bool
    provider_txn_id: str = ""
    code: str = ""  # the provider's result code, kept for finance
    final: bool = True  # False: the provider does not know the outcome yet (query of a pending transaction)
    raw: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RefundResult:
    ok: bool
    provider_reference: str = ""
    message: str = ""


class Provider(Protocol):
    name: str
    label: str

    def start(self, *, attempt, return_url: str, client_ip: str, locale: str) -> Started: ...

    def parse_notification(self, params: Mapping[str, str]) -> Notice: ...

    def answer(self, code: str, message: str) -> dict: ...

    def query(self, *, attempt) -> Notice | None: ...

    def refund(self, *, attempt, amount: int, reason: str, actor_name: str) -> RefundResult: ...


LABELS = {"vnpay": _("VNPay"), "national": _("Nền tảng thanh toán Cổng DVCQG"), "fake": _("Cổng thử nghiệm")}


def fake_allowed() -> bool:
    """The local fake provider (and nothing like it) only where no real money can be expected: DEBUG, or tests."""
    return bool(settings.DEBUG or getattr(settings, "PAYMENTS_FAKE_ALLOWED", False))


def get_provider(name: str) -> Provider:
    if name == "vnpay":
        from payments.providers.vnpay import VNPayProvider

        return VNPayProvider.from_settings()
    if name == "fake":
        if not fake_allowed():
            raise ProviderError("The fake payment provider is refused when DEBUG is off.")
        from payments.providers.vnpay import FakeProvider

        return FakeProvider.from_settings()
    if name == "national":
        if not getattr(settings, "PAYMENTS_NATIONAL_ENABLED", False):
            raise ProviderError("The national payment platform adapter is off (PAYMENTS_NATIONAL_ENABLED).")
        from payments.providers.national import NationalProvider

        return NationalProvider.from_settings()
    raise ProviderError(f"Unknown payment provider {name!r}.")


def configured_providers() -> list[str]:
    """Providers this installation can use at all (settings), in the order offered."""
    names = list(getattr(settings, "PAYMENT_PROVIDERS", []) or [])
    usable = []
    for name in names:
        try:
            get_provider(name)
        except ProviderError:
            continue
        usable.append(name)
    return usable


def providers_for_agency(agency) -> list[str]:
    """The agency's own list when it has one (AgencyPaymentSettings), else the installation's; only usable ones."""
    from payments.models import AgencyPaymentSettings

    own = AgencyPaymentSettings.objects.filter(agency=agency).values_list("providers", flat=True).first()
    usable = configured_providers()
    if own:
        return [name for name in own if name in usable]
    return usable
