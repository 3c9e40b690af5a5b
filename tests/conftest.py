"""Shared fixtures: two agencies with staff, a three-step procedure, applicants, API clients.

Tests run against the configured database (PostgreSQL in CI). Celery runs eagerly in-process here; the tests
marked `worker` start a real worker process instead.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.test import override_settings
from rest_framework.test import APIClient

from citizens.models import User
from citizens.roles import Role
from portal.celery import app as celery_app
from procedures.models import Agency
from procedures.services.catalogue import procedure_import
from tests.factories import PASSWORD, AgencyFactory, procedure_template, staff

__all__ = ["PASSWORD", "procedure_template"]  # imported from here by many tests

VN = ZoneInfo("Asia/Ho_Chi_Minh")
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # PBKDF2 is slow on purpose; tests create many users.
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Throttle counters live in the cache; one test's requests must not count against the next.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _eager_celery(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    celery_app.conf.task_always_eager = True
    yield


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }


def at(*args) -> datetime:
    """An aware datetime in Asia/Ho_Chi_Minh: at(2026, 11, 26, 9, 30)."""
    return datetime(*args, tzinfo=VN)


def make_agency(identity_code: str, name: str) -> Agency:
    return AgencyFactory(identity_code=identity_code, name=name)


def make_user(email: str, *, full_name: str = "", agency: Agency | None = None, roles=(), **extra) -> User:
    return staff(email, agency=agency, roles=roles, full_name=full_name or email.split("@")[0], **extra)


class World:
    """Two agencies, their staff, two applicants and one published procedure at agency A."""

    def __init__(self):
        self.agency = make_agency("000.00.12.H26", "UBND phường Ba Đình")
        self.other_agency = make_agency("000.00.15.H26", "UBND phường Hoàn Kiếm")
        self.reception = make_user("reception@example.org", agency=self.agency, roles=[Role.RECEPTION])
        self.specialist = make_user("specialist@example.org", agency=self.agency, roles=[Role.SPECIALIST])
        self.leader = make_user("leader@example.org", agency=self.agency, roles=[Role.LEADER])
        self.other_reception = make_user(
            "other.reception@example.org", agency=self.other_agency, roles=[Role.RECEPTION]
        )
        self.other_specialist = make_user(
            "other.specialist@example.org", agency=self.other_agency, roles=[Role.SPECIALIST]
        )
        self.other_leader = make_user("other.leader@example.org", agency=self.other_agency, roles=[Role.LEADER])
        self.citizen = make_user("citizen@example.org", full_name="Nguyễn Văn An")
        self.citizen2 = make_user("citizen2@example.org", full_name="Trần Thị Bình")
        self.procedure = procedure_import(template=procedure_template(), agency=self.agency)
        self.version = self.procedure.current_version

    def by_role(self, role: str) -> User:
        return {
            Role.APPLICANT: self.citizen,
            Role.RECEPTION: self.reception,
            Role.SPECIALIST: self.specialist,
            Role.LEADER: self.leader,
        }[role]


@pytest.fixture
def world(db) -> World:
    return World()


def module_world():
    """A `world` fixture built once per test module, for a module whose tests only read the world's objects.

    `world = module_world()` at the top of such a module replaces the per-test World (69 queries) with one World
    made inside a transaction that stays open for the module and is rolled back after its last test; each test
    still runs in its own savepoint (pytest-django's `db`), so what a test writes is gone before the next one.
    Not for modules with transactional tests (they flush the database) or tests that change a world object in
    Python (the change would leak into the next test)."""

    @pytest.fixture(scope="module")
    def world(django_db_setup, django_db_blocker) -> Iterator[World]:
        with django_db_blocker.unblock():
            outer = transaction.atomic()
            outer.__enter__()
            try:
                with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
                    built = World()
            except BaseException:
                outer.__exit__(*sys.exc_info())
                raise
        try:
            yield built
        finally:
            with django_db_blocker.unblock():
                transaction.set_rollback(True)
                outer.__exit__(None, None, None)

    return world


@pytest.fixture
def api() -> APIClient:
    return APIClient()


DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXP"  # API.md: the demo staff's TOTP secret


def enrol_totp(user: User, secret: str = DEMO_TOTP_SECRET):
    """Give `user` a TOTP authenticator (what activating one in allauth stores)."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import encrypt

    authenticator, _created = Authenticator.objects.update_or_create(
        user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": encrypt(secret)}}
    )
    return authenticator


def staff_login(client, user: User) -> None:
    """`client.force_login(user)`, leaving the session a real login through allauth leaves: for staff (who must use
    a second factor, STAFF_MFA_REQUIRED) a TOTP authenticator and the second factor recorded as passed."""
    from citizens.mfa import is_staff_account, record_second_factor

    client.force_login(user)
    if is_staff_account(user):
        enrol_totp(user)
        session = client.session
        record_second_factor(session, user)
        session.save()


def client_for(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


VALID_DATA = {"full_name": "Nguyễn Văn An", "national_id": "001203004567", "copies": 2}

# The smallest valid PDF: the content sniffer must see it as application/pdf whatever its name.
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
