"""Reads on money: a dossier's fees and payments, the finance list, and indicators 3.5 and 3.6.

Fixed query counts whatever the number of rows (each function says how many).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncDate

from payments.models import (
    AttemptStatus,
    PaymentAttempt,
    PaymentRequest,
    ProviderNotification,
    Refund,
    RefundStatus,
    RequestStatus,
)
from procedures.fees import dossier_fee_breakdown, is_fee_bearing
from procedures.models import Dossier, Procedure
from procedures.services.calendar import portal_tz


def dossier_paid_amount(dossier: Dossier) -> int:
    """Net đồng received for the dossier: paid attempts minus completed refunds (two queries)."""
    paid = (
        PaymentAttempt.objects.filter(dossier=dossier, status=AttemptStatus.PAID).aggregate(total=Sum("amount"))[
            "total"
        ]
        or 0
    )
    refunded = (
        PaymentAttempt.objects.filter(dossier=dossier, refunds__status=RefundStatus.DONE).aggregate(
            total=Sum("refunds__amount")
        )["total"]
        or 0
    )
    return paid - refunded


def dossier_fees(dossier: Dossier, *, lang: str = "vi") -> dict:
    """GET /api/v1/dossiers/{id}/fees/: the computed lines and total, what was paid, what is owed now."""
    from payments.services import amount_owed

    breakdown = dossier_fee_breakdown(dossier, lang=lang)
    paid = dossier_paid_amount(dossier)
    return {
        "items": breakdown.items(),
        "total": breakdown.total,
        "paid": paid,
        "outstanding": amount_owed(dossier),
        "payment_timing": dossier.procedure_version.payment_timing,
    }


def dossier_attempts(dossier: Dossier) -> list[PaymentAttempt]:
    """One query: the dossier's attempts, newest first, with their request."""
    return list(PaymentAttempt.objects.filter(dossier=dossier).select_related("request").order_by("-created_at", "-pk"))


def money_trail(dossier: Dossier) -> dict:
    """Everything about a dossier's money, in order: requests, attempts, notifications, refunds (four queries)."""
    requests = list(PaymentRequest.objects.filter(dossier=dossier).order_by("created_at", "pk").values())
    attempts = list(PaymentAttempt.objects.filter(dossier=dossier).order_by("created_at", "pk").values())
    notes = list(
        ProviderNotification.objects.filter(
            Q(attempt__dossier=dossier) | Q(reference__in=[a["reference"] for a in attempts])
        )
        .order_by("received_at", "pk")
        .values("source", "reference", "signature_valid", "outcome", "received_at", "raw")
    )
    refunds = list(
        Refund.objects.filter(attempt__dossier=dossier)
        .order_by("created_at")
        .values("attempt__reference", "amount", "reason", "status", "created_at")
    )
    return {"requests": requests, "attempts": attempts, "notifications": notes, "refunds": refunds}


# --- finance view -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FinanceFilter:
    agency_ids: frozenset[int]
    date_from: date | None = None
    date_to: date | None = None
    provider: str = ""
    status: str = ""
    flagged: bool = False


def _bounds(d: date, end: bool = False) -> datetime:
    return datetime.combine(d, time.max if end else time.min, tzinfo=portal_tz())


def finance_attempts(f: FinanceFilter) -> QuerySet[PaymentAttempt]:
    qs = PaymentAttempt.objects.filter(agency_id__in=f.agency_ids)
    if f.date_from:
        qs = qs.filter(created_at__gte=_bounds(f.date_from))
    if f.date_to:
        qs = qs.filter(created_at__lte=_bounds(f.date_to, end=True))
    if f.provider:
        qs = qs.filter(provider=f.provider)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.flagged:
        qs = qs.exclude(mismatch="")
    return qs


def finance_rows(f: FinanceFilter, *, limit: int = 500) -> list[dict]:
    """One query: the attempts, newest first, with what the list and the exports show."""
    return list(
        finance_attempts(f)
        .annotate(
            dossier_code=F("dossier__code"),
            procedure_code=F("dossier__procedure__code"),
            refunded=Sum("refunds__amount", filter=Q(refunds__status=RefundStatus.DONE)),
        )
        .order_by("-created_at", "-pk")
        .values(
            "pk",
            "reference",
            "provider",
            "amount",
            "status",
            "provider_txn_id",
            "created_at",
            "finished_at",
            "receipt_number",
            "mismatch",
            "dossier_id",
            "dossier_code",
            "procedure_code",
            "refunded",
        )[:limit]
    )


def finance_summary(f: FinanceFilter) -> list[dict]:
    """One query: count and amount per day (Asia/Ho_Chi_Minh), provider and status."""
    return list(
        finance_attempts(f)
        .annotate(day=TruncDate("created_at", tzinfo=portal_tz()))
        .values("day", "provider", "status")
        .annotate(count=Count("pk"), amount=Sum("amount"))
        .order_by("-day", "provider", "status")
    )


# --- indicators 3.5 and 3.6 (shared/INDICATORS.md) ---------------------------------------------------------------


def fee_bearing_procedures_online(*, agency_ids=None) -> dict[int, dict[str, int]]:
    """Indicator 3.5 per agency: {agency_id: {"fee_bearing": n, "payable_online": m}} over active procedures with a
    published version. A fee-bearing procedure is payable online when its agency collects through at least one
    usable provider (AgencyPaymentSettings or PAYMENT_PROVIDERS). Two queries plus one per agency with settings."""
    from payments.models import AgencyPaymentSettings
    from payments.providers import configured_providers

    procedures = Procedure.objects.filter(is_active=True, current_version__isnull=False).select_related(
        "current_version"
    )
    if agency_ids is not None:
        procedures = procedures.filter(agency_id__in=agency_ids)
    usable = set(configured_providers())
    own = dict(AgencyPaymentSettings.objects.values_list("agency_id", "providers"))
    out: dict[int, dict[str, int]] = defaultdict(lambda: {"fee_bearing": 0, "payable_online": 0})
    for procedure in procedures.only(
        "agency_id", "current_version__fee_items", "current_version__fee", "current_version__cases"
    ):
        if not is_fee_bearing(procedure.current_version):
            continue
        row = out[procedure.agency_id]
        row["fee_bearing"] += 1
        providers = set(own.get(procedure.agency_id) or usable) & usable
        row["payable_online"] += bool(providers)
    return dict(out)


def dossiers_paid_online(*, start: datetime, end: datetime, agency_ids=None) -> dict[int, dict[str, int]]:
    """Indicator 3.6 per agency for dossiers received in [start, end): {agency_id: {"fee_dossiers": n,
    "paid_online": m}}. A fee dossier had at least one payment request; paid online when one of its attempts was
    paid through a provider (not at the counter). One query."""
    dossiers = Dossier.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
    if agency_ids is not None:
        dossiers = dossiers.filter(agency_id__in=agency_ids)
    rows = (
        dossiers.filter(payment_requests__isnull=False)
        .values("agency_id")
        .annotate(
            fee_dossiers=Count("pk", distinct=True),
            paid_online=Count("pk", distinct=True, filter=Q(payment_attempts__status=AttemptStatus.PAID)),
        )
    )
    return {r["agency_id"]: {"fee_dossiers": r["fee_dossiers"], "paid_online": r["paid_online"]} for r in rows}


def open_requests(*, agency_ids) -> QuerySet[PaymentRequest]:
    return PaymentRequest.objects.filter(agency_id__in=agency_ids, status=RequestStatus.OPEN)
