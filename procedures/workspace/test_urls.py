"""URLconf for the workspace tests: the portal's routes plus the workspace under /can-bo/ (as the project mounts it)."""

from django.urls import include, path

from portal.urls import urlpatterns as portal_urlpatterns

urlpatterns = [path("can-bo/", include("procedures.workspace.urls")), *portal_urlpatterns]
