"""The evaluation's dashboard sections: officers (per call), evaluators, the lead's members."""

import pytest
from django.urls import reverse

from evaluation.selectors import dashboard_sections
from evaluation.tests.factories import (
    ClarificationRequestFactory,
    ProposalMessageFactory,
    lead_member,
    review,
    submitted_proposal,
    with_status,
)
from projects.models import Proposal, Review


def _section(user, name):
    return next(context for template, context in dashboard_sections(user) if template.endswith(name))


def _fill(call, evaluator, count):
    for index in range(count):
        proposal = submitted_proposal(call=call, complete=False)
        if index % 2:
            with_status(proposal, Proposal.Status.UNDER_EVALUATION)
            review(proposal, evaluator, status=Review.Status.ASSIGNED)
            review(proposal, status=Review.Status.NO_CONFLICT)
            review(proposal, status=Review.Status.CONFLICT)
        ClarificationRequestFactory(proposal=proposal)
        ProposalMessageFactory(proposal=proposal)


def test_officer_section_counts_proposals_by_status_and_reviews_outstanding(call, officer, evaluator):
    _fill(call, evaluator, 4)

    section = _section(officer, "dashboard_officer.html")

    [entry] = section["calls"]
    assert entry["call"] == call
    assert dict(entry["statuses"]) == {"submitted": 2, "under evaluation": 2}
    mine = next(row for row in entry["outstanding"] if row["evaluator_id"] == evaluator.pk)
    assert (mine["n"], mine["to_declare"]) == (2, 2)
    assert len(entry["conflicts"]) == 2


def test_evaluator_section_lists_assigned_proposals_with_counts(call, evaluator, client):
    _fill(call, evaluator, 4)
    done = with_status(submitted_proposal(call=call), Proposal.Status.UNDER_EVALUATION)
    review(done, evaluator, status=Review.Status.SUBMITTED)
    conflicted = with_status(submitted_proposal(call=call), Proposal.Status.UNDER_EVALUATION)
    review(conflicted, evaluator, status=Review.Status.CONFLICT)

    section = _section(evaluator, "dashboard_evaluator.html")

    assert (section["to_declare"], section["to_score"], section["submitted"]) == (2, 0, 1)
    assert conflicted not in [row.proposal for row in section["reviews"]]
    client.force_login(evaluator)
    page = client.get(reverse("dashboard")).content.decode()
    assert reverse("evaluation:review", kwargs={"pk": done.pk}) in page


def test_applicant_section_shows_requests_decisions_and_messages(proposal):
    member = lead_member(proposal)
    request = ClarificationRequestFactory(proposal=proposal)
    ProposalMessageFactory(proposal=proposal, body="Serve la firma.")

    section = _section(member, "dashboard_applicant.html")

    assert section["clarifications"] == [request]
    assert [message.body for message in section["messages"]] == ["Serve la firma."]
    assert section["proposals"] == [proposal]


def test_people_without_a_role_here_get_no_section(applicant, ngo_member, funder_viewer):
    for person in (applicant, ngo_member, funder_viewer):
        assert dashboard_sections(person) == []


@pytest.mark.parametrize("count", [2, 10])
def test_sections_run_a_bounded_number_of_queries(call, officer, evaluator, count, django_assert_max_num_queries):
    _fill(call, evaluator, count)
    member = lead_member(Proposal.objects.filter(call=call).first())

    for person, limit in ((officer, 5), (evaluator, 3), (member, 5)):
        with django_assert_max_num_queries(limit):
            sections = dashboard_sections(person)
        assert sections
