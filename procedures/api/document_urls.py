"""Document and receipt endpoints, mounted under /api/v1/ by procedures.api.urls."""

from django.urls import path

from procedures.api.documents import DossierDocumentUploadView, DossierDocumentView, DossierReceiptView

urlpatterns = [
    path("dossiers/<uuid:dossier_id>/documents/", DossierDocumentUploadView.as_view(), name="dossier-document-upload"),
    path(
        "dossiers/<uuid:dossier_id>/documents/<uuid:doc_id>/",
        DossierDocumentView.as_view(),
        name="dossier-document",
    ),
    path("dossiers/<uuid:dossier_id>/receipt.pdf", DossierReceiptView.as_view(), name="dossier-receipt"),
]
