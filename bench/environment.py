"""The settings the bench runs with: production-like (DEBUG off, persistent connections) on its own database."""

import os
import warnings

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/cosviluppo_bench"


def configure(database_url: str | None = None) -> str:
    """Point Django at the bench database, before django.setup(). Returns the database URL."""
    url = database_url or os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DATABASE_URL
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "cosviluppo.settings.base"
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production")
    os.environ["ALLOWED_HOSTS"] = "testserver,localhost,127.0.0.1"
    os.environ["SECURE_COOKIES"] = "false"
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    os.environ["CONN_MAX_AGE"] = "60"
    # The manifest storage needs collectstatic; the page cost of {% static %} is the same.
    os.environ["STATICFILES_STORAGE"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
    # Tasks (e-mails) run in-process and go nowhere.
    os.environ["CELERY_BROKER_URL"] = ""
    os.environ["EMAIL_URL"] = "dummymail://"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # whitenoise warns that collectstatic has not run: the bench serves no static file.
    warnings.filterwarnings("ignore", message="No directory at", module="django.core.handlers.base")
    return url


def split_database_url(url: str) -> tuple[str, str]:
    """(URL of the server's maintenance database, name of the bench database)."""
    base, _, name = url.rpartition("/")
    name = name.split("?")[0]
    return f"{base}/postgres", name
