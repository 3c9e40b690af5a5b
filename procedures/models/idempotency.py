"""An `Idempotency-Key` once used by a caller: the answer it got, replayed to retries for 24 hours."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class IdempotencyKey(models.Model):
    # The unique constraint is the guarantee: two requests with one key cannot both insert their claim, so one key
    # is one dossier whatever the number of processes or threads (the cache-based lock it replaces was not).
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=40)
    key_digest = models.CharField(max_length=64)  # sha256 of the client's key: no key is stored in clear
    fingerprint = models.CharField(max_length=64)  # sha256 of method, path and body
    status_code = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "scope", "key_digest"], name="idempotency_key_once_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key_digest[:12]}"
