"""Test data for the funding decision: a call under evaluation with its criteria, funders and a
ranking, built the way the evaluation leaves it (consensus scores, Proposal.total_score/rank).

The criteria have maximum scores equal to their weights (40, 35, 25), and every consensus score
of a proposal is the same fraction of its maximum, so the weighted total and the plain sum of
the scores are both the total asked for: whatever way the ranking is computed, it agrees.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.tests.factories import UserFactory
from associations.models import Membership, Organisation
from associations.tests.factories import FunderFactory, MembershipFactory, OrganisationFactory
from calls.models import Call, EvaluationCriterion, FunderCommitment
from calls.tests.factories import CallFactory, EvaluationCriterionFactory, FunderCommitmentFactory
from projects.models import ConsensusScore, Proposal
from projects.tests.factories import BudgetLineFactory, ProposalFactory

CRITERIA = (("A", Decimal("40")), ("B", Decimal("35")), ("C", Decimal("25")))
# Eight proposals of a demo-like call: (total score, amount requested). Two below the threshold of 60.
DEMO_RANKING = (
    (Decimal("88"), Decimal("60000.00")),
    (Decimal("84"), Decimal("45000.00")),
    (Decimal("79"), Decimal("52000.00")),
    (Decimal("75"), Decimal("38000.00")),
    (Decimal("71"), Decimal("40000.00")),
    (Decimal("66"), Decimal("25000.00")),
    (Decimal("58"), Decimal("30000.00")),
    (Decimal("42"), Decimal("20000.00")),
)
# Comune di Milano, Fondazione Cariplo and a third funder: € 250,000 in all.
DEMO_COMMITMENTS = (Decimal("100000.00"), Decimal("120000.00"), Decimal("30000.00"))


@dataclass
class RankedCall:
    call: Call
    commitments: list[FunderCommitment]
    criteria: list[EvaluationCriterion]
    proposals: list[Proposal] = field(default_factory=list)  # in rank order

    @property
    def funders(self) -> list[Organisation]:
        return [commitment.funder for commitment in self.commitments]


def closed_call(**fields) -> Call:
    now = timezone.now()
    defaults = {
        "status": Call.Status.EVALUATION,
        "opens_at": now - timedelta(days=120),
        "closes_at": now - timedelta(days=60),
        "overall_threshold": Decimal("60"),
    }
    return CallFactory(**(defaults | fields))


def submitted_proposal(
    call: Call, *, requested: Decimal = Decimal("7000.00"), status: str = Proposal.Status.RANKED, lead=None, **fields
) -> Proposal:
    """A proposal past submission (protocol number, submission time) with one budget line."""
    proposal = ProposalFactory(call=call, lead=lead or OrganisationFactory(), **fields)
    sequence = Proposal.objects.filter(call=call, protocol_sequence__isnull=False).count() + 1
    Proposal.objects.filter(pk=proposal.pk).update(
        status=status,
        protocol_sequence=sequence,
        protocol_number=f"{call.code}-{sequence:04d}",
        submitted_at=call.opens_at + timedelta(hours=sequence),
    )
    if requested:
        BudgetLineFactory(proposal=proposal, amount_requested=requested)
    proposal.refresh_from_db()
    return proposal


def give_scores(proposal: Proposal, criteria: list[EvaluationCriterion], total: Decimal) -> None:
    """Consensus scores worth `total` (each criterion at total% of its maximum), with comments for the applicant."""
    for criterion in criteria:
        ConsensusScore.objects.create(
            proposal=proposal,
            criterion=criterion,
            score=(criterion.max_score * total / 100).quantize(Decimal("0.01")),
            justification=f"Motivazione interna della commissione {proposal.pk}-{criterion.code}",
            comment_for_applicant=f"Commento della commissione per il proponente {proposal.pk}-{criterion.code}",
            decided_at=timezone.now(),
        )


def ranked_call(
    ranking=DEMO_RANKING,
    commitments=DEMO_COMMITMENTS,
    *,
    status: str = Call.Status.EVALUATION,
    criterion_minimums: dict | None = None,
    **call_fields,
) -> RankedCall:
    """A call with criteria, funder commitments and ranked proposals ((total, requested) pairs, any order).

    Ranks follow the evaluation's rule: fundable first, higher total first, earlier submission on ties.
    """
    call = closed_call(status=status, **call_fields)
    minimums = criterion_minimums or {}
    criteria = [
        EvaluationCriterionFactory(
            call=call,
            code=code,
            name_it=f"Criterio {code}",
            max_score=weight,
            weight=weight,
            order=index,
            min_threshold=minimums.get(code),
        )
        for index, (code, weight) in enumerate(CRITERIA)
    ]
    names = ("Comune di Milano [DEMO]", "Fondazione Cariplo [DEMO]", "Fondazione Terza [DEMO]")
    funder_kinds = (Organisation.Kind.PUBLIC_BODY, Organisation.Kind.FOUNDATION, Organisation.Kind.BANK)
    lines = [
        FunderCommitmentFactory(
            call=call,
            amount=Decimal(amount),
            funder=FunderFactory(
                legal_name=f"{names[i % 3]} {call.code} {i}" if i >= 3 else f"{names[i]} {call.code}",
                kind=funder_kinds[i % 3],
            ),
        )
        for i, amount in enumerate(commitments)
    ]
    built = []
    for total, requested in ranking:
        proposal = submitted_proposal(call, requested=Decimal(requested))
        give_scores(proposal, criteria, Decimal(total))
        built.append((proposal, Decimal(total)))

    def fundable(total, proposal):
        below_minimum = any(
            c.min_threshold is not None and (c.max_score * total / 100).quantize(Decimal("0.01")) < c.min_threshold
            for c in criteria
        )
        return total >= call.overall_threshold and not below_minimum

    built.sort(key=lambda item: (not fundable(item[1], item[0]), -item[1], item[0].protocol_sequence))
    for rank, (proposal, total) in enumerate(built, start=1):
        Proposal.objects.filter(pk=proposal.pk).update(rank=rank, total_score=total)
        proposal.rank, proposal.total_score = rank, total
    return RankedCall(call=call, commitments=lines, criteria=criteria, proposals=[p for p, _t in built])


def funder_member(funder: Organisation, role: str = Membership.Role.VIEWER):
    return MembershipFactory(organisation=funder, role=role, user=UserFactory()).user


def lead_member(proposal: Proposal, role: str = Membership.Role.LEGAL_REPRESENTATIVE):
    return MembershipFactory(organisation=proposal.lead, role=role, user=UserFactory()).user


def approve_all(ranked: RankedCall, *, now=None) -> list:
    """Every funder of the call approves the decision as it is now."""
    from funding.services import funder_sign_off

    return [
        funder_sign_off(call=ranked.call, funder=funder, decision="approved", by=funder_member(funder), now=now)
        for funder in ranked.funders
    ]
