"""API authentication by allauth headless session token (`X-Session-Token`), for app clients."""

from __future__ import annotations

from allauth.headless.contrib.rest_framework.authentication import XSessionTokenAuthentication
from rest_framework import exceptions

from citizens.mfa import ENROL, mfa_problem


class SessionTokenAuthentication(XSessionTokenAuthentication):
    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            user, session = result
            # Staff without a passed second factor get nothing but 403 mfa_required (pages: citizens.mfa middleware).
            problem = mfa_problem(user, session)
            if problem is not None:
                message = (
                    "Cán bộ phải bật xác thực hai bước (ứng dụng TOTP) trước khi dùng API."
                    if problem == ENROL
                    else "Phiên đăng nhập chưa qua bước xác thực thứ hai; hãy đăng nhập lại."
                )
                raise exceptions.PermissionDenied(message, code="mfa_required")
        return result

    def authenticate_header(self, request) -> str:
        # A header makes DRF answer 401 (not 403) to anonymous calls on private endpoints.
        return 'Session-Token realm="api"'
