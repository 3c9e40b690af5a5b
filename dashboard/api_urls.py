from django.urls import path

from dashboard import api

urlpatterns = [
    path("stats/overview/", api.StatsOverviewView.as_view(), name="stats-overview"),
    path("stats/overdue/", api.StatsOverdueView.as_view(), name="stats-overdue"),
]
