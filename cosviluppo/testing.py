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
