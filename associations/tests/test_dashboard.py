"""The organisations' sections of /dashboard/ (associations.selectors.dashboard_sections)."""

import pytest
from django.urls import reverse

from associations.models import Membership
from associations.selectors import dashboard_sections
from associations.services import organisation_reject
from associations.tests.factories import MembershipFactory, OrganisationFactory, PendingOrganisationFactory

pytestmark = pytest.mark.django_db


def templates(sections):
    return [name.rsplit("/", 1)[-1] for name, _context in sections]


def test_members_see_their_organisations_with_status(client, applicant, applicant_org, officer):
    rejected = PendingOrganisationFactory(legal_name="Seconda APS")
    MembershipFactory(organisation=rejected, user=applicant, role=Membership.Role.EDITOR)
    organisation_reject(organisation=rejected, reason="Statuto mancante", by=officer)

    client.force_login(applicant)
    content = client.get(reverse("dashboard")).content.decode()

    assert "My organisations" in content
    assert reverse("associations:mine", args=[applicant_org.pk]) in content
    assert "org-status-verified" in content and "org-status-rejected" in content
    assert "Statuto mancante" in content
    assert "Organisations waiting for verification" not in content


def test_people_without_an_organisation_are_invited_to_register(client, outsider):
    client.force_login(outsider)
    content = client.get(reverse("dashboard")).content.decode()
    assert "Register your organisation" in content
    assert reverse("associations:register") in content


def test_officers_see_the_verification_queue(client, officer):
    waiting = [PendingOrganisationFactory(legal_name=f"In attesa {n}") for n in range(7)]
    client.force_login(officer)
    response = client.get(reverse("dashboard"))
    content = response.content.decode()
    assert "7 organisations are waiting" in content
    assert reverse("associations:verification-queue") in content
    assert reverse("associations:verification-review", args=[waiting[4].pk]) in content
    assert reverse("associations:verification-review", args=[waiting[5].pk]) not in content  # top 5 only
    assert "Register your organisation" not in content


def test_evaluators_get_no_organisation_section(evaluator):
    assert dashboard_sections(evaluator) == []


def test_sections_by_role(applicant, officer, admin_user, outsider):
    assert templates(dashboard_sections(applicant)) == ["dashboard_my_organisations.html"]
    assert templates(dashboard_sections(outsider)) == ["dashboard_register.html"]
    assert templates(dashboard_sections(officer)) == ["dashboard_verification.html"]
    assert templates(dashboard_sections(admin_user)) == ["dashboard_verification.html"]


def test_sections_run_a_bounded_number_of_queries(applicant, officer, django_assert_max_num_queries):
    for _ in range(20):
        MembershipFactory(user=applicant, organisation=OrganisationFactory())
        PendingOrganisationFactory()
    # 2: the user's memberships (read once per request, shared with the menu) and the list shown.
    with django_assert_max_num_queries(2):
        sections = dashboard_sections(applicant)
    assert len(sections[0][1]["memberships"]) == 21
    with django_assert_max_num_queries(2):  # the officer's memberships, then the queue with its length
        [(_template, queue)] = dashboard_sections(officer)
    assert queue["count"] == 20 and len(queue["first"]) < 20
