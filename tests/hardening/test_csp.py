"""Content-Security-Policy on every page: scripts and styles only from this origin, inline ones only with the nonce."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlparse

import pytest
from django.test import Client

from tests.api import submitted

pytestmark = pytest.mark.django_db


class Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.external: list[str] = []  # src/href of scripts and stylesheets
        self.inline: list[tuple[str, dict]] = []  # inline <script>/<style> and their attributes

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            if attrs.get("src"):
                self.external.append(attrs["src"])
            elif attrs.get("type") not in {"application/json", "application/ld+json"}:
                self.inline.append((tag, attrs))
        elif tag == "link" and "stylesheet" in (attrs.get("rel") or ""):
            self.external.append(attrs.get("href") or "")
        elif tag == "style":
            self.inline.append((tag, attrs))
        if "style" in attrs:
            self.inline.append(("style-attribute", attrs))


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def check_page(client: Client, path: str) -> None:
    response = client.get(path, follow=True)
    assert response.status_code == 200, (path, response.status_code)
    directives = policy(response)
    assert "'unsafe-inline'" not in directives["script-src"], path
    assert directives["default-src"] == ["'self'"]
    assets = Assets()
    assets.feed(response.content.decode())
    for url in assets.external:
        parsed = urlparse(url)
        assert not parsed.scheme and not parsed.netloc and url.startswith("/"), (path, url)
    nonces = [value.removeprefix("'nonce-").rstrip("'") for value in directives["script-src"] if "nonce-" in value]
    for tag, attrs in assets.inline:
        assert tag != "style-attribute", (path, attrs)  # a style attribute would need 'unsafe-inline'
        assert attrs.get("nonce") in nonces, (path, tag)


PUBLIC = ["/", "/thu-tuc/T.0001/", "/tra-cuu/", "/thong-ke/", "/accounts/login/", "/accounts/signup/", "/api/docs/"]


def test_public_pages_load_only_same_origin_scripts_and_styles(world):
    client = Client()
    for path in PUBLIC:
        check_page(client, path)


def test_signed_in_pages_load_only_same_origin_scripts_and_styles(world):
    dossier = submitted(world)
    citizen = Client()
    citizen.force_login(world.citizen)
    for path in ["/ho-so/", f"/ho-so/{dossier['id']}/", "/thu-tuc/T.0001/nop/", "/thong-bao/", "/accounts/email/"]:
        check_page(citizen, path)
    staff = Client()
    staff.force_login(world.leader)
    for path in ["/can-bo/", f"/can-bo/ho-so/{dossier['id']}/", "/ioc/"]:
        check_page(staff, path)


def test_swagger_ui_comes_from_this_origin(world):
    client = Client()
    page = client.get("/api/docs/")
    assert b"cdn.jsdelivr.net" not in page.content and b"/static/drf_spectacular_sidecar/" in page.content
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    redoc = client.get("/api/redoc/")
    assert redoc.status_code == 200 and b"/static/drf_spectacular_sidecar/redoc" in redoc.content
    assert "'unsafe-inline'" not in policy(redoc)["script-src"]
