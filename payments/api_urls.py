from django.urls import path

from payments import api

urlpatterns = [
    path("dossiers/<str:dossier_id>/fees/", api.DossierFeesView.as_view(), name="api-dossier-fees"),
    path("dossiers/<str:dossier_id>/payments/", api.DossierPaymentsView.as_view(), name="api-dossier-payments"),
    path(
        "dossiers/<str:dossier_id>/payments/<str:payment_id>/receipt.pdf",
        api.PaymentReceiptView.as_view(),
        name="api-payment-receipt",
    ),
]
