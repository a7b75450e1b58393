"""Helpers for tests that need real services (PostgreSQL, Redis, a Celery worker)."""

import os

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def skip_unless_available(reason: str) -> None:
    """Skip on a developer's machine without the service; in CI a missing service is a failure."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: this test must run)")
    pytest.skip(reason)


def redis_url() -> str:
    """The Redis of tests that need one: the broker's (CELERY_BROKER_URL), as in CI."""
    url = os.environ.get("CELERY_BROKER_URL", "")
    if not url.startswith(("redis://", "rediss://")):
        skip_unless_available("This test needs Redis: set CELERY_BROKER_URL=redis://… (it runs in CI).")
    return url


# A broker address where nothing listens: a publish there fails as when Redis is down.
CLOSED_BROKER_URL = "redis://127.0.0.1:1/0"


def send_tasks_to(monkeypatch, url: str) -> None:
    """Publish tasks to the broker at `url` instead of running them eagerly, for one test.

    The app keeps a pool of connections to the broker it first talked to: it is set aside too
    (monkeypatch puts everything back after the test)."""
    from cosviluppo.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", False)
    # Celery reads CELERY_BROKER_URL from the environment before its configuration.
    monkeypatch.setenv("CELERY_BROKER_URL", url)
    monkeypatch.setitem(app.conf, "broker_url", url)
    monkeypatch.setattr(app, "_pool", None)
    monkeypatch.setattr(app.amqp, "_producer_pool", None)
