"""Workflow actions over the API and the permission matrix: 404 for what is not yours (before anything else),
403 for what your role may not do, 409 for what the state does not offer or a stale version."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from procedures.models import Dossier, Status
from procedures.services.calendar import portal_tz, working_calendar
from tests.api import DOSSIERS, accepted, act, at_step, create_draft, ok, submitted, url
from tests.conftest import client_for, module_world

world = module_world()  # the tests only read the world

pytestmark = pytest.mark.django_db


def _call(user, dossier, how: str):
    client = client_for(user)
    if how == "get":
        return client.get(url(dossier))
    if how == "patch":
        return client.patch(url(dossier), {"data": {"copies": 1}}, format="json")
    if how == "submit":
        return client.post(url(dossier, "submit/"), {}, format="json")
    if how == "action":
        return client.post(
            url(dossier, "actions/"), {"action": "withdraw", "version": dossier["version"]}, format="json"
        )
    if how == "garbage-action":  # a malformed body still gets 404 first: the dossier does not exist for them
        return client.post(url(dossier, "actions/"), {"action": "fly", "version": "x"}, format="json")
    raise AssertionError(how)


CALLS = ["get", "patch", "submit", "action", "garbage-action"]


# --- 404: not yours ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("how", CALLS)
@pytest.mark.parametrize("stage", ["draft", "submitted", "processing"])
def test_another_applicant_gets_404(world, how, stage):
    dossier = {"draft": create_draft, "submitted": submitted, "processing": accepted}[stage](world)
    response = _call(world.citizen2, dossier, how)
    assert response.status_code == 404, response.content
    assert response.json()["code"] == "not_found"
    assert Dossier.objects.get(pk=dossier["id"]).version == dossier["version"]


@pytest.mark.parametrize("how", CALLS)
def test_another_agencys_staff_get_404(world, how):
    dossier = submitted(world)
    response = _call(world.other_reception, dossier, how)
    assert response.status_code == 404
    response = client_for(world.other_reception).post(
        url(dossier, "actions/"), {"action": "accept", "version": dossier["version"]}, format="json"
    )
    assert response.status_code == 404
    assert Dossier.objects.get(pk=dossier["id"]).status == Status.SUBMITTED


@pytest.mark.parametrize("user", ["reception", "specialist", "leader"])
def test_drafts_are_invisible_to_staff(world, user):
    draft = create_draft(world)
    staff = getattr(world, user)
    assert client_for(staff).get(url(draft)).status_code == 404
    assert draft["id"] not in {row["id"] for row in ok(client_for(staff).get(DOSSIERS))["results"]}
    response = client_for(staff).post(url(draft, "actions/"), {"action": "comment", "version": 1, "comment": "x"})
    assert response.status_code == 404


def test_unknown_action_on_someone_elses_dossier_is_404_not_400(world):
    dossier = submitted(world)
    response = client_for(world.citizen2).post(
        url(dossier, "actions/"), {"action": "no_such_action", "version": dossier["version"]}, format="json"
    )
    assert response.status_code == 404


# --- 403: not your role ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "action, extra", [("accept", {}), ("refuse", {"reason": "x"}), ("request_supplement", {"items": ["x"]})]
)
def test_applicant_asking_for_a_reception_action_gets_403(world, action, extra):
    dossier = submitted(world)
    response = act(world.citizen, dossier, action, **extra)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert Dossier.objects.get(pk=dossier["id"]).status == Status.SUBMITTED


def test_specialist_may_not_accept(world):
    dossier = submitted(world)
    assert act(world.specialist, dossier, "accept").status_code == 403


def test_only_the_step_role_forwards(world):
    dossier = accepted(world)  # step 1 belongs to reception
    assert act(world.specialist, dossier, "forward").status_code == 403
    assert act(world.leader, dossier, "forward").status_code == 403
    assert ok(act(world.reception, dossier, "forward"))["current_step"]["index"] == 2


def test_staff_may_not_submit_or_pay_for_the_applicant(world):
    dossier = accepted(world)
    dossier = ok(act(world.specialist, dossier, "request_payment", amount=50000))
    assert dossier["status"] == "awaiting_payment" and dossier["fee_amount"] == 50000
    assert act(world.reception, dossier, "pay").status_code == 403
    # Nobody pays through the actions endpoint, the applicant included (only a verified provider notification).
    assert act(world.citizen, dossier, "pay", reference="I-did-not-pay").status_code == 403


# --- 409: not now ----------------------------------------------------------------------------------------------------


def test_complete_at_the_first_step_is_not_available(world):
    # The table offers `complete` only at the last step (guard is_last_step): at step 1 the leader, who completes
    # at the last step, gets 409; reception, who never completes this procedure, gets 403.
    dossier = accepted(world)
    response = act(world.leader, dossier, "complete", outcome="approved")
    assert response.status_code == 409
    assert response.json()["code"] == "action_not_available"
    assert act(world.reception, dossier, "complete", outcome="approved").status_code == 403


def test_accept_twice_is_a_conflict(world):
    dossier = accepted(world)
    assert act(world.reception, dossier, "accept").status_code == 409


def test_stale_version_is_a_conflict(world):
    dossier = submitted(world)
    response = act(world.reception, dossier, "accept", version=dossier["version"] - 1)
    assert response.status_code == 409
    assert response.json()["code"] == "stale_version"
    assert Dossier.objects.get(pk=dossier["id"]).status == Status.SUBMITTED


def test_two_officers_acting_on_the_same_version_one_wins(world):
    dossier = submitted(world)
    ok(act(world.reception, dossier, "accept"))
    response = act(world.reception, dossier, "refuse", reason="Thiếu giấy tờ")
    assert response.status_code == 409


# --- actions and their payloads --------------------------------------------------------------------------------------


def test_missing_payload_is_a_400_naming_the_field(world):
    dossier = submitted(world)
    response = act(world.reception, dossier, "refuse")
    assert response.status_code == 400 and "reason" in response.json()


def test_refuse_with_reason(world):
    dossier = ok(act(world.reception, submitted(world), "refuse", reason="Không thuộc thẩm quyền"))
    assert dossier["status"] == "refused"
    assert dossier["history"][-1]["comment"] == "Không thuộc thẩm quyền"


def test_withdraw_before_acceptance(world):
    dossier = ok(act(world.citizen, submitted(world), "withdraw"))
    assert dossier["status"] == "withdrawn"


def test_withdrawal_after_acceptance_needs_reception(world):
    dossier = ok(act(world.citizen, accepted(world), "withdraw"))
    assert dossier["status"] == "withdrawal_requested"
    dossier = ok(act(world.reception, dossier, "approve_withdrawal"))
    assert dossier["status"] == "withdrawn"


def test_leader_extends_keeping_the_original_due_date(world):
    dossier = at_step(world, 3)
    due = datetime.fromisoformat(dossier["due_at"]).astimezone(portal_tz()).date()
    calendar = working_calendar()
    new_day = due + timedelta(days=7)
    while not calendar.is_working_day(new_day):
        new_day += timedelta(days=1)
    extended = ok(act(world.leader, dossier, "extend", due_at=new_day.isoformat(), reason="Cần xác minh thêm"))
    assert extended["due_at"].startswith(new_day.isoformat())
    assert extended["original_due_at"] == dossier["original_due_at"]


def test_send_back_to_the_previous_step(world):
    dossier = at_step(world, 3)
    dossier = ok(act(world.leader, dossier, "send_back", reason="Thẩm định lại"))
    assert dossier["current_step"]["index"] == 2


def test_leader_stops_processing(world):
    dossier = ok(act(world.leader, accepted(world), "stop", reason="Người nộp đã mất năng lực hành vi"))
    assert dossier["status"] == "stopped" and dossier["available_actions"] == ["comment"]


def test_available_actions_follow_role_and_state(world):
    dossier = accepted(world)
    by_reception = ok(client_for(world.reception).get(url(dossier)))["available_actions"]
    by_leader = ok(client_for(world.leader).get(url(dossier)))["available_actions"]
    by_citizen = ok(client_for(world.citizen).get(url(dossier)))["available_actions"]
    assert "forward" in by_reception and "forward" not in by_leader
    assert {"extend", "stop", "assign"} <= set(by_leader)
    assert by_citizen == ["withdraw"]
