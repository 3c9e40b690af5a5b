from django.urls import path

from feedback.api import views

urlpatterns = [
    path("feedback/", views.FeedbackListCreateView.as_view(), name="api-feedback-list"),
    path("feedback/public/", views.PublicFeedbackView.as_view(), name="api-feedback-public"),
    path("feedback/<str:feedback_id>/", views.FeedbackDetailView.as_view(), name="api-feedback-detail"),
    path("feedback/<str:feedback_id>/answer/", views.FeedbackAnswerView.as_view(), name="api-feedback-answer"),
    path("feedback/<str:feedback_id>/actions/", views.FeedbackActionView.as_view(), name="api-feedback-actions"),
    path("dossiers/<str:dossier_id>/messages/", views.DossierMessagesView.as_view(), name="api-dossier-messages"),
    path("open-data/", views.OpenDataCatalogueView.as_view(), name="api-open-data"),
    path("open-data/<slug:slug>.<str:fmt>", views.OpenDataDownloadView.as_view(), name="api-open-data-download"),
]
