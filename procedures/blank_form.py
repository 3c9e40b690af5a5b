"""The blank declaration form (tờ khai) of a procedure as a printable PDF, laid out from the same form schema the
online wizard uses, for citizens who file on paper or want to prepare at home; and links from the legal basis to
the national legal-document database."""

from __future__ import annotations

import re
from urllib.parse import quote

from django.conf import settings
from django.template.loader import render_to_string

from procedures.models import Procedure
from procedures.receipts import html_to_pdf

# A Vietnamese legal document number: 60/2014/QH13, 123/2015/NĐ-CP, 66.7/2025/NQ-CP.
DOCUMENT_NUMBER = re.compile(r"\b\d+(?:\.\d+)?/\d{4}/[A-ZĐ0-9]+(?:-[A-ZĐ0-9]+)*")
GROUP_ROWS = 3  # blank rows printed for a repeating group


def legal_basis_items(text: str) -> list[dict]:
    """Each item of the legal basis with a link per document number it names."""
    items = []
    for part in re.split(r";|\n", text or ""):
        part = part.strip()
        if not part:
            continue
        links = [
            {"number": number, "url": settings.LEGAL_DOCUMENT_URL.format(number=quote(number))}
            for number in DOCUMENT_NUMBER.findall(part)
        ]
        items.append({"text": part, "links": links})
    return items


def _lines(field: dict) -> dict:
    kind = field.get("type")
    row = {
        "label": field.get("label", ""),
        "type": kind,
        "required": bool(field.get("required")),
        "help": field.get("help", ""),
    }
    if kind in ("select", "multiselect", "checkbox") and field.get("options"):
        row["options"] = [option.get("label", option.get("value", "")) for option in field["options"]]
    if kind == "group":
        row["columns"] = [sub.get("label", "") for sub in field.get("fields", [])]
        row["rows"] = range(GROUP_ROWS)
    row["tall"] = kind in ("textarea", "address")
    return row


def blank_form_pdf(procedure: Procedure) -> bytes:
    version = procedure.current_version
    html = render_to_string(
        "procedures/pdf/blank_form.html",
        {
            "procedure": procedure,
            "agency": procedure.agency,
            "fields": [_lines(field) for field in version.form_fields],
            "documents": version.documents,
            "font_family": "'DejaVu Sans', 'Noto Sans', sans-serif",
        },
    )
    return html_to_pdf(html)
