"""Settings for running the dashboard's tests before the lead adds "dashboard" to INSTALLED_APPS and its URLs.

`pytest --ds=dashboard.test_settings tests/dashboard`. Once portal/settings.py lists the app and portal/urls.py
includes dashboard.urls, this module is no longer needed (it stays harmless).
"""

from portal.settings import *  # noqa: F403
from portal.settings import BASE_DIR, INSTALLED_APPS, TEMPLATES

if "dashboard" not in INSTALLED_APPS:
    INSTALLED_APPS = [*INSTALLED_APPS, "dashboard"]
ROOT_URLCONF = "dashboard.test_urls"
# A minimal base.html used only if the portal's own layout is missing.
TEMPLATES = [{**TEMPLATES[0], "DIRS": [*TEMPLATES[0]["DIRS"], BASE_DIR / "dashboard" / "test_templates"]}]
DASHBOARD_STATS_STRICT = True
