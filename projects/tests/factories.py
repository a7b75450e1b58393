from decimal import Decimal

import factory

from accounts.models import User
from accounts.tests.factories import UserFactory
from associations.tests.factories import NGOFactory, OrganisationFactory
from calls.models import CostCategory, Territory
from calls.tests.factories import CallFactory, EvaluationCriterionFactory
from projects.models import (
    Activity,
    BudgetLine,
    ConsensusScore,
    Indicator,
    Installment,
    Proposal,
    ProposalAttachment,
    ProposalPartner,
    Review,
    ReviewScore,
)


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposal

    call = factory.SubFactory(CallFactory)
    lead = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Progetto di co-sviluppo {n}")
    origin_country = "SN"
    origin_city = "Thiès"
    residence_municipality = "Milano"
    duration_months = 12


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetLine

    proposal = factory.SubFactory(ProposalFactory)
    category = CostCategory.HUMAN_RESOURCES
    territory = Territory.ORIGIN
    amount_requested = Decimal("7000.00")
    cofinancing_own = Decimal("2000.00")
    cofinancing_other = Decimal("1000.00")
    total_cost = factory.LazyAttribute(lambda o: o.amount_requested + o.cofinancing_own + o.cofinancing_other)


class ProposalPartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProposalPartner

    proposal = factory.SubFactory(ProposalFactory)
    organisation = factory.SubFactory(NGOFactory)
    role = ProposalPartner.Role.ITALIAN_NGO


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    proposal = factory.SubFactory(ProposalFactory)
    territory = Territory.ORIGIN
    title = factory.Sequence(lambda n: f"Formazione dei coltivatori {n}")
    start_month = 1
    end_month = 6


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    proposal = factory.SubFactory(ProposalFactory)
    name = "Coltivatori formati"
    territory = Territory.ORIGIN
    target = "40"


class ProposalAttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProposalAttachment

    proposal = factory.SubFactory(ProposalFactory)
    title = "Lettera di partenariato"
    file = factory.django.FileField(filename="lettera.pdf", data=b"%PDF-1.4 test")
    content_type = "application/pdf"
    size = 13


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    proposal = factory.SubFactory(ProposalFactory)
    evaluator = factory.SubFactory(UserFactory, municipal_role=User.MunicipalRole.EVALUATOR)


class ReviewScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewScore

    review = factory.SubFactory(ReviewFactory)
    criterion = factory.SubFactory(EvaluationCriterionFactory, call=factory.SelfAttribute("..review.proposal.call"))
    score = Decimal("15.00")
    comment = "Buon radicamento nei due territori."


class ConsensusScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsensusScore

    proposal = factory.SubFactory(ProposalFactory)
    criterion = factory.SubFactory(EvaluationCriterionFactory, call=factory.SelfAttribute("..proposal.call"))
    score = Decimal("16.00")
    justification = "Media dei punteggi, discussa in commissione."


class InstallmentFactory(factory.django.DjangoModelFactory):
    """An installment of an award; pass `award` (awards come from projects.services.award_grant)."""

    class Meta:
        model = Installment

    sequence = factory.Sequence(lambda n: n + 1)
    label = "Anticipo"
    percentage = Decimal("50.00")
    amount = factory.LazyAttribute(lambda o: (o.award.amount_granted * o.percentage / 100).quantize(Decimal("0.01")))
