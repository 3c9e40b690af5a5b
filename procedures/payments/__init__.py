"""Payment providers: the interface the portal pays fees through, and the sandbox used in demos and tests.

A real gateway (the national public-service payment platform, a bank) implements `PaymentProvider`: `start` returns
where to send the payer, `verify` checks what the gateway sent back and returns the confirmed payment. The portal
never trusts an amount or a reference from the browser; it only trusts what `verify` returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class PaymentError(Exception):
    """The gateway refused, or its answer could not be verified."""


@dataclass(frozen=True)
class PaymentStart:
    reference: str  # the provider's transaction reference
    redirect_url: str  # where to send the payer


@dataclass(frozen=True)
class ConfirmedPayment:
    reference: str
    dossier_id: str
    amount: int  # đồng


class PaymentProvider(Protocol):
    name: str

    def start(self, *, dossier_id: str, amount: int, return_url: str) -> PaymentStart: ...

    def verify(self, token: str) -> ConfirmedPayment: ...


def get_provider(name: str | None = None) -> PaymentProvider:
    """The configured provider (settings.PAYMENT_PROVIDER, default "sandbox")."""
    from django.conf import settings

    name = name or settings.PAYMENT_PROVIDER
    if name == "sandbox":
        from procedures.payments.sandbox import SandboxProvider

        return SandboxProvider()
    raise PaymentError(f"Unknown payment provider {name!r}")
