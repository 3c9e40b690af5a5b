"""Separation of duties and the small access holes of issue 9: each test reproduces one hole.

Nobody acts as staff on a dossier they filed; agency admins (template configuration) see no dossiers; result
documents only at the last step and visible to the applicant only after completion; applicants see the agency, not
officers' names; bulk results name only dossiers the officer may see; renaming a shared field needs a system admin.
"""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from citizens.roles import Role
from procedures.errors import ActionForbidden, ActionNotAvailable, InvalidInput, NotFound
from procedures.models import DocumentKind, Dossier, Field, Status
from procedures.services.catalogue import procedure_import
from procedures.services.documents import document_open_for, document_upload
from procedures.workflow import Action
from tests.conftest import PDF_BYTES, client_for, make_user, procedure_template, staff_login
from tests.procedures.dossier_flow import T0, act, drive

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    staff_login(client, user)
    return client


def own_submitted(world, officer) -> Dossier:
    """The officer files an application of their own, online, at their agency."""
    return drive(world, "submitted", applicant=officer)


def test_reception_cannot_accept_own_application_and_another_officer_can(world):
    dossier = own_submitted(world, world.reception)
    with pytest.raises(ActionForbidden):
        act(dossier, Action.ACCEPT, world.reception, now=T0)
    colleague = make_user("reception2@example.org", agency=world.agency, roles=[Role.RECEPTION])
    accepted = act(dossier, Action.ACCEPT, colleague, now=T0)
    assert accepted.status == Status.PROCESSING and accepted.assignee == colleague


def test_api_offers_no_staff_action_on_own_dossier(world):
    dossier = own_submitted(world, world.reception)
    body = client_for(world.reception).get(f"/api/v1/dossiers/{dossier.pk}/").json()
    assert "accept" not in body["available_actions"] and "withdraw" in body["available_actions"]
    refused = client_for(world.reception).post(
        f"/api/v1/dossiers/{dossier.pk}/actions/", {"action": "accept", "version": dossier.version}, format="json"
    )
    assert refused.status_code == 403


def test_own_dossier_routes_to_another_specialist_or_nobody(world):
    dossier = drive(world, "processing@1", applicant=world.specialist)
    forwarded = act(dossier, Action.FORWARD, world.reception, now=T0)
    # The only specialist of the department filed it: it waits in the coordination queue, never with its applicant.
    assert forwarded.current_step == 2 and forwarded.assignee is None
    colleague = make_user("specialist2@example.org", agency=world.agency, roles=[Role.SPECIALIST])
    other = drive(world, "processing@1", applicant=world.specialist)
    assert act(other, Action.FORWARD, world.reception, now=T0).assignee == colleague
    # Naming the applicant as the next officer is refused.
    third = drive(world, "processing@1", applicant=world.specialist)
    with pytest.raises(InvalidInput):
        act(third, Action.FORWARD, world.reception, now=T0, assignee=world.specialist.pk)


def test_leader_cannot_assign_own_dossier_nor_be_assigned_it(world):
    dossier = drive(world, "processing@2", applicant=world.leader)
    with pytest.raises(ActionForbidden):
        act(dossier, Action.ASSIGN, world.leader, now=T0, assignee=world.specialist.pk)
    with pytest.raises(InvalidInput):
        act(dossier, Action.ASSIGN, world.reception, now=T0, assignee=world.leader.pk)
    with pytest.raises(ActionForbidden):
        document_upload(
            dossier_id=dossier.pk,
            actor=world.leader,
            requirement="result",
            upload=SimpleUploadedFile("kq.pdf", PDF_BYTES),
            kind=DocumentKind.RESULT,
        )


def test_in_person_filing_for_oneself_is_refused(world):
    from workspace.services import dossier_file_in_person

    with pytest.raises(ActionForbidden):
        dossier_file_in_person(
            officer=world.reception,
            applicant=world.reception,
            procedure_code=world.procedure.code,
            data={"full_name": "Cán Bộ", "national_id": "001203004567"},
            uploads=[("declaration", SimpleUploadedFile("tk.pdf", PDF_BYTES))],
        )
    assert not Dossier.objects.filter(applicant=world.reception).exists()


def test_agency_admin_sees_no_dossier(world):
    admin = make_user("agency.admin@example.org", agency=world.agency, roles=[Role.AGENCY_ADMIN])
    dossier = drive(world, "processing@2")
    assert client_for(admin).get("/api/v1/dossiers/").json()["count"] == 0
    assert client_for(admin).get(f"/api/v1/dossiers/{dossier.pk}/").status_code == 404
    assert login(admin).get("/can-bo/hang-doi/tat-ca/").status_code == 403
    assert not Dossier.objects.visible_to(admin).exists()
    # Their editor still works: configuration is their job.
    assert login(admin).get("/quan-tri-thu-tuc/").status_code == 200


def _result_upload(dossier, actor):
    return document_upload(
        dossier_id=dossier.pk,
        actor=actor,
        requirement="result",
        upload=SimpleUploadedFile("ket-qua.pdf", PDF_BYTES),
        kind=DocumentKind.RESULT,
    )


def test_result_refused_at_intake_and_earlier_steps(world):
    at_intake = drive(world, "processing@1")
    with pytest.raises(ActionNotAvailable):
        _result_upload(at_intake, world.reception)
    at_appraisal = drive(world, "processing@2")
    with pytest.raises(ActionNotAvailable):
        _result_upload(at_appraisal, world.specialist)
    response = client_for(world.reception).post(
        f"/api/v1/dossiers/{at_intake.pk}/documents/",
        {"kind": "result", "file": SimpleUploadedFile("kq.pdf", PDF_BYTES)},
        format="multipart",
    )
    assert response.status_code == 409
    assert not at_intake.documents.filter(kind=DocumentKind.RESULT).exists()


def test_applicant_sees_the_result_only_after_completion(world):
    dossier = drive(world, "processing@3")
    document = _result_upload(dossier, world.leader)  # the last step may prepare it
    with pytest.raises(NotFound):
        document_open_for(dossier_id=dossier.pk, document_id=document.pk, user=world.citizen)
    api = client_for(world.citizen)
    assert api.get(f"/api/v1/dossiers/{dossier.pk}/documents/{document.pk}/").status_code == 404
    assert all(d["kind"] != "result" for d in api.get(f"/api/v1/dossiers/{dossier.pk}/").json()["documents"])
    page = login(world.citizen).get(f"/ho-so/{dossier.pk}/").content.decode()
    assert str(document.pk) not in page
    assert login(world.citizen).get(f"/ho-so/{dossier.pk}/ket-qua/{document.pk}/").status_code == 404
    # Staff of the agency see it all along.
    assert client_for(world.leader).get(f"/api/v1/dossiers/{dossier.pk}/documents/{document.pk}/").status_code == 200

    act(dossier, Action.COMPLETE, world.leader, now=T0, outcome="approved")
    assert api.get(f"/api/v1/dossiers/{dossier.pk}/documents/{document.pk}/").status_code == 200
    assert any(d["kind"] == "result" for d in api.get(f"/api/v1/dossiers/{dossier.pk}/").json()["documents"])


def test_result_page_get_changes_nothing(world):
    dossier = drive(world, "completed")
    document = dossier.documents.get(kind=DocumentKind.RESULT)
    document.file.save("ket-qua.pdf", SimpleUploadedFile("ket-qua.pdf", PDF_BYTES))
    client = login(world.citizen)
    url = f"/ho-so/{dossier.pk}/ket-qua/{document.pk}/"
    assert client.get(url).status_code == 200
    assert Dossier.objects.get(pk=dossier.pk).status == Status.COMPLETED
    assert client.post(url).status_code == 200
    assert Dossier.objects.get(pk=dossier.pk).status == Status.DELIVERED


def test_applicant_api_history_names_the_agency_not_officers(world):
    dossier = drive(world, "processing@2")
    history = client_for(world.citizen).get(f"/api/v1/dossiers/{dossier.pk}/").json()["history"]
    actors = {entry["actor"] for entry in history}
    assert world.reception.full_name not in actors and world.agency.name in actors
    assert "Bạn" in actors
    staff_view = client_for(world.specialist).get(f"/api/v1/dossiers/{dossier.pk}/").json()["history"]
    assert world.reception.full_name in {entry["actor"] for entry in staff_view}


def test_bulk_result_names_only_visible_dossiers(world):
    dossier = drive(world, "submitted")
    response = login(world.other_reception).post(
        "/can-bo/tiep-nhan/hang-loat/", {"bulk_action": "accept", "dossier": [f"{dossier.pk}:{dossier.version}"]}
    )
    page = response.content.decode()
    assert dossier.code not in page and str(dossier.pk) in page


def test_agency_admin_import_cannot_rename_a_shared_field(world):
    admin = make_user("agency.admin@example.org", agency=world.agency, roles=[Role.AGENCY_ADMIN])
    template = procedure_template(code="T.0900", field={"code": "ho-tich", "name": "Đổi tên", "name_en": "Renamed"})
    upload = SimpleUploadedFile("t.json", json.dumps(template).encode(), "application/json")
    response = login(admin).post("/quan-tri-thu-tuc/nhap-mau/", {"file": upload, "agency": world.agency.identity_code})
    assert response.status_code == 302
    field = Field.objects.get(code="ho-tich")
    assert field.name == "Hộ tịch" and field.name_en == "Civil status"
    # A new field is created from the template; a system admin's import (the command, the seed) may rename.
    procedure_import(
        template=procedure_template(code="T.0901", field={"code": "moi", "name": "Mới"}), agency=world.agency
    )
    assert Field.objects.get(code="moi").name == "Mới"
    procedure_import(template=template, agency=world.agency)
    assert Field.objects.get(code="ho-tich").name == "Đổi tên"
