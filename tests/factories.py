"""factory-boy factories for the objects most tests start from: agencies with their departments, users, staff
memberships and published procedures. `tests.conftest.World` is built from these."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from citizens.models import StaffMembership, User
from citizens.roles import Role
from procedures.models import Agency, Department, Procedure
from procedures.services.catalogue import procedure_import

PASSWORD = "demo-Portal-2026"
DEPARTMENTS = [
    ("one-stop", "Bộ phận Một cửa"),
    ("justice", "Tư pháp - Hộ tịch"),
    ("leadership", "Lãnh đạo UBND"),
]
# The department a staff member of a test agency works in, by role.
ROLE_DEPARTMENTS = {Role.RECEPTION: "one-stop", Role.SPECIALIST: "justice", Role.LEADER: "leadership"}


class AgencyFactory(DjangoModelFactory):
    """A commune-level agency with the three departments of the test procedures (pass departments=[] for none)."""

    class Meta:
        model = Agency
        skip_postgeneration_save = True

    identity_code = factory.Sequence(lambda n: f"000.00.{n % 100:02d}.T{n // 100 % 100:02d}")
    name = factory.Sequence(lambda n: f"UBND phường thử nghiệm {n}")
    level = Agency.Level.COMMUNE

    @factory.post_generation
    def departments(agency, create, extracted, **kwargs):
        if create:
            for code, name in DEPARTMENTS if extracted is None else extracted:
                Department.objects.create(agency=agency, code=code, name=name)


class UserFactory(DjangoModelFactory):
    """A user with the demo password (set through the manager, so the email is normalised as in sign-up)."""

    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.LazyAttribute(lambda user: user.email.split("@")[0])

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return model_class.objects.create_user(*args, password=kwargs.pop("password", PASSWORD), **kwargs)


class StaffMembershipFactory(DjangoModelFactory):
    """A role in an agency, in the department that role works in at a test agency (when it has one)."""

    class Meta:
        model = StaffMembership

    user = factory.SubFactory(UserFactory)
    agency = factory.SubFactory(AgencyFactory)
    role = Role.RECEPTION
    department = factory.LazyAttribute(
        lambda m: (
            m.agency.departments.filter(code=ROLE_DEPARTMENTS[m.role]).first()
            if m.agency and m.role in ROLE_DEPARTMENTS
            else None
        )
    )


def staff(email: str = "", *, agency: Agency | None, roles=(), **extra) -> User:
    """A user holding `roles` in `agency` (no roles: a citizen)."""
    user = UserFactory(**({"email": email} if email else {}), **extra)
    for role in roles:
        StaffMembershipFactory(user=user, agency=agency, role=role)
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


class ProcedureFactory(factory.Factory):
    """A published procedure imported from `tests.conftest.procedure_template` (the catalogue's own import path)."""

    class Meta:
        model = Procedure

    code = factory.Sequence(lambda n: f"F.{n:04d}")
    agency = factory.SubFactory(AgencyFactory)

    @classmethod
    def _create(cls, model_class, code, agency, **overrides):
        return procedure_import(template=procedure_template(code=code, **overrides), agency=agency)
