from django.urls import path

from datasets import views

urlpatterns = [
    path("du-lieu-mo/<slug:slug>/", views.dataset_detail, name="dataset-detail"),
    path("du-lieu-mo/<slug:slug>/ghim/", views.dataset_pin, name="dataset-pin"),
    path("du-lieu-mo/<slug:slug>/phien-ban/<int:number>/", views.version_changes, name="dataset-version"),
    path("du-lieu/quan-ly/", views.manage_list, name="dataset-manage-list"),
    path("du-lieu/quan-ly/<slug:slug>/", views.manage, name="dataset-manage"),
]
