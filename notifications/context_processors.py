"""The notification bell: the signed-in user's unread in-app count, read only when a page renders it."""

from django.utils.functional import SimpleLazyObject

# The bell shows "99+" past this: reading at most this many ids keeps the query bounded whatever the backlog.
BELL_LIMIT = 100


def unread_notifications(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from notifications.models import Channel, Notification, Status

    def count() -> int:
        unread = Notification.objects.filter(
            recipient=user, channel=Channel.INAPP, status=Status.DELIVERED, read_at__isnull=True
        )
        return len(unread.values_list("pk", flat=True)[:BELL_LIMIT])

    return {"unread_notifications": SimpleLazyObject(count), "bell_limit": BELL_LIMIT}
