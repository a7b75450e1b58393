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


# --- Proposals ready to submit (projects.eligibility) -------------------------------------------


def eligible_call(**overrides):
    """An open call with every kind of rule set: eligible categories (overheads capped at 7%),
    bounds on each territory's share, one required document, an NGO partner required."""
    from calls.models import CostCategory
    from calls.tests.factories import EligibleCostCategoryFactory, RequiredAttachmentFactory

    fields = {
        "max_grant": Decimal("60000.00"),
        "min_cofinancing_pct": Decimal("30.00"),
        "max_duration_months": 18,
        "eligible_countries": ["SN", "PE", "BF"],
        "ngo_partner_required": True,
        "min_origin_share_pct": Decimal("30.00"),
        "max_origin_share_pct": Decimal("80.00"),
        "min_residence_share_pct": Decimal("20.00"),
        "max_residence_share_pct": Decimal("70.00"),
    } | overrides
    call = CallFactory(**fields)
    for category, cap in (
        (CostCategory.HUMAN_RESOURCES, Decimal("70.00")),
        (CostCategory.TRAVEL, None),
        (CostCategory.TRAINING, None),
        (CostCategory.OVERHEADS, Decimal("7.00")),
    ):
        EligibleCostCategoryFactory(call=call, category=category, cap_pct=cap)
    RequiredAttachmentFactory(call=call, name_it="Lettera di partenariato dell'ONG", name_en="NGO partnership letter")
    return call


def eligible_proposal(call=None, **overrides):
    """A draft that passes every rule of `call` (by default a new eligible_call()).

    Total cost € 50.000,00: € 35.000,00 requested, € 15.000,00 co-financed (30%);
    € 30.000,00 in the country of origin (60%), € 20.000,00 in Italy (40%); 12 months;
    one activity in each territory; the Italian NGO partner confirmed; every required document
    attached. Categories are A (origin) and E (Italy), which eligible_call() accepts; for
    another call, pass one that accepts them (or lists no category).
    """
    from django.utils import timezone

    call = call or eligible_call()
    fields = {
        "call": call,
        "title": "Filiera del miglio a Thiès",
        "summary": "Formazione dei coltivatori a Thiès e sensibilizzazione della comunità senegalese a Milano.",
        "origin_country": "SN",
        "origin_city": "Thiès",
        "residence_municipality": "Milano",
        "duration_months": 12,
    } | overrides
    proposal = ProposalFactory(**fields)
    ActivityFactory(proposal=proposal, territory=Territory.ORIGIN, title="Formazione dei coltivatori", end_month=10)
    ActivityFactory(
        proposal=proposal, territory=Territory.RESIDENCE, title="Incontri con la comunità a Milano", end_month=12
    )
    BudgetLineFactory(
        proposal=proposal,
        category=CostCategory.HUMAN_RESOURCES,
        territory=Territory.ORIGIN,
        amount_requested=Decimal("21000.00"),
        cofinancing_own=Decimal("6000.00"),
        cofinancing_other=Decimal("3000.00"),
    )
    BudgetLineFactory(
        proposal=proposal,
        category=CostCategory.TRAINING,
        territory=Territory.RESIDENCE,
        amount_requested=Decimal("14000.00"),
        cofinancing_own=Decimal("4000.00"),
        cofinancing_other=Decimal("2000.00"),
    )
    ProposalPartnerFactory(
        proposal=proposal,
        role=ProposalPartner.Role.ITALIAN_NGO,
        response=ProposalPartner.Response.CONFIRMED,
        responded_at=timezone.now(),
    )
    for document in call.required_attachments.all():
        ProposalAttachmentFactory(proposal=proposal, required_attachment=document, title=document.name)
    return proposal


def make_submittable(proposal):
    """Complete a draft made by ProposalFactory so that it meets the rules of a CallFactory call: a
    summary, an activity in each territory, the Italian NGO partner confirmed, a budget whose
    co-financing is at least the call's minimum. Amounts requested stay as they are, so a test that
    needs a submitted proposal submits it through proposal_submit, as the online form does."""
    from django.utils import timezone

    from projects.models import BudgetLine

    if not proposal.summary:
        proposal.summary = "Formazione dei coltivatori a Thiès e sensibilizzazione a Milano."
        proposal.save(update_fields=["summary"])
    ActivityFactory(proposal=proposal, territory=Territory.ORIGIN, end_month=proposal.duration_months or 6)
    ActivityFactory(proposal=proposal, territory=Territory.RESIDENCE, end_month=proposal.duration_months or 6)
    if proposal.call.ngo_partner_required:
        ProposalPartnerFactory(
            proposal=proposal,
            role=ProposalPartner.Role.ITALIAN_NGO,
            response=ProposalPartner.Response.CONFIRMED,
            responded_at=timezone.now(),
        )
    lines = list(BudgetLine.objects.filter(proposal=proposal))
    if not lines:
        lines = [BudgetLineFactory(proposal=proposal)]
    for line in lines:
        # Own resources as large as the amount requested: co-financing of at least a third of the cost.
        line.cofinancing_own = max(line.cofinancing_own, line.amount_requested)
        line.total_cost = line.amount_requested + line.cofinancing_own + line.cofinancing_other
        line.save(update_fields=["cofinancing_own", "total_cost"])
    for document in proposal.call.required_attachments.all():
        ProposalAttachmentFactory(proposal=proposal, required_attachment=document, title=document.name)
    return proposal
