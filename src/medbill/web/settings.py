"""Django settings, read from the environment.

Environment variables:

``DATABASE_URL``
    Any URL dj-database-url understands (``postgres://user@host:5432/db``). Default: an
    SQLite file ``medbill.sqlite3`` in ``medbill.core.paths.data_dir()``.
``MEDBILL_TEST_DB_NAME``
    The database the test suite creates and drops. Default: ``test_`` and the name of
    ``DATABASE_URL``'s database (``test_medbill``); with the SQLite default, an in-memory
    database. Two test runs against the same server at once need different names.
``MEDBILL_DEBUG``
    ``1``/``true`` for development; the only way to turn DEBUG on (a plain ``DEBUG``
    variable, which many other tools read, is ignored). Off by default.
``SECRET_KEY``
    Required unless debugging; a fixed development key is used only with ``MEDBILL_DEBUG``.
``ALLOWED_HOSTS``
    Comma-separated host names. Default with debugging: localhost names only.
``MEDBILL_LOG_LEVEL``
    Level of medbill's own loggers (default ``INFO``).
``MEDBILL_DB_PREPARED``
    PostgreSQL: ``0`` sends every statement as text with its values quoted in, as a
    connection pooler in transaction mode needs (PgBouncer before 1.21). By default the
    values travel apart from the statement and a statement run a few times on a connection
    is prepared once (the server then skips parsing and planning it again).

Sign-in, sessions, HTTPS and uploads (``MEDBILL_HTTPS``, ``MEDBILL_LOGIN_FAILURE_LIMIT``,
``MEDBILL_MAX_UPLOAD_MB`` ...) are listed in ``docs/security.md``.

Logging never carries PHI: request logs name the path and status only, and medbill's
loggers are asked to log identifiers (row ids, claim ids), never names or dates of birth.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from medbill.core.paths import data_dir
from medbill.web.jobs.recurring import beat_schedule as _beat_schedule

WEB_DIR = Path(__file__).resolve().parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _flag(*names: str, default: bool = False) -> bool:
    for name in names:
        value = os.environ.get(name)
        if value is None:
            continue
        text = value.strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ImproperlyConfigured(f"{name} must be 1/0, true/false, yes/no or on/off")
    return default


def _list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = _flag("MEDBILL_DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY in the environment, or set MEDBILL_DEBUG=1 "
            "for a development server with a built-in key."
        )
    SECRET_KEY = "medbill-development-only-key-never-use-in-production-0123456789"
    # Debug pages run on this key; medbill.E002 refuses it for deployment.

ALLOWED_HOSTS = _list(
    "ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = _list("CSRF_TRUSTED_ORIGINS", [])

_database_url = os.environ.get("DATABASE_URL", "").strip()
if _database_url:
    try:
        DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
    except Exception as exc:  # dj-database-url raises several kinds of error
        raise ImproperlyConfigured(
            f"DATABASE_URL is not a database URL dj-database-url understands ({exc})"
        ) from None
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and os.environ.get(
        "MEDBILL_DB_PREPARED", "1"
    ).strip().lower() not in ("0", "false", "no", "off"):
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            server_side_binding=True, prepare_threshold=5
        )
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(data_dir() / "medbill.sqlite3"),
            # BEGIN IMMEDIATE: a writer waits for the other at the start of its
            # transaction, so what it reads first (already posted? already charged?)
            # is what it writes against.
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }

# Test runs sharing one database server each need their own test database.
_test_db_name = os.environ.get("MEDBILL_TEST_DB_NAME", "").strip()
if _test_db_name:
    DATABASES["default"]["TEST"] = {"NAME": _test_db_name}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",  # the API docs page from ninja's own static files, not a CDN
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "medbill.web.practice",
    "medbill.web.frontdesk",
    "medbill.web.coding",
    "medbill.web.billing",
    "medbill.web.banking",
    "medbill.web.claims_out",
    "medbill.web.risk",
    "medbill.web.jobs",
    "medbill.web.interfaces",
    "medbill.web.api",
]

MIDDLEWARE = [
    # Request ids for the logs, /metrics (bearer token) and request latency: around everything.
    "medbill.web.observability.ObservabilityMiddleware",
    # /healthz for load balancers: before host checks and the HTTPS redirect.
    "medbill.web.health.HealthMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Refuses oversized bodies before anything reads them (HTTP 413).
    "medbill.web.practice.security.UploadLimitMiddleware",
    # Below the upload limit: it may read a JSON body to look for text no column stores.
    "medbill.web.api.middleware.ApiErrorMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below whitenoise: static files stay cacheable, every page gets no-store.
    "medbill.web.practice.security.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "medbill.web.practice.sessions.SessionLifetimeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "medbill.web.practice.middleware.CurrentPracticeMiddleware",
    "medbill.web.practice.mfa.SecondFactorMiddleware",
    # Last, so that it sees the lockout flag the authentication backend sets.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "medbill.web.urls"
WSGI_APPLICATION = "medbill.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [WEB_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "medbill.web.practice.context.practice_context",
            ],
            "builtins": ["medbill.web.practice.templatetags.money"],
        },
    }
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a locked-out username or address before the password is
# even checked, so the right password is refused too until the cool-off ends.
AUTHENTICATION_BACKENDS = [
    "medbill.web.practice.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("MEDBILL_TIME_ZONE", "America/Chicago")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Only deployments that run ``collectstatic`` need a STATIC_ROOT (``medbill serve
# --production`` does, into <data dir>/static unless this says elsewhere).
STATIC_ROOT = os.environ.get("MEDBILL_STATIC_ROOT") or None
STATICFILES_DIRS = [WEB_DIR / "static"]
if STATIC_ROOT:
    # Collected files with their content hash in the name, compressed: cached for a year.
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
# Without collectstatic, serve straight from the source tree so the demo works as-is.
WHITENOISE_USE_FINDERS = not STATIC_ROOT
# Files browsers ask for at the site's root (/favicon.ico), served as they are.
WHITENOISE_ROOT = WEB_DIR / "root"
WHITENOISE_AUTOREFRESH = DEBUG


# -- security: sign-in, sessions, HTTPS, headers, uploads (docs/security.md) ------------------
def _int(name: str, default: int, minimum: int = 0) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}")
    return number


# One switch for a site served over HTTPS; each part can still be set on its own.
HTTPS = _flag("MEDBILL_HTTPS")
SESSION_COOKIE_SECURE = _flag("MEDBILL_SECURE_COOKIES", default=HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # pages send the token from the form field, never the cookie
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = _flag("MEDBILL_SSL_REDIRECT", default=HTTPS)
SECURE_HSTS_SECONDS = _int("MEDBILL_HSTS_SECONDS", 365 * 24 * 60 * 60 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _flag("MEDBILL_HSTS_INCLUDE_SUBDOMAINS", default=HTTPS)
SECURE_HSTS_PRELOAD = _flag("MEDBILL_HSTS_PRELOAD")
# Asking browsers to preload HSTS is a commitment for the whole domain, the operator's own
# choice (MEDBILL_HSTS_PRELOAD); not having made it is no deployment error.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
_proxy_header = os.environ.get("MEDBILL_PROXY_SSL_HEADER", "").strip()
if _proxy_header:  # e.g. X-Forwarded-Proto, set only by a proxy that overwrites it
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_header.upper().replace("-", "_"), "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Sessions end when the browser closes, unless "remember this device" was ticked at
# sign-in; idle sessions end after the practice's idle timeout; none outlives
# MEDBILL_SESSION_MAX_HOURS from sign-in (medbill.web.practice.sessions).
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_MAX_AGE = _int("MEDBILL_SESSION_MAX_HOURS", 12, minimum=1) * 60 * 60
SESSION_COOKIE_AGE = SESSION_MAX_AGE
IDLE_TIMEOUT_DEFAULT_MINUTES = 15
IDLE_WARNING_SECONDS = 120  # the page warns this long before an idle sign-out

# django-axes: MEDBILL_LOGIN_FAILURE_LIMIT failed sign-ins for one username, or from one
# address, lock it out for MEDBILL_LOCKOUT_MINUTES; an administrator can unlock earlier.
AXES_ENABLED = _flag("MEDBILL_LOGIN_LOCKOUT", default=True)
AXES_FAILURE_LIMIT = _int("MEDBILL_LOGIN_FAILURE_LIMIT", 10, minimum=1)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=_int("MEDBILL_LOCKOUT_MINUTES", 30, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# How many proxies in front of medbill append to X-Forwarded-For (0: clients connect
# directly); failures are counted per client address, not per proxy.
PROXY_COUNT = _int("MEDBILL_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "medbill.web.practice.backends.client_ip"
# A call of authenticate() without a request meets the lockout too; the test settings
# (medbill.web.settings_test) let Client.login() through (medbill.web.practice.backends).
LOCKOUT_WITHOUT_REQUEST = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "medbill.web.practice.account_views.locked_out"
AXES_HTTP_RESPONSE_CODE = 429
AXES_ENABLE_ADMIN = True
AXES_DISABLE_ACCESS_LOG = True  # sign-ins and sign-outs are in medbill's audit trail
AXES_SENSITIVE_PARAMETERS = ["password", "otp_token"]

# django-otp: TOTP codes from an authenticator app, static recovery codes.
OTP_TOTP_ISSUER = os.environ.get("MEDBILL_OTP_ISSUER", "medbill")
OTP_TOTP_THROTTLE_FACTOR = 1

# Content-Security-Policy (django-csp): scripts and styles from our own static files
# only; no inline script. Style attributes stay allowed (bar widths in reports).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Request bodies over this size are refused with HTTP 413 before they are read.
MAX_UPLOAD_BYTES = _int("MEDBILL_MAX_UPLOAD_MB", 20, minimum=1) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_BYTES
# The claim queue sends one field per scrubbed claim it lists; Django's 1,000 would refuse
# a day's batch of a large practice (a 400 before the view runs). Still a bound.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024  # larger files go to a temporary file

# -- logging: identifiers only, never PHI -------------------------------------------------------
# MEDBILL_LOG_FORMAT: plain (default) or json (one object per line, for a log collector).
LOG_FORMAT = os.environ.get("MEDBILL_LOG_FORMAT", "plain").strip().lower() or "plain"
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured("MEDBILL_LOG_FORMAT must be plain or json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "no_phi": {"()": "medbill.web.practice.logs.NoPhiFilter"},
        "request_id": {"()": "medbill.web.observability.RequestIdFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"},
        "json": {"()": "medbill.web.observability.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["no_phi", "request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "medbill": {"level": os.environ.get("MEDBILL_LOG_LEVEL", "INFO"), "propagate": True},
        # Database logging would print query parameters (names, dates of birth).
        "django.db.backends": {"level": "WARNING", "propagate": True},
        # The development server logs every request line; search queries hold names.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# GET /metrics (Prometheus) answers only a scraper that sends this as its bearer token;
# without one the endpoint does not exist.
METRICS_TOKEN = os.environ.get("MEDBILL_METRICS_TOKEN", "").strip()

# -- Celery (background work) -------------------------------------------------------------------
# Celery settings live here (the worker reads CELERY_* from these settings).
# CELERY-SETTINGS-BEGIN
# ``CELERY_BROKER_URL``: redis://127.0.0.1:6379/0 or amqp://guest:guest@127.0.0.1:5672// in
# production. Not set: tasks run in-process as they are sent (see medbill.web.worker).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "").strip()
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", "").strip() or (
    "rpc://" if CELERY_BROKER_URL.startswith("amqp") else CELERY_BROKER_URL or None
)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
if CELERY_TASK_ALWAYS_EAGER:
    CELERY_BROKER_URL = "memory://localhost/"  # never contact a broker nobody configured
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True  # a task whose worker dies is delivered again
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1  # long jobs: take one at a time
CELERY_RESULT_EXPIRES = 7 * 24 * 60 * 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # keep the PHI-free logging configured above
CELERY_TIMEZONE = TIME_ZONE
# Recurring jobs (``medbill scheduler`` runs beat); the list lives in medbill.web.jobs.recurring.
CELERY_BEAT_SCHEDULE = _beat_schedule()
# CELERY-SETTINGS-END
