from django.urls import path

from notifications.api.views import (
    DossierNotificationListView,
    NotificationListView,
    NotificationReadView,
    NotificationResendView,
)

urlpatterns = [
    path("notifications/", NotificationListView.as_view(), name="notification-list"),
    path("notifications/<uuid:id>/read/", NotificationReadView.as_view(), name="notification-read"),
    # Plain strings, like the dossier routes: a malformed id is a JSON 404 from the view, not Django's HTML page.
    path("notifications/<str:id>/resend/", NotificationResendView.as_view(), name="notification-resend"),
    path(
        "dossiers/<str:dossier_id>/notifications/",
        DossierNotificationListView.as_view(),
        name="dossier-notification-list",
    ),
]
