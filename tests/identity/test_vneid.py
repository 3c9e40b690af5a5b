"""National e-ID login (VNeID) through allauth's OpenID Connect provider, against a real local identity provider
(tests/identity/idp.py): claims map onto the user, accounts link only on a verified national ID (never an email,
never a staff account), and a forged signature, a wrong issuer or a replayed state are refused."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlparse

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.core.cache import cache
from django.test import Client

from citizens.models import AssuranceLevel, IdentityProof, IdentitySource, User
from citizens.services import national_id_verify
from portal.settings import vneid_app
from tests.identity.idp import CLIENT_ID, CLIENT_SECRET, IdentityProvider

pytestmark = pytest.mark.django_db
X_ID = "001203004567"


@pytest.fixture
def idp(settings):
    cache.clear()
    with IdentityProvider() as provider:
        settings.SOCIALACCOUNT_PROVIDERS = {
            **settings.SOCIALACCOUNT_PROVIDERS,
            "openid_connect": {
                **settings.SOCIALACCOUNT_PROVIDERS["openid_connect"],
                "APPS": [vneid_app(provider.url, CLIENT_ID, CLIENT_SECRET)],
            },
        }
        provider.next_claims = claims("sub-an", X_ID)
        yield provider
    cache.clear()


def claims(sub: str, national_id: str, acr: str = "2", **extra) -> dict:
    return {
        "sub": sub,
        "SoDinhDanh": national_id,
        "HoVaTen": "Nguyễn  Văn An",
        "NgayThangNamSinh": "19900215",
        "acr": acr,
        **extra,
    }


def start(client: Client, idp: IdentityProvider, query: str = "") -> str:
    """The browser's trip to the provider and back: returns the callback URL (path and query) it lands on."""
    response = client.post("/accounts/oidc/vneid/login/" + query)
    assert response.status_code == 302, response.content
    assert response["Location"].startswith(idp.url + "/authorize")
    back = requests.get(response["Location"], allow_redirects=False, timeout=10)
    assert back.status_code == 302
    url = urlparse(back.headers["Location"])
    assert url.path == "/accounts/oidc/vneid/login/callback/"
    return f"{url.path}?{url.query}"


def login(idp: IdentityProvider, client: Client | None = None) -> Client:
    client = client or Client()
    client.get(start(client, idp))
    return client


def signed_in(client: Client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def test_login_page_offers_vneid_and_headless_lists_it(idp):
    page = Client().get("/accounts/login/").content.decode()
    assert "Đăng nhập bằng VNeID" in page
    config = Client().get("/_allauth/app/v1/config").json()
    assert "vneid" in [p["id"] for p in config["data"]["socialaccount"]["providers"]]


def test_login_page_without_settings_has_no_vneid(db):
    assert "VNeID" not in Client().get("/accounts/login/").content.decode()


def test_a_new_citizen_signs_in_and_claims_map_onto_the_account(idp):
    client = login(idp)
    user = signed_in(client)
    assert user is not None and not user.is_staff
    assert user.national_id == X_ID and user.national_id_source == IdentitySource.EID
    assert user.national_id_verified_at is not None and user.assurance_level == AssuranceLevel.HIGH
    assert user.full_name == "Nguyễn Văn An" and user.date_of_birth == date(1990, 2, 15)
    assert SocialAccount.objects.get(user=user).uid == "sub-an"
    proof = IdentityProof.objects.get(user=user)
    assert (proof.provider, proof.subject, proof.level_of_assurance) == ("vneid", "sub-an", 2)
    session = client.get("/_allauth/browser/v1/auth/session").json()["data"]["user"]
    assert session["national_id_verified"] is True and session["assurance_level"] == 2
    assert session["national_id_source"] == "vneid"
    # The next login is the same account (keyed on sub), with a new proof.
    again = login(idp)
    assert signed_in(again) == user and IdentityProof.objects.filter(user=user).count() == 2


def test_links_to_the_account_holding_the_verified_national_id(idp, world):
    national_id_verify(user=world.citizen, national_id=X_ID, source=IdentitySource.DESK, level=2, verified_by=None)
    assert signed_in(login(idp)) == world.citizen
    assert SocialAccount.objects.get(uid="sub-an").user == world.citizen


def test_never_links_on_email_nor_on_a_typed_id(idp, world):
    world.citizen2.national_id = X_ID  # typed into the profile: data, not identity
    world.citizen2.save()
    idp.next_claims = claims("sub-an", X_ID, email=world.citizen.email, email_verified=True)
    user = signed_in(login(idp))
    assert user is not None and user not in (world.citizen, world.citizen2)
    assert user.national_id_verified_at is not None
    world.citizen2.refresh_from_db()
    assert world.citizen2.national_id_verified_at is None


def test_staff_accounts_never_link(idp, world):
    national_id_verify(user=world.reception, national_id=X_ID, source=IdentitySource.DESK, level=2)
    client = Client()
    response = client.get(start(client, idp))
    assert response.status_code == 403 and "cán bộ" in response.content.decode()
    assert signed_in(client) is None
    assert not SocialAccount.objects.exists()


def test_level_of_assurance_comes_from_the_returned_claims(idp):
    idp.next_claims = claims("sub-an", X_ID, acr="1")
    client = Client()
    # Asking for level 2 in the request changes nothing: the token says 1.
    client.get(start(client, idp, "?auth_params=acr_values%3D2"))
    assert signed_in(client).assurance_level == AssuranceLevel.BASIC


def test_forged_signature_is_refused(idp):
    idp.mode = "forged"
    client = login(idp)
    assert signed_in(client) is None and not User.objects.filter(national_id=X_ID).exists()
    assert idp.token_requests == 1  # the flow reached the token, and the token was refused


def test_wrong_issuer_is_refused(idp):
    idp.mode = "wrong_issuer"
    assert signed_in(login(idp)) is None
    assert not User.objects.filter(national_id=X_ID).exists()


def test_replayed_state_is_refused(idp):
    client = Client()
    callback = start(client, idp)
    client.get(callback)
    user = signed_in(client)
    assert user is not None
    client.logout()
    replay = client.get(callback)
    assert signed_in(client) is None and replay.status_code != 302 or "/accounts/login" in replay.get("Location", "")
    # Nor does the state work in another browser.
    other = Client()
    other.get(callback)
    assert signed_in(other) is None


def test_missing_national_id_claim_is_refused(idp):
    idp.next_claims = {"sub": "sub-x", "HoVaTen": "Ai Đó", "acr": "2"}
    client = Client()
    response = client.get(start(client, idp))
    assert response.status_code == 403 and signed_in(client) is None
