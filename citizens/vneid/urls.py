"""The URLs allauth's OpenID Connect provider has (names included), served by citizens.vneid.views."""

from django.urls import include, path

from citizens.vneid import views

urlpatterns = [
    path(
        "oidc/<str:provider_id>/",
        include(
            [
                path("login/", views.login, name="openid_connect_login"),
                path("login/callback/", views.callback, name="openid_connect_callback"),
            ]
        ),
    )
]
