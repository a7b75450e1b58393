"""Fixtures shared by every app's tests: one user per role."""

import pytest

from accounts.models import User
from accounts.tests.factories import UserFactory
from associations.models import Membership
from associations.tests.factories import FunderFactory, MembershipFactory, NGOFactory, OrganisationFactory


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Uploads written by a test go to a folder of its own."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def applicant(db):
    membership = MembershipFactory(organisation=OrganisationFactory(), role=Membership.Role.LEGAL_REPRESENTATIVE)
    return membership.user


@pytest.fixture
def ngo_member(db):
    return MembershipFactory(organisation=NGOFactory(), role=Membership.Role.EDITOR).user


@pytest.fixture
def funder_viewer(db):
    return MembershipFactory(organisation=FunderFactory(), role=Membership.Role.VIEWER).user


@pytest.fixture
def officer(db):
    return UserFactory(municipal_role=User.MunicipalRole.OFFICER)


@pytest.fixture
def evaluator(db):
    return UserFactory(municipal_role=User.MunicipalRole.EVALUATOR)


@pytest.fixture
def admin_user(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def outsider(db):
    return UserFactory()
