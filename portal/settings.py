"""Settings come from the environment.

With nothing set the portal runs embedded (SQLite, local-memory cache, Celery eager) so `make demo` works on a bare
machine. DATABASE_URL, REDIS_URL, EMAIL_URL, SECRET_KEY, ALLOWED_HOSTS and DEBUG switch it to production shape.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlparse

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default="SECRET_KEY" not in os.environ)
# A fixed key only ever serves the embedded demo; production must set SECRET_KEY (checked below).
SECRET_KEY = os.environ.get("SECRET_KEY", "insecure-demo-key-only-for-local-use-" + "x" * 32)
if not DEBUG and SECRET_KEY.startswith("insecure-demo-key"):
    raise RuntimeError("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# How many reverse proxies of ours stand in front of the portal (the Procfile's web process behind one: 1). One
# number for Django (portal.proxy), DRF's throttles and allauth's rate limits, so all see the same client address.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sites",
    "django.contrib.postgres",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.headless",
    "allauth.usersessions",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "citizens",
    "procedures",
    "notifications",
    "dashboard",
    "feedback",
    "datasets",
    "workspace",
    "editor",
    "records",
    "payments",
    "audit",
    "portal",
]

MIDDLEWARE = [
    "portal.middleware.RequestGuardMiddleware",
    "portal.proxy.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # After CSP in the list, so it runs first on the way out: gateways join form-action (payments.middleware).
    "payments.middleware.PaymentFormActionMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.CookieLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "audit.middleware.AuditContextMiddleware",
    "citizens.mfa.StaffMFAMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "portal" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.staff_areas",
                "notifications.context_processors.unread_notifications",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite serialises writers; a busy timeout turns contention into waiting instead of "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    DATABASES["default"]["CONN_MAX_AGE"] = 0
IS_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Celery -----------------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if not DEBUG and CACHES["default"]["BACKEND"].endswith("LocMemCache"):
    # Login lockouts, TOTP code reuse, API throttles and tracking misses are counted in the cache: a per-process
    # cache gives each worker its own count, so the limits multiply by the number of processes.
    raise RuntimeError("REDIS_URL must be set when DEBUG is off: rate limits need a cache shared by all processes.")

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = False
# Reliability: a task is acknowledged only after it ran, so a worker killed mid-task hands it back to the broker;
# one message at a time per process so a crash loses at most one in-flight message (the outbox makes it harmless).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 100
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 600}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing must not hang a web request when Redis is down: the outbox sweeper re-queues what was not published.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TASK_DEFAULT_QUEUE = "default"
# Task modules autodiscovery (<app>.tasks) does not reach: notifications.tasks is a package of them.
CELERY_IMPORTS = ("notifications.tasks.delivery", "notifications.tasks.reminders", "notifications.tasks.digests")
CELERY_TASK_ROUTES = {
    "notifications.tasks.*": {"queue": "notifications"},
    # Reminders and digests (notifications.tasks.reminders/digests) keep the names they had in procedures.tasks.
    "procedures.tasks.*": {"queue": "default"},
}
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
CELERY_BEAT_SCHEDULE = {
    "notifications-sweep": {"task": "notifications.tasks.sweep_outbox", "schedule": timedelta(minutes=1)},
    # Reminders and escalation: the task itself checks working days and office hours (ReminderPolicy in the admin).
    "procedures-reminders": {"task": "procedures.tasks.run_reminders", "schedule": timedelta(minutes=15)},
    "feedback-escalation": {"task": "feedback.tasks.escalate_overdue", "schedule": timedelta(hours=1)},
    "datasets-due": {"task": "datasets.tasks.remind_due_updates", "schedule": timedelta(hours=6)},
    # Pending payments are asked about 15-30 minutes after they start, then daily (payments.services).
    "payments-reconcile": {"task": "payments.tasks.reconcile", "schedule": timedelta(minutes=15)},
    # The task itself skips non-working days and reminds every PAYMENT_REMINDER_WORKING_DAYS working days.
    "payments-remind-owing": {"task": "payments.tasks.remind_owing", "schedule": timedelta(hours=6)},
    # Retention: documents and results past their procedure's archival period, drafts abandoned for 90 days.
    "procedures-retention": {"task": "procedures.tasks.run_retention", "schedule": timedelta(hours=24)},
}

# --- Payments (shared/API.md "Payments") -------------------------------------------------------------------------

VNPAY_TMN_CODE = os.environ.get("VNPAY_TMN_CODE", "")
VNPAY_HASH_SECRET = os.environ.get("VNPAY_HASH_SECRET", "")
VNPAY_URL = os.environ.get("VNPAY_URL", "")
VNPAY_API_URL = os.environ.get("VNPAY_API_URL", "")
# The national payment platform adapter is written from its public description only (payments/providers/national.py).
PAYMENTS_NATIONAL_ENABLED = env_bool("PAYMENTS_NATIONAL_ENABLED", default=False)
NATIONAL_PAY_URL = os.environ.get("NATIONAL_PAY_URL", "")
NATIONAL_PAY_PARTNER_CODE = os.environ.get("NATIONAL_PAY_PARTNER_CODE", "")
NATIONAL_PAY_SECRET = os.environ.get("NATIONAL_PAY_SECRET", "")
# The local fake gateway (manage.py fake_gateway): only with DEBUG on (or PAYMENTS_FAKE_ALLOWED in tests).
FAKEPAY_URL = os.environ.get("FAKEPAY_URL", "http://127.0.0.1:8765")
PAYMENTS_FAKE_ALLOWED = False
# Providers offered, in order, to agencies without their own list (AgencyPaymentSettings); unusable ones are skipped.
PAYMENT_PROVIDERS = env_list("PAYMENT_PROVIDERS", "vnpay,national,fake")
PAYMENT_REMINDER_WORKING_DAYS = int(os.environ.get("PAYMENT_REMINDER_WORKING_DAYS", "2"))

# --- Email ----------------------------------------------------------------------------------------------------


def _email_settings(url: str) -> dict:
    """EMAIL_URL like smtp://user:pass@host:587/?tls=1, console://, locmem:// or file:///path."""
    if not url:
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    parsed = urlparse(url)
    scheme = parsed.scheme
    if scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme == "locmem":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if scheme == "file":
        return {"EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend", "EMAIL_FILE_PATH": parsed.path}
    if scheme in {"smtp", "smtps"}:
        query = dict(part.split("=", 1) for part in parsed.query.split("&") if "=" in part)
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parsed.hostname or "localhost",
            "EMAIL_PORT": parsed.port or (465 if scheme == "smtps" else 25),
            "EMAIL_HOST_USER": unquote(parsed.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
            "EMAIL_USE_SSL": scheme == "smtps",
            "EMAIL_USE_TLS": query.get("tls") in {"1", "true"},
            "EMAIL_TIMEOUT": 15,
        }
    raise RuntimeError(f"Unsupported EMAIL_URL scheme: {scheme}")


globals().update(_email_settings(os.environ.get("EMAIL_URL", "")))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Một Cửa <no-reply@motcua.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Auth and allauth -----------------------------------------------------------------------------------------
AUTH_USER_MODEL = "citizens.User"
SITE_ID = 1
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("ACCOUNT_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_ADAPTER = "citizens.adapters.AccountAdapter"
ACCOUNT_FORMS = {"signup": "citizens.forms.SignupForm"}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Một Cửa] "
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# Staff (is_staff, superusers, anyone with an agency role) must use a second factor; only the embedded demo
# (`make demo`) turns it off. See citizens/mfa.py.
STAFF_MFA_REQUIRED = env_bool("STAFF_MFA_REQUIRED", True)
MFA_TOTP_ISSUER = "Một Cửa"
HEADLESS_ADAPTER = "citizens.adapters.HeadlessAdapter"
HEADLESS_CLIENTS = ("app", "browser")
HEADLESS_ONLY = False
HEADLESS_FRONTEND_URLS = {
    "account_confirm_email": f"{SITE_URL}/accounts/confirm-email/{{key}}/",
    "account_reset_password_from_key": f"{SITE_URL}/accounts/password/reset/key/{{key}}/",
    "account_signup": f"{SITE_URL}/accounts/signup/",
}

# National e-ID (VNeID): allauth's OpenID Connect provider with id "vneid" when its three settings are given
# (API.md). citizens/vneid verifies every ID token; citizens.adapters.SocialAccountAdapter maps the claims, links
# only on a verified national ID and never to a staff account.
OIDC_VNEID_SERVER_URL = os.environ.get("OIDC_VNEID_SERVER_URL", "")
OIDC_VNEID_CLIENT_ID = os.environ.get("OIDC_VNEID_CLIENT_ID", "")
OIDC_VNEID_SECRET = os.environ.get("OIDC_VNEID_SECRET", "")


def vneid_app(server_url: str, client_id: str, secret: str) -> dict:
    return {
        "provider_id": "vneid",
        "name": "VNeID",
        "client_id": client_id,
        "secret": secret,
        "settings": {
            "server_url": server_url,
            "fetch_userinfo": env_bool("OIDC_VNEID_FETCH_USERINFO", False),
            "oauth_pkce_enabled": True,
            "token_auth_method": os.environ.get("OIDC_VNEID_TOKEN_AUTH_METHOD") or None,
            "scope": os.environ.get("OIDC_VNEID_SCOPE", "openid").split(),
            # e.g. OIDC_VNEID_AUTH_PARAMS="acr_values=2"; the level is still read from the returned claims.
            "auth_params": dict(
                part.split("=", 1) for part in os.environ.get("OIDC_VNEID_AUTH_PARAMS", "").split("&") if "=" in part
            ),
            "claims": {
                "national_id": os.environ.get("OIDC_VNEID_CLAIM_NATIONAL_ID", "SoDinhDanh"),
                "full_name": os.environ.get("OIDC_VNEID_CLAIM_FULL_NAME", "HoVaTen"),
                "birth_date": os.environ.get("OIDC_VNEID_CLAIM_BIRTH_DATE", "NgayThangNamSinh"),
            },
            "loa_claim": os.environ.get("OIDC_VNEID_CLAIM_LOA", "acr"),
        },
    }


SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "provider_class": "citizens.vneid.provider.VNeIDProvider",
        "APPS": [vneid_app(OIDC_VNEID_SERVER_URL, OIDC_VNEID_CLIENT_ID, OIDC_VNEID_SECRET)]
        if OIDC_VNEID_SERVER_URL and OIDC_VNEID_CLIENT_ID and OIDC_VNEID_SECRET
        else [],
    }
}
SOCIALACCOUNT_ADAPTER = "citizens.adapters.SocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"  # the e-ID proves the person; an email is added in the profile
SOCIALACCOUNT_EMAIL_REQUIRED = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # never link by email
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_STORE_TOKENS = False

# --- REST API -------------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "portal.api_auth.SessionTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "portal.pagination.PagePagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "portal.api_errors.exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "tracking": os.environ.get("TRACKING_THROTTLE", "60/min"),
        "dossier_create": os.environ.get("DOSSIER_CREATE_THROTTLE", "30/hour"),
        "document_upload": os.environ.get("DOCUMENT_UPLOAD_THROTTLE", "300/hour"),
        # Codes that match no dossier, per client: enumeration misses far more often than a citizen mistypes.
        "tracking_miss": os.environ.get("TRACKING_MISS_THROTTLE", "20/hour"),
    },
    # The client address behind TRUSTED_PROXY_COUNT proxies; 0 ignores X-Forwarded-For (DRF's default trusts it).
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "portal.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Một Cửa API",
    "DESCRIPTION": "Public API of the Một Cửa online public-service portal (v1).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and Redoc from our own static files, never a CDN (CSP: scripts and styles from 'self' only).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Every /api/v1/ operation documents the contract's error answers (portal.schema).
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "portal.schema.document_errors"],
    "ENUM_NAME_OVERRIDES": {
        "DossierStatusEnum": "procedures.models.dossier.Status",
        "DossierOutcomeEnum": "procedures.models.dossier.Outcome",
        "DocumentKindEnum": "procedures.models.DocumentKind",
        "NotificationKindEnum": "notifications.models.Kind",
    },
}

# --- Internationalisation -------------------------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

# --- Static and private files ---------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "portal" / "static"]
# Uploaded documents live outside any public URL; they are streamed by views that check permissions first.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "private_media"))
MEDIA_ROOT = PRIVATE_MEDIA_ROOT
MEDIA_URL = None
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Every request body: above this the WSGI layer answers 413 from the headers (portal.bodylimit), before any read.
MAX_REQUEST_BYTES = int(os.environ.get("MAX_REQUEST_BYTES", str(50 * 1024 * 1024)))
# Per-user quotas and creation throttles (procedures.services: clear 409/429 messages when reached).
MAX_OPEN_DRAFTS = int(os.environ.get("MAX_OPEN_DRAFTS", "20"))
MAX_USER_STORED_BYTES = int(os.environ.get("MAX_USER_STORED_BYTES", str(500 * 1024 * 1024)))
# Malware scanning of every upload by clamd (portal.antivirus): a Unix socket path or host:port; neither = no scanner.
CLAMAV_SOCKET = os.environ.get("CLAMAV_SOCKET", "")
CLAMAV_HOST = os.environ.get("CLAMAV_HOST", "")
CLAMAV_TIMEOUT = float(os.environ.get("CLAMAV_TIMEOUT", "30"))
# Uploads: the web server rejects bodies above this; each requirement sets its own smaller limit.
MAX_UPLOAD_BYTES = int(os.environ.get("MAX_UPLOAD_BYTES", str(20 * 1024 * 1024)))
# Where a legal document number on a procedure page links to ({number} is filled in): the national legal database.
LEGAL_DOCUMENT_URL = os.environ.get(
    "LEGAL_DOCUMENT_URL", "https://vbpl.vn/tw/Pages/vbpq-timkiem.aspx?type=0&s=1&Keyword={number}"
)
# PAKN abuse limits per citizen: new items in 24 hours, and items waiting for an answer at once.
FEEDBACK_MAX_PER_DAY = int(os.environ.get("FEEDBACK_MAX_PER_DAY", "5"))
FEEDBACK_MAX_OPEN = int(os.environ.get("FEEDBACK_MAX_OPEN", "10"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

SMS_PROVIDER = os.environ.get("SMS_PROVIDER", "console")
SMS_HTTP_URL = os.environ.get("SMS_HTTP_URL", "")
SMS_HTTP_AUTH = os.environ.get("SMS_HTTP_AUTH", "")
SMS_HTTP_PAYLOAD = os.environ.get("SMS_HTTP_PAYLOAD", "")
SMS_HTTP_SENDER = os.environ.get("SMS_HTTP_SENDER", "")
# Webhooks never reach private or loopback addresses unless an operator allows it (an integrator on the same LAN).
WEBHOOK_ALLOW_PRIVATE = env_bool("WEBHOOK_ALLOW_PRIVATE", False)
WEBHOOK_MAX_CONSECUTIVE_FAILURES = int(os.environ.get("WEBHOOK_MAX_CONSECUTIVE_FAILURES", "10"))

# --- Domain configuration (data, not code) --------------------------------------------------------------------
PORTAL_NEAR_DUE_MARGIN_DAYS = int(os.environ.get("PORTAL_NEAR_DUE_MARGIN_DAYS", "1"))
NOTIFICATION_MAX_ATTEMPTS = int(os.environ.get("NOTIFICATION_MAX_ATTEMPTS", "8"))
NOTIFICATION_BACKOFF_CAP_SECONDS = int(os.environ.get("NOTIFICATION_BACKOFF_CAP_SECONDS", "3600"))
NOTIFICATION_STUCK_AFTER_SECONDS = int(os.environ.get("NOTIFICATION_STUCK_AFTER_SECONDS", "300"))
NOTIFICATION_BACKOFF_BASE_SECONDS = float(os.environ.get("NOTIFICATION_BACKOFF_BASE_SECONDS", "15"))
NOTIFICATION_PUBLISH_PAUSE_SECONDS = float(os.environ.get("NOTIFICATION_PUBLISH_PAUSE_SECONDS", "15"))
NOTIFICATION_SWEEP_GRACE_SECONDS = int(os.environ.get("NOTIFICATION_SWEEP_GRACE_SECONDS", "15"))
NOTIFICATION_SWEEP_BATCH = int(os.environ.get("NOTIFICATION_SWEEP_BATCH", "500"))
# Channel name -> dotted path of its class, over notifications.channels.DEFAULT_CHANNELS.
NOTIFICATION_CHANNELS: dict[str, str] = {}
SMS_HTTP_REF_FIELD = os.environ.get("SMS_HTTP_REF_FIELD", "")
SMS_HTTP_TIMEOUT = float(os.environ.get("SMS_HTTP_TIMEOUT", "10"))
WEBHOOK_TIMEOUT = float(os.environ.get("WEBHOOK_TIMEOUT", "10"))
WEBHOOK_MAX_ATTEMPTS = int(os.environ.get("WEBHOOK_MAX_ATTEMPTS", "8"))
# Round-robin routing balances officers over the dossiers they were given in this many days.
ROUTING_ROUND_ROBIN_WINDOW_DAYS = int(os.environ.get("ROUTING_ROUND_ROBIN_WINDOW_DAYS", "30"))
# Statistics: a counter that cannot be recorded raises (tests, staging) instead of being logged and repaired later.
DASHBOARD_STATS_STRICT = env_bool("DASHBOARD_STATS_STRICT", False)
# /health/: how long the broker and the workers may take to answer.
HEALTH_BROKER_TIMEOUT = float(os.environ.get("HEALTH_BROKER_TIMEOUT", "2"))
HEALTH_WORKER_TIMEOUT = float(os.environ.get("HEALTH_WORKER_TIMEOUT", "1.5"))

# --- Electronic results (records app) ----------------------------------------------------------------------------
# The portal-wide signing key for agencies without their own (records.SigningKey): a PKCS#12 file and the NAME of the
# environment variable holding its passphrase (never the passphrase itself). Unset: results of such agencies are not
# signed.
RECORDS_PKCS12_PATH = os.environ.get("RECORDS_PKCS12_PATH", "")
RECORDS_PKCS12_PASSPHRASE_ENV = os.environ.get("RECORDS_PKCS12_PASSPHRASE_ENV", "RECORDS_PKCS12_PASSPHRASE")
# An RFC 3161 timestamping server; unset: signatures carry the signer's clock only.
RECORDS_TSA_URL = os.environ.get("RECORDS_TSA_URL", "")
# CA certificates (PEM/DER files, comma-separated) a result's signature must chain to for the verifier to say valid.
RECORDS_TRUST_ROOTS = [p for p in os.environ.get("RECORDS_TRUST_ROOTS", "").split(",") if p.strip()]
RECORDS_SIGNER_TITLE = os.environ.get("RECORDS_SIGNER_TITLE", "CHỦ TỊCH")
RECORDS_PLACE = os.environ.get("RECORDS_PLACE", "Hà Nội")

# --- Security -------------------------------------------------------------------------------------------------
# Content-Security-Policy (django-csp): scripts and styles only from this origin, inline ones only with the
# per-response nonce ({{ request.csp_nonce }}); no 'unsafe-inline' anywhere but Redoc's page, whose renderer injects
# its styles at run time (portal.urls).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
