from django.urls import path

from datasets import api

urlpatterns = [
    path("datasets/", api.DatasetListView.as_view(), name="api-dataset-list"),
    path("datasets/<slug:slug>/versions/", api.VersionCreateView.as_view(), name="api-dataset-versions"),
]
