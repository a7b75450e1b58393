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


def test_a_large_ranking_is_shown_a_page_at_a_time_with_the_totals_of_all(client, officer, demo, monkeypatch):
    from funding import views

    publish(demo, officer)
    monkeypatch.setattr(views, "RANKING_ROWS_PER_PAGE", 3)
    protocols = [p.protocol_number for p in demo.proposals]
    total = eur(sum(Award.objects.filter(proposal__call=demo.call).values_list("amount_granted", flat=True)))

    first = client.get(results_url(demo.call)).content.decode()
    second = client.get(results_url(demo.call), {"page": 2}).content.decode()

    assert list(result_rows(first)) == protocols[:3]
    assert list(result_rows(second)) == protocols[3:6]
    assert "?page=2" in first and "?page=1" in second
    assert total in first and total in second  # the total granted covers every page
    # The reserve list keeps its numbering across pages.
    assert "(no. 1)" in result_rows(second)[demo.proposals[5].protocol_number]


def test_the_paged_public_results_agree_with_the_full_decision_table(officer, demo):
    """The public page reads the stored ranking a page at a time; the staff table recomputes it:
    once the results are published the two must say the same, row by row and in total."""
    from funding.selectors import decision_table, published_results_page

    publish(demo, officer)
    full = decision_table(demo.call)
    first = published_results_page(demo.call, page=1, per_page=4)
    assert first.page_obj.paginator.num_pages > 1
    pages = [first] + [
        published_results_page(demo.call, page=number, per_page=4)
        for number in range(2, first.page_obj.paginator.num_pages + 1)
    ]
    paged = [row for page in pages for row in page.rows]

    def line(row):
        cells = [(cell.commitment.pk, cell.amount) for cell in row.share_cells]
        return (
            row.proposal.pk,
            row.position,
            row.entry.total_score,
            row.criterion_values,
            row.outcome_label,
            row.reserve_position,
            row.granted,
            row.requested,
            cells,
        )

    assert [line(row) for row in paged] == [line(row) for row in full.rows]
    assert {page.total_granted for page in pages} == {full.total_granted}
    assert [(c.committed, c.drawn) for c in pages[0].commitments] == [(c.committed, c.drawn) for c in full.commitments]
