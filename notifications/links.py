"""Where a notice takes its reader: straight to the page where they act on it (supplement, payment, result, the
officer's dossier page, a PAKN item). Apps whose notices are not about a dossier register a resolver for their
kinds from AppConfig.ready(), so this module imports none of them."""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse

from notifications.models import Kind, Notification

# The applicant's page for acting on the notice; anything else about a dossier opens the dossier page.
APPLICANT_PAGES = {
    Kind.SUPPLEMENT_REQUESTED: "dossier-edit",
    Kind.SUPPLEMENT_REMINDER: "dossier-edit",
    Kind.DRAFT_REMINDER: "dossier-edit",
    Kind.PAYMENT_REQUESTED: "dossier-payment",
}
STAFF_KINDS = frozenset(
    {
        Kind.NEW_IN_QUEUE,
        Kind.ASSIGNED,
        Kind.SUPPLEMENTED,
        Kind.UNROUTED,
        Kind.NEAR_DUE,
        Kind.OVERDUE,
        Kind.ESCALATED,
        Kind.APOLOGY_OFFER,
    }
)

_RESOLVERS: dict[str, Callable[[Notification], str | None]] = {}


def register_link(kind: str, resolver: Callable[[Notification], str | None]) -> None:
    _RESOLVERS[kind] = resolver


def notification_link(notification: Notification) -> str | None:
    resolver = _RESOLVERS.get(notification.kind)
    if resolver is not None:
        return resolver(notification)
    if not notification.dossier_id:
        return None
    if notification.kind in STAFF_KINDS:
        return reverse("workspace:dossier", kwargs={"dossier_id": notification.dossier_id})
    if notification.kind == Kind.DOSSIER_MESSAGE and notification.dossier.applicant_id != notification.recipient_id:
        return reverse("workspace:dossier", kwargs={"dossier_id": notification.dossier_id}) + "#tin-nhan"
    page = APPLICANT_PAGES.get(notification.kind, "dossier-detail")
    suffix = "#tin-nhan" if notification.kind == Kind.DOSSIER_MESSAGE else ""
    return reverse(page, kwargs={"dossier_id": notification.dossier_id}) + suffix
