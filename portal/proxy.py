"""One trusted-proxy setting for every consumer of the client's address.

`TRUSTED_PROXY_COUNT` (default 0) is how many reverse proxies under our control stand in front of the portal. It
feeds DRF (`NUM_PROXIES`, its throttles), allauth (`ALLAUTH_TRUSTED_PROXY_COUNT`, login rate limits and lockouts)
and Django itself through `TrustedProxyMiddleware` (REMOTE_ADDR, for logs and whatever reads it): all three take
the n-th address of X-Forwarded-For counted from the right, the one our own outermost proxy saw. With 0 the header is
ignored everywhere, so a client cannot pick its own address by sending one.
"""

from __future__ import annotations

from django.conf import settings


def forwarded_client(meta, count: int) -> str | None:
    """The client address the `count`-th trusted proxy recorded, or None when the header cannot be trusted."""
    header = meta.get("HTTP_X_FORWARDED_FOR", "")
    if count <= 0 or not header:
        return None
    addresses = [part.strip() for part in header.split(",")]
    if len(addresses) < count or not addresses[-count]:
        return None
    return addresses[-count]


class TrustedProxyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.count = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))

    def __call__(self, request):
        client = forwarded_client(request.META, self.count)
        if client is not None:
            request.META["REMOTE_ADDR"] = client
        elif self.count <= 0 or request.META.get("HTTP_X_FORWARDED_FOR"):
            # Not (all) through our proxies: a header nobody trusted we drop, so no library reads it either (allauth
            # would even fail on one shorter than the count).
            request.META.pop("HTTP_X_FORWARDED_FOR", None)
        return self.get_response(request)
