"""/api/v1/ routes of the records app (ids as plain strings: a malformed one is a JSON 404 from the view)."""

from django.urls import path

from records.api import views

urlpatterns = [
    path("me/documents/", views.MyDocumentsView.as_view(), name="api-my-documents"),
    path("verify/", views.VerifyView.as_view(), name="api-verify"),
    path("results/<str:result_id>/revoke/", views.RevokeView.as_view(), name="api-result-revoke"),
    path("dossiers/<str:dossier_id>/result.pdf", views.ResultPdfView.as_view(), name="api-dossier-result"),
    path("dossiers/<str:dossier_id>/forms/<str:form>.pdf", views.NoticePdfView.as_view(), name="api-dossier-notice"),
]
