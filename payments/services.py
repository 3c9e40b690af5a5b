"""Writes on money: payment requests, attempts, provider notifications, reconciliation and refunds.

Only a verified provider message pays a fee (`notification_handle`, `reconcile_pending`): the signature is checked
(constant time), the attempt row is locked, the amount compared, and then, in the same transaction, the request is
marked paid and the workflow's system-only `pay` is applied (or, for a fee due at filing, the dossier is submitted).
However often a provider repeats itself, an attempt finishes once. Lock order everywhere: attempt, dossier, request.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from citizens.models import User
from citizens.roles import Role
from payments.models import (
    AttemptStatus,
    PaymentAttempt,
    PaymentRequest,
    ProviderNotification,
    Purpose,
    Refund,
    RefundStatus,
    RequestStatus,
)
from payments.providers import (
    ForeignMerchant,
    InvalidSignature,
    Notice,
    ProviderError,
    Unreadable,
    get_provider,
    providers_for_agency,
)
from procedures import formschema
from procedures.enums import FINAL as FINAL_STATUSES
from procedures.errors import ActionForbidden, ActionNotAvailable, DomainError, InvalidInput, NotFound
from procedures.fees import dossier_fee_breakdown
from procedures.models import Document, DocumentKind, Dossier, Status
from procedures.services.dossiers import dossier_get_for, dossier_perform_action
from procedures.workflow import Action

logger = logging.getLogger(__name__)

# How long an unanswered attempt stays pending before reconciliation may expire it (VNPay's page expires at 15).
EXPIRE_AFTER = timedelta(minutes=30)
FIRST_CHECK_AFTER = timedelta(minutes=15)
RECHECK_EVERY = timedelta(days=1)
GIVE_UP_AFTER = timedelta(days=7)
FINANCE_ROLES = frozenset({Role.LEADER, Role.AGENCY_ADMIN})


# --- requests ---------------------------------------------------------------------------------------------------


def _snapshot(dossier: Dossier) -> list[dict]:
    return dossier_fee_breakdown(dossier).items()


def _open_request(dossier: Dossier, *, purpose: str, amount: int, now: datetime) -> PaymentRequest:
    PaymentRequest.objects.filter(dossier=dossier, status=RequestStatus.OPEN).update(status=RequestStatus.CANCELLED)
    return PaymentRequest.objects.create(
        dossier=dossier,
        agency_id=dossier.agency_id,
        purpose=purpose,
        amount=amount,
        items=_snapshot(dossier),
        created_at=now,
    )


def payment_requests_follow_event(*, event, dossier) -> None:
    """Hook (procedures/hooks.py): `request_payment` opens a request for the amount asked (the fee lines computed
    from the dossier are kept beside it); a dossier that ends (withdrawn, refused, stopped) owes nothing any more."""
    if event.action == Action.REQUEST_PAYMENT:
        _open_request(dossier, purpose=Purpose.APPRAISAL, amount=int(event.payload["amount"]), now=event.at)
    elif dossier.status in FINAL_STATUSES and dossier.status not in (Status.COMPLETED, Status.DELIVERED):
        PaymentRequest.objects.filter(dossier=dossier, status=RequestStatus.OPEN).update(status=RequestStatus.CANCELLED)


def _ready_to_submit(dossier: Dossier) -> bool:
    version = dossier.procedure_version
    if formschema.validate_data(version.form_fields, dossier.data, partial=False, lang="vi"):
        return False
    present = set(
        Document.objects.filter(dossier=dossier, kind=DocumentKind.INPUT).values_list("requirement", flat=True)
    )
    return all(doc["code"] in present for doc in version.documents if doc.get("required"))


def amount_owed(dossier: Dossier) -> int:
    """What the applicant must pay now through the portal (0: nothing)."""
    request = PaymentRequest.objects.filter(dossier=dossier, status=RequestStatus.OPEN).first()
    if request is not None:
        return request.amount
    if dossier.status == Status.DRAFT and dossier.procedure_version.payment_timing == "at_filing":
        if dossier.paid_at is None:
            return dossier_fee_breakdown(dossier).total
    if dossier.status == Status.AWAITING_PAYMENT and not dossier.paid_at:
        return dossier.fee_amount
    return 0


# --- starting a payment ------------------------------------------------------------------------------------------


def _new_reference(provider: str, now: datetime) -> str:
    # Unique per attempt, at most 100 characters (vnp_TxnRef), nothing personal in it.
    return f"MC{timezone.localtime(now):%y%m%d}{secrets.token_hex(6).upper()}"


def return_url(provider: str) -> str:
    return f"{settings.SITE_URL}{reverse('payments:return', kwargs={'provider': provider})}"


@transaction.atomic
def payment_start(
    *,
    dossier_id: UUID | str,
    actor: User,
    provider_name: str,
    client_ip: str = "",
    locale: str = "vn",
    now: datetime | None = None,
) -> tuple[PaymentAttempt, str]:
    """Open an attempt for what the dossier owes and return it with the provider page to send the payer to.

    Only the applicant; only while something is owed (409 otherwise); only through a provider of the agency."""
    now = now or timezone.now()
    dossier = dossier_get_for(dossier_id=dossier_id, user=actor, lock=True)
    if dossier.applicant_id != actor.pk:
        raise ActionForbidden(_("Chỉ người nộp hồ sơ được thanh toán."))
    names = providers_for_agency(dossier.agency)
    if provider_name not in names:
        raise InvalidInput(
            _("Kênh thanh toán không được hỗ trợ."),
            errors={"provider": [_("Chọn một trong: %(p)s.") % {"p": ", ".join(names) or "-"}]},
        )
    request = PaymentRequest.objects.filter(dossier=dossier, status=RequestStatus.OPEN).first()
    if dossier.status == Status.DRAFT and dossier.procedure_version.payment_timing == "at_filing":
        if dossier.paid_at is not None:
            raise ActionNotAvailable(_("Phí, lệ phí của hồ sơ đã được thanh toán."))
        total = dossier_fee_breakdown(dossier).total
        if total <= 0:
            raise ActionNotAvailable(_("Hồ sơ không có khoản nào phải thanh toán."))
        if not _ready_to_submit(dossier):
            raise InvalidInput(
                _("Hồ sơ chưa đầy đủ: hãy hoàn thiện trước khi thanh toán và nộp."),
                errors={"dossier": [_("Còn thông tin hoặc giấy tờ bắt buộc chưa có.")]},
            )
        if request is None or request.amount != total or request.items != _snapshot(dossier):
            request = _open_request(dossier, purpose=Purpose.FILING, amount=total, now=now)
    elif dossier.status == Status.AWAITING_PAYMENT:
        if request is None and dossier.fee_amount and not dossier.paid_at:
            # Asked for before this app existed: the amount on the dossier is the request.
            request = _open_request(dossier, purpose=Purpose.APPRAISAL, amount=dossier.fee_amount, now=now)
    else:
        request = None
    if request is None:
        raise ActionNotAvailable(_("Hồ sơ không có khoản nào đang chờ thanh toán."))
    try:
        provider = get_provider(provider_name)
    except ProviderError as exc:
        logger.error("Payment provider unusable: %s", exc)
        raise InvalidInput(_("Kênh thanh toán tạm thời không dùng được."), errors={"provider": [provider_name]})
    attempt = PaymentAttempt.objects.create(
        request=request,
        dossier=dossier,
        agency_id=dossier.agency_id,
        payer=actor,
        provider=provider_name,
        reference=_new_reference(provider_name, now),
        amount=request.amount,
        created_at=now,
    )
    started = provider.start(attempt=attempt, return_url=return_url(provider_name), client_ip=client_ip, locale=locale)
    attempt.provider_created = started.provider_created
    attempt.save(update_fields=["provider_created"])
    return attempt, started.redirect_url


# --- notifications: the only way a fee gets paid ------------------------------------------------------------------


ANSWERS = {
    "00": "Confirm Success",
    "01": "Order not found",
    "02": "Order already confirmed",
    "04": "Invalid amount",
    "97": "Invalid signature",
    "99": "Unknown error",
}


def _flag(attempt: PaymentAttempt, text: str) -> None:
    attempt.mismatch = (attempt.mismatch + "\n" if attempt.mismatch else "") + text
    logger.warning("Payment %s needs finance review: %s", attempt.reference, text)


def _receipt_number(attempt: PaymentAttempt, now: datetime) -> str:
    return f"BL{timezone.localtime(now):%Y}-{attempt.pk:08d}"


def _settle(attempt: PaymentAttempt, notice: Notice, *, now: datetime, source: str) -> str:
    """Apply a verified outcome to a locked attempt; returns the answer code. Caller holds the transaction."""
    if notice.amount != attempt.amount:
        _flag(attempt, f"{source}: amount {notice.amount} != {attempt.amount}")
        attempt.checked_at = now
        attempt.save(update_fields=["mismatch", "checked_at"])
        return "04"
    if attempt.status in (AttemptStatus.PAID, AttemptStatus.FAILED):
        if notice.success and attempt.status == AttemptStatus.FAILED:
            # The provider now says the money was taken: do not flip history, tell finance.
            _flag(attempt, f"{source}: success reported after the attempt failed ({notice.provider_txn_id})")
            attempt.save(update_fields=["mismatch"])
        return "02"
    if not notice.final:
        attempt.checked_at = now
        attempt.save(update_fields=["checked_at"])
        return "00"
    attempt.provider_txn_id = notice.provider_txn_id or attempt.provider_txn_id
    attempt.provider_code = notice.code
    attempt.finished_at = now
    attempt.checked_at = now
    if not notice.success:
        attempt.status = AttemptStatus.FAILED
        attempt.save()
        return "00"
    attempt.status = AttemptStatus.PAID
    attempt.receipt_number = _receipt_number(attempt, now)
    # Lock order: attempt (held), dossier, request.
    dossier = (
        Dossier.objects.select_for_update(of=("self",)).select_related("procedure_version").get(pk=attempt.dossier_id)
    )
    request = PaymentRequest.objects.select_for_update().get(pk=attempt.request_id)
    if request.status != RequestStatus.OPEN:
        _flag(attempt, f"paid while the request was {request.status}: refund or apply by hand")
        attempt.save()
        return "00"
    request.status = RequestStatus.PAID
    request.paid_at = now
    request.save(update_fields=["status", "paid_at"])
    attempt.save()
    payload = {"reference": attempt.reference, "provider": attempt.provider, "amount": attempt.amount}
    if request.purpose == Purpose.APPRAISAL and dossier.status == Status.AWAITING_PAYMENT:
        dossier_perform_action(
            dossier_id=dossier.pk,
            action=Action.PAY,
            actor=None,
            system=True,
            version=dossier.version,
            payload=payload,
            now=now,
        )
    elif request.purpose == Purpose.FILING and dossier.status == Status.DRAFT:
        Dossier.objects.filter(pk=dossier.pk).update(paid_at=now, fee_amount=request.amount)
        try:
            with transaction.atomic():  # the payment stands even if the submission cannot go through
                dossier_perform_action(
                    dossier_id=dossier.pk,
                    action=Action.SUBMIT,
                    actor=dossier.applicant,
                    version=dossier.version,
                    payload={},
                    now=now,
                )
        except DomainError as exc:
            logger.info("Paid dossier %s not submitted automatically: %s", dossier.pk, exc)
    else:
        _flag(attempt, f"paid while the dossier was {dossier.status}")
        attempt.save(update_fields=["mismatch"])
    return "00"


def _record_notification(provider: str, source: str, params: Mapping, remote_addr: str | None) -> ProviderNotification:
    # Autocommit, before anything can fail: every message is kept, forged ones included.
    raw = {str(k)[:100]: str(v)[:2000] for k, v in list(params.items())[:100]}
    return ProviderNotification.objects.create(
        provider=provider[:20],
        source=source,
        reference=str(raw.get("vnp_TxnRef") or raw.get("transactionRef") or "")[:100],
        raw=raw,
        remote_addr=remote_addr or None,
        received_at=timezone.now(),
    )


def notification_handle(
    *, provider_name: str, params: Mapping[str, str], source: str = "ipn", remote_addr: str | None = None
) -> tuple[str, dict]:
    """A provider's server-to-server notification: returns (answer code, the body to send back).

    Answer codes in VNPay's order (API.md): 97 bad signature, 01 unknown reference or merchant, 04 amount differs,
    02 already finished, 00 recorded; 99 unreadable. Only 00 with a successful outcome pays."""
    record = _record_notification(provider_name, source, params, remote_addr)
    try:
        provider = get_provider(provider_name)
    except ProviderError:
        return _answer(record, None, "99", outcome="99 provider unusable")
    try:
        notice = provider.parse_notification(params)
    except InvalidSignature:
        return _answer(record, provider, "97", outcome="97 bad signature")
    except ForeignMerchant:
        ProviderNotification.objects.filter(pk=record.pk).update(signature_valid=True)
        return _answer(record, provider, "01", outcome="01 other merchant")
    except Unreadable:
        return _answer(record, provider, "99", outcome="99 unreadable")
    ProviderNotification.objects.filter(pk=record.pk).update(signature_valid=True)
    try:
        with transaction.atomic():
            attempt = (
                PaymentAttempt.objects.select_for_update()
                .filter(reference=notice.reference, provider=provider_name)
                .first()
            )
            if attempt is None:
                return _answer(record, provider, "01", outcome="01 unknown reference")
            code = _settle(attempt, notice, now=timezone.now(), source=source)
            ProviderNotification.objects.filter(pk=record.pk).update(attempt=attempt)
    except Exception:  # a 500 would make the provider retry forever; answer 99 and keep the message for finance
        logger.exception("Payment notification %s failed", record.pk)
        return _answer(record, provider, "99", outcome="99 error")
    outcome = f"{code} {'paid' if notice.success else 'not paid'}" if code == "00" else f"{code}"
    return _answer(record, provider, code, outcome=outcome)


def _answer(record, provider, code: str, *, outcome: str) -> tuple[str, dict]:
    ProviderNotification.objects.filter(pk=record.pk).update(outcome=outcome[:40])
    body = provider.answer(code, ANSWERS[code]) if provider else {"RspCode": code, "Message": ANSWERS[code]}
    return code, body


def return_visit(*, provider_name: str, params: Mapping[str, str], remote_addr: str | None = None):
    """The browser came back from the provider: record what it carried, change nothing, and say which attempt it
    was about (None when the signature or the reference does not check out)."""
    record = _record_notification(provider_name, "return", params, remote_addr)
    try:
        notice = get_provider(provider_name).parse_notification(params)
    except ProviderError:
        ProviderNotification.objects.filter(pk=record.pk).update(outcome="return unverified")
        return None
    attempt = PaymentAttempt.objects.filter(reference=notice.reference, provider=provider_name).first()
    ProviderNotification.objects.filter(pk=record.pk).update(
        signature_valid=True, attempt=attempt, outcome="return (read only)"
    )
    return attempt


# --- reconciliation -----------------------------------------------------------------------------------------------


def reconcile_pending(*, now: datetime | None = None) -> dict[str, int]:
    """Ask providers about attempts left pending: first 15 minutes after they started, then once a day. A paid one
    is settled exactly as a notification would; one the provider does not know, or failed, ends; amounts that
    disagree are flagged. Runs in beat (payments.tasks.reconcile)."""
    now = now or timezone.now()
    due = PaymentAttempt.objects.filter(status__in=[AttemptStatus.PENDING, AttemptStatus.EXPIRED]).filter(
        created_at__lte=now - FIRST_CHECK_AFTER, created_at__gte=now - GIVE_UP_AFTER
    )
    ids = [
        pk for pk, checked in due.values_list("pk", "checked_at") if checked is None or checked <= now - RECHECK_EVERY
    ]
    counts = {"checked": 0, "paid": 0, "failed": 0, "expired": 0, "errors": 0, "flagged": 0}
    for pk in ids:
        attempt = PaymentAttempt.objects.get(pk=pk)
        try:
            provider = get_provider(attempt.provider)
            notice = provider.query(attempt=attempt)
        except ProviderError as exc:
            logger.warning("Reconciliation of %s failed: %s", attempt.reference, exc)
            PaymentAttempt.objects.filter(pk=pk).update(checked_at=now)
            counts["errors"] += 1
            continue
        counts["checked"] += 1
        if notice is not None:
            _record_notification(attempt.provider, "query", {**notice.raw}, None)
        with transaction.atomic():
            attempt = PaymentAttempt.objects.select_for_update().get(pk=pk)
            if attempt.status not in (AttemptStatus.PENDING, AttemptStatus.EXPIRED):
                continue  # a notification settled it meanwhile
            if notice is None or (not notice.final and attempt.created_at <= now - EXPIRE_AFTER):
                if attempt.created_at <= now - EXPIRE_AFTER:
                    attempt.status = AttemptStatus.EXPIRED
                    attempt.finished_at = attempt.finished_at or now
                    counts["expired"] += attempt.status == AttemptStatus.EXPIRED
                attempt.checked_at = now
                attempt.save(update_fields=["status", "finished_at", "checked_at"])
                continue
            if notice.reference != attempt.reference:
                _flag(attempt, f"query answered for {notice.reference}")
                attempt.save(update_fields=["mismatch"])
                counts["flagged"] += 1
                continue
            code = _settle(attempt, notice, now=now, source="query")
            if code == "04":
                counts["flagged"] += 1
            elif attempt.status == AttemptStatus.PAID:
                counts["paid"] += 1
            elif attempt.status == AttemptStatus.FAILED:
                counts["failed"] += 1
    return counts


# --- refunds ------------------------------------------------------------------------------------------------------


def finance_agency_ids(user: User) -> set[int]:
    """Agencies whose money `user` may see and refund (leaders and agency admins; superusers see all)."""
    from procedures.models import Agency

    if user.is_superuser:
        return set(Agency.objects.values_list("pk", flat=True))
    return set(user.memberships.filter(is_active=True, role__in=FINANCE_ROLES).values_list("agency_id", flat=True))


@transaction.atomic
def refund_create(*, attempt_id: int, actor: User, amount: int, reason: str, now: datetime | None = None) -> Refund:
    """Refund part or all of a paid attempt through its provider, with a reason; the row records the outcome."""
    now = now or timezone.now()
    attempt = PaymentAttempt.objects.select_for_update().filter(pk=attempt_id).first()
    if attempt is None or attempt.agency_id not in finance_agency_ids(actor):
        raise NotFound(_("Không tìm thấy giao dịch."))
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Cần lý do hoàn tiền."), errors={"reason": [_("Trường này là bắt buộc.")]})
    if attempt.status != AttemptStatus.PAID:
        raise ActionNotAvailable(_("Chỉ hoàn tiền giao dịch đã thanh toán."))
    refunded = attempt.refunds.filter(status=RefundStatus.DONE).aggregate(total=Sum("amount"))["total"] or 0
    if isinstance(amount, bool) or not isinstance(amount, int) or not 0 < amount <= attempt.amount - refunded:
        raise InvalidInput(
            _("Số tiền hoàn không hợp lệ."),
            errors={"amount": [_("Từ 1 đến %(n)s đồng.") % {"n": attempt.amount - refunded}]},
        )
    try:
        result = get_provider(attempt.provider).refund(
            attempt=attempt, amount=amount, reason=reason, actor_name=actor.get_full_name() or actor.email
        )
    except ProviderError as exc:
        from payments.providers import RefundResult

        result = RefundResult(ok=False, message=str(exc))
    return Refund.objects.create(
        attempt=attempt,
        amount=amount,
        reason=reason + ("" if result.ok else f"\n[{result.message}]"),
        status=RefundStatus.DONE if result.ok else RefundStatus.FAILED,
        provider_reference=result.provider_reference[:100],
        created_by=actor,
        created_at=now,
    )


# --- reminders ----------------------------------------------------------------------------------------------------


def remind_owing(*, now: datetime | None = None, every_working_days: int | None = None) -> int:
    """Remind applicants of dossiers awaiting payment, once every N working days (PAYMENT_REMINDER_WORKING_DAYS),
    only on working days. Returns the number of reminders stored (the outbox delivers them)."""
    from notifications.services import dossier_context, language_of, notify
    from procedures.services.calendar import portal_tz, working_calendar

    now = now or timezone.now()
    every = every_working_days or int(getattr(settings, "PAYMENT_REMINDER_WORKING_DAYS", 2))
    calendar = working_calendar()
    today = timezone.localtime(now, portal_tz()).date()
    if not calendar.is_working_day(today):
        return 0
    sent = 0
    requests = PaymentRequest.objects.filter(
        status=RequestStatus.OPEN, purpose=Purpose.APPRAISAL, dossier__status=Status.AWAITING_PAYMENT
    ).select_related("dossier__applicant", "dossier__procedure", "dossier__agency")
    for request in requests:
        last = timezone.localtime(request.last_reminded_at or request.created_at, portal_tz()).date()
        if calendar.add_working_days(last, every) > today:
            continue
        dossier = request.dossier
        recipient = dossier.applicant
        context = dossier_context(dossier, recipient, language_of(recipient))
        context.update({"amount": f"{request.amount:,}".replace(",", ".") + " đồng", "comment": ""})
        rows = notify(
            recipient=recipient,
            kind="payment_requested",
            template="payment_requested",
            context=context,
            key_prefix=f"payment-reminder:{request.pk}:{today.isoformat()}",
            dossier=dossier,
        )
        PaymentRequest.objects.filter(pk=request.pk).update(last_reminded_at=now)
        sent += bool(rows)
    return sent
