"""PDFs the officer prints: the process-control slip (phiếu kiểm soát quá trình giải quyết hồ sơ), the apology
letter of an extension (form 04, phiếu xin lỗi và hẹn lại ngày trả kết quả) and a result document filled from the
version's result template.

All three are built from the dossier's append-only event log and data, rendered with WeasyPrint exactly as the
receipt is (procedures.receipts): imported lazily, resources restricted to data: URIs, ServiceUnavailable (503)
when Pango is missing.
"""

from __future__ import annotations

import re
from datetime import datetime

from django.template.loader import render_to_string
from django.utils import timezone, translation

from procedures import formschema
from procedures.events import read as event_payload
from procedures.models import Dossier, DossierEvent, Status
from procedures.receipts import html_to_pdf
from procedures.services.calendar import portal_tz
from procedures.workflow import ACTION_LABELS, Action

FONT_FAMILY = "'DejaVu Sans', 'Noto Sans', sans-serif"
# Events that hand a dossier from one step to another (open a step) and those that close the step it was at.
STEP_OPENERS = {Action.ACCEPT, Action.FORWARD, Action.SEND_BACK}
STEP_CLOSERS = {Action.FORWARD, Action.SEND_BACK, Action.COMPLETE, Action.STOP, Action.APPROVE_WITHDRAWAL}


def _local(value: datetime | None) -> datetime | None:
    return timezone.localtime(value, portal_tz()) if value else None


def _moment(value: datetime | None) -> str:
    local = _local(value)
    return f"{local:%H:%M} ngày {local:%d/%m/%Y}" if local else ""


def _name(user) -> str:
    return user.get_full_name() if user else ""


def _render(template: str, context: dict) -> bytes:
    with translation.override("vi"):
        html = render_to_string(template, {**context, "font_family": FONT_FAMILY})
    return html_to_pdf(html)


def _heading(dossier: Dossier) -> dict:
    return {
        "agency_name": dossier.agency.name,
        "agency_code": dossier.agency.identity_code,
        "code": dossier.code or "",
        "procedure_name": dossier.procedure.name,
        "applicant_name": _name(dossier.applicant),
        "printed_at": _moment(timezone.now()),
    }


# --- the process-control slip ---------------------------------------------------------------------------------


def slip_rows(dossier: Dossier, events: list[DossierEvent], steps: list) -> list[dict]:
    """One row per hand-over: the reception of the filing, then every step the dossier entered (accept, forward,
    send back) with who handed it over and when, the step's due date, who closed it and whether on time, then the
    delivery of the result."""
    names = {step.position: step.name for step in steps}
    rows: list[dict] = []
    submit = next((e for e in events if e.action == Action.SUBMIT), None)
    accept = next((e for e in events if e.action == Action.ACCEPT), None)
    if submit:
        rows.append(
            {
                "step": "Tiếp nhận hồ sơ",
                "handed_by": _name(dossier.applicant),
                "received_by": _name(accept.actor) if accept else "",
                "handed_at": _moment(submit.at),
                "due": "",
                "done_at": _moment(accept.at) if accept else "",
                "verdict": "",
            }
        )
    open_row: dict | None = None
    for event in events:
        try:
            action = Action(event.action)
        except ValueError:
            continue
        if action in STEP_CLOSERS and open_row is not None and action != Action.ACCEPT:
            open_row["received_by"] = open_row["received_by"] or _name(event.actor)
            open_row["done_at"] = _moment(event.at)
            due = open_row.pop("_due")
            open_row["verdict"] = "Đúng hạn" if due is None or event.at <= due else "Trễ hạn"
            open_row = None
        if action in STEP_OPENERS:
            due = event_payload(event.action, event.payload).step_due_at
            open_row = {
                "step": f"Bước {event.step}: {names.get(event.step, '')}".strip(),
                "handed_by": _name(event.actor),
                "received_by": "",
                "handed_at": _moment(event.at),
                "due": _moment(due),
                "done_at": "",
                "verdict": "",
                "_due": due,
            }
            rows.append(open_row)
        elif action in (Action.REQUEST_SUPPLEMENT, Action.SUPPLEMENT, Action.REQUEST_PAYMENT, Action.PAY):
            rows.append(
                {
                    "step": str(ACTION_LABELS[action]),
                    "handed_by": _name(event.actor),
                    "received_by": "",
                    "handed_at": _moment(event.at),
                    "due": "",
                    "done_at": "",
                    "verdict": event.comment,
                }
            )
        elif action == Action.DELIVER:
            rows.append(
                {
                    "step": "Trả kết quả",
                    "handed_by": _name(event.actor),
                    "received_by": _name(dossier.applicant),
                    "handed_at": _moment(event.at),
                    "due": _moment(dossier.due_at),
                    "done_at": _moment(event.at),
                    "verdict": "Đúng hạn"
                    if dossier.due_at is None or (dossier.completed_at or event.at) <= dossier.due_at
                    else "Trễ hạn",
                }
            )
    if open_row is not None:
        due = open_row.pop("_due")
        open_row["verdict"] = "Đang xử lý" + (" (quá hạn)" if due and timezone.now() > due else "")
    return rows


def slip_pdf(dossier: Dossier) -> bytes:
    events = list(dossier.events.select_related("actor").order_by("at", "id"))
    steps = sorted(dossier.procedure_version.steps.all(), key=lambda s: s.position)
    context = {
        **_heading(dossier),
        "rows": slip_rows(dossier, events, steps),
        "submitted_at": _moment(dossier.submitted_at),
        "accepted_at": _moment(dossier.accepted_at),
        "due_at": _moment(dossier.due_at),
        "status": str(Status(dossier.status).label),
    }
    return _render("workspace/pdf/slip.html", context)


# --- the apology letter of an extension (form 04) ----------------------------------------------------------------


def apology_pdf(dossier: Dossier, event: DossierEvent) -> bytes:
    payload = event_payload(Action.EXTEND, event.payload)
    context = {
        **_heading(dossier),
        "submitted_at": _moment(dossier.submitted_at),
        "previous_due": _moment(payload.previous_due_at),
        "new_due": _moment(payload.due_at),
        "reason": event.comment,
        "leader": _name(event.actor),
        "date": f"ngày {_local(event.at):%d} tháng {_local(event.at):%m} năm {_local(event.at):%Y}",
    }
    return _render("workspace/pdf/apology.html", context)


# --- a result from the version's template --------------------------------------------------------------------

PLACEHOLDER = re.compile(r"\{([A-Za-z_][\w.]*)\}")


def result_text(dossier: Dossier) -> str:
    """The version's result template with each {field_key} replaced by the dossier's value as the officer's view
    shows it (option labels, dd/mm/yyyy dates...), plus {code}, {applicant_name}, {procedure_name}, {agency_name},
    {date}. An unknown placeholder stays as written so the officer sees what is missing."""
    values = {
        row["key"]: row["value_display"]
        for row in formschema.display_rows(dossier.procedure_version.form_fields, dossier.data, "vi")
    }
    today = _local(timezone.now())
    values.update(
        code=dossier.code or "",
        applicant_name=_name(dossier.applicant),
        procedure_name=dossier.procedure.name,
        agency_name=dossier.agency.name,
        date=f"{today:%d/%m/%Y}",
    )
    template = dossier.procedure_version.result_template or ""
    return PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), template)


def result_pdf(dossier: Dossier) -> bytes:
    today = _local(timezone.now())
    context = {
        **_heading(dossier),
        "lines": result_text(dossier).splitlines(),
        "date": f"ngày {today:%d} tháng {today:%m} năm {today:%Y}",
    }
    return _render("workspace/pdf/result.html", context)
