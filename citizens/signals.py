"""Receivers connected in CitizensConfig.ready()."""

from __future__ import annotations

from citizens.mfa import SECOND_FACTORS, record_second_factor


def second_factor_enrolled(sender, request=None, user=None, authenticator=None, **kwargs) -> None:
    if request is None or user is None or authenticator is None or authenticator.type not in SECOND_FACTORS:
        return
    if getattr(request, "user", None) is not None and request.user.pk == user.pk:
        record_second_factor(request.session, user, authenticator.type)
