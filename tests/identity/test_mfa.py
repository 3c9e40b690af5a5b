"""Staff always use a second factor: enrolment is forced, the API says mfa_required, /admin/ goes through allauth."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.test import Client
from rest_framework.test import APIClient

from tests.conftest import DEMO_TOTP_SECRET, PASSWORD, enrol_totp, make_user, staff_login

pytestmark = pytest.mark.django_db


def code(secret: str = DEMO_TOTP_SECRET) -> str:
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def verified(user):
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def password_login(client: Client, user) -> None:
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content


# Real commits: allauth announces a new authenticator on commit, inside the activation request.
@pytest.mark.django_db(transaction=True)
def test_staff_without_authenticator_is_sent_to_totp_setup_and_api_says_mfa_required(world):
    verified(world.reception)
    client = Client()
    password_login(client, world.reception)
    page = client.get("/can-bo/")
    assert page.status_code == 302 and page["Location"].startswith("/accounts/2fa/totp/activate/")
    api = client.get("/api/v1/dossiers/")
    assert api.status_code == 403 and api.json()["code"] == "mfa_required"
    # The setup page itself is reachable (after the password again, allauth's reauthentication).
    assert client.post("/accounts/reauthenticate/", {"password": PASSWORD}).status_code == 302
    setup = client.get("/accounts/2fa/totp/activate/")
    assert setup.status_code == 200
    secret = setup.context["form"].secret
    assert client.post("/accounts/2fa/totp/activate/", {"code": code(secret)}).status_code == 302
    # Enrolling proved the factor: the session may work now.
    assert client.get("/api/v1/dossiers/").status_code == 200
    assert client.get("/can-bo/hang-doi/tat-ca/").status_code == 200


def test_citizens_are_not_asked(world):
    verified(world.citizen)
    client = Client()
    password_login(client, world.citizen)
    assert client.get("/ho-so/").status_code == 200
    assert client.get("/api/v1/dossiers/").status_code == 200


def test_superuser_and_agency_admin_are_staff_too(world):
    from citizens.roles import Role

    admin = make_user("root@example.org", is_staff=True, is_superuser=True)
    editor = make_user("editor@example.org", agency=world.agency, roles=[Role.AGENCY_ADMIN])
    for user in (admin, editor):
        client = Client()
        client.force_login(user)
        assert client.get("/quan-tri-thu-tuc/").status_code == 302
        assert client.get("/api/v1/dossiers/").json()["code"] == "mfa_required"


def test_headless_session_token_without_second_factor_gets_mfa_required(world):
    verified(world.reception)
    login = APIClient().post(
        "/_allauth/app/v1/auth/login", {"email": world.reception.email, "password": PASSWORD}, format="json"
    )
    token = login.json()["meta"]["session_token"]
    response = APIClient().get("/api/v1/dossiers/", HTTP_X_SESSION_TOKEN=token)
    assert response.status_code == 403 and response.json()["code"] == "mfa_required"


def test_headless_login_with_totp_then_api_works(world):
    verified(world.reception)
    enrol_totp(world.reception)
    api = APIClient()
    login = api.post(
        "/_allauth/app/v1/auth/login", {"email": world.reception.email, "password": PASSWORD}, format="json"
    )
    assert login.status_code == 401  # pending stage: mfa_authenticate
    token = login.json()["meta"]["session_token"]
    done = api.post(
        "/_allauth/app/v1/auth/2fa/authenticate", {"code": code()}, format="json", HTTP_X_SESSION_TOKEN=token
    )
    assert done.status_code == 200, done.content
    token = done.json()["meta"]["session_token"]
    assert APIClient().get("/api/v1/dossiers/", HTTP_X_SESSION_TOKEN=token).status_code == 200


def test_a_staff_session_that_skipped_the_second_factor_is_ended(world):
    enrol_totp(world.reception)
    client = Client()
    client.force_login(world.reception)  # as Django's own login would: no allauth stages
    response = client.get("/can-bo/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


def test_admin_login_goes_through_allauth_with_rate_limit_and_second_factor(world):
    admin = verified(make_user("root@example.org", is_staff=True, is_superuser=True))
    enrol_totp(admin)
    client = Client()
    # Django's password-only admin form is gone: /admin/login/ sends to allauth's login.
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    posted = client.post("/admin/login/?next=/admin/", {"username": admin.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session and posted.status_code == 302
    # The password alone does not sign in: allauth asks for the code.
    password_login(client, admin)
    assert "_auth_user_id" not in client.session
    assert client.post("/accounts/2fa/authenticate/", {"code": code()}).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_admin_login_is_rate_limited(world, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/m/ip,3/5m/key"}
    admin = verified(make_user("root@example.org", is_staff=True, is_superuser=True))
    client = Client()
    for _attempt in range(3):
        client.post("/accounts/login/", {"login": admin.email, "password": "wrong-password-x"})
    blocked = client.post("/accounts/login/", {"login": admin.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert blocked.status_code in (200, 429)


def test_seed_enrols_totp_for_every_demo_staff_account(db):
    from allauth.mfa.utils import decrypt

    from citizens.mfa import is_staff_account
    from citizens.models import User
    from procedures.demo.seed import seed_demo

    seed_demo(history=0)
    staff = [u for u in User.objects.all() if is_staff_account(u)]
    assert len(staff) > 5
    for user in staff:
        authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
        assert decrypt(authenticator.data["secret"]) == DEMO_TOTP_SECRET


def test_staff_login_helper_leaves_a_session_that_passes(world):
    client = Client()
    staff_login(client, world.reception)
    assert client.get("/can-bo/hang-doi/tat-ca/").status_code == 200


def test_setting_off_lets_staff_in_with_the_password(world, settings):
    settings.STAFF_MFA_REQUIRED = False  # the embedded demo (make demo)
    client = Client()
    client.force_login(world.reception)
    assert client.get("/can-bo/hang-doi/tat-ca/").status_code == 200
