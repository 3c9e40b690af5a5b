"""`Idempotency-Key` for create endpoints: a client that retries after a lost response gets the first answer back.

Stored in the database (IdempotencyKey) for 24 hours, keyed by the caller, the endpoint's scope and a hash of their
key, so one user's key never collides with another's and no key is stored in clear.

- Same user, same key, same body: the stored response is replayed (status and body), marked `Idempotent-Replayed`.
- Same user, same key, a different body: 422, the key was already used for another request.
- A second request while the first is still running waits for it (the unique index holds it) and then gets the
  first answer replayed; one key is one dossier under any concurrency.
Only successful (2xx) responses are stored: a request that failed validation may be corrected and retried with the
same key (its claim is rolled back with the failed work).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from procedures.models import IdempotencyKey

HEADER = "Idempotency-Key"
TTL = timedelta(hours=24)
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


class _Claimed(Exception):
    """Another request holds (or held) this key."""


class _NotStored(Exception):
    """Carries a non-2xx response out of the claim's transaction so the claim is rolled back with it."""

    def __init__(self, response: Response):
        self.response = response


def _replay(row: IdempotencyKey, fingerprint: str) -> Response:
    if row.fingerprint != fingerprint:
        raise IdempotencyKeyReused(
            _("Idempotency-Key này đã được dùng cho một yêu cầu khác; hãy dùng khoá mới cho yêu cầu mới.")
        )
    return Response(row.body, status=row.status_code, headers={"Idempotent-Replayed": "true"})


def idempotent(request: Request, *, scope: str, handler: Callable[[], Response]) -> Response:
    """Run `handler` at most once per (user, Idempotency-Key) within 24 hours; without the header, just run it."""
    key = _client_key(request)
    if key is None or not request.user.is_authenticated:
        return handler()
    digest = hashlib.sha256(key.encode()).hexdigest()
    fingerprint = _fingerprint(request)
    lookup = {"user": request.user, "scope": scope, "key_digest": digest}
    row = IdempotencyKey.objects.filter(**lookup).first()
    if row is not None:
        if row.created_at > timezone.now() - TTL:
            return _replay(row, fingerprint)
        row.delete()  # expired: the key may be used afresh
    try:
        with transaction.atomic():
            # The claim is inserted first, in the same transaction as the work: a concurrent request with the same
            # key blocks on the unique index until this commits (then replays) or rolls back (then runs itself).
            try:
                with transaction.atomic():
                    claim = IdempotencyKey.objects.create(**lookup, fingerprint=fingerprint, status_code=0, body={})
            except IntegrityError:
                raise _Claimed
            response = handler()
            if not 200 <= response.status_code < 300:
                raise _NotStored(response)
            claim.status_code = response.status_code
            claim.body = json.loads(JSONRenderer().render(response.data))  # plain JSON types only
            claim.save(update_fields=["status_code", "body"])
            return response
    except _NotStored as outcome:
        return outcome.response
    except _Claimed:
        row = IdempotencyKey.objects.filter(**lookup).first()
        if row is None or row.status_code == 0:
            raise IdempotencyKeyInProgress(
                _("Yêu cầu với Idempotency-Key này đang được xử lý; hãy thử lại sau giây lát.")
            )
        return _replay(row, fingerprint)
