"""The portal's URLs plus the profile page, for tests that run before portal/urls.py includes citizens.urls."""

from django.urls import include, path

from portal.urls import urlpatterns as portal_urlpatterns

urlpatterns = [path("", include("citizens.urls")), *portal_urlpatterns]
