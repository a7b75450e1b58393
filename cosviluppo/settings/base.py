"""Settings for Cosviluppo, read from the environment (see README "Configuration").

There is one settings module for every environment: production differs from a
developer's machine only by environment variables. `test.py` overrides the few
things the test suite needs.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A local .env file is optional and never committed (.env.example is).
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def _env_bool(name: str, default: bool) -> bool:
    """A boolean variable that refuses values it does not understand."""
    raw = env.str(name, default="")
    if raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean: use true or false.")


def _env_secret(name: str, default: str = "") -> str:
    """A secret from NAME, or from the file named by NAME_FILE (container secrets)."""
    path = env.str(f"{name}_FILE", default="")
    if path:
        return Path(path).read_text().strip()
    return env.str(name, default=default)


# --- Core -----------------------------------------------------------------
DEBUG = _env_bool("DEBUG", False)

SECRET_KEY = _env_secret("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable "
            "(or SECRET_KEY_FILE) to a long random string; a development default "
            "is used only when DEBUG=true."
        )
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_countries",
    "django_filters",
    "crispy_forms",
    "crispy_bootstrap5",
    # Bootstrap Italia's CSS, JS, fonts and icons, bundled by design-django-theme.
    "bootstrap_italia_template",
    "cosviluppo",
    "accounts",
    "associations",
    "calls",
    "projects",
    "evaluation",
    "funding",
    "reports",
    "outbox",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "cosviluppo.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.RequireTwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "cosviluppo.urls"
WSGI_APPLICATION = "cosviluppo.wsgi.application"
ASGI_APPLICATION = "cosviluppo.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cosviluppo.context_processors.programme",
            ],
            # Always cached: measured to cut page time by a quarter to a half.
            # Django's autoreloader clears it when a template changes in development.
            "loaders": [
                (
                    "django.template.loaders.cached.Loader",
                    [
                        "django.template.loaders.filesystem.Loader",
                        "django.template.loaders.app_directories.Loader",
                    ],
                )
            ],
        },
    }
]

# --- Database ---------------------------------------------------------------
# SQLite in the project folder by default, so that a fresh clone runs with nothing else.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# Persistent connections: measured to triple page throughput.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Take the write lock when a transaction starts, so two requests that lock a row and then
    # write wait for each other instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sign-up, e-mail verification, login, password reset and two-factor login: django-allauth.
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Cosviluppo] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
ACCOUNT_PRESERVE_USERNAME_CASING = False
# Repeated failed logins are refused for a while (per address and per account).
ACCOUNT_RATE_LIMITS = {
    "login_failed": env.str("LOGIN_FAILED_RATE_LIMIT", default="10/m/ip,5/5m/key"),
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Cosviluppo"

# --- Language and time ----------------------------------------------------------
LANGUAGE_CODE = "it"
LANGUAGES = [("it", _("Italiano")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Rome"
USE_TZ = True
COUNTRIES_FIRST_BREAK = None

# --- Static files and uploads ------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploads (statutes, proposal attachments, report outputs) are private: they are
# never served by URL, only streamed by views that check permissions.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_STORAGE",
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

# --- E-mail -------------------------------------------------------------------------
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Cosviluppo <noreply@cosviluppo.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# A mail server that hangs must not hold the outbox's worker (and its row lock) for ever.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
# Outbox: tries before an e-mail is marked failed (1, 2, 4… minutes apart, at most an hour).
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=10)

# --- Cache ------------------------------------------------------------------------------
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # A Redis that stops answering costs a request (and /healthz) two seconds, not a hang.
    CACHES["default"].setdefault("OPTIONS", {}).setdefault("socket_connect_timeout", 2)
    CACHES["default"]["OPTIONS"].setdefault("socket_timeout", 2)

# --- Celery -------------------------------------------------------------------------------
# Without a broker, tasks run eagerly in the web process, so a first run needs no Redis.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A broker that does not answer fails a publish at once (one immediate retry for a stale
# connection) instead of stalling the request for seconds: what was not sent is sent by the
# sweeps (outbox, report runs). See cosviluppo/lib/tasks.py.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.1, "interval_max": 0.1}
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1}
# Report runs: a running run whose heartbeat is older than the lease lost its worker; the sweep
# starts it again up to REPORT_RUN_RESTARTS times, then fails it (reports/services.py).
REPORT_RUN_HEARTBEAT_SECONDS = env.float("REPORT_RUN_HEARTBEAT_SECONDS", default=10)
REPORT_RUN_LEASE_SECONDS = env.float("REPORT_RUN_LEASE_SECONDS", default=120)
REPORT_RUN_RESTARTS = env.int("REPORT_RUN_RESTARTS", default=2)
# Periodic tasks (run by `celery -A cosviluppo beat`); each app declares its own.
from calls.tasks import CALLS_BEAT_SCHEDULE  # noqa: E402
from evaluation.tasks import EVALUATION_BEAT_SCHEDULE  # noqa: E402
from outbox.tasks import OUTBOX_BEAT_SCHEDULE  # noqa: E402
from reports.tasks import REPORTS_BEAT_SCHEDULE  # noqa: E402

CELERY_BEAT_SCHEDULE = {
    **CALLS_BEAT_SCHEDULE,
    **EVALUATION_BEAT_SCHEDULE,
    **REPORTS_BEAT_SCHEDULE,
    **OUTBOX_BEAT_SCHEDULE,
}

# --- Security ---------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = _env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_FAILURE_VIEW = "cosviluppo.views.csrf_failure"
# No CDN and no inline code: the portal works offline and under this policy. The two
# style hashes are the fixed <style> elements Bootstrap Italia's bundle injects (an empty
# one and video.js's defaults); nothing else inline is allowed.
CONTENT_SECURITY_POLICY = env.str(
    "CONTENT_SECURITY_POLICY",
    default="default-src 'self'; script-src 'self'; style-src 'self' "
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=' 'sha256-wPXhisdsFu1DtHYH1D9W5isSGqS5vIPn6QJWSNLqfCM='; "
    "img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if _env_bool("BEHIND_PROXY", False) else None
# HTTPS only in production: plain HTTP is redirected, and browsers are told (HSTS) to use HTTPS
# for a year. /healthz stays reachable over plain HTTP for a load balancer probing inside the network.
SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
# Off unless asked: the preload lists are hard to leave, so joining them is the operator's decision.
SECURE_HSTS_PRELOAD = _env_bool("SECURE_HSTS_PRELOAD", False)

# --- Forms ---------------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Uploads ---------------------------------------------------------------------------------------
MAX_UPLOAD_MB = env.int("MAX_UPLOAD_MB", default=10)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# The portal's public address, for links in e-mails sent without a request (tasks, commands).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# --- Programme ----------------------------------------------------------------------------------
# A criterion's scores are flagged for the consensus when they spread more than this
# percentage of its maximum score.
EVALUATION_SPREAD_ALERT = env.int("EVALUATION_SPREAD_ALERT", default=30)
# The body that runs the programme: reporting organisation in open data.
PROGRAMME_OWNER_NAME = env.str("PROGRAMME_OWNER_NAME", default="Comune di Milano")
# Open data: the 360Giving identifier prefix registered for the programme (a placeholder until
# 360Giving assigns the real one) and the licence the open data is published under.
OPEN_DATA_360G_PREFIX = env.str("OPEN_DATA_360G_PREFIX", default="360G-cosviluppo")
OPEN_DATA_LICENSE = env.str("OPEN_DATA_LICENSE", default="https://creativecommons.org/licenses/by/4.0/")
# Where the official 360Giving and IATI schemas are read from by the open-data tests.
OPEN_DATA_STANDARDS_DIR = Path(
    env.str("OPEN_DATA_STANDARDS_DIR", default=str(BASE_DIR.parent / "shared" / "standards"))
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint logs every layout step at INFO: one receipt would print seven lines.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
