from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from associations.tests.factories import FunderFactory
from calls.models import (
    Call,
    CallDocument,
    CallQuestion,
    CostCategory,
    EligibleCostCategory,
    EvaluationCriterion,
    FunderCommitment,
    RequiredAttachment,
)


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call

    code = factory.Sequence(lambda n: f"TEST-{2000 + n}")
    year = 2026
    title_it = factory.Sequence(lambda n: f"Bando di prova {n}")
    title_en = factory.Sequence(lambda n: f"Test call {n}")
    status = Call.Status.OPEN
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=10))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))
    max_grant = Decimal("60000.00")
    min_cofinancing_pct = Decimal("30.00")
    max_duration_months = 18
    eligible_countries = ["SN", "PE", "BF"]


class FunderCommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FunderCommitment

    call = factory.SubFactory(CallFactory)
    funder = factory.SubFactory(FunderFactory)
    amount = Decimal("100000.00")


class EvaluationCriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EvaluationCriterion

    call = factory.SubFactory(CallFactory)
    code = factory.Sequence(lambda n: f"C{n}")
    name_it = factory.Sequence(lambda n: f"Criterio {n}")
    max_score = Decimal("20")
    weight = Decimal("20")


class EligibleCostCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EligibleCostCategory

    call = factory.SubFactory(CallFactory)
    category = CostCategory.HUMAN_RESOURCES
    cap_pct = Decimal("40.00")


class CallDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CallDocument

    call = factory.SubFactory(CallFactory)
    title_it = factory.Sequence(lambda n: f"Testo del bando {n}")
    file = factory.django.FileField(filename="bando.pdf", data=b"%PDF-1.4 test")


class RequiredAttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RequiredAttachment

    call = factory.SubFactory(CallFactory)
    name_it = factory.Sequence(lambda n: f"Lettera di partenariato {n}")


class CallQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CallQuestion

    call = factory.SubFactory(CallFactory)
    question = "Il partner italiano può essere un'associazione non iscritta al RUNTS?"
    asked_by = factory.SubFactory("accounts.tests.factories.UserFactory")


def make_publishable_call(**overrides):
    """A complete draft: weights add up to 100, commitments to the announced budget, dates ahead."""
    from datetime import timedelta

    from django.utils import timezone

    from calls.models import CostCategory

    now = timezone.now()
    fields = {
        "code": "COSV-NEXT",
        "status": Call.Status.DRAFT,
        "opens_at": now + timedelta(days=10),
        "closes_at": now + timedelta(days=70),
        "announced_budget": Decimal("300000.00"),
        "max_grant": Decimal("60000.00"),
    } | overrides
    call = CallFactory(**fields)
    FunderCommitmentFactory(call=call, amount=Decimal("100000.00"))
    FunderCommitmentFactory(call=call, amount=Decimal("200000.00"))
    for code, weight in (("A", 60), ("B", 40)):
        EvaluationCriterionFactory(call=call, code=code, max_score=Decimal("20"), weight=Decimal(weight))
    EligibleCostCategoryFactory(call=call, category=CostCategory.HUMAN_RESOURCES)
    CallDocumentFactory(call=call)
    return call
