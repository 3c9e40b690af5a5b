"""Account pages of the portal's own (mounted at the site root by portal/urls.py)."""

from django.urls import path

from citizens import views

urlpatterns = [
    path("tai-khoan/", views.profile, name="profile"),
]
