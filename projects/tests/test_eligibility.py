"""Every rule of projects.eligibility, passing and failing: each breaker below breaks exactly one rule
of a proposal that otherwise passes them all (factories.eligible_proposal)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import translation

from associations.models import Organisation
from calls.models import CostCategory, EligibleCostCategory, Territory
from calls.tests.factories import CallFactory
from projects import eligibility
from projects.eligibility import eligibility_problems, is_eligible, percent
from projects.models import Activity, BudgetLine, Proposal, ProposalAttachment, ProposalPartner
from projects.steps import STEP_KEYS
from projects.tests.factories import BudgetLineFactory, eligible_call, eligible_proposal

pytestmark = pytest.mark.django_db


def fresh(proposal) -> Proposal:
    return Proposal.objects.select_related("call", "lead").get(pk=proposal.pk)


def rules(proposal, **kwargs) -> list[str]:
    return [problem.rule for problem in eligibility_problems(fresh(proposal), **kwargs)]


def test_the_eligible_proposal_passes_every_rule():
    proposal = eligible_proposal()
    assert eligibility_problems(fresh(proposal)) == []
    assert is_eligible(fresh(proposal))


# --- Breakers: each changes one thing ---------------------------------------------------------


def _update(proposal, **fields):
    Proposal.objects.filter(pk=proposal.pk).update(**fields)


def _update_call(proposal, **fields):
    type(proposal.call).objects.filter(pk=proposal.call_id).update(**fields)


def _lead_pending(p):
    Organisation.objects.filter(pk=p.lead_id).update(verification_status=Organisation.VerificationStatus.PENDING)


def _lead_is_an_ngo(p):
    Organisation.objects.filter(pk=p.lead_id).update(kind=Organisation.Kind.NGO)


def _no_activity_in(territory):
    return lambda p: Activity.objects.filter(proposal=p, territory=territory).delete()


def _ngo_answer(response):
    return lambda p: ProposalPartner.objects.filter(proposal=p).update(response=response)


def _cofinancing_too_low(p):
    # 18% instead of 30%: the origin line's co-financing becomes a request, the total stays € 50.000.
    BudgetLine.objects.filter(proposal=p, territory=Territory.ORIGIN).update(
        amount_requested=Decimal("27000.00"), cofinancing_own=Decimal("3000.00"), cofinancing_other=Decimal("0.00")
    )


def _asking_too_much(p):
    # Everything doubled: € 70.000 requested (over € 60.000), shares and co-financing unchanged.
    for line in BudgetLine.objects.filter(proposal=p):
        BudgetLine.objects.filter(pk=line.pk).update(
            total_cost=line.total_cost * 2,
            amount_requested=line.amount_requested * 2,
            cofinancing_own=line.cofinancing_own * 2,
            cofinancing_other=line.cofinancing_other * 2,
        )


def _cap(category, cap):
    return lambda p: EligibleCostCategory.objects.filter(call=p.call, category=category).update(cap_pct=cap)


BREAKERS = {
    # rule: (step, breaker)
    "lead_verified (pending)": (eligibility.LEAD_VERIFIED, "summary", _lead_pending),
    "lead_verified (not an association)": (eligibility.LEAD_VERIFIED, "summary", _lead_is_an_ngo),
    "title": (eligibility.TITLE, "summary", lambda p: _update(p, title="  ")),
    "summary": (eligibility.SUMMARY, "summary", lambda p: _update(p, summary="")),
    "duration missing": (eligibility.DURATION, "summary", lambda p: _update(p, duration_months=None)),
    "duration too long": (eligibility.DURATION, "summary", lambda p: _update(p, duration_months=24)),
    "origin country missing": (eligibility.ORIGIN_COUNTRY, "territories", lambda p: _update(p, origin_country="")),
    "origin country not eligible": (
        eligibility.COUNTRY_ELIGIBLE,
        "territories",
        lambda p: _update(p, origin_country="MA"),
    ),
    "residence municipality": (
        eligibility.RESIDENCE_MUNICIPALITY,
        "territories",
        lambda p: _update(p, residence_municipality=""),
    ),
    "no activity in the country of origin": (
        eligibility.ACTIVITIES_ORIGIN,
        "activities",
        _no_activity_in(Territory.ORIGIN),
    ),
    "no activity in Italy": (eligibility.ACTIVITIES_RESIDENCE, "activities", _no_activity_in(Territory.RESIDENCE)),
    "activities after the end": (eligibility.ACTIVITY_AFTER_END, "activities", lambda p: _update(p, duration_months=9)),
    "NGO partner invited only": (eligibility.NGO_PARTNER, "partners", _ngo_answer(ProposalPartner.Response.INVITED)),
    "NGO partner declined": (eligibility.NGO_PARTNER, "partners", _ngo_answer(ProposalPartner.Response.DECLINED)),
    "no NGO partner": (
        eligibility.NGO_PARTNER,
        "partners",
        lambda p: ProposalPartner.objects.filter(proposal=p).delete(),
    ),
    "NGO partner confirmed in another role": (
        eligibility.NGO_PARTNER,
        "partners",
        lambda p: ProposalPartner.objects.filter(proposal=p).update(role=ProposalPartner.Role.OTHER),
    ),
    "empty budget": (eligibility.BUDGET_EMPTY, "budget", lambda p: BudgetLine.objects.filter(proposal=p).delete()),
    "maximum grant": (eligibility.MAX_GRANT, "budget", _asking_too_much),
    "minimum co-financing": (eligibility.MIN_COFINANCING, "budget", _cofinancing_too_low),
    "origin share too low": (
        eligibility.ORIGIN_SHARE,
        "budget",
        lambda p: _update_call(p, min_origin_share_pct=Decimal("70")),
    ),
    "origin share too high": (
        eligibility.ORIGIN_SHARE,
        "budget",
        lambda p: _update_call(p, max_origin_share_pct=Decimal("50")),
    ),
    "residence share too low": (
        eligibility.RESIDENCE_SHARE,
        "budget",
        lambda p: _update_call(p, min_residence_share_pct=Decimal("50")),
    ),
    "residence share too high": (
        eligibility.RESIDENCE_SHARE,
        "budget",
        lambda p: _update_call(p, max_residence_share_pct=Decimal("30")),
    ),
    "category over its cap": (eligibility.CATEGORY_CAP, "budget", _cap(CostCategory.HUMAN_RESOURCES, Decimal("50"))),
    "category not eligible": (
        eligibility.CATEGORY_NOT_ELIGIBLE,
        "budget",
        lambda p: EligibleCostCategory.objects.filter(call=p.call, category=CostCategory.TRAINING).delete(),
    ),
    "required attachment missing": (
        eligibility.REQUIRED_ATTACHMENT,
        "attachments",
        lambda p: ProposalAttachment.objects.filter(proposal=p).delete(),
    ),
}


@pytest.mark.parametrize("case", sorted(BREAKERS))
def test_each_rule_fails_alone(case):
    rule, step, breaker = BREAKERS[case]
    proposal = eligible_proposal()
    breaker(proposal)

    problems = eligibility_problems(fresh(proposal))

    assert [problem.rule for problem in problems] == [rule]
    assert problems[0].step == step
    assert problems[0].step in STEP_KEYS
    assert problems[0].message.strip()
    assert not is_eligible(fresh(proposal))


# --- Passing edges --------------------------------------------------------------------------------


def test_deadline_edges():
    proposal = eligible_proposal()
    call = proposal.call
    second = timedelta(seconds=1)

    assert rules(proposal, now=call.closes_at - second) == []
    assert rules(proposal, now=call.closes_at) == [eligibility.DEADLINE]
    assert rules(proposal, now=call.closes_at + second) == [eligibility.DEADLINE]
    assert rules(proposal, now=call.opens_at - second) == [eligibility.DEADLINE]
    assert rules(proposal, now=call.opens_at) == []


def test_a_call_not_published_refuses_even_between_its_dates():
    proposal = eligible_proposal(call=eligible_call(status="draft"))
    assert rules(proposal) == [eligibility.DEADLINE]


def test_amounts_exactly_at_the_limits_pass():
    # € 60.000 requested out of € 85.714,29 would be 70%/30%; keep it simple: exactly 30% and exactly 60.000.
    call = eligible_call(min_origin_share_pct=Decimal("0"), max_residence_share_pct=Decimal("100"))
    proposal = eligible_proposal(call=call)
    BudgetLine.objects.filter(proposal=proposal).delete()
    BudgetLineFactory(
        proposal=proposal,
        category=CostCategory.HUMAN_RESOURCES,
        territory=Territory.ORIGIN,
        amount_requested=Decimal("42000.00"),
        cofinancing_own=Decimal("18000.00"),
        cofinancing_other=Decimal("0.00"),
    )
    BudgetLineFactory(
        proposal=proposal,
        category=CostCategory.TRAINING,
        territory=Territory.RESIDENCE,
        amount_requested=Decimal("18000.00"),
        cofinancing_own=Decimal("0.00"),
        cofinancing_other=Decimal("7714.29"),
    )
    # Requested 60.000,00 = the maximum; co-financing 25.714,29 of 85.714,29 = 30.0000…%.
    assert rules(proposal) == []
    BudgetLine.objects.filter(proposal=proposal, territory=Territory.RESIDENCE).update(
        amount_requested=Decimal("18000.01"), total_cost=Decimal("25714.30")
    )
    assert rules(proposal) == [eligibility.MAX_GRANT]


def test_a_category_exactly_at_its_cap_passes():
    proposal = eligible_proposal()
    _cap(CostCategory.HUMAN_RESOURCES, Decimal("60"))(proposal)  # A is € 30.000 of € 50.000: 60%
    assert rules(proposal) == []
    _cap(CostCategory.HUMAN_RESOURCES, Decimal("59.99"))(proposal)
    assert rules(proposal) == [eligibility.CATEGORY_CAP]


def test_a_call_that_lists_no_category_or_country_restricts_none():
    proposal = eligible_proposal(call=eligible_call(eligible_countries=[]), origin_country="MA")
    EligibleCostCategory.objects.filter(call=proposal.call).delete()
    assert rules(proposal) == []


def test_without_the_ngo_rule_no_partner_is_needed():
    proposal = eligible_proposal(call=eligible_call(ngo_partner_required=False))
    ProposalPartner.objects.filter(proposal=proposal).delete()
    assert rules(proposal) == []


def test_an_attachment_not_answering_the_required_document_does_not_count():
    proposal = eligible_proposal()
    ProposalAttachment.objects.filter(proposal=proposal).update(required_attachment=None)
    assert rules(proposal) == [eligibility.REQUIRED_ATTACHMENT]


def test_a_broken_proposal_lists_every_problem_in_the_order_of_the_form():
    proposal = eligible_proposal(call=CallFactory(), title="", summary="", duration_months=None, origin_country="")
    Activity.objects.filter(proposal=proposal).delete()
    BudgetLine.objects.filter(proposal=proposal).delete()
    ProposalPartner.objects.filter(proposal=proposal).delete()

    assert rules(proposal) == [
        eligibility.TITLE,
        eligibility.SUMMARY,
        eligibility.DURATION,
        eligibility.ORIGIN_COUNTRY,
        eligibility.ACTIVITIES_ORIGIN,
        eligibility.ACTIVITIES_RESIDENCE,
        eligibility.NGO_PARTNER,
        eligibility.BUDGET_EMPTY,
    ]


# --- Messages ---------------------------------------------------------------------------------------


def test_messages_say_the_numbers_formatted_for_the_language():
    proposal = eligible_proposal()
    _asking_too_much(proposal)
    with translation.override("it"):
        (problem,) = eligibility_problems(fresh(proposal))
        # The wording may be translated; the amounts are Italian-formatted either way.
        assert "€ 70.000,00" in problem.message
        assert "€ 60.000,00" in problem.message
    with translation.override("en"):
        (problem,) = eligibility_problems(fresh(proposal))
        assert problem.message == "You ask for € 70,000.00; the call grants at most € 60,000.00 per project."


def test_cofinancing_and_share_messages_name_amounts_and_percentages():
    proposal = eligible_proposal()
    _cofinancing_too_low(proposal)
    _update_call(proposal, min_origin_share_pct=Decimal("65"))
    with translation.override("en"):
        cofinancing, origin = eligibility_problems(fresh(proposal))
    assert cofinancing.message == (
        "Your co-financing (own resources and other sources) is € 9,000.00, 18% of the total cost of € 50,000.00; "
        "the call asks for at least 30%."
    )
    assert origin.message == (
        "The costs in the country of origin are € 30,000.00, 60% of the total cost; "
        "the call asks for at least 65% there."
    )


def test_activities_after_the_end_are_named():
    proposal = eligible_proposal()
    _update(proposal, duration_months=9)
    with translation.override("en"):
        (problem,) = eligibility_problems(fresh(proposal))
    assert "“Formazione dei coltivatori”" in problem.message
    assert "“Incontri con la comunità a Milano”" in problem.message
    assert "month 9" in problem.message


def test_the_ngo_message_names_the_partner_that_has_not_answered():
    proposal = eligible_proposal()
    _ngo_answer(ProposalPartner.Response.INVITED)(proposal)
    ngo = ProposalPartner.objects.get(proposal=proposal).organisation
    with translation.override("en"):
        (problem,) = eligibility_problems(fresh(proposal))
    assert ngo.legal_name in problem.message
    assert "not confirmed" in problem.message


@pytest.mark.parametrize(
    ("value", "english", "italian"),
    [(Decimal("30"), "30%", "30%"), (Decimal("28.5714"), "28.57%", "28,57%"), (Decimal("7.5"), "7.50%", "7,50%")],
)
def test_percent(value, english, italian):
    with translation.override("en"):
        assert percent(value) == english
    with translation.override("it"):
        assert percent(value) == italian


# --- Bounded queries --------------------------------------------------------------------------------


def _grow(proposal, lines: int, activities: int):
    for index in range(lines):
        BudgetLineFactory(
            proposal=proposal,
            category=CostCategory.TRAVEL,
            territory=Territory.ORIGIN if index % 2 else Territory.RESIDENCE,
            amount_requested=Decimal("10.00"),
            cofinancing_own=Decimal("5.00"),
            cofinancing_other=Decimal("0.00"),
        )
    Activity.objects.bulk_create(
        [
            Activity(proposal=proposal, territory=Territory.ORIGIN, title=f"Attività {n}", start_month=1, end_month=2)
            for n in range(activities)
        ]
    )


def test_the_number_of_queries_does_not_grow_with_the_proposal(django_assert_max_num_queries):
    small = eligible_proposal()
    big = eligible_proposal()
    _grow(big, lines=40, activities=30)

    small_loaded, big_loaded = fresh(small), fresh(big)
    with django_assert_max_num_queries(6) as small_queries:
        eligibility_problems(small_loaded)
    with django_assert_max_num_queries(6) as big_queries:
        eligibility_problems(big_loaded)
    assert len(small_queries.captured_queries) == len(big_queries.captured_queries)
