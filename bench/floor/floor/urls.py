from django.urls import path

from floor.views import ItemList

urlpatterns = [path("items/", ItemList.as_view())]
