"""Local to the notification tests."""

import pytest

from notifications.outbox import publish_reset


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The shared `world` fixture creates nine users; the default PBKDF2 costs ~0.5 s each and tests no password here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _publishing_not_paused():
    # The publish circuit breaker is per process: a test that took the broker down must not pause the next one.
    publish_reset()
    yield
    publish_reset()
