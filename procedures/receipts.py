"""The receipt (form 01, "Giấy tiếp nhận hồ sơ và hẹn trả kết quả") as a PDF, and QR codes for tracking links.

WeasyPrint needs Pango, an optional system library: it is imported inside `receipt_pdf` so the portal still starts
without it, and its absence is reported as a clean 503 (ServiceUnavailable) instead of a crash.
"""

from __future__ import annotations

import base64
import io
import logging
from datetime import datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from procedures.errors import DomainError
from procedures.models import DocumentKind, Dossier
from procedures.services.calendar import portal_tz
from procedures.workflow import Action

logger = logging.getLogger(__name__)

TEMPLATE = "procedures/pdf/receipt.html"

COPY_TYPES = {
    "original": "Bản chính",
    "copy": "Bản sao",
    "certified_copy": "Bản sao có chứng thực",
    "copy_to_certify": "Bản sao (xuất trình bản chính để đối chiếu)",
    "original_document": "Bản gốc",
    "electronic": "Bản điện tử",
}
TIME_UNITS = {"working_days": "ngày làm việc", "calendar_days": "ngày", "hours": "giờ làm việc"}
CHANNELS = {"online": "Trực tuyến", "in_person": "Trực tiếp", "post": "Bưu chính công ích"}


class ServiceUnavailable(DomainError):
    """A capability that needs an optional system library (WeasyPrint with Pango) is not installed here."""

    status_code = 503
    code = "service_unavailable"


def tracking_url(code: str) -> str:
    return f"{settings.SITE_URL}/track/{code}/"


def qr_png(url: str, *, box_size: int = 6, border: int = 2) -> bytes:
    """A QR code of `url` as PNG bytes (medium error correction, survives a smudged printout)."""
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=border)
    code.add_data(url)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().save(buffer)
    return buffer.getvalue()


def qr_data_uri(url: str) -> str:
    return "data:image/png;base64," + base64.b64encode(qr_png(url)).decode("ascii")


def _local(value: datetime | None) -> datetime | None:
    return timezone.localtime(value, portal_tz()) if value else None


def _moment(value: datetime | None) -> str:
    local = _local(value)
    return f"{local:%H} giờ {local:%M} phút, ngày {local:%d/%m/%Y}" if local else ""


def _date_line(value: datetime | None) -> str:
    local = _local(value)
    return f"ngày {local:%d} tháng {local:%m} năm {local:%Y}" if local else ""


def receipt_context(dossier: Dossier) -> dict:
    """What the receipt shows, as plain strings: the template does no date or label logic of its own."""
    version = dossier.procedure_version
    requirements = {doc.get("code"): doc for doc in version.documents}
    order = {code: index for index, code in enumerate(requirements)}
    documents = sorted(
        (doc for doc in dossier.documents.all() if doc.kind == DocumentKind.INPUT),
        key=lambda doc: (order.get(doc.requirement, len(order)), doc.created_at),
    )
    rows = []
    for doc in documents:
        spec = requirements.get(doc.requirement) or {}
        copy_type = spec.get("copy_type") or ""
        rows.append(
            {
                "requirement": spec.get("name") or doc.requirement,
                "file": doc.name,
                "copy_type": COPY_TYPES.get(copy_type, copy_type),
                "size_kb": max(1, round(doc.size / 1024)),
            }
        )
    accept_event = (
        dossier.events.select_related("actor").filter(action=Action.ACCEPT).order_by("-at", "-id").first()
        if dossier.accepted_at
        else None
    )
    accepted = dossier.accepted_at is not None
    limit = version.time_limit
    value = limit.value.normalize()
    value_text = f"{value:f}".replace(".", ",")
    due = _local(dossier.due_at)
    applicant = dossier.applicant
    url = tracking_url(dossier.code or "")
    return {
        "agency_name": dossier.agency.name,
        "agency_code": dossier.agency.identity_code,
        "agency_address": dossier.agency.address,
        "code": dossier.code or "",
        "procedure_name": dossier.procedure.name,
        "procedure_code": dossier.procedure.code,
        "applicant_name": applicant.get_full_name(),
        "applicant_phone": getattr(applicant, "phone", ""),
        "applicant_email": applicant.email,
        "channel": CHANNELS.get(dossier.channel, dossier.channel),
        "submitted_at": _moment(dossier.submitted_at),
        "accepted": accepted,
        "accepted_at": _moment(dossier.accepted_at) if accepted else "",
        "due_date": f"{due:%d/%m/%Y}" if accepted and due else "",
        "due_moment": _moment(dossier.due_at) if accepted else "",
        "time_limit": f"{value_text} {TIME_UNITS.get(str(limit.unit), str(limit.unit))}",
        "documents": rows,
        "receiver_name": accept_event.actor.get_full_name() if accept_event and accept_event.actor else "",
        "tracking_url": url,
        "qr": qr_data_uri(url),
        "printed_at": _moment(timezone.now()),
        "date_line": _date_line(dossier.accepted_at or dossier.submitted_at),
        "font_family": "'DejaVu Sans', 'Noto Sans', sans-serif",
    }


def receipt_html(dossier: Dossier) -> str:
    with translation.override("vi"):
        return render_to_string(TEMPLATE, receipt_context(dossier))


def _weasyprint():
    try:
        import weasyprint
    except (ImportError, OSError) as exc:
        # OSError: the Python package is there but Pango (a system library) is not.
        logger.warning("WeasyPrint is unavailable: %s", exc)
        raise ServiceUnavailable(
            _("Chức năng in PDF tạm thời không khả dụng trên máy chủ (thiếu thư viện WeasyPrint/Pango).")
        )
    return weasyprint


def _data_only_fetcher(weasyprint):
    """Resources may only come from data: URIs, so nothing in a dossier can make the renderer fetch a URL."""
    fetcher_class = getattr(weasyprint, "URLFetcher", None)
    if fetcher_class is not None:
        return fetcher_class(allowed_protocols={"data"})

    def fetch(url: str, *args, **kwargs):  # WeasyPrint before 67 takes a plain function
        if not url.startswith("data:"):
            raise ValueError(f"Blocked resource: {url[:80]}")
        return weasyprint.default_url_fetcher(url, *args, **kwargs)

    return fetch


def html_to_pdf(html: str) -> bytes:
    """Render portal HTML to PDF bytes, loading nothing but data: URIs. Every PDF of the portal goes through here.

    Raises ServiceUnavailable (503) when WeasyPrint or Pango is not installed or fails at render time."""
    weasyprint = _weasyprint()
    try:
        return weasyprint.HTML(string=html, url_fetcher=_data_only_fetcher(weasyprint)).write_pdf()
    except OSError as exc:  # a library loaded lazily (Pango, fonts) failed at render time
        logger.exception("PDF rendering failed")
        raise ServiceUnavailable(_("Không tạo được tệp PDF lúc này, vui lòng thử lại sau.")) from exc


def receipt_pdf(dossier: Dossier) -> bytes:
    """The receipt (form 01) for a filed dossier as PDF bytes: agency, code, procedure, applicant, dates, the
    appointment date once accepted, the documents received and a QR code of the public tracking URL."""
    return html_to_pdf(receipt_html(dossier))
