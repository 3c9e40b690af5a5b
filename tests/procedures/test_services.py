"""Dossier services beyond the transition matrix: creating and editing drafts, every payload check, delivery,
assignment, notifications hand-off, the append-only history (in Python and, on PostgreSQL, in the database) and
the selectors other modules build on."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.db import IntegrityError, connection, transaction

from citizens.models import StaffMembership
from procedures.errors import ActionForbidden, ActionNotAvailable, InvalidInput, NotFound, StaleVersion
from procedures.models import Channel, Dossier, DossierEvent, Procedure, Status
from procedures.selectors import dossier_facts, dossier_steps, is_overdue, procedure_list
from procedures.services.catalogue import procedure_import
from procedures.services.dossiers import dossier_create, dossier_perform_action, dossier_update_data
from procedures.workflow import Action
from tests.conftest import at, module_world, procedure_template
from tests.helpers import replace_event_hook
from tests.procedures.dossier_flow import T0, act, drive, new_draft

world = module_world()  # the tests only read the world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def later(hours: float = 1) -> datetime:
    return T0 + timedelta(hours=hours)


# --- dossier_create -----------------------------------------------------------------------------------------------


def test_create_makes_a_draft_under_the_current_version_with_a_create_event(world):
    dossier = dossier_create(applicant=world.citizen, procedure_code="T.0001", data={"full_name": " An "}, now=T0)
    assert (dossier.status, dossier.version, dossier.code, dossier.agency) == (Status.DRAFT, 1, None, world.agency)
    assert dossier.procedure_version == world.version
    assert dossier.data["full_name"] == "An"  # cleaned
    event = DossierEvent.objects.get(dossier=dossier)
    assert (event.action, event.from_status, event.to_status, event.actor, event.at) == (
        "create",
        "",
        "draft",
        world.citizen,
        T0,
    )


def test_create_in_person_records_the_officer_who_digitised_it(world):
    dossier = dossier_create(
        applicant=world.citizen, procedure_code="T.0001", channel=Channel.IN_PERSON, created_by=world.reception
    )
    assert dossier.channel == Channel.IN_PERSON
    assert DossierEvent.objects.get(dossier=dossier).actor == world.reception


@pytest.mark.parametrize(
    ("kwargs", "key"),
    [
        ({"procedure_code": "NOPE"}, "procedure"),
        ({"channel": "fax"}, "channel"),
        ({"case_code": "nope"}, "case"),
        ({"data": ["not", "a", "dict"]}, "data"),
        ({"data": {"copies": "many"}}, "copies"),
    ],
)
def test_create_rejects_bad_input(world, kwargs, key):
    with pytest.raises(InvalidInput) as excinfo:
        dossier_create(**{"applicant": world.citizen, "procedure_code": "T.0001", **kwargs})
    assert key in excinfo.value.errors
    assert not Dossier.objects.exists()


def test_create_refuses_an_inactive_procedure(world):
    Procedure.objects.filter(pk=world.procedure.pk).update(is_active=False)
    with pytest.raises(InvalidInput):
        dossier_create(applicant=world.citizen, procedure_code="T.0001")


def test_a_draft_keeps_its_version_when_the_template_changes(world):
    dossier = new_draft(world)
    procedure_import(template=procedure_template(version={"fee": 70000}), agency=world.agency)
    dossier = act(dossier, Action.SUBMIT, world.citizen, now=later())
    assert dossier.procedure_version == world.version
    assert dossier.fee_amount == 50000


def test_naive_moments_are_refused(world):
    dossier = new_draft(world)
    with pytest.raises(ValueError):
        dossier_perform_action(
            dossier_id=dossier.pk, action="submit", actor=world.citizen, version=1, now=datetime(2026, 10, 5, 9)
        )
    with pytest.raises(ValueError):
        dossier_create(applicant=world.citizen, procedure_code="T.0001", now=datetime(2026, 10, 5, 9))


# --- dossier_update_data ------------------------------------------------------------------------------------------


def test_update_data_merges_checks_types_and_bumps_the_version(world):
    dossier = new_draft(world, data={"full_name": "An"})
    dossier = dossier_update_data(dossier_id=dossier.pk, actor=world.citizen, data={"copies": "3"}, version=1)
    assert (dossier.data, dossier.version) == ({"full_name": "An", "copies": 3}, 2)
    with pytest.raises(StaleVersion):
        dossier_update_data(dossier_id=dossier.pk, actor=world.citizen, data={"copies": 4}, version=1)
    with pytest.raises(InvalidInput) as excinfo:
        dossier_update_data(dossier_id=dossier.pk, actor=world.citizen, data={"copies": 99}, version=2)
    assert "copies" in excinfo.value.errors
    with pytest.raises(InvalidInput):
        dossier_update_data(dossier_id=dossier.pk, actor=world.citizen, data=["x"], version=2)
    assert Dossier.objects.get(pk=dossier.pk).data == {"full_name": "An", "copies": 3}


def test_update_data_is_refused_once_filed(world):
    dossier = drive(world, "submitted")
    with pytest.raises(ActionNotAvailable):
        dossier_update_data(dossier_id=dossier.pk, actor=world.citizen, data={"copies": 1})
    with pytest.raises(NotFound):
        dossier_update_data(dossier_id=dossier.pk, actor=world.citizen2, data={"copies": 1})
    with pytest.raises(ActionForbidden):
        dossier_update_data(dossier_id=dossier.pk, actor=world.reception, data={"copies": 1})


def test_during_a_supplement_only_the_named_fields_may_change_and_must_stay_complete(world):
    dossier = drive(world, "processing@2")
    dossier = act(
        dossier,
        Action.REQUEST_SUPPLEMENT,
        world.specialist,
        now=later(),
        items=["Số định danh sai"],
        fields=["national_id"],
        documents=["declaration"],
    )
    with pytest.raises(InvalidInput) as excinfo:
        dossier_update_data(dossier_id=dossier.pk, actor=world.citizen, data={"full_name": "Khác"})
    assert "full_name" in excinfo.value.errors
    with pytest.raises(InvalidInput):
        dossier_update_data(dossier_id=dossier.pk, actor=world.citizen, data={"national_id": ""})  # required
    dossier = dossier_update_data(dossier_id=dossier.pk, actor=world.citizen, data={"national_id": "001203009999"})
    assert dossier.data["national_id"] == "001203009999"
    dossier = act(dossier, Action.SUPPLEMENT, world.citizen, now=later(2))
    assert dossier.status == Status.PROCESSING


def test_supplement_is_refused_while_something_is_still_missing(world):
    dossier = drive(world, "supplement_requested@processing")
    dossier.documents.all().delete()
    with pytest.raises(InvalidInput) as excinfo:
        act(dossier, Action.SUPPLEMENT, world.citizen, now=later())
    assert "documents.declaration" in excinfo.value.errors
    assert Dossier.objects.get(pk=dossier.pk).status == Status.SUPPLEMENT_REQUESTED


# --- every payload check ------------------------------------------------------------------------------------------

P1, P2, P3 = "processing@1", "processing@2", "processing@3"

BAD_PAYLOADS = [
    # (state, actor, action, payload, the field named in the error)
    ("submitted", "reception", Action.REQUEST_SUPPLEMENT, {}, "items"),
    ("submitted", "reception", Action.REQUEST_SUPPLEMENT, {"items": []}, "items"),
    ("submitted", "reception", Action.REQUEST_SUPPLEMENT, {"items": "Tờ khai"}, "items"),
    ("submitted", "reception", Action.REQUEST_SUPPLEMENT, {"items": ["  "]}, "items"),
    ("submitted", "reception", Action.REQUEST_SUPPLEMENT, {"items": [3]}, "items"),
    ("submitted", "reception", Action.REQUEST_SUPPLEMENT, {"items": ["x"], "fields": ["nope"]}, "fields"),
    ("submitted", "reception", Action.REQUEST_SUPPLEMENT, {"items": ["x"], "fields": [{"key": "a"}]}, "fields"),
    ("submitted", "reception", Action.REQUEST_SUPPLEMENT, {"items": ["x"], "fields": "full_name"}, "fields"),
    ("submitted", "reception", Action.REQUEST_SUPPLEMENT, {"items": ["x"], "documents": ["passport"]}, "documents"),
    ("submitted", "reception", Action.REQUEST_SUPPLEMENT, {"items": ["x"], "documents": [["a"]]}, "documents"),
    ("submitted", "reception", Action.REFUSE, {}, "reason"),
    ("submitted", "reception", Action.REFUSE, {"reason": "   "}, "reason"),
    (P3, "leader", Action.SEND_BACK, {}, "reason"),
    (P2, "leader", Action.STOP, {"comment": "no reason given"}, "reason"),
    ("withdrawal_requested", "reception", Action.REJECT_WITHDRAWAL, {}, "reason"),
    (P3, "leader", Action.COMPLETE, {}, "outcome"),
    (P3, "leader", Action.COMPLETE, {"outcome": "maybe"}, "outcome"),
    (P2, "leader", Action.EXTEND, {"reason": "x"}, "due_at"),
    (P2, "leader", Action.EXTEND, {"due_at": "2026-10-20"}, "reason"),
    (P2, "specialist", Action.REQUEST_PAYMENT, {}, "amount"),
    (P2, "specialist", Action.REQUEST_PAYMENT, {"amount": 0}, "amount"),
    (P2, "specialist", Action.REQUEST_PAYMENT, {"amount": -5000}, "amount"),
    (P2, "specialist", Action.REQUEST_PAYMENT, {"amount": "50000"}, "amount"),
    (P2, "specialist", Action.REQUEST_PAYMENT, {"amount": 1.5}, "amount"),
    (P2, "specialist", Action.REQUEST_PAYMENT, {"amount": True}, "amount"),
    (P2, "leader", Action.ASSIGN, {}, "assignee"),
    (P2, "leader", Action.ASSIGN, {"assignee": "abc"}, "assignee"),
    (P2, "leader", Action.ASSIGN, {"assignee": 987654}, "assignee"),
    (P2, "leader", Action.ASSIGN, {"assignee": "other_specialist"}, "assignee"),  # another agency's officer
    (P2, "leader", Action.ASSIGN, {"assignee": "citizen"}, "assignee"),  # not staff
    (P1, "reception", Action.FORWARD, {"assignee": "leader"}, "assignee"),  # step 2 is the specialist's
    (P2, "leader", Action.COMMENT, {}, "comment"),
    ("completed", "reception", Action.DELIVER, {"channel": "fax"}, "channel"),
    ("completed", "citizen", Action.DELIVER, {"channel": "desk"}, "channel"),  # the applicant only downloads
]


@pytest.mark.parametrize(("state", "actor", "action", "payload", "key"), BAD_PAYLOADS)
def test_invalid_payloads_are_refused_and_change_nothing(world, state, actor, action, payload, key):
    dossier = drive(world, state)
    payload = {
        name: (getattr(world, value).pk if name == "assignee" and hasattr(world, str(value)) else value)
        for name, value in payload.items()
    }
    with pytest.raises(InvalidInput) as excinfo:
        act(dossier, action, getattr(world, actor), now=later(2), **payload)
    assert excinfo.value.status_code == 400
    assert key in excinfo.value.errors
    fresh = Dossier.objects.get(pk=dossier.pk)
    assert (fresh.status, fresh.current_step, fresh.version, fresh.assignee_id, fresh.fee_amount) == (
        dossier.status,
        dossier.current_step,
        dossier.version,
        dossier.assignee_id,
        dossier.fee_amount,
    )
    assert DossierEvent.objects.filter(dossier=dossier).latest("id").action != action.value


def test_a_payload_must_be_an_object(world):
    dossier = drive(world, "submitted")
    with pytest.raises(InvalidInput):
        dossier_perform_action(
            dossier_id=dossier.pk, action="refuse", actor=world.reception, version=dossier.version, payload=["x"]
        )


# --- effects ------------------------------------------------------------------------------------------------------


def test_delivery_channels(world):
    by_reception = act(drive(world, "completed"), Action.DELIVER, world.reception, now=later(2))
    assert (by_reception.delivery_channel, by_reception.delivered_at, by_reception.finished_at) == (
        "desk",
        later(2),
        later(2),
    )
    by_post = act(drive(world, "completed"), Action.DELIVER, world.reception, now=later(2), channel="post")
    assert by_post.delivery_channel == "post"
    downloaded = act(drive(world, "completed"), Action.DELIVER, world.citizen, now=later(2))
    assert downloaded.delivery_channel == "online"


def test_forward_may_name_the_next_steps_officer(world):
    second_specialist = StaffMembership.objects.create(user=world.citizen2, agency=world.agency, role="specialist").user
    dossier = act(drive(world, P1), Action.FORWARD, world.reception, now=later(2), assignee=second_specialist.pk)
    assert dossier.assignee == second_specialist
    event = DossierEvent.objects.filter(dossier=dossier).latest("id")
    assert (event.payload["from_step"], event.payload["step"]) == (1, 2)
    # Without a name the next step's queue picks it up.
    dossier = act(dossier, Action.FORWARD, world.specialist, now=later(3))
    assert dossier.assignee == world.leader


def test_refuse_is_final_with_the_reason_on_record(world):
    dossier = act(drive(world, "submitted"), Action.REFUSE, world.reception, now=later(2), reason="Sai thẩm quyền")
    assert (dossier.status, dossier.finished_at, dossier.due_at) == (Status.REFUSED, later(2), None)
    assert DossierEvent.objects.filter(dossier=dossier).latest("id").comment == "Sai thẩm quyền"


def test_each_action_hands_its_event_to_the_notifications_service(world, monkeypatch):
    seen = []
    replace_event_hook(monkeypatch, "notifications.outbox", lambda *, event, dossier: seen.append(event))
    dossier = drive(world, "processing@1")
    assert [event.action for event in seen] == ["submit", "accept"]
    assert all(event.pk and event.dossier_id == dossier.pk for event in seen)


def test_a_failing_notification_rolls_the_action_back(world, monkeypatch):
    def broken(*, event, dossier):
        raise RuntimeError("outbox unavailable")

    dossier = drive(world, "submitted")
    replace_event_hook(monkeypatch, "notifications.outbox", broken)
    with pytest.raises(RuntimeError):
        act(dossier, Action.ACCEPT, world.reception, now=later(2))
    fresh = Dossier.objects.get(pk=dossier.pk)
    assert (fresh.status, fresh.version) == (Status.SUBMITTED, dossier.version)
    assert not DossierEvent.objects.filter(dossier=dossier, action="accept").exists()


# --- the history is append-only -----------------------------------------------------------------------------------


def test_events_cannot_be_changed_or_deleted_through_the_model(world):
    event = DossierEvent.objects.filter(dossier=drive(world, "submitted")).latest("id")
    event.comment = "rewritten"
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the append-only trigger is PostgreSQL-only")
def test_the_database_refuses_to_update_or_delete_events(world):
    dossier = drive(world, "submitted")
    events = DossierEvent.objects.filter(dossier=dossier)
    count = events.count()
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        events.update(comment="rewritten")
    # (A QuerySet.delete() would first cascade through the models that point at events; raw SQL reaches the rule
    # directly, whatever other apps hang off the table.)
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM procedures_dossierevent WHERE dossier_id = %s", [dossier.pk])
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE procedures_dossierevent SET to_status = 'draft' WHERE dossier_id = %s", [dossier.pk])
    assert events.count() == count
    assert not events.filter(comment="rewritten").exists()
    # Appending still works.
    act(dossier, Action.ACCEPT, world.reception, now=later(2))
    assert events.count() == count + 1


# --- selectors ----------------------------------------------------------------------------------------------------


def test_procedure_list_filters_by_applicant_type_on_every_database(world):
    procedure_import(template=procedure_template("T.BIZ", applicant_types=["business"]), agency=world.agency)
    assert {p.code for p in procedure_list(applicant_type="business")} == {"T.BIZ"}
    assert {p.code for p in procedure_list(applicant_type="citizen")} == {"T.0001"}
    assert {p.code for p in procedure_list()} == {"T.0001", "T.BIZ"}


def test_dossier_facts_describe_the_current_step(world):
    dossier = drive(world, "supplement_requested@processing")
    facts = dossier_facts(dossier, dossier_steps(dossier.procedure_version_id))
    assert (facts.status, facts.current_step, facts.step_count, facts.step_role, facts.supplement_from) == (
        Status.SUPPLEMENT_REQUESTED,
        2,
        3,
        "specialist",
        Status.PROCESSING,
    )


def test_is_overdue_is_a_flag_on_open_dossiers_only(world):
    dossier = drive(world, "processing@1")  # due Mon 12/10/2026 end of day
    assert not is_overdue(dossier, now=at(2026, 10, 12, 23, 59))
    assert is_overdue(dossier, now=at(2026, 10, 13, 0, 0))
    completed = act(drive(world, "processing@3"), Action.COMPLETE, world.leader, now=later(2), outcome="approved")
    assert not is_overdue(completed, now=at(2027, 1, 1, 9, 0))
    assert not is_overdue(drive(world, "submitted"), now=at(2027, 1, 1, 9, 0))
    stopped = drive(world, "stopped")
    assert not is_overdue(stopped, now=at(2027, 1, 1, 9, 0))
