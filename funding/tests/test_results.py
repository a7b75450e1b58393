"""Results publication: the public results page, the applicants' e-mails and their outcome page."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from cosviluppo.templatetags.formatting import eur
from funding.services import funding_propose, results_publish
from funding.tests.factories import approve_all, lead_member
from projects.models import Award, ConsensusScore
from projects.tests.factories import ReviewFactory, ReviewScoreFactory

pytestmark = pytest.mark.django_db


def results_url(call):
    return reverse("funding:results", kwargs={"code": call.code})


def outcome_url(proposal):
    return reverse("funding:outcome", kwargs={"pk": proposal.pk})


def publish(ranked, officer):
    funding_propose(call=ranked.call, by=officer)
    approve_all(ranked)
    results_publish(call=ranked.call, by=officer)


def result_rows(html: str) -> dict[str, str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = {}
    for row in re.findall(r"<tr>.*?</tr>", body, flags=re.S):
        found = re.search(r"<th scope=\"row\">([^<]+)<br>", row)
        if found:
            rows[found.group(1)] = row
    return rows


def test_results_are_not_public_before_publication(client, officer, demo):
    funding_propose(call=demo.call, by=officer)
    approve_all(demo)
    assert client.get(results_url(demo.call)).status_code == 404
    client.force_login(officer)
    assert client.get(results_url(demo.call)).status_code == 404


def test_results_page_shows_scores_amounts_and_co_funders(client, officer, demo):
    publish(demo, officer)

    response = client.get(results_url(demo.call))

    assert response.status_code == 200
    rows = result_rows(response.content.decode())
    assert list(rows) == [p.protocol_number for p in demo.proposals]
    for proposal in demo.proposals[:5]:
        award = Award.objects.get(proposal=proposal)
        row = rows[proposal.protocol_number]
        assert eur(award.amount_granted) in row
        for share in award.shares.select_related("commitment__funder"):
            assert share.commitment.funder.legal_name in row
        assert "funded" in row
    reserve_row = rows[demo.proposals[5].protocol_number]
    assert "reserve list" in reserve_row and "(no. 1)" in reserve_row
    for proposal in demo.proposals[6:]:
        row = rows[proposal.protocol_number]
        assert "not funded" in row and "€" not in row
    assert "88.00" in rows[demo.proposals[0].protocol_number]  # the total score
    assert eur(sum(Award.objects.filter(proposal__call=demo.call).values_list("amount_granted", flat=True))) in (
        response.content.decode()
    )


def test_every_applicant_is_told_its_outcome_by_email(officer, demo, django_capture_on_commit_callbacks):
    members = {p.pk: lead_member(p) for p in demo.proposals}
    funding_propose(call=demo.call, by=officer)
    approve_all(demo)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        results_publish(call=demo.call, by=officer)

    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in members.values())
    first = next(m for m in mail.outbox if m.to == [members[demo.proposals[0].pk].email])
    assert demo.proposals[0].protocol_number in first.subject
    assert outcome_url(demo.proposals[0]) in first.body


def test_the_outcome_page_shows_the_committees_comments_never_an_evaluators(client, officer, demo):
    refused = demo.proposals[6]
    review = ReviewFactory(proposal=refused, status="submitted")
    ReviewScoreFactory(review=review, criterion=demo.criteria[0], comment="COMMENTO INDIVIDUALE DEL VALUTATORE")
    member = lead_member(refused)
    publish(demo, officer)
    client.force_login(member)

    response = client.get(outcome_url(refused))

    assert response.status_code == 200
    html = response.content.decode()
    for score in ConsensusScore.objects.filter(proposal=refused):
        assert score.comment_for_applicant in html
        assert score.justification not in html  # the committee's internal reasoning stays internal
    assert "COMMENTO INDIVIDUALE DEL VALUTATORE" not in html
    assert "not funded" in html and "below" in html  # the reason it could not be funded


def test_the_outcome_page_of_a_funded_project_shows_amount_and_funders(client, officer, demo):
    member = lead_member(demo.proposals[0])
    publish(demo, officer)
    client.force_login(member)

    html = client.get(outcome_url(demo.proposals[0])).content.decode()

    assert eur(Award.objects.get(proposal=demo.proposals[0]).amount_granted) in html
    for funder in demo.funders:
        assert funder.legal_name in html


def test_the_outcome_page_waits_for_publication_and_is_private(client, officer, applicant, demo):
    member = lead_member(demo.proposals[0])
    funding_propose(call=demo.call, by=officer)
    client.force_login(member)
    assert client.get(outcome_url(demo.proposals[0])).status_code == 404

    approve_all(demo)
    results_publish(call=demo.call, by=officer)
    assert client.get(outcome_url(demo.proposals[0])).status_code == 200
    # Another association's member, even an applicant, does not see it; staff do.
    client.force_login(applicant)
    assert client.get(outcome_url(demo.proposals[0])).status_code == 404
    assert client.get(outcome_url(demo.proposals[1])).status_code == 404
    client.force_login(officer)
    assert client.get(outcome_url(demo.proposals[0])).status_code == 200
