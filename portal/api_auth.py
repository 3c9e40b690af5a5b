"""API authentication by allauth headless session token (`X-Session-Token`), for app clients."""

from __future__ import annotations

from allauth.headless.contrib.rest_framework.authentication import XSessionTokenAuthentication


class SessionTokenAuthentication(XSessionTokenAuthentication):
    def authenticate_header(self, request) -> str:
        # A header makes DRF answer 401 (not 403) to anonymous calls on private endpoints.
        return 'Session-Token realm="api"'
