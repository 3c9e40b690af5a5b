"""Accounts: the email-login user model, national ID rules, allauth headless login for app clients."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from rest_framework.test import APIClient

from citizens.models import User
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def test_email_is_the_login_and_is_normalised():
    user = User.objects.create_user(email="An.Nguyen@Example.ORG", password=PASSWORD)
    assert user.email == "an.nguyen@example.org"
    assert user.check_password(PASSWORD)
    assert User.USERNAME_FIELD == "email"


@pytest.mark.parametrize("value", ["12345678901", "1234567890123", "00120300456a", "0012 0300 456"])
def test_national_id_must_be_twelve_digits(value):
    user = User(email="x@example.org", national_id=value)
    with pytest.raises(ValidationError) as excinfo:
        user.full_clean(exclude=["password"])
    assert "national_id" in excinfo.value.message_dict


def test_verified_national_id_unique_but_typed_ones_are_just_data():
    from django.utils import timezone

    User.objects.create_user(email="a@example.org", national_id="001203004567", national_id_verified_at=timezone.now())
    User.objects.create_user(email="b@example.org")
    User.objects.create_user(email="c@example.org")  # two users without an ID are fine
    # A typed ID equal to a verified one is data: it neither fails nor makes its typist that person.
    User.objects.create_user(email="d@example.org", national_id="001203004567")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(
            email="e@example.org", national_id="001203004567", national_id_verified_at=timezone.now()
        )


def test_blank_national_id_is_stored_as_null():
    user = User(email="e@example.org", national_id="")
    user.full_clean(exclude=["password"])
    assert user.national_id is None


def _verified(user):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def test_headless_app_login_returns_a_session_token_usable_on_the_api():
    _verified(make_user("citizen@example.org"))
    client = APIClient()
    response = client.post(
        "/_allauth/app/v1/auth/login", {"email": "citizen@example.org", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.content
    token = response.json()["meta"]["session_token"]
    api = APIClient()
    assert api.get("/api/v1/dossiers/").status_code == 401
    listed = api.get("/api/v1/dossiers/", HTTP_X_SESSION_TOKEN=token)
    assert listed.status_code == 200
    assert listed.json()["count"] == 0


def test_headless_login_with_a_wrong_password_is_refused():
    _verified(make_user("citizen@example.org"))
    response = APIClient().post(
        "/_allauth/app/v1/auth/login", {"email": "citizen@example.org", "password": "wrong-password"}, format="json"
    )
    assert response.status_code == 400


def test_headless_signup_creates_an_unverified_account():
    response = APIClient().post(
        "/_allauth/app/v1/auth/signup", {"email": "new@example.org", "password": "a-Long-pass-2026"}, format="json"
    )
    # Email verification is mandatory: the flow stops at "verify_email" (401) with the account created.
    assert response.status_code in (200, 401), response.content
    assert User.objects.filter(email="new@example.org").exists()


def test_staff_can_activate_totp_and_login_then_asks_for_the_code(client):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time

    user = _verified(make_user("reception@example.org", is_staff=True))
    login = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert login.status_code == 302
    # Security settings ask for the password again before changing a second factor.
    assert client.post("/accounts/reauthenticate/", {"password": PASSWORD}).status_code == 302
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = page.context["form"].secret
    code = format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))
    activated = client.post("/accounts/2fa/totp/activate/", {"code": code})
    assert activated.status_code == 302, activated.content
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()

    client.logout()
    second = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    # With TOTP on, the password alone does not log in: allauth asks for the second factor.
    assert second.status_code == 302 and "/2fa/authenticate" in second["Location"]
    assert "_auth_user_id" not in client.session
