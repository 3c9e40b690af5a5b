"""Staff always use a second factor (STAFF_MFA_REQUIRED, on by default).

A staff account (is_staff, superuser, or any active membership in an agency) without an authenticator can only enrol
one: pages redirect to TOTP setup and the API answers 403 `{"code": "mfa_required"}`. A staff session that did not
pass the second factor (one opened by a path that bypasses allauth's login stages) is treated the same way.
allauth records each authentication step in the session; a passed second factor is a record with method "mfa".
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

# Where a staff member without a second factor may still go: allauth's own pages (login, logout, 2FA setup,
# reauthentication), the headless API (an app enrols through it), static files, the language switch and health.
OPEN_PREFIXES = ("/accounts/", "/_allauth/", "/static/", "/i18n/", "/health/")
SECOND_FACTORS = ("totp", "webauthn")  # recovery codes alone are a fallback, not a factor
AUTH_RECORDS_KEY = "account_authentication_methods"  # allauth.account.authentication
AUTH_RECORDS_USER_KEY = "account_authentication_methods_user"

ENROL, VERIFY = "enrol", "verify"


def is_staff_account(user) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return user.memberships.filter(is_active=True).exists()


def _passed_second_factor(session, user) -> bool:
    if session.get(AUTH_RECORDS_USER_KEY) != str(user.pk):
        return False
    records = session.get(AUTH_RECORDS_KEY)
    return isinstance(records, list) and any(
        isinstance(r, dict) and r.get("method") == "mfa" and r.get("type") in SECOND_FACTORS for r in records
    )


def mfa_problem(user, session) -> str | None:
    """None when the user may proceed; ENROL (no authenticator yet) or VERIFY (this session skipped it)."""
    if not getattr(settings, "STAFF_MFA_REQUIRED", True) or not is_staff_account(user):
        return None
    from allauth.mfa.models import Authenticator

    if not Authenticator.objects.filter(user=user, type__in=SECOND_FACTORS).exists():
        return ENROL
    return None if _passed_second_factor(session, user) else VERIFY


def record_second_factor(session, user, kind: str = "totp") -> None:
    """Mark the session as having passed a second factor, as allauth's own login stage records it."""
    records = session.get(AUTH_RECORDS_KEY) if session.get(AUTH_RECORDS_USER_KEY) == str(user.pk) else None
    records = list(records) if isinstance(records, list) else []
    records.append({"method": "mfa", "type": kind, "at": time.time()})
    session[AUTH_RECORDS_KEY] = records
    session[AUTH_RECORDS_USER_KEY] = str(user.pk)


def mfa_required_response(problem: str) -> JsonResponse:
    detail = (
        _("Cán bộ phải bật xác thực hai bước (ứng dụng TOTP) trước khi dùng API.")
        if problem == ENROL
        else _("Phiên đăng nhập chưa qua bước xác thực thứ hai; hãy đăng nhập lại.")
    )
    return JsonResponse({"detail": detail, "code": "mfa_required"}, status=403)


class StaffMFAMiddleware:
    """After authentication: staff without a passed second factor can only enrol one (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.path.startswith(OPEN_PREFIXES):
            return self.get_response(request)
        problem = mfa_problem(user, request.session)
        if problem is None:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return mfa_required_response(problem)
        if problem == VERIFY:
            logout(request)
            return HttpResponseRedirect(f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()})}")
        return HttpResponseRedirect(f"{reverse('mfa_activate_totp')}?{urlencode({'next': request.get_full_path()})}")
