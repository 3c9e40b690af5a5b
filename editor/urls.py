"""Template editor URLs; the project mounts them at /quan-tri-thu-tuc/."""

from django.urls import path

from editor import views

app_name = "procedure_editor"

urlpatterns = [
    path("", views.procedure_list, name="list"),
    path("moi/", views.procedure_create, name="create"),
    path("nhap-mau/", views.procedure_import_upload, name="import"),
    path("<str:code>/", views.procedure_detail, name="detail"),
    path("<str:code>/tao-ban-nhap/", views.draft_create, name="draft-create"),
    path("<str:code>/xoa-ban-nhap/", views.draft_discard, name="draft-discard"),
    path("<str:code>/cong-bo/", views.draft_publish, name="publish"),
    path("<str:code>/sua/<slug:section>/", views.draft_edit, name="edit"),
    path("<str:code>/phien-ban/<int:number>/", views.version_detail, name="version"),
    path("<str:code>/so-sanh/", views.version_compare, name="diff"),
    path("<str:code>/tai-xuong/", views.procedure_download, name="export"),
]
