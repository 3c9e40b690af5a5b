"""Language choice (cookie on pages, Accept-Language on the API), JSON 404s for API paths, staff navigation."""

from __future__ import annotations

import pytest
from django.conf import settings

from tests.conftest import client_for, module_world, staff_login

world = module_world()  # the tests only read the world

pytestmark = pytest.mark.django_db


def test_pages_ignore_an_english_browser_and_follow_the_language_cookie(client, world):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="vi"' in page.content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert '<html lang="en"' in client.get("/").content.decode()


def test_the_api_follows_accept_language_and_lang(world):
    api = client_for(world.citizen)
    code = world.procedure.code
    assert api.get(f"/api/v1/procedures/{code}/", HTTP_ACCEPT_LANGUAGE="en").json()["fields"][1]["label"] == (
        "Full name"
    )
    assert (
        api.get(f"/api/v1/procedures/{code}/?lang=vi", HTTP_ACCEPT_LANGUAGE="en").json()["fields"][1]["label"]
        == "Họ và tên"
    )


def test_unknown_api_paths_answer_json_not_html(client):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert client.get("/no-such-page/").status_code == 404


def test_staff_see_their_work_areas_in_the_navigation(client, world):
    client.force_login(world.citizen)
    assert "/can-bo/" not in client.get("/").content.decode()
    staff_login(client, world.reception)
    html = client.get("/").content.decode()
    assert "/can-bo/" in html and "/ioc/" not in html
    staff_login(client, world.leader)
    assert "/ioc/" in client.get("/").content.decode()
