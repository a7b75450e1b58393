"""System checks of our own, run by `manage.py check --deploy`."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

# Caches that each process (or each server) keeps to itself. The login rate limits live in the
# default cache: with one of these, every gunicorn worker counts failed logins on its own.
PROCESS_LOCAL_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache": "each process keeps its own",
    "django.core.cache.backends.dummy.DummyCache": "it keeps nothing",
    "django.core.cache.backends.filebased.FileBasedCache": "each server keeps its own",
}


@register(Tags.caches, Tags.security, deploy=True)
def check_shared_cache(app_configs, **kwargs):
    """Production needs a cache shared by every process, or the login rate limits do not hold."""
    if settings.DEBUG:
        return []
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    why = PROCESS_LOCAL_CACHES.get(backend)
    if why is None:
        return []
    return [
        Warning(
            f"The default cache ({backend}) is not shared between processes: {why}, so the login "
            "rate limits (LOGIN_FAILED_RATE_LIMIT) are counted per process and let through many more "
            "failed logins than configured.",
            hint="Set CACHE_URL to a shared cache, e.g. CACHE_URL=rediscache://127.0.0.1:6379/1.",
            id="cosviluppo.W001",
        )
    ]
