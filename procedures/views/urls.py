"""Citizen-facing HTML pages, mounted at the site root by portal/urls.py."""

from django.urls import path

from portal.views import home
from procedures.views import applicant, catalogue, dossiers, filing, tracking

urlpatterns = [
    path("", home, name="home"),
    # Procedure codes contain dots ("1.001193"); `str` accepts them.
    path("thu-tuc/<str:code>/", catalogue.procedure_detail, name="procedure-detail"),
    path("thu-tuc/<str:code>/nop/", filing.dossier_file, name="dossier-file"),
    path("thu-tuc/<str:code>/to-khai.pdf", catalogue.procedure_blank_form, name="procedure-blank-form"),
    path("ho-so/", dossiers.dossier_list, name="dossier-list"),
    path("ho-so/<uuid:dossier_id>/", dossiers.dossier_detail, name="dossier-detail"),
    path("ho-so/<uuid:dossier_id>/xoa-nhap/", dossiers.dossier_draft_remove, name="dossier-draft-delete"),
    path("ho-so/<uuid:dossier_id>/sua/", filing.dossier_edit, name="dossier-edit"),
    path("ho-so/<uuid:dossier_id>/giay-to/", filing.dossier_documents, name="dossier-documents"),
    path("ho-so/<uuid:dossier_id>/thao-tac/", dossiers.dossier_action, name="dossier-action"),
    path("ho-so/<uuid:dossier_id>/xem-lai/", applicant.dossier_review, name="dossier-review"),
    path("ho-so/<uuid:dossier_id>/da-nop/", applicant.dossier_submitted, name="dossier-submitted"),
    path("ho-so/<uuid:dossier_id>/ket-qua/<uuid:document_id>/", applicant.result_download, name="dossier-result"),
    path("ho-so/<uuid:dossier_id>/danh-gia/", applicant.dossier_rate, name="dossier-rate"),
    path("tra-cuu/", tracking.track_search, name="track"),
    # The receipt's QR code encodes this path; keep it stable.
    path("track/<str:code>/", tracking.track_detail, name="track-detail"),
]
