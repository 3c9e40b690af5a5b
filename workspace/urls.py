"""Officer workspace routes; the project mounts them with path("can-bo/", include("workspace.urls"))."""

from django.urls import path

from workspace import views

app_name = "workspace"

urlpatterns = [
    path("", views.home, name="home"),
    path("hang-doi/<slug:queue>/", views.queue, name="queue"),
    path("tiep-nhan/hang-loat/", views.bulk, name="bulk"),
    path("tiep-nhan-truc-tiep/", views.in_person, name="in-person"),
    path("ho-so/<uuid:dossier_id>/", views.dossier, name="dossier"),
    path("ho-so/<uuid:dossier_id>/thao-tac/<slug:action>/", views.dossier_action, name="action"),
    path("ho-so/<uuid:dossier_id>/phieu-kiem-soat.pdf", views.slip, name="slip"),
    path("ho-so/<uuid:dossier_id>/thu-xin-loi/<int:event_id>.pdf", views.apology, name="apology"),
]
