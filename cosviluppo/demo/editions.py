"""The three historical Milan calls (2007-2011 editions): how many proposals each received, funded,
reserved and declared inadmissible, planned first and then written through their whole lifecycle
(admissibility, reviews, ranking, awards, projects closed and paid)."""

from datetime import datetime, timedelta
from decimal import Decimal

from calls.models import Call
from calls.services import call_transition
from cosviluppo.lib.money import split_proportionally
from evaluation.services import call_rank
from projects.models import Award, ConsensusScore, Installment, Proposal, Review, ReviewScore
from projects.services import award_grant, proposal_transition

from .call_reference import (
    EDITIONS,
    HISTORICAL_CODES,
    INADMISSIBILITY_REASONS,
    OTHER_INADMISSIBILITY,
    REVIEWER_DEVIATIONS,
    SAMPLE_PROJECTS,
    TOPICS,
    Edition,
)
from .context import DemoContext, Plan
from .errors import DemoDataError
from .helpers import add_months, amounts_summing_to, rome_at
from .people import countries_of, eligible_leads
from .records import (
    choose_topic,
    commitments_of,
    create_call,
    criterion_scores,
    make_comment,
    make_title,
    set_origin_place,
    submission_times,
    submit_plan,
    write_proposals,
)
from .reference import APPLICANT_ASSOCIATION, APPLICANT_NGO, NAMED_NGOS, PENDING_NGO, PROGRAMME_COUNTRIES


def plan_edition(ctx: DemoContext, edition: Edition, coverage: dict[str, list[str]]) -> list[Plan]:
    rng = ctx.rng
    leads = eligible_leads(ctx)
    programme = set(PROGRAMME_COUNTRIES)
    used: set[int] = set()
    plans: list[Plan] = []

    for sample in SAMPLE_PROJECTS:
        if sample.call_code != edition.code:
            continue
        plan = Plan(
            lead=ctx.organisations[sample.lead],
            country=sample.country,
            outcome="funded",
            topic=TOPICS[sample.topic],
            ngo=ctx.organisations[sample.ngo],
            origin_partner=ctx.organisations[sample.origin_partner],
            title=sample.title,
            acronym=sample.acronym,
            granted=sample.amount,
        )
        plans.append(plan)
        used.add(plan.lead.pk)

    # Every programme country gets at least one funded project over the three calls.
    for country in coverage[edition.code]:
        candidates = [a for a in leads if a.pk not in used and country in countries_of(ctx, a)]
        lead = rng.choice(candidates)
        plans.append(Plan(lead=lead, country=country, outcome="funded"))
        used.add(lead.pk)
    while len(plans) < edition.funded:
        candidates = [
            a
            for a in leads
            if a.pk not in used and a.legal_name != APPLICANT_ASSOCIATION and set(countries_of(ctx, a)) & programme
        ]
        lead = rng.choice(candidates)
        country = rng.choice([c for c in countries_of(ctx, lead) if c in programme])
        plans.append(Plan(lead=lead, country=country, outcome="funded"))
        used.add(lead.pk)

    others: list[Plan] = []
    applicant = ctx.organisations[APPLICANT_ASSOCIATION]
    if applicant.pk not in used:
        # The applicant's association also knows what a refusal looks like.
        others.append(Plan(lead=applicant, country="SN", outcome="not_funded", topic=TOPICS[7]))
        used.add(applicant.pk)
    unused = [a for a in leads if a.pk not in used]
    rng.shuffle(unused)
    needed = edition.received - edition.funded - len(others)
    for lead in unused[:needed]:
        countries = countries_of(ctx, lead)
        outcome = "" if set(countries) & programme else "inadmissible"
        others.append(
            Plan(
                lead=lead,
                country=rng.choice(countries),
                outcome=outcome,
                inadmissible_reason="country" if outcome else "",
            )
        )
    while len(others) < edition.received - edition.funded:
        lead = rng.choice([a for a in leads if set(countries_of(ctx, a)) & programme])
        country = rng.choice([c for c in countries_of(ctx, lead) if c in programme])
        others.append(
            Plan(
                lead=lead,
                country=country,
                outcome="inadmissible",
                inadmissible_reason="duplicate",
            )
        )
    undecided = [plan for plan in others if not plan.outcome]
    rng.shuffle(undecided)
    missing = edition.inadmissible - sum(1 for plan in others if plan.outcome == "inadmissible")
    if missing < 0:
        raise DemoDataError(
            f"{edition.code}: more proposals are forced inadmissible than the {edition.inadmissible} "
            "inadmissible ones the call had."
        )
    for plan in undecided[:missing]:
        plan.outcome = "inadmissible"
        plan.inadmissible_reason = rng.choice(OTHER_INADMISSIBILITY)
    for plan in undecided[missing : missing + edition.reserve]:
        plan.outcome = "reserve"
    for plan in undecided[missing + edition.reserve :]:
        plan.outcome = "not_funded"
    plans += others
    plan_details(ctx, edition, plans)
    return plans


def plan_coverage(ctx: DemoContext) -> dict[str, list[str]]:
    """Which call gives each programme country its guaranteed funded project
    (the sample projects already cover some)."""
    sampled = {sample.country for sample in SAMPLE_PROJECTS}
    rest = [country for country in PROGRAMME_COUNTRIES if country not in sampled]
    ctx.rng.shuffle(rest)
    return {HISTORICAL_CODES[0]: rest[:6], HISTORICAL_CODES[1]: rest[6:10], HISTORICAL_CODES[2]: rest[10:]}


def plan_details(ctx: DemoContext, edition: Edition, plans: list[Plan]) -> None:
    """Partners, titles, amounts, durations and target scores of one call's proposals."""
    rng = ctx.rng
    max_grant = int(edition.max_grant)
    verified_ngos = [ngo for ngo in ctx.ngos if ngo.legal_name != PENDING_NGO]
    # Named NGOs are the programme's regulars: they partner more often.
    weighted_ngos = verified_ngos + [ngo for ngo in verified_ngos if ngo.legal_name in NAMED_NGOS] * 2

    funded = [plan for plan in plans if plan.outcome == "funded"]
    fixed = sum((plan.granted for plan in funded if plan.granted), Decimal(0))
    free = [plan for plan in funded if plan.granted is None]
    # Spend almost all of the pool, so the reserve list is credible: what is left
    # is less than any reserve proposal asks for.
    budget = int(edition.comune_amount + edition.cariplo_amount)
    left_over = rng.randrange(14_000, 26_000, 100)
    amounts = amounts_summing_to(rng, len(free), budget - left_over - int(fixed), 30_000, max_grant)
    for plan, amount in zip(free, amounts, strict=True):
        plan.granted = amount
    # One award per call is reduced by the committee, with a reason.
    reducible = [plan for plan in free if plan.granted <= edition.max_grant - 3000]
    reduced = rng.choice(reducible) if reducible else None
    if reduced is not None:
        reduced.reduced_by_committee = True

    themes = [theme.strip() for theme in edition.themes.split(";")]
    for plan in plans:
        if plan.lead.legal_name == APPLICANT_ASSOCIATION:
            plan.ngo = plan.ngo or ctx.organisations[APPLICANT_NGO]
            plan.created_by = ctx.users["applicant@demo.local"]
        if plan.ngo is None:
            plan.ngo = rng.choice(weighted_ngos)
        if plan.origin_partner is None and plan.inadmissible_reason not in ("origin_partner", "country"):
            plan.origin_partner = rng.choice(ctx.origin_partners[plan.country])
        set_origin_place(ctx, plan)
        plan.topic = plan.topic or choose_topic(ctx, plan)
        plan.theme = rng.choice(themes)
        plan.title = plan.title or make_title(ctx, plan)
        ctx.titles.add(plan.title)
        plan.duration = rng.randint(max(6, edition.max_duration_months - 6), edition.max_duration_months)
        plan.cofinancing_pct = rng.randint(30, 45)
        plan.ngo_confirmed = plan.inadmissible_reason != "letter"
        if plan.outcome == "funded":
            plan.requested = plan.granted + (Decimal(3000) if plan.reduced_by_committee else 0)
            plan.score_target = rng.uniform(70, 92)
        elif plan.outcome == "reserve":
            plan.requested = Decimal(rng.randrange(max(left_over + 5_000, 30_000), max_grant + 1, 100))
            plan.score_target = rng.uniform(61, 68.5)
        elif plan.outcome == "not_funded":
            plan.requested = Decimal(rng.randrange(20_000, max_grant + 1, 100))
            plan.fails_criterion_c = rng.random() < 0.12
            plan.score_target = rng.uniform(60, 67) if plan.fails_criterion_c else rng.uniform(32, 58.5)
        else:
            plan.requested = Decimal(rng.randrange(20_000, max_grant + 1, 100))
            if plan.inadmissible_reason == "over_max":
                plan.requested = edition.max_grant + rng.randrange(2_000, 12_000, 500)
            elif plan.inadmissible_reason == "cofinancing":
                plan.cofinancing_pct = rng.randint(15, 26)
            elif plan.inadmissible_reason == "duration":
                plan.duration = edition.max_duration_months + rng.choice([6, 12])
        plan.requested = Decimal(plan.requested).quantize(Decimal("0.01"))


def write_edition(ctx: DemoContext, edition: Edition, plans: list[Plan]) -> None:
    officer = ctx.officer
    call = create_call(
        ctx,
        code=edition.code,
        year=edition.year,
        title_it=edition.title_it,
        title_en=edition.title_en,
        themes=edition.themes,
        opens_at=rome_at(edition.opens_on),
        closes_at=rome_at(edition.closes_on, 12),
        max_grant=edition.max_grant,
        max_duration=edition.max_duration_months,
        legal_basis=edition.legal_basis,
        office=edition.responsible_office,
        commitments=commitments_of(ctx, edition.comune_amount, edition.cariplo_amount),
    )
    call_transition(call=call, to=Call.Status.OPEN, by=officer, now=call.opens_at)

    ctx.rng.shuffle(plans)
    for plan, moment in zip(plans, submission_times(ctx, call.opens_at, call.closes_at, len(plans)), strict=True):
        plan.submitted_at = moment
    write_proposals(ctx, call, plans)
    for plan in plans:
        submit_plan(plan, on_paper=True)

    call_transition(call=call, to=Call.Status.CLOSED, by=officer, now=call.closes_at)
    checked_at = rome_at(edition.closes_on + timedelta(days=21), 15)
    for plan in plans:
        if plan.outcome == "inadmissible":
            proposal_transition(
                proposal=plan.proposal,
                to=Proposal.Status.INADMISSIBLE,
                by=officer,
                now=checked_at,
                reason=INADMISSIBILITY_REASONS[plan.inadmissible_reason],
            )
        else:
            proposal_transition(proposal=plan.proposal, to=Proposal.Status.ADMISSIBLE, by=officer, now=checked_at)

    evaluation_at = rome_at(edition.evaluation_on, 10)
    call_transition(call=call, to=Call.Status.EVALUATION, by=officer, now=evaluation_at)
    evaluated = [plan for plan in plans if plan.outcome != "inadmissible"]
    for plan in evaluated:
        proposal_transition(proposal=plan.proposal, to=Proposal.Status.UNDER_EVALUATION, by=officer, now=evaluation_at)
    decided_at = rome_at(edition.results_on - timedelta(days=30), 16)
    write_scores(ctx, call, evaluated, evaluation_at, decided_at)
    # The ranking service stores total and rank as the ranking pages compute them (ties
    # broken by criterion A, then by time of submission) and moves every proposal to ranked.
    ranking = {line.proposal.pk: line for line in call_rank(call=call, by=officer, now=decided_at)}
    for plan in evaluated:
        # What call_rank stored (total, rank, ranked): read back, not written here.
        plan.proposal.refresh_from_db(fields=["total_score", "rank", "status"])
    fundable = {pk for pk, line in ranking.items() if line.fundable}
    planned = {plan.proposal.pk for plan in evaluated if plan.outcome in ("funded", "reserve")}
    if fundable != planned:
        raise DemoDataError(
            f"{call.code}: the ranking makes {len(fundable)} proposals fundable, the story funds or reserves "
            f"{len(planned)}: check the planned scores against the call's threshold."
        )

    awarded_at = rome_at(edition.results_on - timedelta(days=7), 12)
    for plan in sorted(evaluated, key=lambda p: p.proposal.rank or 10_000):
        if plan.outcome == "funded":
            award_grant(
                proposal=plan.proposal,
                amount=plan.granted,
                by=officer,
                now=awarded_at,
                reduction_reason=(
                    "Spese di viaggio ridotte dalla commissione perché non congrue con le attività previste."
                    if plan.reduced_by_committee
                    else ""
                ),
            )
        else:
            to = Proposal.Status.RESERVE if plan.outcome == "reserve" else Proposal.Status.NOT_FUNDED
            proposal_transition(proposal=plan.proposal, to=to, by=officer, now=awarded_at)
    call_transition(call=call, to=Call.Status.RESULTS_PUBLISHED, by=officer, now=rome_at(edition.results_on, 11))
    write_projects(ctx, edition, [plan for plan in plans if plan.outcome == "funded"])


def write_scores(
    ctx: DemoContext, call: Call, evaluated: list[Plan], evaluation_at: datetime, decided_at: datetime
) -> None:
    """Two reviews per proposal and the committee's consensus (the ranking service ranks them)."""
    rng = ctx.rng
    criteria = list(call.criteria.order_by("order", "code", "pk"))
    reviews, consensus, per_review_scores = [], [], []
    for plan in evaluated:
        scores = criterion_scores(ctx, plan, criteria)
        for criterion, score in zip(criteria, scores, strict=True):
            consensus.append(
                ConsensusScore(
                    proposal=plan.proposal,
                    criterion=criterion,
                    score=score,
                    justification=make_comment(ctx, criterion.code, score, criterion.max_score),
                    decided_by=ctx.officer,
                    decided_at=decided_at,
                )
            )
        for evaluator in ctx.evaluators:
            submitted = evaluation_at + timedelta(days=rng.randint(7, 40), hours=rng.randint(0, 6))
            reviews.append(
                Review(
                    proposal=plan.proposal,
                    evaluator=evaluator,
                    status=Review.Status.SUBMITTED,
                    conflict_declared_at=evaluation_at + timedelta(days=rng.randint(1, 5)),
                    submitted_at=submitted,
                )
            )
            per_review_scores.append(
                [
                    min(criterion.max_score, max(Decimal(0), score + rng.choice(REVIEWER_DEVIATIONS)))
                    for criterion, score in zip(criteria, scores, strict=True)
                ]
            )
    Review.objects.bulk_create(reviews)
    # assigned_at is set by the clock on insert; the history says evaluation day.
    Review.objects.filter(proposal__call=call).update(assigned_at=evaluation_at)
    ReviewScore.objects.bulk_create(
        [
            ReviewScore(
                review=review,
                criterion=criterion,
                score=score,
                comment=make_comment(ctx, criterion.code, score, criterion.max_score),
            )
            for review, scores in zip(reviews, per_review_scores, strict=True)
            for criterion, score in zip(criteria, scores, strict=True)
        ]
    )
    ConsensusScore.objects.bulk_create(consensus)


def write_projects(ctx: DemoContext, edition: Edition, funded: list[Plan]) -> None:
    """Agreement, CUP, dates, installments paid, and the move to in progress and closed."""
    rng = ctx.rng
    installments = []
    for index, plan in enumerate(sorted(funded, key=lambda p: p.proposal.rank), start=1):
        proposal = plan.proposal
        award = Award.objects.get(proposal=proposal)
        signed = edition.results_on + timedelta(days=rng.randint(25, 55))
        start = edition.projects_start_on + timedelta(days=rng.randint(0, 45))
        end = add_months(start, proposal.duration_months) - timedelta(days=1)
        proposal.cup = f"B41J{edition.year % 100:02d}{edition.year * 1000 + index:09d}"
        proposal.agreement_signed_on = signed
        proposal.start_date = start
        proposal.end_date = end
        Proposal.objects.filter(pk=proposal.pk).update(
            cup=proposal.cup, agreement_signed_on=signed, start_date=start, end_date=end
        )
        parts = split_proportionally(award.amount_granted, {1: Decimal(40), 2: Decimal(40), 3: Decimal(20)})
        paid_dates = [
            signed + timedelta(days=rng.randint(15, 30)),
            add_months(start, proposal.duration_months // 2) + timedelta(days=rng.randint(5, 25)),
            end + timedelta(days=rng.randint(60, 110)),
        ]
        labels = ["Anticipo", "Secondo acconto", "Saldo"]
        for sequence, (label, percentage, paid_on) in enumerate(
            zip(labels, (40, 40, 20), paid_dates, strict=True), start=1
        ):
            installments.append(
                Installment(
                    award=award,
                    sequence=sequence,
                    label=label,
                    percentage=Decimal(percentage),
                    amount=parts[sequence],
                    due_date=paid_on - timedelta(days=rng.randint(3, 10)),
                    status=Installment.Status.PAID,
                    paid_on=paid_on,
                )
            )
        proposal_transition(
            proposal=proposal,
            to=Proposal.Status.IN_PROGRESS,
            by=ctx.officer,
            now=rome_at(start, 9),
            reason="Convenzione firmata il " + signed.strftime("%d/%m/%Y"),
        )
        proposal_transition(
            proposal=proposal,
            to=Proposal.Status.CLOSED,
            by=ctx.officer,
            now=rome_at(paid_dates[2], 10),
            reason="Rendicontazione finale approvata.",
        )
    Installment.objects.bulk_create(installments)


def plan_editions(ctx: DemoContext) -> dict[str, list[Plan]]:
    """The proposals of every historical call, by call code, decided before any is written
    (the organisations' verification depends on all of them)."""
    coverage = plan_coverage(ctx)
    return {edition.code: plan_edition(ctx, edition, coverage) for edition in EDITIONS}


def write_editions(ctx: DemoContext, plans_by_call: dict[str, list[Plan]]) -> None:
    for edition in EDITIONS:
        write_edition(ctx, edition, plans_by_call[edition.code])
