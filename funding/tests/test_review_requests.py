"""Requests for review ("riesame"): the window, the answer, and re-opening the decision through the
normal services with the request as the recorded reason."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from associations.models import Membership
from cosviluppo.lib.exceptions import DomainError
from funding.models import DecisionRecord, ReviewRequest
from funding.services import (
    funding_decision_reopen,
    funding_propose,
    results_publish,
    review_request_answer,
    review_request_file,
    review_window_closes_at,
)
from funding.tests.factories import approve_all, lead_member, submitted_proposal
from projects.models import ConsensusScore, Proposal, ProposalStatusChange

pytestmark = pytest.mark.django_db

S = Proposal.Status
ROME = ZoneInfo("Europe/Rome")
PUBLISHED_AT = datetime(2026, 3, 2, 12, 0, 0, tzinfo=ROME)


@pytest.fixture
def published(demo, officer):
    funding_propose(call=demo.call, by=officer)
    approve_all(demo)
    results_publish(call=demo.call, by=officer)
    demo.call.refresh_from_db()
    return demo


@pytest.fixture
def refused(published):
    """The first proposal below the threshold (58 points) and its legal representative."""
    proposal = published.proposals[6]
    return proposal, lead_member(proposal)


def test_the_window_is_the_calls_days_from_publication_to_the_end_of_the_last_day(demo, officer):
    funding_propose(call=demo.call, by=officer)
    approve_all(demo)
    results_publish(call=demo.call, by=officer, now=PUBLISHED_AT)
    demo.call.refresh_from_db()
    # Published on 2 March (winter time); thirty days later is 1 April (summer time), until midnight in Rome.
    assert demo.call.review_request_days == 30
    closes = review_window_closes_at(demo.call)
    assert closes == datetime(2026, 4, 1, 23, 59, 59, 999999, tzinfo=ROME)
    assert closes.utcoffset() == timedelta(hours=2)


def test_a_request_a_second_before_the_end_of_the_window_is_filed(refused, published):
    proposal, member = refused
    end = review_window_closes_at(published.call)

    request = review_request_file(
        proposal=proposal, text="Il criterio B è stato frainteso.", by=member, now=end - timedelta(seconds=1)
    )

    assert request.status == ReviewRequest.Status.OPEN and request.filed_at == end - timedelta(seconds=1)
    record = DecisionRecord.objects.get(action="review_requested")
    assert record.proposal == proposal and record.details["review_request"] == request.pk


def test_a_request_at_the_last_second_is_still_filed(refused, published):
    proposal, member = refused
    review_request_file(proposal=proposal, text="Riesame", by=member, now=review_window_closes_at(published.call))
    assert ReviewRequest.objects.count() == 1


def test_a_request_a_second_after_the_end_of_the_window_is_refused(refused, published):
    proposal, member = refused
    end = review_window_closes_at(published.call)
    with pytest.raises(DomainError, match="not accepted now"):
        review_request_file(proposal=proposal, text="Riesame", by=member, now=end + timedelta(seconds=1))
    assert not ReviewRequest.objects.exists()


def test_the_request_page_closes_with_the_window(client, refused, published):
    proposal, member = refused
    url = reverse("funding:review-request", kwargs={"pk": proposal.pk})
    end = review_window_closes_at(published.call)
    with time_machine.travel(end - timedelta(seconds=1), tick=False):
        client.force_login(member)  # a session of its own time: sessions expire
        assert client.get(url).status_code == 200
        assert "Ask for a review" in client.get(reverse("funding:outcome", kwargs={"pk": proposal.pk})).content.decode()
    with time_machine.travel(end + timedelta(seconds=1), tick=False):
        client.force_login(member)
        assert client.get(url).status_code == 404
        assert client.post(url, {"text": "Riesame"}).status_code == 404
        outcome = client.get(reverse("funding:outcome", kwargs={"pk": proposal.pk})).content.decode()
        assert "The window for requests for review is closed." in outcome
    assert not ReviewRequest.objects.exists()


def test_no_request_before_publication(demo, officer):
    funding_propose(call=demo.call, by=officer)
    proposal = demo.proposals[6]
    with pytest.raises(DomainError, match="not accepted now"):
        review_request_file(proposal=proposal, text="Riesame", by=lead_member(proposal))


def test_only_the_legal_representative_files_and_one_request_at_a_time(
    client, refused, published, officer, django_capture_on_commit_callbacks
):
    proposal, member = refused
    editor = lead_member(proposal, role=Membership.Role.EDITOR)
    with pytest.raises(DomainError, match="legal representative"):
        review_request_file(proposal=proposal, text="Riesame", by=editor)
    client.force_login(editor)
    assert client.get(reverse("funding:review-request", kwargs={"pk": proposal.pk})).status_code == 404

    client.force_login(member)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("funding:review-request", kwargs={"pk": proposal.pk}), {"text": "Il punteggio B è errato."}
        )
    assert response.status_code == 302
    assert ReviewRequest.objects.get().filed_by == member
    assert [m.to for m in mail.outbox] == [[officer.email]]  # the officers are told
    with pytest.raises(DomainError, match="already waiting"):
        review_request_file(proposal=proposal, text="Ancora", by=member)


def test_staff_answer_and_the_applicant_is_told(client, refused, officer, django_capture_on_commit_callbacks):
    proposal, member = refused
    request = review_request_file(proposal=proposal, text="Riesame del criterio B", by=member)
    client.force_login(officer)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("funding:review-answer", kwargs={"pk": request.pk}),
            {"outcome": "accepted", "answer": "La commissione rivaluterà il criterio B."},
        )

    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.answered_by) == (ReviewRequest.Status.ACCEPTED, officer)
    assert [m.to for m in mail.outbox] == [[member.email]]
    assert "La commissione rivaluterà il criterio B." in mail.outbox[0].body
    record = DecisionRecord.objects.get(action="review_answered")
    assert (record.from_value, record.to_value) == ("open", "accepted")
    with pytest.raises(DomainError, match="already been answered"):
        review_request_answer(review_request=request, accepted=False, answer="No", by=officer)
    client.force_login(member)
    assert (
        "La commissione rivaluterà il criterio B."
        in client.get(reverse("funding:outcome", kwargs={"pk": proposal.pk})).content.decode()
    )


def test_a_rejected_request_does_not_reopen_the_decision(refused, officer):
    proposal, member = refused
    request = review_request_file(proposal=proposal, text="Riesame", by=member)
    review_request_answer(review_request=request, accepted=False, answer="Punteggi confermati.", by=officer)
    with pytest.raises(DomainError, match="Only an accepted request"):
        funding_decision_reopen(review_request=request, by=officer)
    assert Proposal.objects.get(pk=proposal.pk).status == S.NOT_FUNDED


def test_an_accepted_request_reopens_the_decision_and_can_change_the_ranking(client, refused, published, officer):
    proposal, member = refused
    request = review_request_file(proposal=proposal, text="Il criterio B vale di più.", by=member)
    review_request_answer(review_request=request, accepted=True, answer="Accolto: nuovo punteggio.", by=officer)
    client.force_login(officer)

    response = client.post(reverse("funding:reopen", kwargs={"pk": request.pk}))

    assert response.status_code == 302
    assert Proposal.objects.get(pk=proposal.pk).status == S.RANKED
    change = ProposalStatusChange.objects.filter(proposal=proposal).latest("pk")
    assert (change.from_status, change.to_status) == (S.NOT_FUNDED, S.RANKED)
    assert f"Request for review #{request.pk}" in change.reason and "Accolto: nuovo punteggio." in change.reason
    record = DecisionRecord.objects.get(action="reopened")
    assert record.details["review_request"] == request.pk and record.reason == change.reason
    with pytest.raises(DomainError, match="already re-opened"):
        funding_decision_reopen(review_request=request, by=officer)

    # The committee revises the consensus (58 → 70 points): through the normal services the proposal
    # now ranks sixth, above the reserve list, and waits there for money (€ 15,000 left, € 30,000 asked).
    for score in ConsensusScore.objects.filter(proposal=proposal).select_related("criterion"):
        score.score = (score.criterion.max_score * Decimal("70") / 100).quantize(Decimal("0.01"))
        score.save(update_fields=["score"])
    Proposal.objects.filter(pk=proposal.pk).update(total_score=Decimal("70"), rank=6)
    Proposal.objects.filter(pk=published.proposals[5].pk).update(rank=7)
    funding_propose(call=published.call, by=officer)

    assert Proposal.objects.get(pk=proposal.pk).status == S.RESERVE
    decision = client.get(reverse("funding:decision", kwargs={"code": published.call.code})).content.decode()
    assert decision.index(proposal.protocol_number) < decision.index(published.proposals[5].protocol_number)


def test_an_inadmissible_proposal_goes_back_to_the_evaluation(published, officer):
    excluded = submitted_proposal(published.call, status=S.INADMISSIBLE)
    member = lead_member(excluded)
    request = review_request_file(proposal=excluded, text="Il partner aveva firmato.", by=member)
    review_request_answer(review_request=request, accepted=True, answer="Accolto.", by=officer)

    funding_decision_reopen(review_request=request, by=officer)

    assert Proposal.objects.get(pk=excluded.pk).status == S.ADMISSIBLE
