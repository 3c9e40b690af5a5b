"""Maps domain errors to DRF's error shapes; anything unexpected still becomes a clean JSON response."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from procedures.errors import DomainError


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        body: dict = {"detail": exc.message, "code": exc.code}
        if exc.errors:
            body["errors"] = exc.errors
            # DRF's field shape too, so clients that read {"field": [...]} work unchanged.
            for key, messages in exc.errors.items():
                body.setdefault(key, messages)
        return Response(body, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        if isinstance(codes, str):
            response.data.setdefault("code", codes)
    return response
