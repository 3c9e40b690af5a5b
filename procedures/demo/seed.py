"""Builds the demo province: agencies and departments, the accounts of API.md, the catalogue and some history."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.contrib.sites.models import Site
from django.db.models import Q

from citizens.models import StaffMembership, User
from citizens.roles import Role
from procedures import hooks
from procedures.demo.catalogue import PROCEDURES
from procedures.models import Agency, Department
from procedures.services.catalogue import procedure_import

PASSWORD = "demo-Portal-2026"
# API.md: every demo staff account has TOTP with this base32 secret, so scripts can compute the second factor.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXP"

PROVINCE = {"identity_code": "000.00.00.H26", "name": "UBND Thành phố Hà Nội", "name_en": "Hanoi People's Committee"}

# key used by the catalogue -> agency and its departments
AGENCIES = {
    "commune": {
        "identity_code": "000.00.12.H26",
        "name": "UBND phường Ba Đình",
        "name_en": "Ba Dinh Ward People's Committee",
        "level": Agency.Level.COMMUNE,
        "departments": [
            ("one-stop", "Bộ phận Một cửa (Trung tâm Phục vụ hành chính công phường)", "One-stop desk"),
            ("justice", "Tư pháp - Hộ tịch", "Justice and civil status"),
            ("economy", "Phòng Kinh tế, Hạ tầng và Đô thị", "Economy, infrastructure and urban affairs"),
            ("culture-social", "Văn hoá - Xã hội", "Culture and social affairs"),
            ("leadership", "Lãnh đạo UBND phường", "Ward leadership"),
        ],
    },
    "police": {
        "identity_code": "000.00.31.H26",
        "name": "Công an Thành phố Hà Nội",
        "name_en": "Hanoi City Police",
        "level": Agency.Level.DEPARTMENT,
        "departments": [
            ("one-stop", "Bộ phận Một cửa", "One-stop desk"),
            ("records", "Phòng Hồ sơ nghiệp vụ", "Professional Records Division"),
            ("traffic", "Phòng Cảnh sát giao thông", "Traffic Police Division"),
            ("residence", "Đội Quản lý cư trú", "Residence management"),
            ("leadership", "Lãnh đạo Công an", "Police leadership"),
        ],
    },
    "finance": {
        "identity_code": "000.00.05.H26",
        "name": "Sở Tài chính Thành phố Hà Nội",
        "name_en": "Hanoi Department of Finance",
        "level": Agency.Level.DEPARTMENT,
        "departments": [
            ("one-stop", "Bộ phận Một cửa", "One-stop desk"),
            ("business-registration", "Phòng Đăng ký kinh doanh", "Business Registration Office"),
            ("leadership", "Lãnh đạo Sở", "Department leadership"),
        ],
    },
}

# email, full name, agency key, [(role, department code)]
STAFF = [
    ("reception@example.org", "Phạm Thu Hà", "commune", [(Role.RECEPTION, "one-stop")]),
    ("specialist@example.org", "Lê Minh Tuấn", "commune", [(Role.SPECIALIST, "justice"), (Role.SPECIALIST, "economy")]),
    ("specialist2@example.org", "Đỗ Thị Lan", "commune", [(Role.SPECIALIST, "culture-social")]),
    ("leader@example.org", "Nguyễn Quang Huy", "commune", [(Role.LEADER, "leadership")]),
    ("commune.admin@example.org", "Vũ Hoàng Nam", "commune", [(Role.AGENCY_ADMIN, None)]),
    ("other.reception@example.org", "Hoàng Văn Đức", "police", [(Role.RECEPTION, "one-stop")]),
    ("police.specialist@example.org", "Trịnh Thị Mai", "police", [(Role.SPECIALIST, "records")]),
    ("police.leader@example.org", "Bùi Đức Thắng", "police", [(Role.LEADER, "leadership")]),
    ("finance.reception@example.org", "Ngô Thị Hằng", "finance", [(Role.RECEPTION, "one-stop")]),
    ("finance.specialist@example.org", "Phan Văn Long", "finance", [(Role.SPECIALIST, "business-registration")]),
    ("finance.leader@example.org", "Đặng Thu Trang", "finance", [(Role.LEADER, "leadership")]),
    ("ioc@example.org", "Cao Minh Châu", "province", [(Role.IOC_VIEWER, None)]),
    ("data@example.org", "Lý Thu Trang", "province", [(Role.DATA_OFFICER, None)]),
]

CITIZENS = [
    ("citizen@example.org", "Nguyễn Văn An", "0912345678", "001090012345"),
    ("citizen2@example.org", "Trần Thị Bình", "0987654321", "001190054321"),
]


def _agencies() -> dict[str, Agency]:
    province, _ = Agency.objects.update_or_create(
        identity_code=PROVINCE["identity_code"],
        defaults={
            "name": PROVINCE["name"],
            "name_en": PROVINCE["name_en"],
            "level": Agency.Level.PROVINCE,
            "province_code": "01",
        },
    )
    agencies = {"province": province}
    for key, spec in AGENCIES.items():
        agency, _ = Agency.objects.update_or_create(
            identity_code=spec["identity_code"],
            defaults={
                "name": spec["name"],
                "name_en": spec["name_en"],
                "level": spec["level"],
                "parent": province,
                "province_code": "01",
            },
        )
        for code, name, name_en in spec["departments"]:
            Department.objects.update_or_create(agency=agency, code=code, defaults={"name": name, "name_en": name_en})
        agencies[key] = agency
    return agencies


def _user(email: str, full_name: str, **extra) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=PASSWORD, full_name=full_name, **extra)
    else:
        for name, value in {"full_name": full_name, **extra}.items():
            setattr(user, name, value)
        user.set_password(PASSWORD)
        user.save()
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def _enrol_totp(user: User) -> None:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import encrypt

    Authenticator.objects.update_or_create(
        user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": encrypt(DEMO_TOTP_SECRET)}}
    )


def seed_demo(*, history: int | None = None) -> list[str]:
    Site.objects.update_or_create(pk=1, defaults={"domain": "127.0.0.1:8000", "name": "Một Cửa"})
    agencies = _agencies()
    for email, name, phone, national_id in CITIZENS:
        # Another account may have taken the national ID in a hand-edited database; never fail the seed for it.
        taken = User.objects.filter(Q(national_id=national_id) & ~Q(email=email)).exists()
        _user(email, name, phone=phone, **({} if taken else {"national_id": national_id}))
    for email, name, agency_key, roles in STAFF:
        user = _user(email, name, is_staff=True)
        agency = agencies[agency_key]
        for role, department_code in roles:
            department = agency.departments.filter(code=department_code).first() if department_code else None
            StaffMembership.objects.get_or_create(user=user, agency=agency, department=department, role=role)
        _enrol_totp(user)
    admin = _user("admin@example.org", "Quản trị hệ thống", is_staff=True, is_superuser=True)
    admin.save()
    _enrol_totp(admin)

    for template in PROCEDURES:
        procedure_import(template=template, agency=agencies[template["agency"]])

    lines = [
        f"Agencies: {len(agencies)}; procedures: {len(PROCEDURES)}",
        "Accounts: citizen@example.org, citizen2@example.org, reception@example.org, specialist@example.org, "
        "leader@example.org, other.reception@example.org, admin@example.org (more staff: procedures/demo/seed.py)",
    ]
    if history != 0:
        from procedures.demo.history import seed_history

        lines.append(seed_history(count=history))
    for seeder in hooks.demo_seeders():
        lines.append(seeder.run(agencies=agencies))
    # Statistics are rebuilt from the event log, so the dashboard is right even for data seeded by older code.
    from django.core.management import call_command

    call_command("rebuild_stats", verbosity=0)
    return lines
