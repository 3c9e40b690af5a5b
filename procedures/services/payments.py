"""Paying a requested fee: start a payment with the provider, then record `pay` once the provider confirms it."""

from __future__ import annotations

from uuid import UUID

from django.utils.translation import gettext as _

from citizens.models import User
from procedures.errors import ActionForbidden, ActionNotAvailable, InvalidInput
from procedures.models import Dossier, Status
from procedures.payments import PaymentError, PaymentProvider, PaymentStart, get_provider
from procedures.services.dossiers import dossier_get_for, dossier_perform_action
from procedures.workflow import Action


def payment_start(*, dossier_id: UUID | str, actor: User, provider: PaymentProvider | None = None) -> PaymentStart:
    """Open a payment for the amount the dossier owes; only its applicant, only while awaiting payment."""
    dossier = dossier_get_for(dossier_id=dossier_id, user=actor)
    if dossier.applicant_id != actor.pk:
        raise ActionForbidden(_("Chỉ người nộp hồ sơ được thanh toán."))
    if dossier.status != Status.AWAITING_PAYMENT or not dossier.fee_amount:
        raise ActionNotAvailable(_("Hồ sơ không có khoản nào đang chờ thanh toán."))
    provider = provider or get_provider()
    return provider.start(dossier_id=str(dossier.pk), amount=dossier.fee_amount, return_url="")


def payment_confirm(*, token: str, actor: User, provider: PaymentProvider | None = None) -> Dossier:
    """Verify the provider's answer and apply `pay` with its reference; the amount must be what is owed now."""
    provider = provider or get_provider()
    try:
        payment = provider.verify(token)
    except PaymentError:
        raise InvalidInput(_("Giao dịch thanh toán không hợp lệ hoặc đã hết hạn."))
    dossier = dossier_get_for(dossier_id=payment.dossier_id, user=actor)
    if dossier.status != Status.AWAITING_PAYMENT:
        raise ActionNotAvailable(_("Hồ sơ không có khoản nào đang chờ thanh toán."))
    if payment.amount != dossier.fee_amount:
        raise InvalidInput(_("Số tiền đã thanh toán không khớp với số tiền phải nộp."))
    return dossier_perform_action(
        dossier_id=dossier.pk,
        action=Action.PAY,
        actor=actor,
        version=dossier.version,
        payload={"reference": payment.reference, "provider": getattr(provider, "name", "")},
    )
