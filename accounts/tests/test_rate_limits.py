"""Failed logins are counted in the default cache: with Redis (production, CACHE_URL=rediscache://…)
every process sees the same count, so several gunicorn workers cannot multiply the limit."""

import json
import os
import subprocess
import sys

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings as django_settings
from django.urls import reverse

from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "una-password-robusta-2026"
FAILURES_ALLOWED = 5  # the per-account part of LOGIN_FAILED_RATE_LIMIT's default, 5/5m/key

# Another process asks allauth, through its own connection to the cache, whether it would let one
# more login attempt for the account through, as the next gunicorn worker would.
ASK_ANOTHER_PROCESS = """
import json, sys
import django
django.setup()
from allauth.account.adapter import get_adapter
from django import forms
from django.test import RequestFactory, override_settings

with override_settings(CACHES=json.loads(sys.argv[1])):
    request = RequestFactory().post("/accounts/login/")
    try:
        get_adapter(request).pre_authenticate(request, email=sys.argv[2], password="another-guess")
    except forms.ValidationError:
        print("refused")
    else:
        print("allowed")
"""


def verified_user():
    user = UserFactory(password=PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def fail_logins(client, user, times: int) -> None:
    for _ in range(times):
        response = client.post(reverse("account_login"), {"login": user.email, "password": "sbagliata"})
        assert response.status_code == 200 and "_auth_user_id" not in client.session


def another_process_would(email: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", ASK_ANOTHER_PROCESS, json.dumps(django_settings.CACHES), email],
        cwd=django_settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "cosviluppo.settings.test"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


@pytest.mark.redis
def test_with_redis_every_process_sees_the_same_count(client, redis_cache):
    user = verified_user()
    fail_logins(client, user, FAILURES_ALLOWED)

    assert another_process_would(user.email) == "refused"
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session and response.status_code in (200, 429)


@pytest.mark.redis
def test_with_redis_an_attempt_in_another_process_counts_here(client, redis_cache):
    user = verified_user()
    fail_logins(client, user, FAILURES_ALLOWED - 1)

    # The other process lets the last allowed attempt through and counts it...
    assert another_process_would(user.email) == "allowed"
    # ...so here the right password no longer gets in.
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_a_per_process_cache_counts_in_each_process_alone(client):
    """Why production needs Redis (cosviluppo.W001): each worker of the local-memory cache starts from zero."""
    user = verified_user()
    fail_logins(client, user, FAILURES_ALLOWED)

    assert another_process_would(user.email) == "allowed"
