"""Writes of the officer workspace that combine several services: in-person filing and bulk actions.

Status changes still go only through `dossier_perform_action`; these functions sequence the existing services.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from citizens.models import DESK_ASSURANCE_LEVEL, IdentitySource, User
from citizens.roles import Role
from citizens.services import national_id_valid, national_id_verify, user_with_verified_national_id
from procedures.errors import ActionForbidden, DomainError, InvalidInput
from procedures.models import Channel, Dossier, Procedure
from procedures.selectors import staff_roles
from procedures.services.documents import document_upload
from procedures.services.dossiers import dossier_create, dossier_perform_action
from procedures.workflow import Action

logger = logging.getLogger(__name__)
NO_EMAIL_DOMAIN = "chua-co-email.invalid"


class AccountNeedsConfirmation(DomainError):
    """An existing account matches the walk-in citizen: the officer must see its name and email and confirm."""

    status_code = 409
    code = "confirm_account"

    def __init__(self, user: User):
        super().__init__(
            _("Đã có tài khoản khớp với thông tin này. Hãy kiểm tra họ tên và email rồi xác nhận nộp cho tài khoản đó.")
        )
        self.user = user


def citizen_match(*, national_id: str, email: str = "") -> User | None:
    """The account a walk-in citizen's details point to: the one holding this national ID verified, else the one
    with this email. A typed (unverified) ID on some account is data, never a key: it matches nothing."""
    user = user_with_verified_national_id((national_id or "").strip())
    if user is None and email:
        user = User.objects.filter(email=email.strip().lower()).first()
    return user


@transaction.atomic
def citizen_for_desk(
    *,
    officer: User,
    national_id: str,
    email: str = "",
    full_name: str = "",
    phone: str = "",
    card_checked: bool = False,
    confirm_account: int | None = None,
) -> User:
    """The account a reception officer files a paper dossier for. An existing account is used only once the officer
    confirmed it after seeing its name and email (AccountNeedsConfirmation until then); otherwise a new account
    without a usable password is made (the citizen claims it later through password reset with their email). With
    `card_checked` the officer vouches for the card: the ID becomes the account's verified ID, recorded with the
    officer and the time; without it the ID stays data.

    A walk-in citizen without email gets a placeholder address on a reserved domain (`.invalid`) and email
    notifications off, so nothing is ever sent to it."""
    national_id = (national_id or "").strip()
    email = (email or "").strip().lower()
    if not national_id_valid(national_id):
        raise InvalidInput(
            _("Số định danh cá nhân gồm đúng 12 chữ số."), errors={"national_id": [_("Gồm đúng 12 chữ số.")]}
        )
    user = citizen_match(national_id=national_id, email=email)
    if user is not None:
        if user.pk != confirm_account:
            raise AccountNeedsConfirmation(user)
        if user.pk == officer.pk:
            raise ActionForbidden(_("Cán bộ không tự tiếp nhận hồ sơ của chính mình; hãy nhờ cán bộ khác tiếp nhận."))
    else:
        if not full_name.strip():
            raise InvalidInput(
                _("Cần họ và tên để tạo tài khoản."), errors={"full_name": [_("Trường này là bắt buộc.")]}
            )
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email=email or f"{national_id}@{NO_EMAIL_DOMAIN}",
                    password=None,  # unusable: the citizen sets one through password reset
                    full_name=full_name.strip(),
                    national_id=national_id,
                    phone=phone.strip(),
                    notify_email=bool(email),
                )
        except IntegrityError:
            raise InvalidInput(
                _("Không tạo được tài khoản với email này; hãy kiểm tra lại."),
                errors={"email": [_("Không dùng được.")]},
            )
    if card_checked and not (user.national_id_verified_at and user.national_id == national_id):
        national_id_verify(
            user=user,
            national_id=national_id,
            source=IdentitySource.DESK,
            level=DESK_ASSURANCE_LEVEL,
            verified_by=officer,
        )
        user.refresh_from_db()
    return user


@transaction.atomic
def dossier_file_in_person(
    *,
    officer: User,
    applicant: User,
    procedure_code: str,
    data: Mapping[str, Any],
    uploads: Iterable[tuple[str, UploadedFile]],
    case_code: str = "",
    accept: bool = True,
) -> Dossier:
    """Digitise a paper dossier a citizen brought to the desk: create it with channel in_person (the officer is the
    actor of its creation), attach the scans, submit it and (by default) accept it at once, all or nothing.

    The officer must hold the reception role at the procedure's agency. The workflow lets only the applicant
    submit and upload input documents, so those two calls are made on the applicant's behalf (their events name
    the applicant); the officer is recorded as the creator and as the accepting officer, and an internal comment
    names the officer who digitised the filing. See the README of this package for the change that would let the
    submit event name the officer."""
    procedure = Procedure.objects.filter(code=procedure_code).only("agency_id").first()
    if procedure is None or Role.RECEPTION not in staff_roles(officer, procedure.agency_id):
        raise ActionForbidden(_("Chỉ bộ phận một cửa của cơ quan thực hiện thủ tục được tiếp nhận hồ sơ trực tiếp."))
    if applicant.pk == officer.pk:
        # Separation of duties: another reception officer files an officer's own application.
        raise ActionForbidden(_("Cán bộ không tự tiếp nhận hồ sơ của chính mình; hãy nhờ cán bộ khác tiếp nhận."))
    dossier = dossier_create(
        applicant=applicant,
        procedure_code=procedure_code,
        data=data,
        case_code=case_code,
        channel=Channel.IN_PERSON,
        created_by=officer,
    )
    for requirement, upload in uploads:
        document_upload(dossier_id=dossier.pk, actor=officer, requirement=requirement, upload=upload)
    dossier.refresh_from_db(fields=["version"])
    dossier = dossier_perform_action(
        dossier_id=dossier.pk, action=Action.SUBMIT, actor=officer, version=dossier.version, payload={}
    )
    dossier = dossier_perform_action(
        dossier_id=dossier.pk,
        action=Action.COMMENT,
        actor=officer,
        version=dossier.version,
        payload={
            "comment": _("Hồ sơ giấy nộp trực tiếp, được %(name)s số hoá tại bộ phận một cửa.")
            % {"name": officer.get_full_name()}
        },
    )
    if accept:
        dossier = dossier_perform_action(
            dossier_id=dossier.pk, action=Action.ACCEPT, actor=officer, version=dossier.version, payload={}
        )
    return dossier


@dataclass
class BulkResult:
    dossier_id: str
    code: str
    ok: bool
    message: str


def dossiers_bulk_action(
    *, actor: User, action: Action, items: Iterable[tuple[UUID | str, int]], payload: Mapping[str, Any] | None = None
) -> list[BulkResult]:
    """Apply one action to many dossiers, each in its own transaction through dossier_perform_action (a failure
    leaves the others done) and report each outcome. `items` are (dossier id, version seen by the officer)."""
    results = []
    now = timezone.now()
    for dossier_id, version in items:
        # Only a dossier the officer may see is named by its code; any other stays the id they sent.
        visible = Dossier.objects.visible_to(actor).filter(pk=dossier_id)
        code = str(visible.values_list("code", flat=True).first() or dossier_id)
        try:
            dossier_perform_action(
                dossier_id=dossier_id,
                action=action,
                actor=actor,
                version=version,
                payload=dict(payload or {}),
                now=now,
            )
        except DomainError as exc:
            results.append(BulkResult(str(dossier_id), code, False, exc.message))
        else:
            results.append(BulkResult(str(dossier_id), code, True, ""))
    return results
