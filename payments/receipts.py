"""The e-receipt (biên lai điện tử) of a paid attempt, rendered by the portal's one PDF renderer
(procedures.receipts.html_to_pdf). Its fee lines are the request's snapshot: the same figures the applicant saw."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone, translation

from payments.models import AttemptStatus, PaymentAttempt
from payments.providers import LABELS
from procedures.errors import ActionNotAvailable
from procedures.fees import KINDS
from procedures.receipts import html_to_pdf, qr_data_uri, tracking_url
from procedures.services.calendar import portal_tz


def _money(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


def receipt_context(attempt: PaymentAttempt) -> dict:
    dossier, request = attempt.dossier, attempt.request
    lines = list(request.items)
    difference = attempt.amount - sum(int(line.get("amount") or 0) for line in lines)
    if difference:
        # The officer asked for a different amount than the computed fees (a tax, a correction): show it as such.
        lines.append(
            {
                "name": "Khoản điều chỉnh theo yêu cầu của cơ quan",
                "quantity": 1,
                "unit_amount": difference,
                "amount": difference,
            }
        )
    paid = timezone.localtime(attempt.finished_at, portal_tz()) if attempt.finished_at else None
    return {
        "number": attempt.receipt_number,
        "agency_name": dossier.agency.name,
        "agency_code": dossier.agency.identity_code,
        "payer": attempt.payer.get_full_name() or attempt.payer.email,
        "dossier_code": dossier.code or "",
        "procedure": dossier.procedure.name,
        "lines": [
            {
                "name": line.get("name", ""),
                "kind": str(KINDS.get(line.get("kind"), "khác")),
                "quantity": line.get("quantity", 1),
                "unit": _money(int(line.get("unit_amount") or 0)),
                "amount": "Miễn" if line.get("exempt") else _money(int(line.get("amount") or 0)),
            }
            for line in lines
        ],
        "total": _money(attempt.amount),
        "provider": str(LABELS.get(attempt.provider, attempt.provider)),
        "reference": attempt.reference,
        "provider_txn_id": attempt.provider_txn_id,
        "paid_at": f"{paid:%H:%M ngày %d/%m/%Y}" if paid else "",
        "qr": qr_data_uri(tracking_url(dossier.code)) if dossier.code else "",
        "font_family": "'DejaVu Sans', 'Noto Sans', sans-serif",
    }


def receipt_html(attempt: PaymentAttempt) -> str:
    if attempt.status != AttemptStatus.PAID:
        raise ActionNotAvailable("Giao dịch chưa được thanh toán nên chưa có biên lai.")
    with translation.override("vi"):
        return render_to_string("payments/pdf/receipt.html", receipt_context(attempt))


def receipt_pdf(attempt: PaymentAttempt) -> bytes:
    return html_to_pdf(receipt_html(attempt))
