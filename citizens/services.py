"""Writes on identities: verifying a national ID (from the national e-ID or at the desk) and the proofs behind it.

A typed national ID is data. It becomes an identity only here, recorded with who (the officer, for the desk) and
when, and is locked from then on: a later proof with another ID is refused, never written over it.
"""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from citizens.models import AssuranceLevel, IdentityProof, IdentitySource, User
from procedures.errors import ActionForbidden, InvalidInput

NATIONAL_ID_LENGTH = 12


def national_id_valid(value: str | None) -> bool:
    return bool(value) and len(value) == NATIONAL_ID_LENGTH and value.isdigit()


def user_with_verified_national_id(national_id: str) -> User | None:
    return User.objects.filter(national_id=national_id, national_id_verified_at__isnull=False).first()


@transaction.atomic
def national_id_verify(
    *,
    user: User,
    national_id: str,
    source: str,
    level: int,
    subject: str = "",
    verified_by: User | None = None,
    now: datetime | None = None,
) -> IdentityProof:
    """Record a proof of `user`'s identity and make `national_id` their verified ID (locked once verified).

    Refused (InvalidInput, without saying whose) when the account already holds another verified ID or another
    account holds this one verified."""
    national_id = (national_id or "").strip()
    if not national_id_valid(national_id):
        raise InvalidInput(_("Số định danh cá nhân gồm đúng 12 chữ số."), errors={"national_id": [_("Gồm 12 chữ số.")]})
    if source not in IdentitySource.values:
        raise ValueError(f"Unknown identity source {source!r}")
    now = now or timezone.now()
    user = User.objects.select_for_update().get(pk=user.pk)
    conflict = InvalidInput(
        _("Không xác thực được số định danh cho tài khoản này; hãy liên hệ bộ phận một cửa."),
        errors={"national_id": [_("Không xác thực được số định danh.")]},
    )
    if user.national_id_verified_at and user.national_id != national_id:
        raise conflict
    if User.objects.filter(national_id=national_id, national_id_verified_at__isnull=False).exclude(pk=user.pk).exists():
        raise conflict
    fields = ["assurance_level"]
    if not user.national_id_verified_at:
        user.national_id = national_id
        user.national_id_verified_at = now
        user.national_id_verified_by = verified_by
        user.national_id_source = source
        fields += ["national_id", "national_id_verified_at", "national_id_verified_by", "national_id_source"]
    user.assurance_level = max(user.assurance_level, int(level))
    try:
        with transaction.atomic():
            user.save(update_fields=fields)
    except IntegrityError:  # a concurrent verification of the same ID for another account
        raise conflict
    return IdentityProof.objects.create(
        user=user,
        provider=source,
        subject=subject or national_id,
        level_of_assurance=int(level),
        national_id=national_id,
        verified_by=verified_by,
        at=now,
    )


def require_assurance(*, applicant: User, procedure) -> None:
    """Procedures may require a minimum level of assurance to file (citizens.models.AssuranceLevel)."""
    needed = int(getattr(procedure, "min_assurance_level", 0) or 0)
    if needed and int(applicant.assurance_level) < needed:
        raise ActionForbidden(
            _(
                "Thủ tục này yêu cầu tài khoản %(level)s. Hãy đăng nhập bằng VNeID hoặc nộp trực tiếp tại bộ phận "
                "một cửa với thẻ căn cước."
            )
            % {"level": AssuranceLevel(needed).label.lower()}
        )
