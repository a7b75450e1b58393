"""Test settings: only what the suite needs differs from base."""

import os

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("STATICFILES_STORAGE", "django.contrib.staticfiles.storage.StaticFilesStorage")

from .base import *  # noqa: E402,F403
from .base import BASE_DIR, env  # noqa: E402

ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
# Tests compare the English source texts; the Italian default of the portal is tested explicitly
# (cosviluppo/tests/test_home.py, test_settings.py, the browser tests, which browse in Italian).
LANGUAGE_CODE = "en"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# The suite runs with DEBUG=false (as CI does) but over plain HTTP: no redirect to HTTPS.
SECURE_SSL_REDIRECT = False
# Tests run tasks in-process, except the worker integration test, which
# talks to the broker named by CELERY_BROKER_URL on purpose.
CELERY_TASK_ALWAYS_EAGER = True
# Serve static files through the finders: the suite never runs collectstatic.
WHITENOISE_AUTOREFRESH = True
MEDIA_ROOT = env.path("TEST_MEDIA_ROOT", default=str(BASE_DIR / ".test-media"))
