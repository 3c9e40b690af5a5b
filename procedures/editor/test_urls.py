"""The portal's URLs plus the editor's, for tests run before the editor is mounted in portal/urls.py."""

from django.urls import include, path

from portal.urls import urlpatterns as portal_urlpatterns

urlpatterns = [path("quan-tri-thu-tuc/", include("procedures.editor.urls")), *portal_urlpatterns]
