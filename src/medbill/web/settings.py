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
    ``1``/``true`` for development (also accepted as ``DEBUG``). Off by default.
``SECRET_KEY``
    Required unless debugging; a fixed development key is used only with ``MEDBILL_DEBUG``.
``ALLOWED_HOSTS``
    Comma-separated host names. Default with debugging: localhost names only.
``MEDBILL_LOG_LEVEL``
    Level of medbill's own loggers (default ``INFO``).

Logging never carries PHI: request logs name the path and status only, and medbill's
loggers are asked to log identifiers (row ids, claim ids), never names or dates of birth.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from medbill.core.paths import data_dir

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


DEBUG = _flag("MEDBILL_DEBUG", "DEBUG")
# The test suite runs without configuration (pytest, or ``django-admin test``).
TESTING = "pytest" in sys.modules or sys.argv[1:2] == ["test"]

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY in the environment, or set MEDBILL_DEBUG=1 "
            "for a development server with a built-in key."
        )
    SECRET_KEY = "medbill-development-only-key-never-use-in-production-0123456789"

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
    "medbill.web.practice",
    "medbill.web.frontdesk",
    "medbill.web.coding",
    "medbill.web.billing",
    "medbill.web.claims_out",
    "medbill.web.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "medbill.web.practice.middleware.CurrentPracticeMiddleware",
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
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
if TESTING:  # fast hashing keeps the many test users cheap
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("MEDBILL_TIME_ZONE", "America/Chicago")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Only deployments that run ``collectstatic`` need a STATIC_ROOT.
STATIC_ROOT = os.environ.get("MEDBILL_STATIC_ROOT") or None
STATICFILES_DIRS = [WEB_DIR / "static"]
# Serve straight from the source tree (no collectstatic step) so the demo works as-is.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = _flag("MEDBILL_SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_AGE = 8 * 60 * 60  # one working day

# -- logging: identifiers only, never PHI -------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_phi": {"()": "medbill.web.practice.logs.NoPhiFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["no_phi"],
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
# CELERY-SETTINGS-END
