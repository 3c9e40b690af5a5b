"""The notification bell: the signed-in user's unread in-app count, counted only when a page renders it."""

from django.utils.functional import SimpleLazyObject


def unread_notifications(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from notifications.models import Channel, Notification

    def count() -> int:
        return Notification.objects.filter(recipient=user, channel=Channel.INAPP, read_at__isnull=True).count()

    return {"unread_notifications": SimpleLazyObject(count)}
