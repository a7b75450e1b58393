"""The rows every call and proposal needs, historical or current: the call with its criteria and
commitments, the proposals with partners, activities, budget and indicators, titles and scores."""

from datetime import datetime, timedelta
from decimal import Decimal

from calls.models import (
    Call,
    CostCategory,
    EligibleCostCategory,
    EvaluationCriterion,
    FunderCommitment,
    RequiredAttachment,
    Territory,
)
from cosviluppo.lib.money import split_proportionally
from projects.models import Activity, BudgetLine, Indicator, Proposal, ProposalPartner
from projects.services import proposal_submit
from projects.services.submission import _proposal_submit_unchecked

from .call_reference import (
    CALL_DESCRIPTION_EN,
    CALL_DESCRIPTION_IT,
    CRITERIA,
    CRITERION_C_THRESHOLD,
    CRITERION_FOCUS,
    REQUIRED_ATTACHMENTS,
    RESPONSIBLE_OFFICIAL,
    TOPICS,
    Topic,
)
from .context import DemoContext, Plan
from .helpers import half_points, rome_at
from .reference import (
    CARIPLO,
    COMMUNITY_ADJECTIVES,
    COMUNE,
    COUNTRY_NAMES_IT,
    INELIGIBLE_CITIES,
    ORIGIN_PARTNERS,
    PROGRAMME_COUNTRIES,
)


def choose_topic(ctx: DemoContext, plan: Plan) -> Topic:
    return ctx.rng.choice([topic for topic in TOPICS if not topic.only_in or plan.origin_city in topic.only_in])


def make_title(ctx: DemoContext, plan: Plan) -> str:
    """A title no other demo proposal has, changing topic if need be."""
    for _attempt in range(20):
        title = fill_in(ctx, plan.topic.title, plan)
        if title not in ctx.titles:
            return title
        plan.topic = choose_topic(ctx, plan)
    return f"{fill_in(ctx, plan.topic.title, plan)} ({plan.lead.legal_name})"


def set_origin_place(ctx: DemoContext, plan: Plan) -> None:
    if plan.origin_partner is not None:
        plan.origin_city, plan.origin_region = plan.origin_partner.seat_city, plan.origin_partner.seat_region
    elif plan.country in INELIGIBLE_CITIES:
        plan.origin_city, plan.origin_region = INELIGIBLE_CITIES[plan.country]
    else:
        _name, plan.origin_city, plan.origin_region = ctx.rng.choice(ORIGIN_PARTNERS[plan.country])


def fill_in(ctx: DemoContext, text: str, plan: Plan) -> str:
    return text.format(
        city=plan.origin_city,
        country=COUNTRY_NAMES_IT[plan.country],
        community=COMMUNITY_ADJECTIVES[plan.country][0].lower(),
        municipio=ctx.places[plan.lead.legal_name],
    )


def create_call(
    ctx: DemoContext,
    *,
    code: str,
    year: int,
    title_it: str,
    title_en: str,
    themes: str,
    opens_at: datetime,
    closes_at: datetime,
    max_grant: Decimal,
    max_duration: int,
    legal_basis: str,
    office: str,
    commitments: list[tuple[str, Decimal, str]],
) -> Call:
    call = Call.objects.create(
        code=code,
        year=year,
        title_it=title_it,
        title_en=title_en,
        description_it=CALL_DESCRIPTION_IT,
        description_en=CALL_DESCRIPTION_EN,
        themes=themes,
        status=Call.Status.DRAFT,
        opens_at=opens_at,
        closes_at=closes_at,
        max_grant=max_grant,
        min_cofinancing_pct=Decimal("30.00"),
        max_duration_months=max_duration,
        eligible_countries=PROGRAMME_COUNTRIES,
        ngo_partner_required=True,
        overall_threshold=Decimal("60"),
        legal_basis=legal_basis,
        responsible_office=office,
        responsible_official=RESPONSIBLE_OFFICIAL,
        announced_budget=sum((amount for _funder, amount, _note in commitments), Decimal("0.00")),
        is_demo=True,
    )
    EligibleCostCategory.objects.bulk_create(
        [
            EligibleCostCategory(
                call=call,
                category=category,
                cap_pct=Decimal("7.00") if category == CostCategory.OVERHEADS else None,
            )
            for category in CostCategory.values
        ]
    )
    EvaluationCriterion.objects.bulk_create(
        [
            EvaluationCriterion(
                call=call,
                code=criterion_code,
                name_it=name_it,
                name_en=name_en,
                description_it=description_it,
                max_score=Decimal(max_score),
                weight=Decimal(max_score),
                min_threshold=CRITERION_C_THRESHOLD if criterion_code == "C" else None,
                order=index,
            )
            for index, (criterion_code, name_it, name_en, description_it, max_score) in enumerate(CRITERIA)
        ]
    )
    RequiredAttachment.objects.bulk_create(
        [
            RequiredAttachment(
                call=call, name_it=name_it, name_en=name_en, accepts_office_documents=office_docs, order=index
            )
            for index, (name_it, name_en, office_docs) in enumerate(REQUIRED_ATTACHMENTS)
        ]
    )
    FunderCommitment.objects.bulk_create(
        [
            FunderCommitment(call=call, funder=ctx.organisations[funder], amount=amount, note=note)
            for funder, amount, note in commitments
        ]
    )
    return call


def commitments_of(ctx: DemoContext, comune: Decimal, cariplo: Decimal) -> list[tuple[str, Decimal, str]]:
    return [
        (COMUNE, comune, "Risorse del bilancio comunale."),
        (
            CARIPLO,
            cariplo,
            "Anche per conto del partenariato di 14 istituzioni bancarie e fondazioni coordinato da "
            "Fondazione Cariplo; le quote dei singoli istituti non sono pubbliche.",
        ),
    ]


def submission_times(ctx: DemoContext, opens_at: datetime, closes_at: datetime, count: int) -> list[datetime]:
    """Submission times inside the window, crowding towards the deadline as they do."""
    days = (closes_at.date() - opens_at.date()).days
    times = []
    for _index in range(count):
        day = opens_at.date() + timedelta(days=days - int(days * ctx.rng.random() ** 0.6))
        moment = rome_at(day, ctx.rng.randint(8, 18), ctx.rng.randint(0, 59))
        if day == closes_at.date():
            moment = rome_at(day, ctx.rng.randint(8, 11), ctx.rng.randint(0, 59))
        times.append(min(max(moment, opens_at + timedelta(hours=1)), closes_at - timedelta(minutes=5)))
    return sorted(times)


def write_proposals(ctx: DemoContext, call: Call, plans: list[Plan]) -> None:
    """The proposals as drafts, with partners, activities, budget and indicators."""
    proposals = []
    for plan in plans:
        city, region = plan.origin_city, plan.origin_region
        residence_city = plan.lead.seat_city
        community = fill_in(ctx, "{community}", plan)
        proposals.append(
            Proposal(
                call=call,
                lead=plan.lead,
                title=plan.title,
                acronym=plan.acronym,
                summary=fill_in(ctx, plan.topic.summary, plan),
                theme=plan.theme,
                origin_country=plan.country,
                origin_region=region,
                origin_city=city,
                origin_context=(
                    f"Il territorio di {city} ({COUNTRY_NAMES_IT[plan.country]}) da cui proviene "
                    f"buona parte della comunità {community} dell'associazione."
                ),
                residence_municipality=residence_city,
                residence_region="Lombardia",
                residence_context=(
                    f"La comunità {community} di {residence_city}"
                    + (f" ({ctx.places[plan.lead.legal_name]})" if residence_city == "Milano" else "")
                    + " e le reti di quartiere con cui l'associazione lavora."
                ),
                objectives=(
                    "Rafforzare le capacità economiche e sociali dei beneficiari nel Paese d'origine e il ruolo "
                    "dell'associazione come ponte tra i due territori."
                ),
                expected_results=fill_in(
                    ctx, f"{plan.topic.origin_indicator}; {plan.topic.residence_indicator.lower()}.", plan
                ),
                beneficiaries_origin=ctx.rng.randrange(40, 400, 10),
                beneficiaries_origin_description=f"Famiglie, donne e giovani di {city}.",
                beneficiaries_residence=ctx.rng.randrange(20, 250, 5),
                beneficiaries_residence_description=f"Soci e famiglie della comunità {community}, residenti.",
                sustainability=(
                    "Le attività proseguono con le entrate generate e con il sostegno del partner locale; "
                    "l'associazione mantiene i contatti con le istituzioni di entrambi i territori."
                ),
                duration_months=plan.duration,
                created_by=plan.created_by,
                is_demo=True,
            )
        )
    Proposal.objects.bulk_create(proposals)
    for plan, proposal in zip(plans, proposals, strict=True):
        plan.proposal = proposal
    write_proposal_children(ctx, plans)


def write_proposal_children(ctx: DemoContext, plans: list[Plan]) -> None:
    partners, activities, lines, indicators = [], [], [], []
    for plan in plans:
        proposal = plan.proposal
        responded_at = plan.submitted_at - timedelta(days=ctx.rng.randint(2, 20)) if plan.submitted_at else None
        if plan.ngo is not None:
            confirmed = plan.ngo_confirmed and plan.submitted_at is not None
            partners.append(
                ProposalPartner(
                    proposal=proposal,
                    organisation=plan.ngo,
                    role=ProposalPartner.Role.ITALIAN_NGO,
                    response=ProposalPartner.Response.CONFIRMED if confirmed else ProposalPartner.Response.INVITED,
                    responded_at=responded_at if confirmed else None,
                    contribution=(
                        "Accompagna l'associazione nella progettazione, nella gestione amministrativa e "
                        "nella rendicontazione; cura le attività di sensibilizzazione a Milano."
                    ),
                )
            )
        if plan.origin_partner is not None:
            partners.append(
                ProposalPartner(
                    proposal=proposal,
                    organisation=plan.origin_partner,
                    role=ProposalPartner.Role.ORIGIN_PARTNER,
                    response=ProposalPartner.Response.CONFIRMED,
                    responded_at=responded_at,
                    contribution="Realizza le attività nel Paese d'origine e ne garantisce la continuità.",
                )
            )
        activities += activities_of(ctx, plan)
        if plan.with_budget:
            lines += budget_lines_of(ctx, plan)
        indicators += [
            Indicator(
                proposal=proposal,
                name=fill_in(ctx, plan.topic.origin_indicator, plan),
                territory=Territory.ORIGIN,
                baseline="0",
                target=str(ctx.rng.randrange(20, 200, 5)),
            ),
            Indicator(
                proposal=proposal,
                name=fill_in(ctx, plan.topic.residence_indicator, plan),
                territory=Territory.RESIDENCE,
                baseline="0",
                target=str(ctx.rng.randrange(30, 300, 10)),
            ),
        ]
    ProposalPartner.objects.bulk_create(partners)
    Activity.objects.bulk_create(activities)
    BudgetLine.objects.bulk_create(lines)
    Indicator.objects.bulk_create(indicators)


def activities_of(ctx: DemoContext, plan: Plan) -> list[Activity]:
    duration = plan.duration
    result = [
        Activity(
            proposal=plan.proposal,
            territory=Territory.RESIDENCE,
            title="Avvio del progetto e coordinamento con i partner",
            description="Riunioni di avvio a Milano e definizione del piano di lavoro con i partner.",
            start_month=1,
            end_month=min(2, duration),
        )
    ]
    origin = plan.topic.origin_activities
    for index, title in enumerate(origin):
        start = 1 + index * max(1, duration // (len(origin) + 1))
        result.append(
            Activity(
                proposal=plan.proposal,
                territory=Territory.ORIGIN,
                title=fill_in(ctx, title, plan),
                start_month=min(start, duration),
                end_month=min(duration, start + max(2, duration // 2)),
            )
        )
    for index, title in enumerate(plan.topic.residence_activities):
        start = 2 + index * max(1, duration // 3)
        result.append(
            Activity(
                proposal=plan.proposal,
                territory=Territory.RESIDENCE,
                title=fill_in(ctx, title, plan),
                start_month=min(start, duration),
                end_month=duration,
            )
        )
    return result


def budget_lines_of(ctx: DemoContext, plan: Plan) -> list[BudgetLine]:
    """Lines by category and territory that add up to what is requested and co-financed.

    Co-financing is at least `cofinancing_pct` of the total cost; overheads stay under 7%.
    """
    rng = ctx.rng
    requested = int(plan.requested)
    pct = plan.cofinancing_pct
    cofinancing = -(-requested * pct // (100 - pct))  # rounded up, so the share is never below pct
    total = Decimal(requested + cofinancing)
    layout = [
        (CostCategory.HUMAN_RESOURCES, Territory.ORIGIN, 22, "Personale locale e coordinamento"),
        (CostCategory.HUMAN_RESOURCES, Territory.RESIDENCE, 12, "Coordinamento e mediazione culturale a Milano"),
        (CostCategory.TRAVEL, Territory.ORIGIN, 7, "Missioni di avvio e di monitoraggio"),
        (CostCategory.EQUIPMENT, Territory.ORIGIN, 18, "Attrezzature e materiali"),
        (CostCategory.SERVICES, Territory.RESIDENCE, 6, "Consulenze specialistiche"),
        (CostCategory.TRAINING, Territory.ORIGIN, 12, "Formazione dei beneficiari"),
        (CostCategory.TRAINING, Territory.RESIDENCE, 5, "Laboratori formativi a Milano"),
        (CostCategory.COMMUNICATION, Territory.RESIDENCE, 6, "Eventi e comunicazione"),
        (CostCategory.MONITORING, Territory.RESIDENCE, 4, "Monitoraggio, valutazione e revisione contabile"),
    ]
    optional = {CostCategory.SERVICES, CostCategory.TRAVEL}
    layout = [row for row in layout if row[0] not in optional or rng.random() < 0.75]
    overheads = (total * Decimal(rng.randint(40, 65)) / 1000).quantize(Decimal("1"))
    weights = {index: Decimal(row[2] * rng.randint(75, 125)) for index, row in enumerate(layout)}
    line_totals = split_proportionally(total - overheads, weights)
    line_totals[len(layout)] = overheads
    layout.append((CostCategory.OVERHEADS, Territory.RESIDENCE, 0, "Spese generali"))
    requested_parts = split_proportionally(Decimal(requested), line_totals)
    own_share = Decimal(rng.randint(45, 100)) / 100
    lines = []
    for index, (category, territory, _weight, description) in enumerate(layout):
        line_total = line_totals[index]
        line_requested = min(requested_parts[index], line_total)
        line_cofinancing = line_total - line_requested
        own = (line_cofinancing * own_share).quantize(Decimal("0.01"))
        lines.append(
            BudgetLine(
                proposal=plan.proposal,
                category=category,
                territory=territory,
                description=description,
                total_cost=line_total,
                amount_requested=line_requested,
                cofinancing_own=own,
                cofinancing_other=line_cofinancing - own,
            )
        )
    return lines


def criterion_scores(ctx: DemoContext, plan: Plan, criteria: list[EvaluationCriterion]) -> list[Decimal]:
    """Scores per criterion, in half points, adding up to the plan's target total."""
    rng = ctx.rng
    target = half_points(plan.score_target)
    bounds = []
    for criterion in criteria:
        low, high = Decimal(0), criterion.max_score
        if criterion.code == "C":
            if plan.fails_criterion_c:
                high = CRITERION_C_THRESHOLD - Decimal("0.5")
            elif plan.outcome in ("funded", "reserve") or plan.score_target >= 60:
                low = CRITERION_C_THRESHOLD  # meant to be fundable: criterion C passes too
        bounds.append((low, high))
    scores = []
    for (low, high), criterion in zip(bounds, criteria, strict=True):
        share = plan.score_target / 100 + rng.uniform(-0.1, 0.1)
        scores.append(min(high, max(low, half_points(float(criterion.max_score) * share))))
    while sum(scores) != target:
        index = rng.randrange(len(scores))
        low, high = bounds[index]
        if sum(scores) < target and scores[index] < high:
            scores[index] += Decimal("0.5")
        elif sum(scores) > target and scores[index] > low:
            scores[index] -= Decimal("0.5")
    return scores


def make_comment(ctx: DemoContext, code: str, score: Decimal, max_score: Decimal) -> str:
    ratio = score / max_score
    if ratio >= Decimal("0.8"):
        level = "Ottimo"
    elif ratio >= Decimal("0.65"):
        level = "Buono"
    elif ratio >= Decimal("0.5"):
        level = "Sufficiente"
    else:
        level = "Insufficiente"
    return f"{level}: {CRITERION_FOCUS[code]}."


def submit_plan(plan: Plan, *, on_paper: bool = False) -> None:
    """Submit at the plan's time through every check of the call, as the online form does, when the
    proposal meets the call's rules. Two kinds go in with the call's opening hours checked but not
    its rules, since the online form would refuse them:
    - a proposal the office declared inadmissible breaks a rule on purpose (a country outside the
      programme, too much asked, too little co-financing, no letter from the NGO...) so that the
      admissibility check has something to find;
    - the historical editions (`on_paper`) were submitted on paper: their documents are not in the
      portal, so the rule "every required document attached" cannot hold (it is the only one they
      break).
    """
    if plan.inadmissible_reason or on_paper:
        plan.proposal = _proposal_submit_unchecked(proposal=plan.proposal, by=plan.created_by, now=plan.submitted_at)
    else:
        plan.proposal = proposal_submit(proposal=plan.proposal, by=plan.created_by, now=plan.submitted_at, notify=False)
