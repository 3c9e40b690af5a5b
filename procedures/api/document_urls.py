"""Document and receipt endpoints, mounted under /api/v1/ by procedures.api.urls.

Ids are matched as plain strings, like the other dossier routes, so a malformed one gets a JSON 404 from the view
(the services treat an id that is not a UUID as "not found") rather than Django's HTML 404 page."""

from django.urls import path

from procedures.api.documents import DossierDocumentUploadView, DossierDocumentView, DossierReceiptView

urlpatterns = [
    path("dossiers/<str:dossier_id>/documents/", DossierDocumentUploadView.as_view(), name="dossier-document-upload"),
    path(
        "dossiers/<str:dossier_id>/documents/<str:doc_id>/",
        DossierDocumentView.as_view(),
        name="dossier-document",
    ),
    path("dossiers/<str:dossier_id>/receipt.pdf", DossierReceiptView.as_view(), name="dossier-receipt"),
]
