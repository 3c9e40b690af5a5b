from allauth.account.decorators import secure_admin_login
from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from payments.urls import dossier_urlpatterns as payment_pages
from portal.health import health

# The admin signs in through allauth's login (rate limits, second factor), never its own password-only form.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("_allauth/", include("allauth.headless.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file, so the page needs no inline script (CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path(
        "api/redoc/",
        csp_update({"style-src": ["'unsafe-inline'"]})(SpectacularRedocView.as_view(url_name="api-schema")),
        name="api-redoc",
    ),
    path("api/v1/", include("procedures.api.urls")),
    path("api/v1/", include("notifications.api.urls")),
    path("api/v1/", include("feedback.api.urls")),
    path("api/v1/", include("records.api.urls")),
    path("api/v1/", include("payments.api_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("can-bo/", include("workspace.urls")),
    path("quan-tri-thu-tuc/", include("editor.urls")),
    path("", include("dashboard.urls")),
    path("", include("feedback.urls")),
    path("", include("datasets.urls")),
    path("api/v1/", include("datasets.api_urls")),
    path("health/", health, name="health"),
    path("", include("notifications.urls")),
    path("", include("records.urls")),
    path("", include("payments.urls")),
    path("", include(payment_pages)),
    path("", include("citizens.urls")),
    path("", include("procedures.views.urls")),
]

handler400 = "portal.errors.bad_request"
handler404 = "portal.errors.not_found"
handler500 = "portal.errors.server_error"
