"""Shared fixtures: two agencies with staff, a three-step procedure, applicants, API clients.

Tests run against the configured database (PostgreSQL in CI). Celery runs eagerly in-process here; the tests
marked `worker` start a real worker process instead.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from rest_framework.test import APIClient

from citizens.models import StaffMembership, User
from citizens.roles import Role
from portal.celery import app as celery_app
from procedures.models import Agency, Department
from procedures.services.catalogue import procedure_import

VN = ZoneInfo("Asia/Ho_Chi_Minh")
PASSWORD = "demo-Portal-2026"

DEPARTMENTS = [
    ("one-stop", "Bộ phận Một cửa"),
    ("justice", "Tư pháp - Hộ tịch"),
    ("leadership", "Lãnh đạo UBND"),
]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # PBKDF2 is slow on purpose; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
    agency = Agency.objects.create(identity_code=identity_code, name=name, level=Agency.Level.COMMUNE)
    for code, dept_name in DEPARTMENTS:
        Department.objects.create(agency=agency, code=code, name=dept_name)
    return agency


def make_user(email: str, *, full_name: str = "", agency: Agency | None = None, roles=(), **extra) -> User:
    user = User.objects.create_user(email=email, password=PASSWORD, full_name=full_name or email.split("@")[0], **extra)
    for role in roles:
        department = None
        if agency is not None:
            code = {"reception": "one-stop", "specialist": "justice", "leader": "leadership"}.get(role)
            department = agency.departments.filter(code=code).first() if code else None
        StaffMembership.objects.create(user=user, agency=agency, department=department, role=role)
    return user


def procedure_template(code: str = "T.0001", **overrides) -> dict:
    """A small three-step procedure: reception (1 day) -> specialist (2 days) -> leader (2 days), 5 working days."""
    version = {
        "fee": 50000,
        "fee_note": "",
        "time_limit": {"value": "5", "unit": "working_days", "same_day_cutoff": None},
        "supplement_policy": "pause",
        "cases": [],
        "fields": [
            {"key": "applicant_heading", "type": "heading", "label": "Người yêu cầu", "label_en": "Applicant"},
            {
                "key": "full_name",
                "type": "text",
                "label": "Họ và tên",
                "label_en": "Full name",
                "required": True,
                "max": 100,
            },
            {
                "key": "national_id",
                "type": "national_id",
                "label": "Số định danh",
                "label_en": "ID number",
                "required": True,
            },
            {
                "key": "copies",
                "type": "number",
                "label": "Số bản sao",
                "label_en": "Copies",
                "required": False,
                "min": 0,
                "max": 10,
            },
        ],
        "documents": [
            {
                "code": "declaration",
                "name": "Tờ khai",
                "name_en": "Declaration",
                "required": True,
                "copy_type": "original",
                "accept": ["application/pdf", "image/png", "image/jpeg"],
                "max_bytes": 1048576,
            },
        ],
        "steps": [
            {
                "name": "Tiếp nhận",
                "name_en": "Reception",
                "role": "reception",
                "department": "one-stop",
                "allotted_days": "1",
            },
            {
                "name": "Thẩm định",
                "name_en": "Appraisal",
                "role": "specialist",
                "department": "justice",
                "allotted_days": "2",
            },
            {
                "name": "Phê duyệt",
                "name_en": "Approval",
                "role": "leader",
                "department": "leadership",
                "allotted_days": "2",
            },
        ],
        "routing_rules": [],
        "result_template": "KẾT QUẢ\nHọ và tên: {full_name}",
    }
    version.update(overrides.pop("version", {}))
    template = {
        "code": code,
        "name": "Đăng ký khai sinh thử nghiệm",
        "name_en": "Test birth registration",
        "field": {"code": "ho-tich", "name": "Hộ tịch", "name_en": "Civil status"},
        "applicant_types": ["citizen"],
        "online_level": "full",
        "version": version,
    }
    template.update(overrides)
    return template


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
