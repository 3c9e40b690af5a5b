"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

The live server runs in a thread of this process and Playwright's sync API runs an event loop in the test's thread,
so Django's async-safety check must be relaxed for these tests (DJANGO_ALLOW_ASYNC_UNSAFE).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists():
        return
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def _live_server_media():
    """The portal has no public media URL (MEDIA_URL = None: files are served only after a permission check), but
    Django's live server wraps the site in a media handler that needs a string. Point it at a path nothing uses,
    and at an empty directory, so no private file can be reached through it."""
    import tempfile

    from django.conf import settings

    old = settings.MEDIA_URL, settings.MEDIA_ROOT
    settings.MEDIA_URL = "/__live-server-no-media__/"
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="no-media-")
    yield
    settings.MEDIA_URL, settings.MEDIA_ROOT = old


@pytest.fixture(scope="session")
def chromium(_live_server_media):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(_live_server_media, chromium, live_server, transactional_db):
    # bypass_csp: Playwright's wait_for_function evaluates strings, which the portal's CSP rightly forbids.
    context = chromium.new_context(viewport=PHONE, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", bypass_csp=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.base_url = live_server.url
    yield page
    context.close()


def screenshot(page, name: str) -> None:
    """Save the page at phone and desktop widths under test-artifacts/screenshots/ (gitignored)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    current = page.viewport_size
    for label, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(current)


def verified(user):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    return user


def sign_in(page, email: str, password: str) -> None:
    """Through the login page; staff (who must use a second factor) get a TOTP and type its current code."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time

    from citizens.mfa import is_staff_account
    from citizens.models import User
    from tests.conftest import DEMO_TOTP_SECRET, enrol_totp

    user = User.objects.get(email=email)
    staff = is_staff_account(user)
    if staff:
        enrol_totp(user)
    page.goto(page.base_url + "/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.locator("#main button[type=submit]").first.click()
    page.wait_for_load_state()
    if staff:
        assert "/2fa/authenticate" in page.url, page.url
        code = format_hotp_value(hotp_value(DEMO_TOTP_SECRET, next(yield_hotp_counters_from_time())))
        page.fill("input[name=code]", code)
        page.locator("#main button[type=submit]").first.click()
        page.wait_for_load_state()
