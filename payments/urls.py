"""Payment pages (the applicant's, the provider's callbacks, finance), mounted at the site root."""

from django.urls import path

from payments import views

app_name = "payments"

urlpatterns = [
    path("payments/<str:provider>/ipn/", views.provider_ipn, name="ipn"),
    path("payments/<str:provider>/return/", views.provider_return, name="return"),
    path("tai-chinh/", views.finance, name="finance"),
    path("ho-so/<uuid:dossier_id>/bien-lai/<int:attempt_id>.pdf", views.receipt_download, name="receipt"),
]

# Not namespaced: procedures' templates link to it by its old name.
dossier_urlpatterns = [
    path("ho-so/<uuid:dossier_id>/thanh-toan/", views.dossier_payment, name="dossier-payment"),
]
