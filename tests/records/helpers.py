from __future__ import annotations

from datetime import timedelta

from procedures.models import Dossier, Outcome
from procedures.workflow import Action
from tests.procedures.dossier_flow import T0, act, drive

DONE_AT = T0 + timedelta(hours=2)


def complete(world, *, outcome=Outcome.APPROVED, actor=None, start=T0, **options) -> Dossier:
    """A dossier driven to its last step, then completed by the leader (no hand-made result document: the records
    hook makes the signed one)."""
    dossier = drive(world, "processing@3", start=start, e_result=False, **options)
    payload = {"outcome": outcome}
    if outcome == Outcome.DENIED:
        payload["comment"] = "Người yêu cầu không thuộc trường hợp được đăng ký."
    return act(dossier, Action.COMPLETE, actor or world.leader, now=start + timedelta(hours=2), **payload)
