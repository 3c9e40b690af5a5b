"""Maps domain errors to DRF's error shapes; anything unexpected still becomes a clean JSON response.

400 bad input, 401 not logged in, 403 not allowed, 404 not found or not yours, 409 conflict, 413 too large, 429
throttled (API.md). A 500 is always a bug: it is logged with its traceback and answered as JSON, never HTML.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from procedures.errors import DomainError

logger = logging.getLogger("portal.api")


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        set_rollback()
        body: dict = {"detail": exc.message, "code": exc.code}
        if exc.errors:
            body["errors"] = exc.errors
            # DRF's field shape too, so clients that read {"field": [...]} work unchanged.
            for key, messages in exc.errors.items():
                body.setdefault(key, messages)
        return Response(body, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        set_rollback()
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, RequestDataTooBig):
        exc = exceptions.APIException("Request body too large.")
        exc.status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    elif isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        exc = exceptions.ParseError(_("Yêu cầu có quá nhiều trường hoặc tệp."))
    elif isinstance(exc, SuspiciousOperation):
        # Django's family of "this request cannot be right" errors (bad multipart, bad headers): bad input, 400.
        exc = exceptions.ParseError(_("Yêu cầu không hợp lệ."))
    elif isinstance(exc, exceptions.Throttled):
        wait = f" {int(exc.wait) + 1}" if exc.wait is not None else ""
        exc = exceptions.Throttled(
            wait=exc.wait,
            detail=_("Bạn đã gửi quá nhiều yêu cầu loại này; hãy thử lại sau%(wait)s giây.") % {"wait": wait},
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        view = context.get("view")
        logger.exception("Unhandled error in %s", type(view).__name__ if view else "API view", exc_info=exc)
        set_rollback()
        return Response(
            {"detail": "Internal server error.", "code": "server_error"}, status=status.HTTP_500_INTERNAL_SERVER_ERROR
        )
    if isinstance(response.data, dict) and isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        if isinstance(codes, str):
            response.data.setdefault("code", codes)
    return response
