"""Domain errors raised by services; the API maps each to its HTTP status (portal.api_errors)."""

from __future__ import annotations

from collections.abc import Mapping


class DomainError(Exception):
    status_code = 400
    code = "invalid"

    def __init__(self, message: str, *, errors: Mapping[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = dict(errors or {})


class InvalidInput(DomainError):
    status_code = 400
    code = "invalid"


class NotFound(DomainError):
    status_code = 404
    code = "not_found"


class ActionForbidden(DomainError):
    status_code = 403
    code = "permission_denied"


class ActionNotAvailable(DomainError):
    status_code = 409
    code = "action_not_available"


class StaleVersion(DomainError):
    status_code = 409
    code = "stale_version"


class FileTooLarge(DomainError):
    status_code = 413
    code = "file_too_large"


class QuotaExceeded(DomainError):
    """A per-user quota (open drafts, stored bytes) is reached: the person must finish or remove something first."""

    status_code = 409
    code = "quota_exceeded"


class ScannerUnavailable(DomainError):
    """The malware scanner is configured but cannot be reached: the upload is refused, never let through unscanned."""

    status_code = 503
    code = "scanner_unavailable"
