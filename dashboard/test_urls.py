"""portal.urls plus the dashboard's URLs, for tests run before the lead mounts them (see test_settings)."""

from django.urls import include, path

from portal.urls import urlpatterns as portal_urlpatterns

_mounted = any(getattr(p, "urlconf_name", None) == "dashboard.urls" for p in portal_urlpatterns)
urlpatterns = list(portal_urlpatterns) if _mounted else [path("", include("dashboard.urls")), *portal_urlpatterns]
