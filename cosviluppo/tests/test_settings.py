"""Settings come from the environment: each case imports cosviluppo.settings.base in a
fresh interpreter with a controlled environment, as a server process would."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings

# Every variable cosviluppo/settings/base.py reads; the parent's values must not leak in.
SETTINGS_VARIABLES = [
    "DEBUG",
    "SECRET_KEY",
    "SECRET_KEY_FILE",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "CONN_MAX_AGE",
    "MEDIA_ROOT",
    "STATICFILES_STORAGE",
    "EMAIL_URL",
    "DEFAULT_FROM_EMAIL",
    "CACHE_URL",
    "CELERY_BROKER_URL",
    "SECURE_COOKIES",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "LOGIN_FAILED_RATE_LIMIT",
    "SITE_URL",
    "CONTENT_SECURITY_POLICY",
    "BEHIND_PROXY",
    "MAX_UPLOAD_MB",
    "PROGRAMME_OWNER_NAME",
    "OPEN_DATA_STANDARDS_DIR",
    "LOG_LEVEL",
]

PRINT_SETTINGS = """
import json
from django.conf import settings
db = settings.DATABASES["default"]
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "SECRET_KEY": settings.SECRET_KEY,
    "ENGINE": db["ENGINE"],
    "NAME": str(db["NAME"]),
    "HOST": db.get("HOST", ""),
    "PORT": db.get("PORT", ""),
    "USER": db.get("USER", ""),
    "PASSWORD": db.get("PASSWORD", ""),
    "CONN_MAX_AGE": db["CONN_MAX_AGE"],
    "CONN_HEALTH_CHECKS": db["CONN_HEALTH_CHECKS"],
    "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
    "CELERY_TASK_ALWAYS_EAGER": settings.CELERY_TASK_ALWAYS_EAGER,
    "TIME_ZONE": settings.TIME_ZONE,
    "USE_TZ": settings.USE_TZ,
    "LANGUAGE_CODE": settings.LANGUAGE_CODE,
    "TEMPLATE_LOADERS": settings.TEMPLATES[0]["OPTIONS"]["loaders"],
}))
"""


def load_settings(tmp_path, **variables: str | None) -> subprocess.CompletedProcess:
    """Import the production settings module with only `variables` set.

    A developer's .env file is read with overwrite=False, so the variables that matter here
    are set (empty means unset for them) to keep such a file out of the result. A variable
    passed as None is removed, to see the default.
    """
    env = {key: value for key, value in os.environ.items() if key not in SETTINGS_VARIABLES}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "cosviluppo.settings.base",
            "DEBUG": "",
            "SECRET_KEY": "",
            "SECRET_KEY_FILE": "",
            "CELERY_BROKER_URL": "",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'settings-test.sqlite3'}",
        }
    )
    for key, value in variables.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def loaded(result: subprocess.CompletedProcess) -> dict:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_without_secret_key_refuses_to_start(tmp_path):
    result = load_settings(tmp_path, DEBUG="false")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY is not set" in result.stderr


def test_management_commands_say_why_they_refuse_to_start(tmp_path):
    env = {key: value for key, value in os.environ.items() if key not in SETTINGS_VARIABLES}
    env.update({"DJANGO_SETTINGS_MODULE": "cosviluppo.settings.base", "DEBUG": "false", "SECRET_KEY": ""})
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 1
    assert result.stderr.startswith("Configuration error: SECRET_KEY is not set")


def test_debug_off_is_the_default(tmp_path):
    """No DEBUG at all means production, so a forgotten variable cannot expose debug pages."""
    result = load_settings(tmp_path, SECRET_KEY="s" * 50)

    assert loaded(result)["DEBUG"] is False


def test_development_without_secret_key_uses_the_development_default(tmp_path):
    values = loaded(load_settings(tmp_path, DEBUG="true"))

    assert values["DEBUG"] is True
    assert values["SECRET_KEY"].startswith("dev-only-insecure")


def test_secret_key_from_environment(tmp_path):
    values = loaded(load_settings(tmp_path, DEBUG="false", SECRET_KEY="from-the-environment-" + "x" * 40))

    assert values["SECRET_KEY"] == "from-the-environment-" + "x" * 40


def test_secret_key_file_is_read_and_stripped(tmp_path):
    secret = tmp_path / "secret_key"
    secret.write_text("from-a-container-secret-" + "y" * 40 + "\n")

    values = loaded(load_settings(tmp_path, DEBUG="false", SECRET_KEY_FILE=str(secret)))

    assert values["SECRET_KEY"] == "from-a-container-secret-" + "y" * 40


@pytest.mark.parametrize("value", ["maybe", "2", "enabled"])
def test_debug_value_that_is_not_a_boolean_is_refused(tmp_path, value):
    result = load_settings(tmp_path, DEBUG=value, SECRET_KEY="s" * 50)

    assert result.returncode != 0
    assert f"DEBUG={value!r} is not a boolean" in result.stderr


@pytest.mark.parametrize(("value", "expected"), [("TRUE", True), ("1", True), ("yes", True), ("Off", False)])
def test_debug_accepts_the_usual_spellings(tmp_path, value, expected):
    assert loaded(load_settings(tmp_path, DEBUG=value, SECRET_KEY="s" * 50))["DEBUG"] is expected


def test_sqlite_in_the_project_folder_is_the_default_database(tmp_path):
    values = loaded(load_settings(tmp_path, DEBUG="true", DATABASE_URL=None))

    assert values["ENGINE"] == "django.db.backends.sqlite3"
    assert values["NAME"] == str(django_settings.BASE_DIR / "db.sqlite3")


def test_postgres_database_url_is_parsed(tmp_path):
    values = loaded(
        load_settings(
            tmp_path,
            DEBUG="false",
            SECRET_KEY="s" * 50,
            DATABASE_URL="postgres://cosviluppo:s3cret@db.internal:5433/cosviluppo_prod",
        )
    )

    assert values["ENGINE"] == "django.db.backends.postgresql"
    assert values["NAME"] == "cosviluppo_prod"
    assert values["HOST"] == "db.internal"
    assert int(values["PORT"]) == 5433
    assert values["USER"] == "cosviluppo"
    assert values["PASSWORD"] == "s3cret"


def test_persistent_connections_are_on_by_default(tmp_path):
    values = loaded(load_settings(tmp_path, DEBUG="false", SECRET_KEY="s" * 50))

    assert values["CONN_MAX_AGE"] > 0
    assert values["CONN_HEALTH_CHECKS"] is True


def test_conn_max_age_from_environment(tmp_path):
    values = loaded(load_settings(tmp_path, DEBUG="false", SECRET_KEY="s" * 50, CONN_MAX_AGE="0"))

    assert values["CONN_MAX_AGE"] == 0


def test_without_broker_tasks_run_eagerly(tmp_path):
    values = loaded(load_settings(tmp_path, DEBUG="false", SECRET_KEY="s" * 50))

    assert values["CELERY_BROKER_URL"] == ""
    assert values["CELERY_TASK_ALWAYS_EAGER"] is True


def test_with_broker_tasks_go_to_the_worker(tmp_path):
    values = loaded(
        load_settings(tmp_path, DEBUG="false", SECRET_KEY="s" * 50, CELERY_BROKER_URL="redis://redis.internal:6379/0")
    )

    assert values["CELERY_BROKER_URL"] == "redis://redis.internal:6379/0"
    assert values["CELERY_TASK_ALWAYS_EAGER"] is False


def test_language_time_and_templates(tmp_path):
    values = loaded(load_settings(tmp_path, DEBUG="false", SECRET_KEY="s" * 50))

    assert values["TIME_ZONE"] == "Europe/Rome"
    assert values["USE_TZ"] is True
    assert values["LANGUAGE_CODE"] == "it"
    loader, inner = values["TEMPLATE_LOADERS"][0]
    assert loader == "django.template.loaders.cached.Loader"
    assert "django.template.loaders.app_directories.Loader" in inner


def test_template_loader_stays_cached_in_development(tmp_path):
    """Django's autoreloader empties the cache when a template changes, so development keeps it too."""
    values = loaded(load_settings(tmp_path, DEBUG="true"))

    assert values["TEMPLATE_LOADERS"][0][0] == "django.template.loaders.cached.Loader"
