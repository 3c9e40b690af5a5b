"""Lets a payment form leave for the provider: the browser checks CSP form-action on the redirect that follows the
POST, so the configured gateways' origins join 'self' there (read per response: tests and the demo set the fake
gateway's address at run time). The fake gateway counts only where it may run (DEBUG or PAYMENTS_FAKE_ALLOWED)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings


def gateway_origins() -> list[str]:
    urls = [settings.VNPAY_URL]
    if settings.DEBUG or getattr(settings, "PAYMENTS_FAKE_ALLOWED", False):
        urls.append(settings.FAKEPAY_URL)
    origins = []
    for url in urls:
        parts = urlsplit(url or "")
        if parts.scheme in {"http", "https"} and parts.netloc:
            origins.append(f"{parts.scheme}://{parts.netloc}")
    return origins


class PaymentFormActionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        origins = gateway_origins()
        if origins and response.get("Content-Type", "").startswith("text/html"):
            update = dict(getattr(response, "_csp_update", None) or {})
            update["form-action"] = [*update.get("form-action", []), *origins]
            response._csp_update = update
        return response
