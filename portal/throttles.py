"""Per-user throttles on creating things (drafts, uploads): rates in REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]."""

from __future__ import annotations

from rest_framework.throttling import UserRateThrottle


class CreationThrottle(UserRateThrottle):
    def __init__(self, scope: str):
        self.scope = scope
        super().__init__()
