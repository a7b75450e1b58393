import pytest
from django.contrib.auth.models import AnonymousUser

from associations.models import Membership
from associations.permissions import (
    can_apply_to_calls,
    can_download_statute,
    can_edit_organisation,
    can_manage_members,
    can_view_members,
    can_view_organisation,
)
from associations.selectors import organisations_that_can_apply
from associations.tests.factories import MembershipFactory, NGOFactory, PendingOrganisationFactory

pytestmark = pytest.mark.django_db


def test_only_editors_of_a_verified_migrant_association_can_apply(applicant, applicant_org, ngo_member, funder_viewer):
    assert applicant_org.can_apply and can_apply_to_calls(applicant)
    assert list(organisations_that_can_apply(user=applicant)) == [applicant_org]
    # NGOs join proposals as partners; funders fund; viewers only read.
    assert not can_apply_to_calls(ngo_member) and not can_apply_to_calls(funder_viewer)
    viewer = MembershipFactory(organisation=applicant_org, role=Membership.Role.VIEWER).user
    assert not can_apply_to_calls(viewer)
    assert not can_apply_to_calls(AnonymousUser())


def test_a_pending_organisation_cannot_apply():
    membership = MembershipFactory(organisation=PendingOrganisationFactory())
    assert not membership.organisation.can_apply
    assert not can_apply_to_calls(membership.user)
    assert not organisations_that_can_apply(user=membership.user).exists()


@pytest.mark.parametrize(
    "role, expected",
    [
        (Membership.Role.LEGAL_REPRESENTATIVE, (True, True, True, True, True)),
        (Membership.Role.EDITOR, (True, True, True, False, True)),
        (Membership.Role.VIEWER, (True, False, False, False, True)),
    ],
)
def test_what_each_role_may_do(role, expected):
    membership = MembershipFactory(organisation=NGOFactory(), role=role)
    user, organisation = membership.user, membership.organisation
    answers = tuple(
        predicate(user, organisation)
        for predicate in (
            can_view_organisation,
            can_edit_organisation,
            can_view_members,
            can_manage_members,
            can_download_statute,
        )
    )
    assert answers == expected


def test_outsiders_and_officers_in_an_organisation(outsider, officer, applicant_org):
    assert not can_view_organisation(outsider, applicant_org) and not can_download_statute(outsider, applicant_org)
    assert not can_view_organisation(officer, applicant_org) and can_download_statute(officer, applicant_org)
