"""`manage.py check --deploy`: the production configuration README documents passes with no
warning, and our own check warns when the default cache is not shared between processes."""

import os
import re
import secrets
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.core.checks import run_checks

from cosviluppo.checks import check_shared_cache
from cosviluppo.tests.test_settings import SETTINGS_VARIABLES

README = django_settings.BASE_DIR / "README.md"


def documented_production_environment() -> dict[str, str]:
    """The variables of README's production block (after its `production-environment` marker)."""
    text = README.read_text()
    block = re.search(r"<!-- production-environment -->\s*```sh\n(.*?)```", text, re.DOTALL)
    assert block, "README.md has lost its production environment block"
    variables = {}
    for line in block.group(1).splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            variables[name] = value
    return variables


def check_deploy(tmp_path, **overrides: str | None) -> subprocess.CompletedProcess:
    """`manage.py check --deploy --fail-level WARNING` in a fresh process with the documented
    production environment (its secret key written to a file of the test), changed by `overrides`
    (None removes a variable, to see its default)."""
    key_file = tmp_path / "secret_key"
    key_file.write_text(secrets.token_urlsafe(50))
    # Not the test process's own switches either: the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE
    # (Playwright's sync API), which check --deploy rightly refuses (async.E001).
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in SETTINGS_VARIABLES and key != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update(documented_production_environment())
    env.update({"DJANGO_SETTINGS_MODULE": "cosviluppo.settings.base", "SECRET_KEY_FILE": str(key_file)})
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_documented_production_environment_is_complete():
    variables = documented_production_environment()

    assert variables["DEBUG"] == "false"
    assert variables["CACHE_URL"].startswith("rediscache://")
    for name in ("SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD"):
        assert name in variables


def test_the_documented_production_environment_passes_check_deploy_without_warnings(tmp_path):
    result = check_deploy(tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_https_redirect_and_hsts_are_on_by_default_in_production(tmp_path):
    """W004 (HSTS) and W008 (SSL redirect) stay away even when the variables are not written out."""
    result = check_deploy(
        tmp_path,
        SECURE_SSL_REDIRECT=None,
        SECURE_HSTS_SECONDS=None,
        SECURE_HSTS_INCLUDE_SUBDOMAINS=None,
        SECURE_HSTS_PRELOAD=None,
    )

    output = result.stdout + result.stderr
    assert "SystemCheckError" in output and "identified 1 issue" in output, output
    assert "security.W004" not in output and "security.W008" not in output
    assert "security.W005" not in output
    # Joining the preload lists is left to the operator: only that is still asked for.
    assert "security.W021" in output


def test_turning_https_off_brings_the_warnings_back(tmp_path):
    result = check_deploy(tmp_path, SECURE_SSL_REDIRECT="false", SECURE_HSTS_SECONDS="0")

    assert result.returncode != 0
    assert "security.W004" in result.stderr and "security.W008" in result.stderr


def test_a_per_process_cache_is_warned_about(tmp_path):
    result = check_deploy(tmp_path, CACHE_URL="locmemcache://")

    assert result.returncode != 0
    assert "cosviluppo.W001" in result.stderr
    assert "LocMemCache" in result.stderr and "CACHE_URL=rediscache://" in result.stderr


def test_rediscache_urls_use_djangos_own_redis_cache():
    """django-environ maps rediscache:// to django-redis when installed; we rely on Django's own."""
    import environ

    config = environ.Env.cache_url_config("rediscache://redis.internal:6379/1")

    assert config["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert config["LOCATION"] == "redis://redis.internal:6379/1"


@pytest.mark.parametrize(
    ("backend", "warned"),
    [
        ("django.core.cache.backends.locmem.LocMemCache", True),
        ("django.core.cache.backends.dummy.DummyCache", True),
        ("django.core.cache.backends.filebased.FileBasedCache", True),
        ("django.core.cache.backends.redis.RedisCache", False),
        ("django.core.cache.backends.db.DatabaseCache", False),
    ],
)
def test_shared_cache_check_by_backend(settings, backend, warned):
    settings.DEBUG = False
    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": "redis://127.0.0.1:6379/0"}}

    ids = [message.id for message in check_shared_cache(None)]

    assert ids == (["cosviluppo.W001"] if warned else [])


def test_shared_cache_check_is_quiet_in_development(settings):
    settings.DEBUG = True
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

    assert check_shared_cache(None) == []


def test_shared_cache_check_runs_only_with_deploy(settings):
    settings.DEBUG = False
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

    assert "cosviluppo.W001" in [message.id for message in run_checks(include_deployment_checks=True)]
    assert "cosviluppo.W001" not in [message.id for message in run_checks()]


@pytest.mark.django_db
def test_plain_http_is_redirected_except_the_health_check(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    page = client.get("/accessibilita/")
    probe = client.get("/healthz")

    assert page.status_code == 301 and page["Location"] == "https://testserver/accessibilita/"
    assert probe.status_code in (200, 503) and probe["Content-Type"] == "application/json"
