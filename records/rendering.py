"""Result documents and notices laid out like the official forms, rendered by the portal's one PDF renderer
(procedures.receipts.html_to_pdf: WeasyPrint, data: URIs only, 503 without Pango).

- The result (e.g. GIẤY KHAI SINH) from the procedure version's result template: its first line is the title, each
  other line holds "Label: {field}" pairs (two or more spaces apart), laid out as a table so values never run
  together; then the register number and book, date and place, the signer's capacity, title and name, and a QR code
  to the public verification page.
- The notices of Circular 03/2025: form 02 (supplement request), 03 (refusal), 05 (stop), beside 01 (receipt) and
  04 (apology) that procedures and workspace render.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from procedures import formschema
from procedures.models import Dossier, DossierEvent
from procedures.receipts import html_to_pdf, qr_data_uri, tracking_url
from procedures.services.calendar import portal_tz

FONT_FAMILY = "'DejaVu Serif', 'Noto Serif', 'DejaVu Sans', serif"
PLACEHOLDER = re.compile(r"\{([A-Za-z_][\w.]*)\}")
PAIR_GAP = re.compile(r"\s{2,}")


def verification_url(code: str) -> str:
    return f"{settings.SITE_URL}/xac-thuc/{code}/"


def _local(value: datetime) -> datetime:
    return timezone.localtime(value, portal_tz())


def date_words(value: datetime) -> str:
    local = _local(value)
    return f"ngày {local:%d} tháng {local:%m} năm {local:%Y}"


def _moment(value: datetime | None) -> str:
    return f"{_local(value):%H:%M:%S %d/%m/%Y}" if value else ""


@dataclass(frozen=True)
class Signature:
    """Who signs and in which capacity; printed in the signature block."""

    name: str
    title: str
    place: str
    at: datetime
    signed: bool = True


def _values(dossier: Dossier) -> dict[str, str]:
    fields = dossier.procedure_version.form_fields
    # A field of the form left empty (optional, or hidden by a condition) prints as "…", not as "{key}".
    values = {str(field.get("key")): "" for field in fields if field.get("key")}
    values.update({row["key"]: row["value_display"] for row in formschema.display_rows(fields, dossier.data, "vi")})
    values.update(
        code=dossier.code or "",
        applicant_name=dossier.applicant.get_full_name(),
        procedure_name=dossier.procedure.name,
        agency_name=dossier.agency.name,
    )
    return values


def template_rows(template: str, values: dict[str, str]) -> tuple[str, list[dict], int]:
    """(title, rows, columns) of a result template. A row is {"pairs": [{"label", "value"}], "span"} or {"text"}.

    Placeholders are filled per value, so an empty answer shows as "…" instead of vanishing; an unknown
    placeholder stays as written so whoever checks the draft sees what is missing."""

    def fill(text: str) -> str:
        return PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), text).strip()

    lines = [line for line in (template or "").splitlines() if line.strip()]
    if not lines:
        return "", [], 2
    title, body = fill(lines[0]), lines[1:]
    parsed: list[dict] = []
    for line in body:
        pairs = []
        for segment in PAIR_GAP.split(line.strip()):
            label, colon, value = segment.partition(":")
            if not colon:
                pairs = None
                break
            pairs.append({"label": label.strip(), "value": fill(value)})
        parsed.append({"pairs": pairs} if pairs else {"text": fill(line)})
    columns = max([2 * len(row["pairs"]) for row in parsed if "pairs" in row] or [2])
    for row in parsed:
        if "pairs" in row:
            row["span"] = columns - 2 * len(row["pairs"]) + 1 if len(row["pairs"]) * 2 < columns else 0
    return title, parsed, columns


def _heading(dossier: Dossier, *, number: str, signature: Signature) -> dict:
    agency = dossier.agency
    place = signature.place or settings.RECORDS_PLACE
    return {
        "parent_name": agency.parent.name if agency.parent_id else "",
        "agency_name": agency.name,
        "agency_address": agency.address,
        "number": number,
        "place_date": f"{place}, {date_words(signature.at)}",
        "code": dossier.code or "",
        "procedure_name": dossier.procedure.name,
        "applicant_name": dossier.applicant.get_full_name(),
        "signer_capacity": f"TM. {agency.name}",
        "signer_title": signature.title,
        "signer_name": signature.name,
        "signed": signature.signed,
        "signed_moment": _moment(signature.at),
        "font_family": FONT_FAMILY,
    }


def _html(template: str, context: dict) -> str:
    with translation.override("vi"):
        return render_to_string(template, context)


def result_pdf(dossier: Dossier, **options) -> bytes:
    """The result document to be signed, as PDF (see result_html)."""
    return html_to_pdf(result_html(dossier, **options))


def result_html(
    dossier: Dossier,
    *,
    signature: Signature,
    register_number: str,
    book: str,
    verification_code: str,
    denial_reason: str = "",
) -> str:
    """The result document to be signed. Approved: the procedure's result laid out as its official form.
    Denied: a notice that the request is not granted, with the reason (the result of a denial)."""
    url = verification_url(verification_code)
    context = {
        **_heading(dossier, number=register_number, signature=signature),
        "register_number": register_number,
        "book": book,
        "verification_code": verification_code,
        "verification_url": url,
        "qr": qr_data_uri(url),
        "footer": f"Mã hồ sơ {dossier.code} · Mã xác thực {verification_code}",
    }
    if dossier.outcome == "denied":
        context.update(
            title="Thông báo",
            subtitle="Về việc không giải quyết hồ sơ thủ tục hành chính",
            paragraphs=["Sau khi xem xét, thẩm định hồ sơ, cơ quan thông báo không giải quyết hồ sơ với lý do sau:"],
            items=[denial_reason or "Hồ sơ không đủ điều kiện theo quy định."],
            closing=["Xin thông báo để ông/bà được biết."],
            tracking_url=tracking_url(dossier.code or ""),
            form_label="",
        )
        return _html("records/pdf/notice.html", context)
    title, rows, columns = template_rows(dossier.procedure_version.result_template, _values(dossier))
    context.update(title=title or dossier.procedure.name, subtitle="", rows=rows, columns=columns)
    return _html("records/pdf/result.html", context)


# --- the notices of Circular 03/2025 -------------------------------------------------------------------------------

NOTICE_FORMS = {
    "02": ("request_supplement", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ", "Mẫu số 02"),
    "03": ("refuse", "Phiếu từ chối tiếp nhận, giải quyết hồ sơ", "Mẫu số 03"),
    "05": ("stop", "Phiếu dừng giải quyết hồ sơ", "Mẫu số 05"),
}


def notice_pdf(dossier: Dossier, form: str, event: DossierEvent) -> bytes:
    return html_to_pdf(notice_html(dossier, form, event))


def notice_html(dossier: Dossier, form: str, event: DossierEvent) -> str:
    """Form 02, 03 or 05 for the event that decided it, signed off (on paper) by the officer who acted."""
    _action, title, label = NOTICE_FORMS[form]
    actor = event.actor
    signature = Signature(
        name=actor.get_full_name() if actor else "",
        title={"02": "Người hướng dẫn", "03": "Người tiếp nhận", "05": "Thủ trưởng cơ quan"}[form],
        place=settings.RECORDS_PLACE,
        at=event.at,
        signed=False,
    )
    reason = event.comment or str((event.payload or {}).get("reason") or "")
    if form == "02":
        paragraphs = [
            "Sau khi xem xét, đối chiếu thành phần hồ sơ, cơ quan đề nghị ông/bà bổ sung, hoàn thiện hồ sơ "
            "gồm những nội dung sau:"
        ]
        items = list((event.payload or {}).get("items") or [])
        closing = [
            "Thời hạn giải quyết hồ sơ tạm dừng cho đến khi ông/bà bổ sung đầy đủ. Trong quá trình hoàn thiện hồ sơ, "
            "nếu có vướng mắc, ông/bà liên hệ bộ phận tiếp nhận và trả kết quả để được hướng dẫn."
        ]
    elif form == "03":
        paragraphs = ["Qua xem xét, cơ quan thông báo không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:"]
        items = [reason]
        closing = ["Xin thông báo để ông/bà được biết và thực hiện."]
    else:
        paragraphs = ["Cơ quan thông báo dừng giải quyết hồ sơ của ông/bà với lý do cụ thể như sau:"]
        items = [reason]
        closing = ["Cơ quan xin thông báo để ông/bà được biết; mọi thắc mắc xin liên hệ bộ phận một cửa."]
    context = {
        **_heading(dossier, number=f"{dossier.code}/{form}", signature=signature),
        "title": title,
        "subtitle": "",
        "form_label": f"{label} (Thông tư 03/2025/TT-VPCP)",
        "paragraphs": paragraphs,
        "items": [item for item in items if item],
        "closing": closing,
        "submitted_at": _moment(dossier.submitted_at),
        "tracking_url": tracking_url(dossier.code or ""),
        "qr": "",
        "footer": f"Mã hồ sơ {dossier.code}",
    }
    return _html("records/pdf/notice.html", context)
