"""Public verification: POST /api/v1/verify/ and the /xac-thuc/<code>/ page; revocation by a leader."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from procedures.models import DossierEvent
from records.models import SignedResult
from tests.conftest import PDF_BYTES, client_for
from tests.records.helpers import complete


def _signed(world):
    result = SignedResult.objects.select_related("dossier").get(dossier=complete(world))
    with result.document.file.open("rb") as handle:
        return result, handle.read()


def _verify(api, content: bytes, name="ket-qua.pdf"):
    return api.post("/api/v1/verify/", {"file": SimpleUploadedFile(name, content)}, format="multipart")


def test_the_issued_file_is_valid_and_says_which_dossier_and_agency(world, signing, api):
    result, content = _signed(world)
    response = _verify(api, content)  # anonymous
    assert response.status_code == 200
    body = response.json()
    assert body["valid"] is True and body["revoked"] is False
    assert body["dossier_code"] == result.dossier.code
    assert body["issued_by"] == world.agency.name
    assert body["signed_at"].startswith("2026-10-05T")
    assert body["verification_code"] == result.verification_code


def test_one_changed_byte_makes_it_invalid(world, signing, api):
    _result, content = _signed(world)
    tampered = bytearray(content)
    tampered[len(content) // 2] ^= 0x20
    body = _verify(api, bytes(tampered)).json()
    assert body["valid"] is False and body["reason"]


def test_an_unsigned_or_foreign_file_is_invalid(world, signing, api):
    body = _verify(api, PDF_BYTES).json()
    assert body == {**body, "valid": False, "dossier_code": None, "revoked": False}
    assert _verify(api, b"not a pdf at all").json()["valid"] is False


def test_a_missing_file_is_a_400_with_a_message(api):
    response = api.post("/api/v1/verify/", {}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()


def test_revocation_by_the_leader_with_a_reason(world, signing, api):
    result, content = _signed(world)
    url = f"/api/v1/results/{result.pk}/revoke/"
    assert client_for(world.specialist).post(url, {"reason": "Sai"}, format="json").status_code == 403
    assert client_for(world.other_leader).post(url, {"reason": "Sai"}, format="json").status_code == 404
    assert client_for(world.citizen).post(url, {"reason": "Sai"}, format="json").status_code == 403
    assert client_for(world.leader).post(url, {"reason": " "}, format="json").status_code == 400
    response = client_for(world.leader).post(url, {"reason": "Ghi sai ngày sinh"}, format="json")
    assert response.status_code == 200 and response.json()["revoked"] is True
    assert client_for(world.leader).post(url, {"reason": "Lần hai"}, format="json").status_code == 409
    body = _verify(api, content).json()
    assert body["revoked"] is True and body["revoke_reason"] == "Ghi sai ngày sinh"
    event = DossierEvent.objects.get(dossier=result.dossier, action="revoke_result")
    assert event.actor == world.leader and event.comment == "Ghi sai ngày sinh"
    assert client_for(world.leader).post("/api/v1/results/not-a-uuid/revoke/", {"reason": "x"}).status_code == 404


def test_the_public_page_of_a_code(world, signing, client):
    result, content = _signed(world)
    page = client.get(f"/xac-thuc/{result.verification_code}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert result.dossier.code in text and world.agency.name in text and "Đã bị thu hồi" not in text
    assert world.citizen.get_full_name() not in text  # no personal data on a public page
    checked = client.post(
        f"/xac-thuc/{result.verification_code}/", {"file": SimpleUploadedFile("kq.pdf", content)}
    ).content.decode()
    assert "Hợp lệ" in checked
    tampered = bytearray(content)
    tampered[100] ^= 1
    checked = client.post(
        f"/xac-thuc/{result.verification_code}/", {"file": SimpleUploadedFile("kq.pdf", bytes(tampered))}
    ).content.decode()
    assert "Không hợp lệ" in checked
    assert client.get("/xac-thuc/KHONG-CO-MA/").status_code == 404
