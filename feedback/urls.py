from django.urls import path

from feedback import views

urlpatterns = [
    path("phan-anh-kien-nghi/", views.feedback_list, name="feedback-list"),
    path("phan-anh-kien-nghi/xu-ly/", views.feedback_queue, name="feedback-queue"),
    path("phan-anh-kien-nghi/<uuid:feedback_id>/", views.feedback_detail, name="feedback-detail"),
    path("hoi-dap/", views.public_answers, name="public-answers"),
    path("ho-so/<uuid:dossier_id>/tin-nhan/", views.dossier_message, name="dossier-message"),
]
