"""Pages and API of the dashboard. Mounted at the site root: `path("", include("dashboard.urls"))`."""

from django.urls import include, path

from dashboard import rating_views, views

urlpatterns = [
    path("api/v1/", include("dashboard.api_urls")),
    path("ioc/", views.ioc_dashboard, name="ioc-dashboard"),
    path("ioc/chi-so/<str:code>/", views.ioc_indicator, name="ioc-indicator"),
    path("ioc/export/<slug:table>.<str:fmt>", views.ioc_export, name="ioc-export"),
    path("thong-ke/", views.public_statistics, name="public-statistics"),
    path("du-lieu-mo/", views.open_data, name="open-data"),
    path("ioc/danh-gia/", rating_views.ratings_page, name="ratings"),
]
