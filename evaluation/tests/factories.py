"""Builders of the evaluation tests: closed calls with a grid, proposals at each step of the pipeline."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import UserFactory
from associations.models import Membership
from associations.tests.factories import MembershipFactory, NGOFactory, OrganisationFactory
from calls.models import Call, Territory
from calls.tests.factories import CallFactory, EvaluationCriterionFactory
from evaluation.models import AdmissibilityCheck, ClarificationRequest, ProposalMessage
from projects.models import ConsensusScore, Proposal, ProposalPartner, Review, ReviewScore
from projects.services import protocol_number_for
from projects.tests.factories import ActivityFactory, BudgetLineFactory, ProposalFactory, ProposalPartnerFactory


class EvaluatorFactory(UserFactory):
    municipal_role = User.MunicipalRole.EVALUATOR


def closed_call(*, grid=(("A", 20, 60, None), ("B", 20, 40, None)), **fields) -> Call:
    """A call whose deadline passed yesterday, with its evaluation grid: (code, max, weight, minimum)."""
    now = timezone.now()
    call = CallFactory(
        status=Call.Status.CLOSED,
        opens_at=now - timedelta(days=60),
        closes_at=now - timedelta(days=1),
        overall_threshold=fields.pop("overall_threshold", Decimal("60")),
        **fields,
    )
    for order, (code, max_score, weight, minimum) in enumerate(grid):
        EvaluationCriterionFactory(
            call=call,
            code=code,
            max_score=Decimal(max_score),
            weight=Decimal(weight),
            min_threshold=None if minimum is None else Decimal(minimum),
            order=order,
        )
    return call


def submitted_proposal(*, call: Call, lead=None, submitted_at=None, complete: bool = True, **fields) -> Proposal:
    """A proposal submitted before the call's deadline with the next protocol number.

    `complete` fills what the call's rules ask (activities in both territories, a confirmed
    NGO partner, a budget within the limits), so the automatic checks pass.
    """
    last = Proposal.objects.filter(call=call).exclude(protocol_sequence=None).count()
    sequence = last + 1
    proposal = ProposalFactory(
        call=call,
        lead=lead or OrganisationFactory(),
        status=Proposal.Status.SUBMITTED,
        summary="Formazione agricola a Thiès e sportello a Milano.",
        protocol_sequence=sequence,
        protocol_number=protocol_number_for(call, sequence),
        submitted_at=submitted_at or (call.closes_at - timedelta(days=2, minutes=sequence)),
        **fields,
    )
    if complete:
        ActivityFactory(proposal=proposal, territory=Territory.ORIGIN)
        ActivityFactory(proposal=proposal, territory=Territory.RESIDENCE)
        ProposalPartnerFactory(proposal=proposal, response=ProposalPartner.Response.CONFIRMED)
        BudgetLineFactory(proposal=proposal, territory=Territory.ORIGIN)
        BudgetLineFactory(proposal=proposal, territory=Territory.RESIDENCE)
    return proposal


def lead_member(proposal: Proposal, role=Membership.Role.LEGAL_REPRESENTATIVE) -> User:
    """A person acting for the proposal's lead association."""
    return MembershipFactory(organisation=proposal.lead, role=role).user


def partner_member(proposal: Proposal) -> User:
    partner = ProposalPartnerFactory(proposal=proposal, organisation=NGOFactory())
    return MembershipFactory(organisation=partner.organisation).user


def with_status(proposal: Proposal, status: str) -> Proposal:
    """Put a proposal in a status directly (tests of later steps; the services have their own tests)."""
    Proposal.objects.filter(pk=proposal.pk).update(status=status)
    proposal.status = status
    return proposal


def review(proposal: Proposal, evaluator=None, status=Review.Status.NO_CONFLICT, scores=None) -> Review:
    """A review in `status`; `scores` (criterion code → score) are written with a comment."""
    row = Review.objects.create(proposal=proposal, evaluator=evaluator or EvaluatorFactory(), status=status)
    if status == Review.Status.SUBMITTED:
        row.submitted_at = timezone.now()
        row.save(update_fields=["submitted_at"])
    for code, value in (scores or {}).items():
        ReviewScore.objects.create(
            review=row,
            criterion=proposal.call.criteria.get(code=code),
            score=Decimal(str(value)),
            comment=f"Motivazione del punteggio {code}.",
        )
    return row


def consensus(proposal: Proposal, scores: dict[str, object]) -> list[ConsensusScore]:
    """Consensus scores (criterion code → score) recorded directly."""
    return [
        ConsensusScore.objects.create(
            proposal=proposal,
            criterion=proposal.call.criteria.get(code=code),
            score=Decimal(str(value)),
            justification="Concordato in commissione.",
        )
        for code, value in scores.items()
    ]


class ClarificationRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClarificationRequest

    proposal = factory.LazyFunction(lambda: submitted_proposal(call=closed_call()))
    sections = factory.LazyFunction(lambda: ["budget"])
    message = "Il piano finanziario non è firmato dal legale rappresentante."
    requested_at = factory.LazyFunction(timezone.now)
    deadline = factory.LazyAttribute(lambda o: o.requested_at + timedelta(days=10))
    changes = factory.LazyFunction(lambda: {"before": {}})


class AdmissibilityCheckFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdmissibilityCheck

    proposal = factory.LazyFunction(lambda: submitted_proposal(call=closed_call()))


class ProposalMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProposalMessage

    proposal = factory.LazyFunction(lambda: submitted_proposal(call=closed_call()))
    author = factory.SubFactory(UserFactory, municipal_role=User.MunicipalRole.OFFICER)
    from_staff = True
    body = "Potete inviare di nuovo la lettera di partenariato firmata?"
    sent_at = factory.LazyFunction(timezone.now)
