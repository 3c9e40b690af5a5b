"""Presentation helpers shared by the citizen pages: localised names and human-readable catalogue values.

Pure formatting only; reads go through `procedures.selectors`, writes through `procedures.services`.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.formats import get_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from procedures.models import Status
from procedures.services.documents import kinds_display

COPY_TYPE_LABELS = {
    "original": gettext_lazy("Bản chính"),
    "copy": gettext_lazy("Bản sao"),
    "certified_copy": gettext_lazy("Bản sao có chứng thực"),
}
APPLICANT_TYPE_LABELS = {
    "citizen": gettext_lazy("Công dân Việt Nam"),
    "business": gettext_lazy("Tổ chức, doanh nghiệp"),
    "foreigner": gettext_lazy("Người nước ngoài"),
}

# Badge colour families; the template adds the status value as a class too, so a state may be styled on its own.
STATUS_TONES = {
    Status.DRAFT: "neutral",
    Status.SUBMITTED: "info",
    Status.PROCESSING: "info",
    Status.SUPPLEMENT_REQUESTED: "warning",
    Status.AWAITING_PAYMENT: "warning",
    Status.WITHDRAWAL_REQUESTED: "warning",
    Status.COMPLETED: "success",
    Status.DELIVERED: "success",
    Status.REFUSED: "danger",
    Status.STOPPED: "danger",
    Status.WITHDRAWN: "neutral",
}


def is_english() -> bool:
    return (get_language() or "vi").lower().startswith("en")


def localized(obj: Any, attr: str = "name") -> str:
    """`obj.<attr>_en` when English is active and it is filled in, else the Vietnamese `obj.<attr>`.

    Works on model instances and on template dicts (`{"name": ..., "name_en": ...}`)."""
    getter = obj.get if isinstance(obj, dict) else lambda key, default="": getattr(obj, key, default)
    if is_english():
        english = getter(f"{attr}_en", "")
        if english:
            return english
    return getter(attr, "") or ""


def decimal_display(value: Any) -> str:
    """5.00 -> "5", 0.50 -> "0,5" in Vietnamese ("0.5" in English)."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    text = format(number.quantize(Decimal(1)) if number == number.to_integral() else number.normalize(), "f")
    return text.replace(".", get_format("DECIMAL_SEPARATOR"))


def grouped(amount: int) -> str:
    """50000 -> "50.000" in Vietnamese, "50,000" in English (the vi locale defines no grouping of its own)."""
    return f"{int(amount):,}".replace(",", get_format("THOUSAND_SEPARATOR"))


def money_display(amount: int | None) -> str:
    if not amount:
        return _("Miễn phí")
    return _("%(amount)s đồng") % {"amount": grouped(amount)}


def time_limit_display(value: Any, unit: str, cutoff: Any = None, *, short: bool = False) -> str:
    """A time limit as the catalogue prints it: "5 ngày làm việc", "Trong ngày (nhận trước 15:00)"."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        number = None
    if number is not None and number == 0:
        if cutoff:
            hhmm = cutoff.strftime("%H:%M") if hasattr(cutoff, "strftime") else str(cutoff)[:5]
            if short:
                return _("Trong ngày (nhận trước %(cutoff)s)") % {"cutoff": hhmm}
            return _("Trong ngày làm việc (hồ sơ nhận sau %(cutoff)s được trả vào ngày làm việc tiếp theo)") % {
                "cutoff": hhmm
            }
        return _("Trong ngày làm việc")
    shown = decimal_display(value)
    if unit == "calendar_days":
        return _("%(n)s ngày") % {"n": shown}
    if unit == "hours":
        return _("%(n)s giờ làm việc") % {"n": shown}
    return _("%(n)s ngày làm việc") % {"n": shown}


def accept_display(mime_types: list[str] | None) -> str:
    return kinds_display(mime_types or [])


def status_tone(status: str) -> str:
    try:
        return STATUS_TONES[Status(status)]
    except ValueError:
        return "neutral"


def status_label(status: str) -> str:
    try:
        return str(Status(status).label)
    except ValueError:
        return status
