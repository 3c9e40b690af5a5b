"""Past dossiers for the demo, driven through the real services so every event and date is consistent.

Deterministic (seeded random) and skipped when the history already exists, so `seed_demo` stays idempotent.
"""

from __future__ import annotations

import random
import re
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from citizens.models import StaffMembership, User
from citizens.roles import Role
from notifications.services import notifications_muted
from procedures.models import Document, Dossier, Procedure, ProcedureStep
from procedures.services.calendar import portal_tz, working_calendar
from procedures.services.dossiers import dossier_create, dossier_perform_action
from procedures.workflow import Action

DEFAULT_COUNT = 240
HISTORY_DAYS = 120
MARKER_EMAIL = "history.citizen01@example.org"

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ"]
MIDDLE = ["Văn", "Thị", "Minh", "Thu", "Quang", "Ngọc", "Đức", "Thanh", "Hữu", "Mai"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Khánh", "Linh", "Nam", "Phúc", "Quân", "Sơn", "Trang"]


def _citizens(rng: random.Random, n: int = 25) -> list[User]:
    users = []
    for i in range(1, n + 1):
        email = f"history.citizen{i:02d}@example.org"
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        user = User.objects.filter(email=email).first() or User.objects.create_user(
            email=email, password=None, full_name=name, notify_email=False, notify_inapp=False, notify_sms=False
        )
        users.append(user)
    return users


def _sample_value(field: dict, rng: random.Random):
    kind = field["type"]
    digits = re.fullmatch(r"\^\[0-9\]\{(\d+)\}\$", field.get("pattern") or "")
    if digits:
        return "".join(rng.choice("0123456789") for _ in range(int(digits.group(1))))
    if kind in ("text", "textarea"):
        return "Dữ liệu minh hoạ"[: int(field.get("max") or 100)]
    if kind == "number":
        low = field.get("min", 1) or 1
        high = field.get("max", low + 10) or low + 10
        return rng.randint(int(low), int(min(high, low + 20)))
    if kind == "date":
        return "2026-01-15"
    if kind == "select":
        return field["options"][0]["value"]
    if kind == "multiselect":
        return [field["options"][0]["value"]]
    if kind == "checkbox":
        return bool(field.get("required"))
    if kind == "email":
        return "nguoidan@example.org"
    if kind == "phone":
        return "0912345678"
    if kind == "national_id":
        return f"0010{rng.randint(10**7, 10**8 - 1)}"
    if kind == "address":
        from procedures import units

        province = units.provinces()[0]["code"]
        commune = units.communes(province)[0]["code"]
        return {"province": province, "commune": commune, "street": "Số 1 phố Điện Biên Phủ"}
    if kind == "group":
        return [{sub["key"]: _sample_value(sub, rng) for sub in field.get("fields", []) if sub["type"] != "heading"}]
    return None


def sample_data(fields: list[dict], rng: random.Random) -> dict:
    """Values that satisfy a version's form (required fields filled, conditions respected)."""
    data: dict = {}
    for field in fields:
        if field["type"] == "heading":
            continue
        condition = field.get("visible_if")
        if condition and data.get(condition["field"]) != condition["equals"]:
            continue
        if field.get("required") or field["type"] in ("checkbox", "select"):
            value = _sample_value(field, rng)
            if value is not None:
                data[field["key"]] = value
    return data


def _staff(agency_id: int) -> dict[str, list[User]]:
    by_role: dict[str, list[User]] = {}
    for membership in StaffMembership.objects.filter(agency_id=agency_id, is_active=True).select_related("user"):
        by_role.setdefault(membership.role, []).append(membership.user)
    return by_role


def _working_moment(day: datetime, rng: random.Random) -> datetime:
    calendar = working_calendar()
    local_day = calendar.working_day_on_or_after(day.date())
    return datetime(
        local_day.year, local_day.month, local_day.day, rng.randint(8, 15), rng.randint(0, 59), tzinfo=portal_tz()
    )


def seed_history(*, count: int | None = None) -> str:
    if User.objects.filter(email=MARKER_EMAIL).exists():
        return "History: already present, left as it is."
    rng = random.Random(2026)
    count = DEFAULT_COUNT if count is None else count
    citizens = _citizens(rng)
    procedures = list(Procedure.objects.filter(current_version__isnull=False).select_related("current_version"))
    now = timezone.now()
    start = now - timedelta(days=HISTORY_DAYS)
    made = 0
    # Back-dated events are history, not news: nobody is notified about them.
    with notifications_muted():
        for _ in range(count):
            procedure = rng.choice(procedures)
            filed = _working_moment(start + timedelta(days=rng.uniform(0, HISTORY_DAYS)), rng)
            if filed >= now:
                continue
            _one_dossier(procedure, rng.choice(citizens), filed, now, rng)
            made += 1
    return f"History: {made} past dossiers generated over {HISTORY_DAYS} days."


def _one_dossier(procedure: Procedure, applicant: User, filed: datetime, now: datetime, rng: random.Random) -> None:
    version = procedure.current_version
    steps = list(ProcedureStep.objects.filter(version=version).order_by("position"))
    staff = _staff(procedure.agency_id)
    channel = rng.choices(["online", "in_person", "post"], weights=[70, 25, 5])[0]
    dossier = dossier_create(
        applicant=applicant, procedure_code=procedure.code, data=sample_data(version.form_fields, rng), channel=channel
    )
    for requirement in version.documents:
        if requirement.get("required"):
            Document.objects.create(
                dossier=dossier,
                requirement=requirement["code"],
                file=ContentFile(PDF, name="tai-lieu.pdf"),
                name=f"{requirement['code']}.pdf",
                size=len(PDF),
                content_type="application/pdf",
                sha256="0" * 64,
                uploaded_by=applicant,
            )
    clock = filed

    def act(action: Action, actor: User, hours: float, **payload) -> bool:
        nonlocal clock, dossier
        moment = clock + timedelta(hours=hours)
        if moment >= now:
            return False
        clock = moment
        dossier = dossier_perform_action(
            dossier_id=dossier.pk, action=action, actor=actor, version=dossier.version, payload=payload, now=moment
        )
        return True

    def pick(role: str) -> User:
        return rng.choice(staff[role])

    if not act(Action.SUBMIT, applicant, 0):
        return
    fate = rng.random()
    if fate < 0.05:
        act(Action.REFUSE, pick(Role.RECEPTION), rng.uniform(1, 20), reason="Hồ sơ không thuộc thẩm quyền giải quyết.")
        return
    if fate < 0.08:
        act(Action.WITHDRAW, applicant, rng.uniform(1, 10))
        return
    if not act(Action.ACCEPT, pick(Role.RECEPTION), rng.uniform(0.5, 20)):
        return
    # Most dossiers finish on time; some run late, a few need a supplement (two supplements count as late).
    late = rng.random() < 0.18
    total_hours = max((dossier.due_at - clock).total_seconds() / 3600, 2)
    budget = total_hours * (rng.uniform(1.05, 1.6) if late else rng.uniform(0.2, 0.9))
    per_step = budget / max(len(steps), 1)
    if rng.random() < 0.12:
        if not act(
            Action.REQUEST_SUPPLEMENT,
            pick(Role.SPECIALIST if Role.SPECIALIST in staff else Role.RECEPTION),
            per_step / 2,
            items=["Bản chụp rõ nét giấy tờ tùy thân"],
        ):
            return
        if not act(Action.SUPPLEMENT, applicant, rng.uniform(20, 70)):
            return
    # Recent filings are often still being worked on; stopping here leaves them open (some of them late).
    recent = (now - filed).days < 25
    stop_at = rng.randint(1, len(steps)) if recent and rng.random() < 0.55 else None
    for position in range(1, len(steps)):
        if stop_at == position:
            return
        role = steps[position - 1].role
        if not act(Action.FORWARD, pick(role), per_step):
            return
    if stop_at == len(steps):
        return
    last_role = steps[-1].role
    outcome = "approved" if rng.random() < 0.93 else "denied"
    if not act(Action.COMPLETE, pick(last_role), per_step, outcome=outcome):
        return
    if rng.random() < 0.9:
        act(Action.DELIVER, pick(Role.RECEPTION), rng.uniform(2, 72), channel=rng.choice(["online", "desk"]))


def history_dossiers():
    return Dossier.objects.filter(applicant__email__startswith="history.citizen")
