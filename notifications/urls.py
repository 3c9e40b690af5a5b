"""Pages of the notifications app, mounted at the site root by portal/urls.py."""

from django.urls import path

from notifications import views

urlpatterns = [
    path("thong-bao/", views.inbox, name="notification-inbox"),
    path("thong-bao/da-doc/", views.mark_read, name="notification-mark-read"),
    path("thong-bao/cai-dat/", views.preferences, name="notification-preferences"),
]
