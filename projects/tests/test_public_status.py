"""Applicants learn the outcome of the evaluation when the call's results are published.

The funding decision moves proposals to funded, reserve or not funded before the funders sign
it off; until the results are published, the applicants (lead and partners) are told "under
evaluation" everywhere they look, while staff see the actual status.
"""

import pytest
from django.urls import reverse

from associations.models import Membership
from associations.tests.factories import MembershipFactory, NGOFactory
from calls.models import Call
from evaluation.tests.factories import closed_call, lead_member, submitted_proposal, with_status
from projects.dashboard_sections import dashboard_sections
from projects.models import Proposal, ProposalPartner
from projects.selectors import proposal_public_status
from projects.tests.factories import ProposalPartnerFactory

pytestmark = pytest.mark.django_db

HIDDEN_UNTIL_PUBLISHED = ["ranked", "funded", "reserve", "not_funded"]


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def publish(call: Call) -> None:
    call.status = Call.Status.RESULTS_PUBLISHED
    call.save(update_fields=["status"])


@pytest.fixture
def proposal():
    call = closed_call()
    call.status = Call.Status.EVALUATION
    call.save(update_fields=["status"])
    return submitted_proposal(call=call)


@pytest.mark.parametrize("status", HIDDEN_UNTIL_PUBLISHED)
def test_the_outcome_is_under_evaluation_until_the_results_are_published(proposal, status):
    with_status(proposal, status)
    assert proposal_public_status(proposal) == Proposal.Status.UNDER_EVALUATION
    assert proposal.get_public_status_display() == "under evaluation"

    for published in (Call.Status.RESULTS_PUBLISHED, Call.Status.ARCHIVED):
        proposal.call.status = published
        assert proposal_public_status(proposal) == status


@pytest.mark.parametrize("status", ["submitted", "admissible", "inadmissible", "under_evaluation", "withdrawn"])
def test_the_other_statuses_are_shown_as_they_are(proposal, status):
    with_status(proposal, status)
    assert proposal_public_status(proposal) == status


def test_the_lead_reads_under_evaluation_on_the_proposal_page_and_staff_the_decision(client, proposal, officer):
    with_status(proposal, Proposal.Status.FUNDED)
    member = lead_member(proposal, role=Membership.Role.VIEWER)
    status_line = '<dt class="col-sm-4">Status</dt><dd class="col-sm-8">{}</dd>'

    client.force_login(member)
    html = client.get(reverse("projects:proposal-detail", args=[proposal.pk])).content.decode()
    assert status_line.format("Under evaluation") in html
    assert status_line.format("Funded") not in html

    client.force_login(officer)
    html = client.get(reverse("projects:proposal-detail", args=[proposal.pk])).content.decode()
    assert status_line.format("Funded") in html

    publish(proposal.call)
    client.force_login(member)
    html = client.get(reverse("projects:proposal-detail", args=[proposal.pk])).content.decode()
    assert status_line.format("Funded") in html


def test_the_applicants_dashboard_groups_an_unpublished_decision_under_evaluation(client, proposal):
    with_status(proposal, Proposal.Status.NOT_FUNDED)
    other = submitted_proposal(call=proposal.call, lead=proposal.lead)
    with_status(other, Proposal.Status.UNDER_EVALUATION)
    member = lead_member(proposal, role=Membership.Role.VIEWER)

    def groups():
        sections = dict(dashboard_sections(member))
        return [
            (group["status"], group["count"], sorted(p.pk for p in group["proposals"]))
            for group in sections["projects/partials/dashboard_my_proposals.html"]["groups"]
        ]

    assert groups() == [("under_evaluation", 2, sorted([proposal.pk, other.pk]))]
    client.force_login(member)
    html = client.get(reverse("dashboard")).content.decode()
    assert "Not funded" not in html and "not funded" not in html

    publish(proposal.call)
    assert groups() == [("under_evaluation", 1, [other.pk]), ("not_funded", 1, [proposal.pk])]


def test_a_partner_reads_under_evaluation_on_its_dashboard(client, proposal):
    with_status(proposal, Proposal.Status.FUNDED)
    ngo = NGOFactory()
    ProposalPartnerFactory(proposal=proposal, organisation=ngo, response=ProposalPartner.Response.CONFIRMED)
    client.force_login(MembershipFactory(organisation=ngo, role=Membership.Role.EDITOR).user)

    html = client.get(reverse("dashboard")).content.decode()

    assert f"<td>{proposal.lead.legal_name}</td>" in html
    assert "<td>under evaluation</td>" in html and "<td>funded</td>" not in html


def test_the_office_section_of_the_applicants_dashboard_hides_it_too(client, proposal):
    with_status(proposal, Proposal.Status.RESERVE)
    client.force_login(lead_member(proposal))

    html = client.get(reverse("dashboard")).content.decode()

    assert f"{proposal.title} (under evaluation)" in html
    assert "reserve list" not in html

    publish(proposal.call)
    assert f"{proposal.title} (reserve list)" in client.get(reverse("dashboard")).content.decode()
