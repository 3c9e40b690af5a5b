"""Throttles: per-user limits on creating things (drafts, uploads), and tracking misses per client.

Tracking: codes follow a pattern (agency, date, sequence), so a guesser mostly misses; counting misses per client (the
address as TRUSTED_PROXY_COUNT defines it) stops enumeration long before the request rate would, while a citizen who
mistypes a code a few times is never bothered. Rates live in REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"].
"""

from __future__ import annotations

from rest_framework.throttling import SimpleRateThrottle, UserRateThrottle


class CreationThrottle(UserRateThrottle):
    def __init__(self, scope: str):
        self.scope = scope
        super().__init__()


class TrackingMissThrottle(SimpleRateThrottle):
    scope = "tracking_miss"

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def allow_request(self, request, view) -> bool:
        """Refuse once the client has used up its misses; the check itself does not count as one."""
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        self.now = self.timer()
        self.history = [moment for moment in self.cache.get(self.key, []) if moment > self.now - self.duration]
        return len(self.history) < self.num_requests or self.throttle_failure()

    def record_miss(self, request, view=None) -> None:
        if self.rate is None:
            return
        key = self.get_cache_key(request, view)
        now = self.timer()
        history = [moment for moment in self.cache.get(key, []) if moment > now - self.duration]
        self.cache.set(key, [now, *history], self.duration)
