"""Sign-ins and MFA changes come from allauth's signals; everything else calls audit_record from its service."""

from __future__ import annotations

from allauth.account.signals import user_logged_in
from allauth.mfa.signals import authenticator_added, authenticator_removed, authenticator_reset
from django.contrib.auth.signals import user_login_failed
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from audit.services import audit_record
from citizens.models import StaffMembership


@receiver(user_logged_in)
def _signed_in(sender, request, user, **kwargs):
    audit_record(action="auth.sign_in", actor=user, request=request)


@receiver(user_login_failed)
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    email = str((credentials or {}).get("email") or (credentials or {}).get("username") or "")[:254]
    audit_record(action="auth.sign_in_failed", request=request, details={"email": email})


def _mfa(action):
    def receiver_(sender, request, user, authenticator=None, **kwargs):
        details = {"type": getattr(authenticator, "type", "")} if authenticator is not None else {}
        audit_record(action=action, actor=user, request=request, target=user, details=details)

    return receiver_


_mfa_added = _mfa("mfa.added")
_mfa_removed = _mfa("mfa.removed")
_mfa_reset = _mfa("mfa.reset")
authenticator_added.connect(_mfa_added, dispatch_uid="audit-mfa-added")
authenticator_removed.connect(_mfa_removed, dispatch_uid="audit-mfa-removed")
authenticator_reset.connect(_mfa_reset, dispatch_uid="audit-mfa-reset")


def _membership_details(membership: StaffMembership) -> dict:
    return {
        "user": membership.user_id,
        "role": membership.role,
        "agency": membership.agency_id,
        "department": membership.department_id,
    }


@receiver(post_save, sender=StaffMembership, dispatch_uid="audit-role-saved")
def _role_saved(sender, instance, created, **kwargs):
    action = "role.granted" if created else "role.changed"
    audit_record(action=action, target=instance.user, details=_membership_details(instance))


@receiver(post_delete, sender=StaffMembership, dispatch_uid="audit-role-removed")
def _role_removed(sender, instance, **kwargs):
    audit_record(
        action="role.revoked",
        target_type="citizens.user",
        target_id=str(instance.user_id),
        details=_membership_details(instance),
    )
