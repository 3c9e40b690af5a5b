"""Payment pages: the applicant's pay page, the provider's server-to-server notification and browser return, the
e-receipt, and the finance view for agency staff. Thin: services write, selectors read."""

from __future__ import annotations

import logging
from datetime import date
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from payments import selectors
from payments.models import AttemptStatus, PaymentAttempt
from payments.providers import LABELS, providers_for_agency
from payments.receipts import receipt_pdf
from payments.services import (
    amount_owed,
    finance_agency_ids,
    notification_handle,
    payment_start,
    refund_create,
    return_visit,
)
from procedures.display import fee_table, grouped, is_english, localized, money_display
from procedures.errors import DomainError
from procedures.fees import dossier_fee_breakdown
from procedures.models import Dossier
from procedures.services.calendar import portal_tz

logger = logging.getLogger(__name__)


def _client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or "127.0.0.1"


def _own_dossier(request: HttpRequest, dossier_id: UUID) -> Dossier:
    dossier = (
        Dossier.objects.visible_to(request.user)
        .select_related("procedure", "procedure_version", "agency")
        .filter(pk=dossier_id, applicant=request.user)
        .first()
    )
    if dossier is None:
        raise Http404
    return dossier


@login_required
@require_http_methods(["GET", "POST"])
def dossier_payment(request: HttpRequest, dossier_id: UUID) -> HttpResponse:
    """What is owed (the fee lines), the providers of the agency, and "Thanh toán": go to the provider's page."""
    dossier = _own_dossier(request, dossier_id)
    owed = amount_owed(dossier)
    providers = providers_for_agency(dossier.agency)
    if request.method == "POST":
        try:
            _attempt, url = payment_start(
                dossier_id=dossier.pk,
                actor=request.user,
                provider_name=request.POST.get("provider") or (providers[0] if providers else ""),
                client_ip=_client_ip(request),
                locale="en" if is_english() else "vn",
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("dossier-payment", dossier_id=dossier.pk)
        return redirect(url)
    if not owed:
        messages.info(request, _("Hồ sơ không có khoản nào đang chờ thanh toán."))
        return redirect("dossier-detail", dossier_id=dossier.pk)
    context = {
        "dossier": dossier,
        "procedure_name": localized(dossier.procedure),
        "agency_name": localized(dossier.agency),
        "owed_text": money_display(owed),
        "fees": fee_table(dossier_fee_breakdown(dossier, lang="en" if is_english() else "vi")),
        "providers": [(name, LABELS.get(name, name)) for name in providers],
        "at_filing": dossier.status == "draft",
        "attempts": selectors.dossier_attempts(dossier),
    }
    return render(request, "payments/pay.html", context)


@csrf_exempt  # a server-to-server call from the provider, authenticated by its signature
@require_GET
def provider_ipn(request: HttpRequest, provider: str) -> JsonResponse:
    """The provider's notification (VNPay IPN): always HTTP 200 with its answer code (API.md)."""
    _code, body = notification_handle(
        provider_name=provider, params=request.GET.dict(), source="ipn", remote_addr=request.META.get("REMOTE_ADDR")
    )
    return JsonResponse(body)


@require_GET
def provider_return(request: HttpRequest, provider: str) -> HttpResponse:
    """The browser back from the provider: only reads state (the notification decides), then the dossier page."""
    attempt = return_visit(
        provider_name=provider, params=request.GET.dict(), remote_addr=request.META.get("REMOTE_ADDR")
    )
    if attempt is None:
        messages.error(request, _("Không xác minh được thông tin trả về từ kênh thanh toán."))
        return redirect("dossier-list")
    if attempt.status == AttemptStatus.PAID:
        messages.success(
            request, _("Thanh toán thành công. Mã giao dịch: %(reference)s.") % {"reference": attempt.reference}
        )
    elif attempt.status == AttemptStatus.PENDING:
        messages.info(
            request,
            _("Giao dịch %(reference)s đang chờ kênh thanh toán xác nhận; trang hồ sơ sẽ cập nhật khi có kết quả.")
            % {"reference": attempt.reference},
        )
    else:
        messages.warning(request, _("Giao dịch %(reference)s không thành công.") % {"reference": attempt.reference})
    return redirect("dossier-detail", dossier_id=attempt.dossier_id)


@login_required
def receipt_download(request: HttpRequest, dossier_id: UUID, attempt_id: int) -> HttpResponse:
    """The e-receipt of a paid attempt: the applicant, or finance staff of the agency."""
    attempt = (
        PaymentAttempt.objects.select_related("dossier__agency", "dossier__procedure", "request", "payer")
        .filter(pk=attempt_id, dossier_id=dossier_id, status=AttemptStatus.PAID)
        .first()
    )
    if attempt is None or not (
        attempt.dossier.applicant_id == request.user.pk or attempt.agency_id in finance_agency_ids(request.user)
    ):
        raise Http404
    try:
        pdf = receipt_pdf(attempt)
    except DomainError as exc:
        return HttpResponse(exc.message, status=exc.status_code, content_type="text/plain; charset=utf-8")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bien-lai-{attempt.receipt_number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- finance ------------------------------------------------------------------------------------------------------


def _finance_filter(request: HttpRequest, agency_ids: set[int]) -> selectors.FinanceFilter:
    def day(name: str) -> date | None:
        try:
            return date.fromisoformat(request.GET.get(name, ""))
        except ValueError:
            return None

    status = request.GET.get("status", "")
    return selectors.FinanceFilter(
        agency_ids=frozenset(agency_ids),
        date_from=day("from"),
        date_to=day("to"),
        provider=request.GET.get("provider", "")[:20],
        status=status if status in AttemptStatus.values else "",
        flagged=request.GET.get("flagged") == "1",
    )


HEADERS = [
    "Ngày tạo",
    "Mã giao dịch",
    "Kênh",
    "Trạng thái",
    "Số tiền (đồng)",
    "Đã hoàn (đồng)",
    "Mã hồ sơ",
    "Thủ tục",
    "Mã GD kênh thanh toán",
    "Số biên lai",
    "Hoàn tất",
    "Sai lệch",
]


def _export_row(row: dict) -> list:
    return [
        row["created_at"],
        row["reference"],
        row["provider"],
        row["status"],
        row["amount"],
        row["refunded"] or 0,
        row["dossier_code"] or "",
        row["procedure_code"],
        row["provider_txn_id"],
        row["receipt_number"] or "",
        row["finished_at"],
        row["mismatch"],
    ]


@login_required
def finance(request: HttpRequest) -> HttpResponse:
    """Payments of the agencies the officer keeps the books for: by day, provider and status; exports; refunds."""
    agency_ids = finance_agency_ids(request.user)
    if not agency_ids:
        raise PermissionDenied
    flt = _finance_filter(request, agency_ids)
    rows = selectors.finance_rows(flt)
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        from dashboard.exports import csv_response, xlsx_response
        from dashboard.tables import Table

        table = Table(slug="payments", title="Thanh toán", headers=HEADERS, rows=[_export_row(r) for r in rows])
        return (csv_response if export == "csv" else xlsx_response)(table, "thanh-toan")
    if request.method == "POST":
        try:
            refund = refund_create(
                attempt_id=int(request.POST.get("attempt") or 0),
                actor=request.user,
                amount=int(request.POST.get("amount") or 0),
                reason=request.POST.get("reason", ""),
            )
        except (DomainError, ValueError) as exc:
            messages.error(request, getattr(exc, "message", _("Số tiền hoàn không hợp lệ.")))
        else:
            if refund.status == "done":
                messages.success(request, _("Đã hoàn %(a)s.") % {"a": money_display(refund.amount)})
            else:
                messages.error(request, _("Kênh thanh toán không hoàn được tiền; đã ghi nhận yêu cầu."))
        return redirect(request.get_full_path())
    labels = dict(AttemptStatus.choices)
    for row in rows:
        row["amount_text"] = grouped(row["amount"])
        row["refunded_text"] = grouped(row["refunded"] or 0)
        row["status_text"] = labels.get(row["status"], row["status"])
        row["provider_text"] = LABELS.get(row["provider"], row["provider"])
        row["created_local"] = timezone.localtime(row["created_at"], portal_tz())
    summary = selectors.finance_summary(flt)
    for line in summary:
        line["amount_text"] = grouped(line["amount"] or 0)
        line["status_text"] = labels.get(line["status"], line["status"])
        line["provider_text"] = LABELS.get(line["provider"], line["provider"])
    context = {
        "rows": rows,
        "summary": summary,
        "filter": flt,
        "statuses": AttemptStatus.choices,
        "providers": sorted(LABELS.items()),
        "query": request.GET.urlencode(),
    }
    return render(request, "payments/finance.html", context)
