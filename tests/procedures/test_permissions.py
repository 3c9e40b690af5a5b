"""Who sees which dossier: `Dossier.objects.visible_to`, `dossier_get_for` and the selectors built on them.

A citizen never sees another's dossier, an officer never sees another agency's, staff never see drafts, a system
admin sees every filed dossier, and an inactive membership grants nothing. Not visible always means NotFound (404),
never "forbidden", so the existence of someone else's dossier is not revealed.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from citizens.models import StaffMembership
from procedures.errors import ActionForbidden, NotFound
from procedures.models import Dossier
from procedures.selectors import dossier_available_actions, dossier_detail_for, dossier_list_for, dossier_track
from procedures.services.catalogue import procedure_import
from procedures.services.dossiers import dossier_get_for, dossier_update_data
from procedures.workflow import Action
from tests.conftest import make_user, module_world, procedure_template
from tests.procedures.dossier_flow import T0, act, drive, new_draft

world = module_world()  # the tests only read the world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class Scene:
    """Dossiers of both applicants at agency A, one at agency B, in draft and filed."""

    def __init__(self, world, django_user_model):
        self.world = world
        procedure_import(template=procedure_template("T.B"), agency=world.other_agency)
        self.own_draft = new_draft(world)
        self.own_filed = drive(world, "processing@2")
        self.own_done = drive(world, "delivered")
        self.other_draft = new_draft(world, applicant=world.citizen2)
        self.other_filed = drive(world, "submitted", applicant=world.citizen2)
        self.b_draft = new_draft(world, procedure_code="T.B")
        self.b_filed = drive(world, "submitted", procedure_code="T.B", applicant=world.citizen2)
        self.admin = django_user_model.objects.create_superuser(email="admin@example.org", password="x")
        self.inactive = make_user("former@example.org", agency=world.agency, roles=["reception"])
        StaffMembership.objects.filter(user=self.inactive).update(is_active=False)

    @property
    def all(self) -> dict[str, Dossier]:
        return {
            name: getattr(self, name)
            for name in ("own_draft", "own_filed", "own_done", "other_draft", "other_filed", "b_draft", "b_filed")
        }


@pytest.fixture
def scene(world, django_user_model):
    return Scene(world, django_user_model)


A_FILED = {"own_filed", "own_done", "other_filed"}

# user -> the dossiers (by name) it may see
VISIBLE = {
    "citizen": {"own_draft", "own_filed", "own_done", "b_draft"},
    "citizen2": {"other_draft", "other_filed", "b_filed"},
    "reception": A_FILED,
    "specialist": A_FILED,
    "leader": A_FILED,
    "other_reception": {"b_filed"},
    "other_specialist": {"b_filed"},
    "admin": A_FILED | {"b_filed"},
    "inactive": set(),
}


def user_of(scene: Scene, name: str):
    return getattr(scene, name, None) or getattr(scene.world, name)


@pytest.mark.parametrize("user_name", list(VISIBLE))
def test_visibility_matrix(scene, user_name):
    user = user_of(scene, user_name)
    names = {name for name, dossier in scene.all.items()}
    ids = set(Dossier.objects.visible_to(user).values_list("pk", flat=True))
    assert {name for name, dossier in scene.all.items() if dossier.pk in ids} == VISIBLE[user_name]
    for name in names:
        dossier = scene.all[name]
        for lock in (False, True):
            if name in VISIBLE[user_name]:
                assert dossier_get_for(dossier_id=dossier.pk, user=user, lock=lock).pk == dossier.pk
                assert dossier_detail_for(user=user, dossier_id=dossier.pk).pk == dossier.pk
            else:
                with pytest.raises(NotFound) as excinfo:
                    dossier_get_for(dossier_id=dossier.pk, user=user, lock=lock)
                assert excinfo.value.status_code == 404
                assert dossier_detail_for(user=user, dossier_id=dossier.pk) is None
    listed = {d.pk for d in dossier_list_for(user=user)}
    assert listed == {scene.all[name].pk for name in VISIBLE[user_name]}


def test_anonymous_sees_nothing(scene):
    assert not Dossier.objects.visible_to(AnonymousUser()).exists()
    assert not Dossier.objects.visible_to(None).exists()
    with pytest.raises(NotFound):
        dossier_get_for(dossier_id=scene.own_filed.pk, user=AnonymousUser())


def test_a_citizen_cannot_act_on_or_edit_another_citizens_dossier(scene):
    world = scene.world
    for dossier in (scene.other_draft, scene.other_filed):
        assert dossier_available_actions(dossier, world.citizen) == []
        with pytest.raises(NotFound):
            act(dossier, Action.WITHDRAW, world.citizen, now=T0)
        with pytest.raises(NotFound):
            dossier_update_data(dossier_id=dossier.pk, actor=world.citizen, data={"copies": 1})


def test_an_officer_cannot_act_on_another_agencys_dossier(scene):
    world = scene.world
    assert dossier_available_actions(scene.b_filed, world.reception) == []
    with pytest.raises(NotFound):
        act(scene.b_filed, Action.ACCEPT, world.reception, now=T0)
    # ... but the officers of agency B can.
    assert Action.ACCEPT in dossier_available_actions(scene.b_filed, world.other_reception)
    act(scene.b_filed, Action.ACCEPT, world.other_reception, now=T0)


def test_staff_never_see_or_edit_drafts(scene):
    world = scene.world
    for staff in (world.reception, world.leader, scene.admin):
        with pytest.raises(NotFound):
            dossier_update_data(dossier_id=scene.own_draft.pk, actor=staff, data={"copies": 1})
        with pytest.raises(NotFound):
            act(scene.own_draft, Action.SUBMIT, staff, now=T0)


def test_staff_may_see_a_filed_dossier_but_not_edit_its_answers(scene):
    with pytest.raises(ActionForbidden):
        dossier_update_data(dossier_id=scene.own_filed.pk, actor=scene.world.reception, data={"copies": 1})


def test_an_inactive_membership_grants_nothing(scene):
    world = scene.world
    dossier = drive(world, "submitted")
    assert dossier_available_actions(dossier, scene.inactive) == []
    with pytest.raises(NotFound):
        act(dossier, Action.ACCEPT, scene.inactive, now=T0)
    # Re-activated, the same officer may act; deactivated again, not any more.
    StaffMembership.objects.filter(user=scene.inactive).update(is_active=True)
    act(dossier, Action.COMMENT, scene.inactive, now=T0, comment="Đã xem")
    StaffMembership.objects.filter(user=scene.inactive).update(is_active=False)
    with pytest.raises(NotFound):
        act(dossier, Action.ACCEPT, scene.inactive, now=T0)


def test_a_membership_at_another_agency_does_not_leak_across(scene):
    world = scene.world
    # The leader of A is also reception at B: sees both agencies' filed dossiers, acts with each agency's role.
    StaffMembership.objects.create(user=world.leader, agency=world.other_agency, role="reception")
    visible = set(Dossier.objects.visible_to(world.leader).values_list("pk", flat=True))
    assert visible == {scene.all[name].pk for name in A_FILED | {"b_filed"}}
    assert Action.ACCEPT in dossier_available_actions(scene.b_filed, world.leader)
    assert Action.ACCEPT not in dossier_available_actions(scene.other_filed, world.leader)


def test_an_officer_who_files_a_dossier_sees_their_own_draft(scene):
    world = scene.world
    own = new_draft(world, applicant=world.reception)
    assert dossier_get_for(dossier_id=own.pk, user=world.reception).pk == own.pk
    # ... and another officer of the same agency does not.
    with pytest.raises(NotFound):
        dossier_get_for(dossier_id=own.pk, user=world.specialist)


def test_public_tracking_hides_drafts_and_internal_events(scene):
    world = scene.world
    assert dossier_track(code="") is None
    act(scene.own_filed, Action.COMMENT, world.leader, now=T0, comment="Nội bộ")
    tracked = dossier_track(code=scene.own_filed.code)
    assert tracked.pk == scene.own_filed.pk
    assert "comment" not in [event.action for event in tracked.events.all()]
    assert all(not event.internal for event in tracked.events.all())
