"""allauth adapters: accounts (emails lower-case, full name at signup), national e-ID logins (VNeID), headless."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.headless.adapter import DefaultHeadlessAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.db import transaction
from django.shortcuts import render, resolve_url
from django.urls import reverse
from django.utils.translation import gettext as _

# Roles that work dossiers in the workspace (/can-bo/); their day starts at their queue, not the citizen home page.
WORKSPACE_ROLES = ("reception", "specialist", "leader")


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request):
        url = super().get_login_redirect_url(request)
        user = request.user
        if url == resolve_url(settings.LOGIN_REDIRECT_URL) and user.is_authenticated:
            # Only when no ?next= was asked for: a link from an e-mail still opens its page.
            if user.memberships.filter(is_active=True, role__in=WORKSPACE_ROLES).exists():
                return reverse("workspace:home")
        return url

    def clean_email(self, email: str) -> str:
        return super().clean_email(email).strip().lower()

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        full_name = (form.cleaned_data.get("full_name") or "").strip() if hasattr(form, "cleaned_data") else ""
        if full_name:
            user.full_name = full_name
        if commit:
            user.save()
        return user


# --- national e-ID (VNeID) ---------------------------------------------------------------------------------------


VNEID = "vneid"
NO_EMAIL_DOMAIN = "chua-co-email.invalid"
DEFAULT_CLAIMS = {"national_id": "SoDinhDanh", "full_name": "HoVaTen", "birth_date": "NgayThangNamSinh"}


@dataclass(frozen=True)
class EIDIdentity:
    subject: str
    national_id: str
    full_name: str
    birth_date: date | None
    level: int


def _birth_date(value) -> date | None:
    text = str(value or "").strip()
    if re.fullmatch(r"\d{8}", text):  # yyyymmdd
        try:
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            return None
    return None


def _level(value) -> int:
    """The level of assurance from the returned claim ("2", 2, "muc2", "urn:...:loa2"): its last digit, 1 or 2.
    A VNeID account is at least level 1."""
    digits = re.findall(r"\d", str(value if value is not None else ""))
    return 2 if digits and int(digits[-1]) >= 2 else 1


def eid_identity(sociallogin) -> EIDIdentity:
    """What the verified ID token says, through the claim names configured for the app (API.md)."""
    settings = sociallogin.provider.app.settings or {}
    names = {**DEFAULT_CLAIMS, **(settings.get("claims") or {})}
    data = sociallogin.account.extra_data or {}
    claims = data.get("id_token") or {}
    return EIDIdentity(
        subject=str(sociallogin.account.uid),
        national_id=str(claims.get(names["national_id"]) or "").strip(),
        full_name=" ".join(str(claims.get(names["full_name"]) or "").split()),
        birth_date=_birth_date(claims.get(names["birth_date"])),
        level=_level(claims.get(settings.get("loa_claim", "acr"))),
    )


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """VNeID accounts: keyed on `sub`; linked to an existing account only through a verified national ID, never an
    email; never to a staff account. Every e-ID login verifies the national ID and records an IdentityProof."""

    def _refuse(self, request, message: str):
        raise ImmediateHttpResponse(render(request, "account/vneid_refused.html", {"message": message}, status=403))

    def pre_social_login(self, request, sociallogin) -> None:
        from citizens.mfa import is_staff_account
        from citizens.services import national_id_valid, user_with_verified_national_id

        if sociallogin.account.provider != VNEID:
            return
        identity = eid_identity(sociallogin)
        if not national_id_valid(identity.national_id):
            self._refuse(request, _("VNeID không trả về số định danh cá nhân hợp lệ."))
        user = sociallogin.user if sociallogin.is_existing else user_with_verified_national_id(identity.national_id)
        if user is None:
            return  # a new account: save_user verifies it
        if is_staff_account(user):
            self._refuse(
                request, _("Tài khoản cán bộ không đăng nhập bằng VNeID; hãy đăng nhập bằng email và mã xác thực.")
            )
        with transaction.atomic():
            self._prove(request, user, identity)
            if not sociallogin.is_existing:
                sociallogin.connect(request, user)

    def _prove(self, request, user, identity: EIDIdentity) -> None:
        from citizens.models import IdentitySource
        from citizens.services import national_id_verify
        from procedures.errors import DomainError

        try:
            national_id_verify(
                user=user,
                national_id=identity.national_id,
                source=IdentitySource.EID,
                level=identity.level,
                subject=identity.subject,
            )
        except DomainError as exc:
            self._refuse(request, exc.message)
        changed = []
        if identity.full_name and user.full_name != identity.full_name:
            user.full_name = identity.full_name
            changed.append("full_name")
        if identity.birth_date and user.date_of_birth != identity.birth_date:
            user.date_of_birth = identity.birth_date
            changed.append("date_of_birth")
        if changed:
            type(user).objects.filter(pk=user.pk).update(**{name: getattr(user, name) for name in changed})

    def is_auto_signup_allowed(self, request, sociallogin) -> bool:
        return sociallogin.account.provider == VNEID or super().is_auto_signup_allowed(request, sociallogin)

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        if sociallogin.account.provider != VNEID:
            return user
        from citizens.models import User

        identity = eid_identity(sociallogin)
        # The e-ID's email never links accounts; a new account gets a placeholder on a reserved domain (the citizen
        # adds a real address in the profile) and email notifications off.
        user.email = f"vneid-{identity.national_id or identity.subject}@{NO_EMAIL_DOMAIN}".lower()
        if User.objects.filter(email=user.email).exists():
            user.email = f"vneid-{identity.subject}@{NO_EMAIL_DOMAIN}".lower()
        user.notify_email = False
        user.full_name = identity.full_name
        user.date_of_birth = identity.birth_date
        return user

    def save_user(self, request, sociallogin, form=None):
        with transaction.atomic():
            user = super().save_user(request, sociallogin, form)
            if sociallogin.account.provider == VNEID:
                self._prove(request, user, eid_identity(sociallogin))
        return user


class HeadlessAdapter(DefaultHeadlessAdapter):
    """The session endpoint says whether the national ID is verified, how, and the level of assurance."""

    def serialize_user(self, user):
        data = super().serialize_user(user)
        data.update(
            {
                "national_id_verified": user.national_id_verified_at is not None,
                "national_id_source": user.national_id_source or None,
                "assurance_level": user.assurance_level,
            }
        )
        return data
