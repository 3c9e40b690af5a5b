"""Helpers that drive dossiers through the real services (no status is ever written by hand).

`drive(world, "processing@2")` returns a dossier that reached that state the way a real one does: created, filed,
accepted, forwarded... each action at its own moment on the clock, so deadline fields are realistic too.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

from citizens.models import User
from procedures.models import Document, DocumentKind, Dossier, Outcome, Status
from procedures.services.dossiers import dossier_create, dossier_perform_action
from procedures.workflow import Action
from tests.conftest import PDF_BYTES, VALID_DATA, at
from tests.helpers import act

# A plain week: Monday 5 October 2026, no holiday within two weeks either side.
T0 = at(2026, 10, 5, 9, 0)

# Every state a dossier can be in, with the two ways into supplement_requested and the three processing steps.
STATES = (
    "draft",
    "submitted",
    "supplement_requested@submitted",
    "supplement_requested@processing",
    "processing@1",
    "processing@2",
    "processing@3",
    "awaiting_payment",
    "withdrawal_requested",
    "completed",
    "delivered",
    "refused",
    "stopped",
    "withdrawn",
)

# How each state is reached: (action, who, payload) after filing, in order. Who is a World attribute.
_PATHS: dict[str, list[tuple[Action, str, dict[str, Any]]]] = {
    "draft": [],
    "submitted": [(Action.SUBMIT, "citizen", {})],
    "supplement_requested@submitted": [
        (Action.SUBMIT, "citizen", {}),
        (Action.REQUEST_SUPPLEMENT, "reception", {"items": ["Tờ khai chưa ký"]}),
    ],
    "processing@1": [(Action.SUBMIT, "citizen", {}), (Action.ACCEPT, "reception", {})],
}
_PATHS["processing@2"] = [*_PATHS["processing@1"], (Action.FORWARD, "reception", {})]
_PATHS["processing@3"] = [*_PATHS["processing@2"], (Action.FORWARD, "specialist", {})]
_PATHS["supplement_requested@processing"] = [
    *_PATHS["processing@2"],
    (Action.REQUEST_SUPPLEMENT, "specialist", {"items": ["Bản sao giấy chứng sinh"]}),
]
_PATHS["awaiting_payment"] = [*_PATHS["processing@2"], (Action.REQUEST_PAYMENT, "specialist", {"amount": 50000})]
_PATHS["withdrawal_requested"] = [*_PATHS["processing@2"], (Action.WITHDRAW, "citizen", {})]
_PATHS["completed"] = [*_PATHS["processing@3"], (Action.COMPLETE, "leader", {"outcome": Outcome.APPROVED})]
_PATHS["delivered"] = [*_PATHS["completed"], (Action.DELIVER, "reception", {})]
_PATHS["refused"] = [(Action.SUBMIT, "citizen", {}), (Action.REFUSE, "reception", {"reason": "Sai thẩm quyền"})]
_PATHS["stopped"] = [*_PATHS["processing@2"], (Action.STOP, "leader", {"reason": "Có tranh chấp"})]
_PATHS["withdrawn"] = [(Action.SUBMIT, "citizen", {}), (Action.WITHDRAW, "citizen", {})]

assert set(_PATHS) == set(STATES)


def split_state(state: str) -> tuple[Status, int | None]:
    """'processing@2' -> (processing, 2); 'supplement_requested@submitted' -> (supplement_requested, None)."""
    status, _, rest = state.partition("@")
    return Status(status), int(rest) if rest.isdigit() else None


def attach(
    dossier: Dossier, requirement: str = "declaration", *, by: User | None = None, kind: str = DocumentKind.INPUT
) -> Document:
    """A stored document row (uploading is the documents service's job; the workflow only needs the row)."""
    return Document.objects.create(
        dossier=dossier,
        kind=kind,
        requirement=requirement,
        file=f"dossiers/{dossier.pk}/{requirement}",
        name=f"{requirement}.pdf",
        size=len(PDF_BYTES),
        content_type="application/pdf",
        sha256=hashlib.sha256(PDF_BYTES).hexdigest(),
        uploaded_by=by or dossier.applicant,
    )


def new_draft(
    world,
    *,
    applicant: User | None = None,
    procedure_code: str | None = None,
    data: dict | None = None,
    documents: tuple[str, ...] = ("declaration",),
    case_code: str = "",
    now: datetime = T0,
) -> Dossier:
    applicant = applicant or world.citizen
    dossier = dossier_create(
        applicant=applicant,
        procedure_code=procedure_code or world.procedure.code,
        data=VALID_DATA if data is None else data,
        case_code=case_code,
        now=now,
    )
    for requirement in documents:
        attach(dossier, requirement, by=applicant)
    return dossier


def system_pay(dossier: Dossier | Any, *, now: datetime, **payload) -> Dossier:
    """`pay` as the payments service applies it on a verified provider notification (no person may)."""
    pk = dossier.pk if isinstance(dossier, Dossier) else dossier
    version = Dossier.objects.values_list("version", flat=True).get(pk=pk)
    return dossier_perform_action(
        dossier_id=pk, action=Action.PAY, actor=None, system=True, version=version, payload=payload, now=now
    )


def drive(
    world,
    state: str,
    *,
    start: datetime = T0,
    step: timedelta = timedelta(minutes=10),
    e_result: bool = True,
    **draft_options,
):
    """A dossier in `state`, reached through the services; actions are `step` apart starting at `start`.
    With `e_result` the last step attaches an electronic result before completing (so the applicant may download
    it, which counts as delivery)."""
    dossier = new_draft(world, now=start, **draft_options)
    moment = start
    for action, who, payload in _PATHS[state]:
        moment += step
        if action == Action.COMPLETE and e_result:
            attach(dossier, "result", by=world.leader, kind=DocumentKind.RESULT)
        actor = dossier.applicant if who == "citizen" else getattr(world, who)  # "citizen": whoever applied
        dossier = act(dossier, action, actor, now=moment, **payload)
    dossier = Dossier.objects.get(pk=dossier.pk)
    expected_status, expected_step = split_state(state)
    assert dossier.status == expected_status, (state, dossier.status)
    if expected_step is not None:
        assert dossier.current_step == expected_step
    return dossier


def accepted_at(world, moment: datetime, **draft_options) -> Dossier:
    """A dossier filed shortly before `moment` and accepted by reception exactly at `moment`."""
    dossier = new_draft(world, now=moment - timedelta(hours=1), **draft_options)
    dossier = act(dossier, Action.SUBMIT, dossier.applicant, now=moment - timedelta(minutes=30))
    return act(dossier, Action.ACCEPT, world.reception, now=moment)
