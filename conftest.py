"""Fixtures shared by every app's tests: one user per role."""

from uuid import uuid4

import environ
import pytest
import redis

from accounts.models import User
from accounts.services import user_enrol_totp
from accounts.tests.factories import UserFactory
from associations.models import Membership
from associations.tests.factories import FunderFactory, MembershipFactory, NGOFactory, OrganisationFactory
from cosviluppo.testing import redis_url


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Uploads written by a test go to a folder of its own."""
    settings.MEDIA_ROOT = tmp_path / "media"


TEST_TOTP_SECRET = "6PBHALAJKS5NEPNXIMZLCJTRM3AS4QR3"


def with_two_factor(user):
    """Staff and evaluators must have a second factor, or every page sends them to set one up."""
    user_enrol_totp(user=user, secret=TEST_TOTP_SECRET)
    return user


# One maker per role: the fixtures below call them, and so does the permission matrix, which
# builds its users once per module instead of once per test.
ROLE_MAKERS = {
    "applicant": lambda: (
        MembershipFactory(organisation=OrganisationFactory(), role=Membership.Role.LEGAL_REPRESENTATIVE).user
    ),
    "ngo_member": lambda: MembershipFactory(organisation=NGOFactory(), role=Membership.Role.EDITOR).user,
    "funder_viewer": lambda: MembershipFactory(organisation=FunderFactory(), role=Membership.Role.VIEWER).user,
    "officer": lambda: with_two_factor(UserFactory(municipal_role=User.MunicipalRole.OFFICER)),
    "evaluator": lambda: with_two_factor(UserFactory(municipal_role=User.MunicipalRole.EVALUATOR)),
    "admin_user": lambda: with_two_factor(UserFactory(is_staff=True, is_superuser=True)),
}


@pytest.fixture
def applicant(db):
    return ROLE_MAKERS["applicant"]()


@pytest.fixture
def ngo_member(db):
    return ROLE_MAKERS["ngo_member"]()


@pytest.fixture
def funder_viewer(db):
    return ROLE_MAKERS["funder_viewer"]()


@pytest.fixture
def officer(db):
    return ROLE_MAKERS["officer"]()


@pytest.fixture
def evaluator(db):
    return ROLE_MAKERS["evaluator"]()


@pytest.fixture
def admin_user(db):
    return ROLE_MAKERS["admin_user"]()


@pytest.fixture
def outsider(db):
    return UserFactory()


@pytest.fixture
def redis_cache(settings):
    """The default cache on a real Redis, as in production (CACHE_URL=rediscache://…), under a key
    prefix of this test's own, so it shares the broker's database without touching its keys."""
    url = redis_url()
    prefix = f"test-{uuid4().hex}"
    settings.CACHES = {"default": {**environ.Env.cache_url_config(url), "KEY_PREFIX": prefix}}
    yield settings.CACHES["default"]
    client = redis.Redis.from_url(url)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)
    client.close()
