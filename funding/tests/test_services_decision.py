"""The funding decision down the ranking: who is funded, who waits on the reserve list, and how money
freed later (withdrawals, lower awards) reaches the reserve list in order."""

from decimal import Decimal

import pytest
from django.db.models import Sum

from calls.models import Call
from cosviluppo.lib.exceptions import DomainError
from funding.models import DecisionRecord
from funding.services import (
    award_withdraw,
    call_evaluation_start,
    funding_allocation_set,
    funding_award_change,
    funding_fill_from_reserve,
    funding_grant,
    funding_propose,
)
from funding.tests.factories import closed_call, ranked_call, submitted_proposal
from projects.models import AllocationRecord, Award, FunderShare, Proposal, ProposalStatusChange
from projects.services import CommitmentExceeded, InsufficientFunds, commitments_available

pytestmark = pytest.mark.django_db

S = Proposal.Status
K = Decimal("1000")


def statuses(ranked) -> list[str]:
    return [Proposal.objects.get(pk=p.pk).status for p in ranked.proposals]


@pytest.fixture
def stops_midway(db):
    """Pool € 100,000; asks of € 40k, 50k, 30k, 5k: the third does not fit, and the fourth must not overtake it."""
    return ranked_call(
        [(Decimal("90"), 40 * K), (Decimal("85"), 50 * K), (Decimal("80"), 30 * K), (Decimal("75"), 5 * K)],
        [Decimal("100000.00")],
    )


def test_demo_call_is_decided_down_the_ranking(demo, officer):
    outcome = funding_propose(call=demo.call, by=officer)

    # € 250,000: the first five (€ 235,000) fit, the sixth (€ 25,000) does not; two are below the threshold.
    assert statuses(demo) == [S.FUNDED] * 5 + [S.RESERVE, S.NOT_FUNDED, S.NOT_FUNDED]
    assert outcome.left == Decimal("15000.00")
    assert [award.proposal_id for award in outcome.funded] == [p.pk for p in demo.proposals[:5]]
    for award in Award.objects.filter(proposal__call=demo.call):
        assert award.amount_granted == award.proposal.budget_totals()["requested"]
        assert award.shares_total() == award.amount_granted
    for commitment in demo.commitments:
        drawn = FunderShare.objects.filter(commitment=commitment).aggregate(total=Sum("amount"))["total"]
        assert drawn <= commitment.amount
    actions = list(DecisionRecord.objects.filter(call=demo.call).values_list("action", flat=True))
    assert actions.count("funded") == 5 and actions.count("reserve") == 1 and actions.count("not_funded") == 2
    assert all(r.by == officer for r in DecisionRecord.objects.filter(call=demo.call))
    assert ProposalStatusChange.objects.filter(proposal__call=demo.call, to_status=S.FUNDED).count() == 5


def test_budget_running_out_mid_way_stops_the_walk(stops_midway, officer):
    outcome = funding_propose(call=stops_midway.call, by=officer)

    assert statuses(stops_midway) == [S.FUNDED, S.FUNDED, S.RESERVE, S.RESERVE]
    # € 10,000 are left and the last proposal asks only € 5,000, yet it waits behind the third.
    assert outcome.left == Decimal("10000.00")
    assert sum(commitments_available(stops_midway.call).values()) == Decimal("10000.00")
    reserve_reasons = list(
        DecisionRecord.objects.filter(call=stops_midway.call, action="reserve")
        .order_by("pk")
        .values_list("reason", flat=True)
    )
    assert "€ 30000.00 requested, € 10000.00 left" in reserve_reasons[0]
    assert "ranked higher is waiting" in reserve_reasons[1]


def test_proposing_twice_changes_nothing(demo, officer):
    funding_propose(call=demo.call, by=officer)
    records = DecisionRecord.objects.count()

    outcome = funding_propose(call=demo.call, by=officer)

    assert outcome.funded == [] and outcome.not_funded == []
    assert [p.pk for p in outcome.reserve] == [demo.proposals[5].pk]  # still waiting, nothing recorded
    assert DecisionRecord.objects.count() == records
    assert Award.objects.filter(proposal__call=demo.call).count() == 5


def test_not_fundable_proposals_are_not_funded_with_the_reason(demo, officer):
    funding_propose(call=demo.call, by=officer)
    record = DecisionRecord.objects.get(proposal=demo.proposals[-1], action="not_funded")
    assert "below" in record.reason and "60" in record.reason
    assert record.from_value == S.RANKED and record.to_value == S.NOT_FUNDED


def test_a_criterion_below_its_minimum_makes_a_proposal_not_fundable(officer):
    # C at 75% of 25 is 18.75, under its minimum of 20: not fundable despite a total of 75.
    ranked = ranked_call(
        [(Decimal("90"), 10 * K), (Decimal("75"), 10 * K)], [Decimal("100000.00")], criterion_minimums={"C": 20}
    )
    funding_propose(call=ranked.call, by=officer)
    assert statuses(ranked) == [S.FUNDED, S.NOT_FUNDED]


def test_propose_is_refused_before_the_evaluation(officer):
    ranked = ranked_call([(Decimal("90"), 10 * K)], [Decimal("100000.00")], status=Call.Status.CLOSED)
    with pytest.raises(DomainError, match="under evaluation"):
        funding_propose(call=ranked.call, by=officer)
    assert statuses(ranked) == [S.RANKED]


def test_propose_is_refused_while_a_proposal_is_not_ranked(demo, officer):
    late = submitted_proposal(demo.call, status=S.UNDER_EVALUATION)
    with pytest.raises(DomainError, match="Rank every proposal first"):
        funding_propose(call=demo.call, by=officer)
    assert late.protocol_number
    assert not Award.objects.exists()


def test_evaluation_starts_from_a_closed_call(officer):
    call = closed_call(status=Call.Status.CLOSED)
    call_evaluation_start(call=call, by=officer)
    call.refresh_from_db()
    assert call.status == Call.Status.EVALUATION
    record = DecisionRecord.objects.get(call=call)
    assert (record.action, record.from_value, record.to_value, record.by) == (
        "evaluation_started",
        "closed",
        "evaluation",
        officer,
    )
    with pytest.raises(DomainError):
        call_evaluation_start(call=call, by=officer)


# --- Reduced grants --------------------------------------------------------------------------------


def test_the_head_of_the_reserve_list_can_get_what_is_left_with_a_reason(stops_midway, officer):
    funding_propose(call=stops_midway.call, by=officer)
    head = stops_midway.proposals[2]

    with pytest.raises(DomainError, match="Say why"):
        funding_grant(proposal=head, amount=Decimal("10000.00"), by=officer)
    award = funding_grant(
        proposal=head, amount=Decimal("10000.00"), reason="Attività ridotte alla sola formazione", by=officer
    )

    assert award.amount_granted == Decimal("10000.00")
    assert award.reduction_reason == "Attività ridotte alla sola formazione"
    assert award.shares_total() == Decimal("10000.00")
    assert statuses(stops_midway)[2] == S.FUNDED
    record = DecisionRecord.objects.get(proposal=head, action="funded")
    assert record.reason == "Attività ridotte alla sola formazione" and record.from_value == S.RESERVE
    assert sum(commitments_available(stops_midway.call).values()) == Decimal("0.00")


def test_a_grant_cannot_overtake_the_head_of_the_reserve_list(stops_midway, officer):
    funding_propose(call=stops_midway.call, by=officer)
    head, last = stops_midway.proposals[2:]
    with pytest.raises(DomainError, match=head.protocol_number):
        funding_grant(proposal=last, amount=Decimal("5000.00"), by=officer)
    assert statuses(stops_midway)[3] == S.RESERVE


def test_a_grant_above_the_request_or_the_pool_is_refused(stops_midway, officer):
    funding_propose(call=stops_midway.call, by=officer)
    head = stops_midway.proposals[2]
    with pytest.raises(DomainError, match="cannot exceed the amount requested"):
        funding_grant(proposal=head, amount=Decimal("30000.01"), by=officer)
    with pytest.raises(InsufficientFunds):
        funding_grant(proposal=head, amount=Decimal("30000.00"), by=officer)
    assert not Award.objects.filter(proposal=head).exists()


def test_a_full_grant_needs_no_reason(officer):
    ranked = ranked_call([(Decimal("90"), 10 * K)], [Decimal("100000.00")])
    award = funding_grant(proposal=ranked.proposals[0], amount=Decimal("10000.00"), by=officer)
    assert award.reduction_reason == ""


def test_lowering_an_award_needs_a_reason_and_frees_money_for_the_reserve_list(stops_midway, officer):
    funding_propose(call=stops_midway.call, by=officer)
    second = Award.objects.get(proposal=stops_midway.proposals[1])

    with pytest.raises(DomainError, match="Say why"):
        funding_award_change(award=second, amount=Decimal("30000.00"), by=officer)
    funding_award_change(award=second, amount=Decimal("30000.00"), reason="Costi di viaggio non congrui", by=officer)

    second.refresh_from_db()
    assert second.amount_granted == Decimal("30000.00") and second.shares_total() == Decimal("30000.00")
    # € 30,000 now free: the head of the reserve list (€ 30,000) is funded; the next (€ 5,000) finds nothing left.
    assert statuses(stops_midway) == [S.FUNDED, S.FUNDED, S.FUNDED, S.RESERVE]
    record = DecisionRecord.objects.get(action="amount_changed")
    assert (record.from_value, record.to_value, record.reason) == (
        "50000.00",
        "30000.00",
        "Costi di viaggio non congrui",
    )


def test_an_award_can_go_back_up_to_the_request_only(stops_midway, officer):
    funding_propose(call=stops_midway.call, by=officer)
    first = Award.objects.get(proposal=stops_midway.proposals[0])
    funding_award_change(award=first, amount=Decimal("35000.00"), reason="Riduzione concordata", by=officer)
    with pytest.raises(DomainError, match="cannot exceed"):
        funding_award_change(award=first, amount=Decimal("40000.01"), by=officer)
    funding_award_change(award=first, amount=Decimal("40000.00"), by=officer)
    first.refresh_from_db()
    assert first.amount_granted == Decimal("40000.00") and first.reduction_reason == ""


# --- Withdrawals and the reserve list ----------------------------------------------------------------


def test_a_withdrawal_releases_the_money_and_funds_the_reserve_list_in_order(demo, officer):
    funding_propose(call=demo.call, by=officer)
    leaving = demo.proposals[3]  # € 38,000
    award = Award.objects.get(proposal=leaving)

    outcome = award_withdraw(proposal=leaving, reason="L'associazione rinuncia al contributo", by=officer)

    assert [a.proposal_id for a in outcome.funded] == [demo.proposals[5].pk]
    assert statuses(demo)[3] == S.WITHDRAWN and statuses(demo)[5] == S.FUNDED
    assert not award.shares.exists()
    release = AllocationRecord.objects.filter(award=award).latest("pk")
    assert release.shares == {} and release.reason == "L'associazione rinuncia al contributo"
    record = DecisionRecord.objects.get(action="withdrawn")
    assert record.proposal == leaving and record.amount == Decimal("38000.00") and record.details["released"]
    # € 15,000 + € 38,000 - € 25,000
    assert sum(commitments_available(demo.call).values()) == Decimal("28000.00")


def test_filling_from_the_reserve_list_is_idempotent(demo, officer):
    funding_propose(call=demo.call, by=officer)
    assert funding_fill_from_reserve(call=demo.call, by=officer).funded == []
    award_withdraw(proposal=demo.proposals[0], reason="Rinuncia", by=officer)
    records = DecisionRecord.objects.count()

    again = funding_fill_from_reserve(call=demo.call, by=officer)

    assert again.funded == []
    assert DecisionRecord.objects.count() == records
    assert statuses(demo)[5] == S.FUNDED


def test_a_proposal_still_being_evaluated_blocks_the_reserve_list_below_it(officer):
    ranked = ranked_call([(Decimal("90"), 60 * K), (Decimal("80"), 60 * K)], [Decimal("100000.00")])
    funding_propose(call=ranked.call, by=officer)
    # A request for review sent a better proposal back to the evaluation; it ranks above the reserve.
    Proposal.objects.filter(pk=ranked.proposals[0].pk).update(status=S.UNDER_EVALUATION)
    Award.objects.filter(proposal=ranked.proposals[0]).first().shares.all().delete()

    assert funding_fill_from_reserve(call=ranked.call, by=officer).funded == []
    assert statuses(ranked)[1] == S.RESERVE


def test_fill_from_reserve_funds_nothing_before_the_decision(demo, officer):
    assert funding_fill_from_reserve(call=demo.call, by=officer).funded == []
    assert set(statuses(demo)) == {S.RANKED}


# --- Split across funders ------------------------------------------------------------------------------


def test_by_default_each_funder_pays_in_proportion_to_what_it_has_left(demo, officer):
    funding_propose(call=demo.call, by=officer)
    first = Award.objects.get(proposal=demo.proposals[0])
    shares = {s.commitment_id: s.amount for s in first.shares.all()}
    # € 60,000 over € 100k / € 120k / € 30k.
    comune, cariplo, third = demo.commitments
    assert shares == {comune.pk: Decimal("24000.00"), cariplo.pk: Decimal("28800.00"), third.pk: Decimal("7200.00")}


def test_a_manual_split_is_recorded_with_its_reason(demo, officer):
    funding_propose(call=demo.call, by=officer)
    award = Award.objects.get(proposal=demo.proposals[1])  # € 45,000
    comune, cariplo, third = demo.commitments

    with pytest.raises(DomainError, match="Say why"):
        funding_allocation_set(award=award, shares={comune.pk: Decimal("45000.00")}, reason=" ", by=officer)
    with pytest.raises(DomainError, match="add up"):
        funding_allocation_set(award=award, shares={comune.pk: Decimal("44999.99")}, reason="Accordo", by=officer)
    before = {s.commitment_id: s.amount for s in award.shares.all()}
    # The Comune takes € 1,000 more (it has € 6,000 left); Cariplo takes the third funder's share less € 1,000.
    wanted = {comune.pk: before[comune.pk] + K, cariplo.pk: before[cariplo.pk] - K + before[third.pk]}
    funding_allocation_set(award=award, shares=wanted, reason="Accordo tra i finanziatori", by=officer)

    assert {s.commitment_id: s.amount for s in award.shares.all()} == wanted
    assert award.shares_total() == Decimal("45000.00")
    record = DecisionRecord.objects.get(action="allocation_changed")
    assert record.details["to"] == {str(pk): f"{amount:.2f}" for pk, amount in wanted.items()}
    assert len(record.details["from"]) == 3 and record.reason == "Accordo tra i finanziatori"
    assert AllocationRecord.objects.filter(award=award, manual=True).count() == 1


def test_a_manual_split_cannot_overdraw_a_commitment(demo, officer):
    funding_propose(call=demo.call, by=officer)
    award = Award.objects.get(proposal=demo.proposals[0])  # € 60,000
    third = demo.commitments[2]  # € 30,000 committed
    before = {s.commitment_id: s.amount for s in award.shares.all()}
    with pytest.raises(CommitmentExceeded):
        funding_allocation_set(award=award, shares={third.pk: Decimal("60000.00")}, reason="Prova", by=officer)
    assert {s.commitment_id: s.amount for s in award.shares.all()} == before
    assert not DecisionRecord.objects.filter(action="allocation_changed").exists()
