"""/api/v1/ routes of the procedures app. Ids and codes are matched as plain strings so that a malformed one is a
JSON 404 from the view, never Django's HTML 404 page; procedure codes contain dots (1.001193)."""

from django.urls import include, path

from procedures.api import views

urlpatterns = [
    path("procedures/", views.ProcedureListView.as_view(), name="api-procedure-list"),
    path("procedures/<str:code>/", views.ProcedureDetailView.as_view(), name="api-procedure-detail"),
    path("units/", views.UnitListView.as_view(), name="api-units"),
    path("dossiers/", views.DossierListCreateView.as_view(), name="api-dossier-list"),
    path("dossiers/<str:dossier_id>/", views.DossierDetailView.as_view(), name="api-dossier-detail"),
    path("dossiers/<str:dossier_id>/submit/", views.DossierSubmitView.as_view(), name="api-dossier-submit"),
    path("dossiers/<str:dossier_id>/actions/", views.DossierActionView.as_view(), name="api-dossier-actions"),
    path("track/<str:code>/", views.TrackView.as_view(), name="api-track"),
    # Documents (upload, download, delete) and the receipt live in their own module.
    path("", include("procedures.api.document_urls")),
]
