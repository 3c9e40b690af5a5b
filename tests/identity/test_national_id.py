"""Verified national IDs: a typed ID is data, verified only from the e-ID or by a reception officer who checked the
card (who and when recorded), locked once verified; the desk never attaches anything to an account unseen; no error
text says whether an ID is registered; procedures may require a level of assurance to file."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from citizens.models import AssuranceLevel, IdentityProof, IdentitySource, User
from citizens.services import national_id_verify
from procedures.errors import ActionForbidden, InvalidInput
from procedures.models import Dossier
from procedures.services.dossiers import dossier_create
from tests.conftest import PDF_BYTES, VALID_DATA, client_for, staff_login

pytestmark = pytest.mark.django_db
A_ID = "001203004567"


def login(user) -> Client:
    client = Client()
    staff_login(client, user)
    return client


def profile_post(user, national_id: str):
    return login(user).post(
        "/tai-khoan/", {"full_name": user.full_name, "national_id": national_id, "language": "vi", "notify_inapp": "on"}
    )


def desk_file(officer_client, world, **applicant):
    fields = {f"applicant-{key}": value for key, value in applicant.items()}
    return officer_client.post(
        "/can-bo/tiep-nhan-truc-tiep/",
        {
            "procedure": world.procedure.code,
            **fields,
            **VALID_DATA,
            "copies": "1",
            "doc-declaration": SimpleUploadedFile("to-khai.pdf", PDF_BYTES, content_type="application/pdf"),
        },
    )


def test_a_typed_id_never_links_someone_elses_in_person_dossier(world):
    # citizen2 types citizen A's ID into their own profile: accepted as data, no error.
    assert profile_post(world.citizen2, A_ID).status_code == 302
    world.citizen2.refresh_from_db()
    assert world.citizen2.national_id == A_ID and world.citizen2.national_id_verified_at is None
    # A walks in; reception checks the card and files with that ID.
    response = desk_file(login(world.reception), world, national_id=A_ID, full_name="Nguyễn Văn An", card_checked="on")
    assert response.status_code == 302, response.content.decode()[-1500:]
    dossier = Dossier.objects.get(data__national_id=VALID_DATA["national_id"])
    assert dossier.applicant != world.citizen2
    assert dossier.applicant.national_id_verified_at is not None
    # citizen2 sees nothing of it.
    assert client_for(world.citizen2).get("/api/v1/dossiers/").json()["count"] == 0
    assert client_for(world.citizen2).get(f"/api/v1/dossiers/{dossier.pk}/").status_code == 404


def test_email_match_is_shown_and_confirmed_and_writes_no_id_silently(world):
    officer = login(world.reception)
    shown = desk_file(officer, world, national_id=A_ID, email=world.citizen.email)
    page = shown.content.decode()
    assert world.citizen.full_name in page and world.citizen.email in page
    assert not Dossier.objects.filter(applicant=world.citizen).exists()
    # Confirmed without a card check: the dossier is theirs, the ID stays off their account.
    confirmed = desk_file(officer, world, national_id=A_ID, email=world.citizen.email, confirm_account=world.citizen.pk)
    assert confirmed.status_code == 302
    world.citizen.refresh_from_db()
    assert Dossier.objects.filter(applicant=world.citizen).count() == 1
    assert world.citizen.national_id is None and world.citizen.national_id_verified_at is None
    # With the card checked, the ID is verified for the account, recorded with the officer and the time.
    desk_file(
        officer, world, national_id=A_ID, email=world.citizen.email, confirm_account=world.citizen.pk, card_checked="on"
    )
    world.citizen.refresh_from_db()
    assert world.citizen.national_id == A_ID and world.citizen.national_id_verified_by == world.reception
    assert world.citizen.national_id_source == IdentitySource.DESK
    assert world.citizen.assurance_level == AssuranceLevel.HIGH
    proof = IdentityProof.objects.get(user=world.citizen)
    assert proof.provider == "desk" and proof.verified_by == world.reception and proof.at


def test_profile_never_says_whether_an_id_is_registered(world):
    national_id_verify(user=world.citizen, national_id=A_ID, source=IdentitySource.EID, level=2, subject="sub-a")
    response = profile_post(world.citizen2, A_ID)
    assert response.status_code == 302  # saved as typed data, like any other number
    page = login(world.citizen2).get("/tai-khoan/").content.decode()
    assert "đã tồn tại" not in page.lower() and "already" not in page.lower()
    assert User.objects.get(pk=world.citizen.pk).national_id_verified_at is not None


def test_a_verified_id_is_locked(world):
    national_id_verify(user=world.citizen, national_id=A_ID, source=IdentitySource.EID, level=2, subject="sub-a")
    profile_post(world.citizen, "001099000111")
    world.citizen.refresh_from_db()
    assert world.citizen.national_id == A_ID
    with pytest.raises(InvalidInput):
        national_id_verify(user=world.citizen, national_id="001099000111", source=IdentitySource.DESK, level=2)
    # Nor can a second account take a verified ID; the message names nobody.
    with pytest.raises(InvalidInput) as excinfo:
        national_id_verify(user=world.citizen2, national_id=A_ID, source=IdentitySource.DESK, level=2)
    assert world.citizen.email not in excinfo.value.message


def test_procedure_may_require_a_level_of_assurance(world):
    world.procedure.min_assurance_level = AssuranceLevel.HIGH
    world.procedure.save(update_fields=["min_assurance_level"])
    with pytest.raises(ActionForbidden):
        dossier_create(applicant=world.citizen, procedure_code=world.procedure.code, data=VALID_DATA)
    response = client_for(world.citizen).post(
        "/api/v1/dossiers/", {"procedure": world.procedure.code, "data": VALID_DATA}, format="json"
    )
    assert response.status_code == 403 and "VNeID" in response.json()["detail"]
    national_id_verify(user=world.citizen, national_id=A_ID, source=IdentitySource.EID, level=2, subject="sub-a")
    world.citizen.refresh_from_db()
    assert dossier_create(applicant=world.citizen, procedure_code=world.procedure.code, data=VALID_DATA).pk
