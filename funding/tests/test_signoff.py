"""The funders' sign-off: each funder sees the proposed decision with its own shares marked, answers,
and publication waits for every approval of the decision as it stands."""

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from calls.models import Call
from cosviluppo.lib.exceptions import DomainError
from funding.models import DecisionRecord, FunderSignOff
from funding.services import (
    ResultsNotPublishable,
    funder_sign_off,
    funders_missing_approval,
    funding_award_change,
    funding_propose,
    results_publication_problems,
    results_publish,
)
from funding.tests.factories import approve_all, funder_member, ranked_call
from projects.models import Award

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided(demo, officer):
    funding_propose(call=demo.call, by=officer)
    return demo


def signoff_url(call):
    return reverse("funding:signoff", kwargs={"code": call.code})


def test_a_funder_sees_the_decision_with_its_own_shares_marked(client, decided):
    comune = decided.funders[0]
    client.force_login(funder_member(comune))

    response = client.get(signoff_url(decided.call))

    assert response.status_code == 200
    html = response.content.decode()
    # The text marker, not only the colour: once per funded proposal in its own column, plus its headers.
    assert html.count('<span class="cosv-own-marker">(your share)</span>') == 5
    # ranking table header and allocation table
    assert html.count('<span class="cosv-own-marker">(your organisation)</span>') == 2
    assert html.count('cosv-own-share"') >= 5 + 2
    # Cariplo's shares are on the page, unmarked.
    cariplo_share = Award.objects.get(proposal=decided.proposals[0]).shares.get(commitment=decided.commitments[1])
    assert "€ 28,800.00</td>" in html and cariplo_share.amount == Decimal("28800.00")
    assert 'name="decision"' in html  # the decision is complete: the answer form is there


def test_the_answer_waits_until_every_proposal_is_decided(client, demo):
    comune = demo.funders[0]
    member = funder_member(comune)
    client.force_login(member)

    response = client.get(signoff_url(demo.call))

    assert response.status_code == 200
    assert 'name="decision"' not in response.content.decode()
    with pytest.raises(DomainError, match="not complete"):
        funder_sign_off(call=demo.call, funder=comune, decision="approved", by=member)


def test_an_approval_posted_from_the_page_is_recorded(client, decided):
    comune = decided.funders[0]
    member = funder_member(comune)
    client.force_login(member)

    response = client.post(signoff_url(decided.call), {"decision": "approved", "remarks": ""})

    assert response.status_code == 302
    sign_off = FunderSignOff.objects.get()
    assert (sign_off.funder, sign_off.by, sign_off.decision) == (comune, member, "approved")
    record = DecisionRecord.objects.get(action="sign_off")
    assert record.by == member and record.details["funder"] == comune.pk


def test_remarks_need_a_text_and_the_latest_answer_counts(client, decided):
    comune = decided.funders[0]
    member = funder_member(comune)
    client.force_login(member)

    response = client.post(signoff_url(decided.call), {"decision": "remarks", "remarks": " "})
    assert response.status_code == 200 and not FunderSignOff.objects.exists()
    with pytest.raises(DomainError):
        funder_sign_off(call=decided.call, funder=comune, decision="remarks", remarks="", by=member)

    funder_sign_off(call=decided.call, funder=comune, decision="remarks", remarks="Rivedere la quota", by=member)
    assert comune in funders_missing_approval(decided.call)
    funder_sign_off(call=decided.call, funder=comune, decision="approved", by=member)

    assert comune not in funders_missing_approval(decided.call)
    assert list(FunderSignOff.objects.order_by("pk").values_list("decision", flat=True)) == ["remarks", "approved"]
    history = client.get(signoff_url(decided.call)).content.decode().split("History of your answers")[1]
    assert history.index("approved") < history.index("Rivedere la quota")  # latest first, history kept


def test_publication_is_refused_until_every_funder_approves(client, officer, decided):
    comune, cariplo, third = decided.funders
    for funder in (comune, cariplo):
        funder_sign_off(call=decided.call, funder=funder, decision="approved", by=funder_member(funder))

    problems = results_publication_problems(call=decided.call)
    assert problems == [f"Waiting for the approval of: {third.legal_name}."]
    with pytest.raises(ResultsNotPublishable):
        results_publish(call=decided.call, by=officer)
    client.force_login(officer)
    page = client.get(reverse("funding:decision", kwargs={"code": decided.call.code})).content.decode()
    assert "Waiting for:" in page and third.legal_name in page.split("Waiting for:")[1].split("</p>")[0]
    assert comune.legal_name not in page.split("Waiting for:")[1].split("</p>")[0]

    funder_sign_off(call=decided.call, funder=third, decision="approved", by=funder_member(third))
    mail.outbox.clear()
    results_publish(call=decided.call, by=officer)

    decided.call.refresh_from_db()
    assert decided.call.status == Call.Status.RESULTS_PUBLISHED
    assert decided.call.results_published_at is not None


def test_an_approval_does_not_count_once_the_decision_changes(officer, decided):
    approve_all(decided)
    assert funders_missing_approval(decided.call) == []

    award = Award.objects.get(proposal=decided.proposals[0])
    funding_award_change(award=award, amount=Decimal("55000.00"), reason="Spese non ammissibili", by=officer)

    assert {f.pk for f in funders_missing_approval(decided.call)} == {f.pk for f in decided.funders}
    with pytest.raises(ResultsNotPublishable, match="Waiting for the approval"):
        results_publish(call=decided.call, by=officer)


def test_publication_is_refused_while_proposals_are_undecided(officer, demo):
    problems = results_publication_problems(call=demo.call)
    assert any("not decided yet" in problem for problem in problems)
    with pytest.raises(ResultsNotPublishable, match="not decided yet"):
        results_publish(call=demo.call, by=officer)


def test_only_a_member_of_the_funder_answers_for_it(decided, funder_viewer, client):
    comune = decided.funders[0]
    with pytest.raises(DomainError, match="Only a member"):
        funder_sign_off(call=decided.call, funder=comune, decision="approved", by=funder_viewer)
    # The funder role's own organisation has no money in this call: the page does not exist for it.
    client.force_login(funder_viewer)
    assert client.get(signoff_url(decided.call)).status_code == 404
    assert client.post(signoff_url(decided.call), {"decision": "approved"}).status_code == 404
    assert not FunderSignOff.objects.exists()


def test_a_funder_without_a_commitment_cannot_answer(decided):
    other = ranked_call([(Decimal("90"), Decimal("1000"))], [Decimal("5000")])
    stranger = other.funders[0]
    with pytest.raises(DomainError, match="no commitment"):
        funder_sign_off(call=decided.call, funder=stranger, decision="approved", by=funder_member(stranger))
