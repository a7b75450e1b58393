"""/healthz: what a load balancer asks before sending traffic to a web node."""

import os

import pytest
from django.db import OperationalError

from cosviluppo import views
from cosviluppo.celery import app as celery_app
from cosviluppo.testing import skip_unless_available

# Nothing listens on port 1: the connection is refused at once.
UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"
UNREACHABLE_CACHE = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}


@pytest.fixture
def broker(settings, monkeypatch):
    """Point the health check at a broker URL (or none): the Django setting decides whether one is
    configured, the Celery app (configured from it at start-up) is what connects, and Celery
    reads the CELERY_BROKER_URL variable itself before its configuration."""

    def use(url: str) -> None:
        settings.CELERY_BROKER_URL = url
        monkeypatch.setitem(celery_app.conf, "broker_url", url or None)
        if url:
            monkeypatch.setenv("CELERY_BROKER_URL", url)
        else:
            monkeypatch.delenv("CELERY_BROKER_URL", raising=False)

    return use


class UnreachableDatabase:
    def cursor(self):
        raise OperationalError("could not connect to server: Connection refused")


@pytest.mark.django_db
def test_healthy_without_broker(client, broker):
    broker("")

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok", "broker": "not configured", "cache": "local"}


@pytest.mark.django_db
def test_never_cached(client, broker):
    broker("")

    response = client.get("/healthz")

    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_unavailable_when_the_database_is_unreachable(client, broker, monkeypatch):
    broker("")
    monkeypatch.setattr(views, "connection", UnreachableDatabase())

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "unreachable",
        "broker": "not configured",
        "cache": "local",
    }


@pytest.mark.django_db
def test_unavailable_when_the_configured_broker_is_unreachable(client, broker):
    broker(UNREACHABLE_BROKER)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "broker": "unreachable", "cache": "local"}


@pytest.mark.django_db
def test_healthy_with_the_real_broker(client, broker):
    url = os.environ.get("CELERY_BROKER_URL", "")
    if not url:
        reason = "CELERY_BROKER_URL is not set: this test needs a real Redis (it runs in CI)."
        skip_unless_available(reason)
    broker(url)

    response = client.get("/healthz")

    assert response.status_code == 200, response.content
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok", "cache": "local"}


@pytest.mark.django_db
def test_unavailable_when_the_shared_cache_is_unreachable(client, broker, settings):
    """The login rate limits live in the cache: a node without it must leave the pool."""
    broker("")
    settings.CACHES = {"default": UNREACHABLE_CACHE}

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "ok",
        "broker": "not configured",
        "cache": "unreachable",
    }


@pytest.mark.django_db
def test_each_part_down_is_named(client, broker, settings, monkeypatch):
    broker(UNREACHABLE_BROKER)
    settings.CACHES = {"default": UNREACHABLE_CACHE}
    monkeypatch.setattr(views, "connection", UnreachableDatabase())

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "unreachable",
        "broker": "unreachable",
        "cache": "unreachable",
    }


@pytest.mark.redis
@pytest.mark.django_db
def test_healthy_with_a_real_redis_cache(client, broker, redis_cache):
    broker("")

    response = client.get("/healthz")

    assert response.status_code == 200, response.content
    assert response.json() == {"status": "ok", "database": "ok", "broker": "not configured", "cache": "ok"}
