"""Fixtures of the evaluation tests: English pages, a second evaluator, a closed call with proposals."""

import pytest
from django.utils import translation

from accounts.models import User
from accounts.services import user_enrol_totp
from accounts.tests.factories import UserFactory
from evaluation.tests.factories import closed_call, submitted_proposal

TEST_TOTP_SECRET = "6PBHALAJKS5NEPNXIMZLCJTRM3AS4QR3"


@pytest.fixture(autouse=True)
def _english(settings):
    """Messages compared by the tests are the English source text, whatever the catalogue says."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def client(client):
    client.cookies["django_language"] = "en"
    return client


def signed_evaluator(**fields) -> User:
    """An evaluator able to open the pages (evaluators must have a second factor)."""
    user = UserFactory(municipal_role=User.MunicipalRole.EVALUATOR, **fields)
    user_enrol_totp(user=user, secret=TEST_TOTP_SECRET)
    return user


@pytest.fixture
def evaluator2(db):
    return signed_evaluator()


@pytest.fixture
def call(db):
    """A closed call; criteria A (max 20, weight 60) and B (max 20, weight 40)."""
    return closed_call()


@pytest.fixture
def proposal(call):
    """A complete proposal, submitted in time, waiting for the admissibility check."""
    return submitted_proposal(call=call)
