from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from portal.health import health

# The admin signs in through allauth's login (rate limits, second factor), never its own password-only form.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("_allauth/", include("allauth.headless.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include("procedures.api.urls")),
    path("api/v1/", include("notifications.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("can-bo/", include("workspace.urls")),
    path("quan-tri-thu-tuc/", include("editor.urls")),
    path("", include("dashboard.urls")),
    path("health/", health, name="health"),
    path("", include("notifications.urls")),
    path("", include("citizens.urls")),
    path("", include("procedures.views.urls")),
]

handler404 = "portal.errors.not_found"
handler500 = "portal.errors.server_error"
