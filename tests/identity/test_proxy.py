"""One trusted-proxy setting: X-Forwarded-For counts only behind our own proxies, for DRF, allauth and Django alike;
tracking counts misses per client; production refuses a per-process cache."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from tests.conftest import PASSWORD
from tests.procedures.dossier_flow import drive

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent.parent
MISSES = 20  # tracking_miss: 20/hour


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def guess(client, n: int, **headers):
    return client.get(f"/api/v1/track/000.00.12.H26-261126-{n:04d}/", **headers)


def test_rotating_x_forwarded_for_does_not_defeat_tracking_limits(world):
    client = APIClient()
    statuses = [guess(client, n, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code for n in range(MISSES + 5)]
    assert statuses[:MISSES] == [404] * MISSES
    assert set(statuses[MISSES:]) == {429}
    # Once out of misses the client learns nothing, not even about a real code.
    dossier = drive(world, "submitted")
    assert client.get(f"/api/v1/track/{dossier.code}/", HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 429
    # Another client is not affected (REMOTE_ADDR differs).
    other = APIClient(REMOTE_ADDR="192.0.2.99")
    assert other.get(f"/api/v1/track/{dossier.code}/").status_code == 200


def test_hits_do_not_count_as_misses(world):
    dossier = drive(world, "submitted")
    client = APIClient()
    for _ in range(MISSES + 5):
        assert client.get(f"/api/v1/track/{dossier.code}/").status_code == 200


def test_tracking_page_counts_misses_too(world):
    client = Client()
    statuses = [client.get(f"/track/000.00.12.H26-261126-{n:04d}/").status_code for n in range(MISSES + 2)]
    assert statuses[:MISSES] == [404] * MISSES and statuses[MISSES:] == [429, 429]


def test_behind_one_proxy_the_client_is_the_address_it_recorded(world, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    a, b = APIClient(), APIClient()
    # The spoofed left part changes on every request; the proxy's entry (the last) stays: one client.
    for n in range(MISSES):
        assert guess(a, n, HTTP_X_FORWARDED_FOR=f"10.9.{n}.1, 203.0.113.5").status_code == 404
    assert guess(a, 99, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.5").status_code == 429
    # Someone else behind the same proxy (same REMOTE_ADDR) is another client.
    assert guess(b, 100, HTTP_X_FORWARDED_FOR="203.0.113.6").status_code == 404


def test_django_sees_the_forwarded_client_only_behind_trusted_proxies(settings):
    from django.http import HttpResponse

    from portal.proxy import TrustedProxyMiddleware

    seen = {}

    def view(request):
        seen["addr"] = request.META["REMOTE_ADDR"]
        seen["xff"] = request.META.get("HTTP_X_FORWARDED_FOR")
        return HttpResponse()

    from django.test import RequestFactory

    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="6.6.6.6", REMOTE_ADDR="10.0.0.1")
    TrustedProxyMiddleware(view)(request)
    assert seen == {"addr": "10.0.0.1", "xff": None}
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5", REMOTE_ADDR="10.0.0.1")
    TrustedProxyMiddleware(view)(request)
    assert seen["addr"] == "203.0.113.5"
    settings.TRUSTED_PROXY_COUNT = 2
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="203.0.113.5", REMOTE_ADDR="10.0.0.1")
    TrustedProxyMiddleware(view)(request)  # shorter than the count: not through our proxies, header dropped
    assert seen == {"addr": "10.0.0.1", "xff": None}


def _fail_logins(client, n: int, **headers) -> None:
    for i in range(n):
        client.post("/accounts/login/", {"login": f"nobody{i}@example.org", "password": "wrong-pass-123"}, **headers)


def test_login_lockout_is_per_client_behind_the_proxy(world, settings):
    from allauth.account.models import EmailAddress

    settings.TRUSTED_PROXY_COUNT = 1
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/m/ip"}
    EmailAddress.objects.create(user=world.citizen, email=world.citizen.email, verified=True, primary=True)
    attacker = Client()
    _fail_logins(attacker, 4, HTTP_X_FORWARDED_FOR="203.0.113.66")
    # The attacker's lockout is theirs alone: a citizen behind the same proxy still signs in.
    citizen = Client()
    citizen.post(
        "/accounts/login/",
        {"login": world.citizen.email, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.20",
    )
    assert citizen.session.get("_auth_user_id") == str(world.citizen.pk)
    # And rotating the spoofable part does not lift it.
    attacker.post(
        "/accounts/login/",
        {"login": world.citizen.email, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.66",
    )
    assert "_auth_user_id" not in attacker.session


def test_without_trusted_proxies_forwarded_for_is_ignored_by_the_login_limit(world, settings):
    from allauth.account.models import EmailAddress

    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/m/ip"}
    EmailAddress.objects.create(user=world.citizen, email=world.citizen.email, verified=True, primary=True)
    client = Client()
    for n in range(4):
        client.post(
            "/accounts/login/",
            {"login": f"x{n}@example.org", "password": "wrong-pass-123"},
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        )
    client.post(
        "/accounts/login/", {"login": world.citizen.email, "password": PASSWORD}, HTTP_X_FORWARDED_FOR="203.0.113.200"
    )
    assert "_auth_user_id" not in client.session


def test_production_refuses_a_per_process_cache():
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update({"DEBUG": "0", "SECRET_KEY": "a-production-secret-key-that-is-long-and-random-0123456789-abcdefghij"})
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "REDIS_URL must be set" in result.stderr
