"""`Idempotency-Key` for create endpoints: a client that retries after a lost response gets the first answer back.

Stored in the Django cache (Redis in production and CI, local memory in the embedded demo) for 24 hours, keyed by
the caller and a hash of their key, so one user's key never collides with another's and no key is stored in clear.

- Same user, same key, same body: the stored response is replayed (status and body), marked `Idempotent-Replayed`.
- Same user, same key, a different body: 422, the key was already used for another request.
- A second request while the first is still running: 409, retry shortly.
Only successful (2xx) responses are stored: a request that failed validation may be corrected and retried with the
same key. If the cache is unreachable the request runs without the guarantee rather than failing (logged).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable

from django.core.cache import cache
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

logger = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
TTL_SECONDS = 24 * 60 * 60
LOCK_SECONDS = 60
MAX_KEY_LENGTH = 255


class IdempotencyKeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = "This Idempotency-Key was already used for a different request."
    default_code = "idempotency_key_reused"


class IdempotencyKeyInProgress(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "A request with this Idempotency-Key is still being processed; retry shortly."
    default_code = "idempotency_key_in_progress"


def _client_key(request: Request) -> str | None:
    raw = request.headers.get(HEADER)
    if raw is None:
        return None
    key = raw.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isascii() or not key.isprintable():
        raise exceptions.ValidationError(
            {HEADER: [_("Idempotency-Key phải gồm 1 đến 255 ký tự ASCII in được.")]}, code="invalid"
        )
    return key


def _fingerprint(request: Request) -> str:
    body = json.dumps(request.data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def idempotent(request: Request, *, scope: str, handler: Callable[[], Response]) -> Response:
    """Run `handler` at most once per (user, Idempotency-Key) within 24 hours; without the header, just run it."""
    key = _client_key(request)
    if key is None or not request.user.is_authenticated:
        return handler()
    digest = hashlib.sha256(f"{scope}\n{key}".encode()).hexdigest()
    cache_key = f"idempotency:v1:{request.user.pk}:{digest}"
    lock_key = f"{cache_key}:lock"
    fingerprint = _fingerprint(request)
    try:
        stored = cache.get(cache_key)
    except Exception:  # the cache is an optimisation of retries, not a reason to refuse the request
        logger.warning("Idempotency cache unavailable; running the request without it.", exc_info=True)
        return handler()
    if stored is not None:
        if stored.get("fingerprint") != fingerprint:
            raise IdempotencyKeyReused(
                _("Idempotency-Key này đã được dùng cho một yêu cầu khác; hãy dùng khoá mới cho yêu cầu mới.")
            )
        return Response(stored["body"], status=stored["status"], headers={"Idempotent-Replayed": "true"})
    try:
        claimed = cache.add(lock_key, fingerprint, timeout=LOCK_SECONDS)
    except Exception:
        logger.warning("Idempotency cache unavailable; running the request without it.", exc_info=True)
        return handler()
    if not claimed:
        raise IdempotencyKeyInProgress(_("Yêu cầu với Idempotency-Key này đang được xử lý; hãy thử lại sau giây lát."))
    try:
        response = handler()
        if 200 <= response.status_code < 300:
            # Plain JSON types only, whatever the cache backend serialises with.
            body = json.loads(JSONRenderer().render(response.data))
            entry = {"fingerprint": fingerprint, "status": response.status_code, "body": body}
            try:
                cache.set(cache_key, entry, TTL_SECONDS)
            except Exception:  # the work is done and committed; answer it even if it cannot be remembered
                logger.warning("Could not store an idempotent response.", exc_info=True)
        return response
    finally:
        try:
            cache.delete(lock_key)
        except Exception:
            logger.warning("Could not release an idempotency lock; it expires by itself.", exc_info=True)
