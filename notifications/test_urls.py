"""portal.urls plus the notifications app's pages and /health/, for tests run before the lead mounts them.

`@pytest.mark.urls("notifications.test_urls")`. Once portal/urls.py includes notifications.urls and the health view,
this module changes nothing (it stays harmless)."""

from django.urls import include, path

from portal.health import health
from portal.urls import urlpatterns as portal_urlpatterns

_names = {getattr(p, "name", None) for p in portal_urlpatterns}
_mounted = any(getattr(p, "urlconf_name", None) == "notifications.urls" for p in portal_urlpatterns)

urlpatterns = list(portal_urlpatterns)
if not _mounted:
    urlpatterns.insert(0, path("", include("notifications.urls")))
if "health" not in _names:
    urlpatterns.insert(0, path("health/", health, name="health"))
