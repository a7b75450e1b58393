"""The calls of the last months, dated from today: one open (with the applicant's draft), one
being evaluated (proposals at every step), one waiting for the admissibility check (with a
request for clarification and a message thread)."""

from datetime import datetime, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile

from associations.models import Organisation
from calls.models import Call
from calls.services import call_transition
from evaluation.selectors import MANUAL_KEYS
from evaluation.services import (
    admissibility_check_save,
    clarification_request,
    consensus_record,
    proposal_admit,
    proposal_declare_inadmissible,
    proposal_message_post,
    review_assign,
    review_declare,
    review_submit,
)
from funding.services import call_evaluation_start
from projects.models import ProposalAttachment, Review

from .call_reference import INADMISSIBILITY_REASONS, OFFICE_CABINET, REVIEWER_DEVIATIONS, TOPICS
from .context import DemoContext, Plan
from .helpers import demo_pdf, rome_at, slug_of
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
from .reference import (
    APPLICANT_ASSOCIATION,
    APPLICANT_NGO,
    FICTIONAL_FUNDER,
    PENDING_ASSOCIATIONS,
    PENDING_NGO,
    PROGRAMME_COUNTRIES,
)


def write_open_call(ctx: DemoContext, recent_leads: set[int]) -> None:
    """A call opened 15 days ago and closing in 45, with three funders and a few proposals."""
    year = ctx.today.year
    opens_at = rome_at(ctx.today - timedelta(days=15), 9)
    closes_at = rome_at(ctx.today + timedelta(days=45), 12)
    call = create_call(
        ctx,
        code=f"COSV-{year}",
        year=year,
        title_it=f"Milano per il co-sviluppo {year}",
        title_en=f"Milan for co-development {year}",
        themes="migrazione e sviluppo; integrazione locale; seconde generazioni",
        opens_at=opens_at,
        closes_at=closes_at,
        max_grant=Decimal("60000.00"),
        max_duration=18,
        legal_basis="Deliberazione della Giunta comunale (dati dimostrativi)",
        office=OFFICE_CABINET,
        commitments=[
            *commitments_of(ctx, Decimal("200000.00"), Decimal("900000.00")),
            (FICTIONAL_FUNDER, Decimal("150000.00"), "Finanziatore fittizio (dati dimostrativi)."),
        ],
    )
    call_transition(call=call, to=Call.Status.OPEN, by=ctx.officer, now=opens_at)

    applicant = ctx.users["applicant@demo.local"]
    pending_lead = ctx.organisations[PENDING_ASSOCIATIONS[0][0]]
    plans = [
        # The applicant's draft waits for the NGO partner to confirm (ngo@demo.local).
        Plan(
            lead=ctx.organisations[APPLICANT_ASSOCIATION],
            country="SN",
            outcome="draft",
            topic=TOPICS[9],
            ngo=ctx.organisations[APPLICANT_NGO],
            origin_partner=ctx.organisations["GIE Jappo Thiès"],
            ngo_confirmed=False,
            created_by=applicant,
            requested=Decimal("48000.00"),
        ),
        Plan(lead=pending_lead, country="UA", outcome="draft", topic=TOPICS[4], with_budget=False),
        Plan(lead=ctx.organisations["Illimani Milano Solidale"], country="BO", outcome="draft", topic=TOPICS[3]),
        Plan(
            lead=ctx.organisations["Lanka Seva Milano APS"],
            country="LK",
            outcome="submitted",
            topic=TOPICS[10],
            origin_partner=ctx.organisations["Negombo Fisherfolk Welfare Society"],
            submitted_at=opens_at + timedelta(days=3, hours=2, minutes=17),
        ),
        Plan(
            lead=ctx.organisations["Cuscatlán Milano Solidaria"],
            country="SV",
            outcome="submitted",
            topic=TOPICS[8],
            submitted_at=opens_at + timedelta(days=8, hours=5, minutes=42),
        ),
    ]
    complete_plans(ctx, call, plans)
    write_proposals(ctx, call, plans)
    # The applicant's draft has every document the call asks for: once ngo@demo.local
    # confirms the partnership, nothing stops its submission.
    attach_required_documents(ctx, call, plans[:1], uploaded_at=rome_at(ctx.today - timedelta(days=2), 18))
    submitted = [plan for plan in plans if plan.outcome == "submitted"]
    attach_required_documents(ctx, call, submitted)
    for plan in submitted:
        submit_plan(plan)
    recent_leads.update(plan.lead.pk for plan in plans)


def complete_plans(ctx: DemoContext, call: Call, plans: list[Plan]) -> None:
    """Partners, place, topic, title, duration, co-financing and amount of the plans of a
    recent call, where not given already."""
    rng = ctx.rng
    verified_ngos = [ngo for ngo in ctx.ngos if ngo.legal_name not in (PENDING_NGO, APPLICANT_NGO)]
    for plan in plans:
        plan.ngo = plan.ngo or rng.choice(verified_ngos)
        plan.origin_partner = plan.origin_partner or rng.choice(ctx.origin_partners[plan.country])
        set_origin_place(ctx, plan)
        plan.topic = plan.topic or choose_topic(ctx, plan)
        plan.theme = rng.choice([theme.strip() for theme in call.themes.split(";")])
        plan.title = plan.title or make_title(ctx, plan)
        ctx.titles.add(plan.title)
        plan.duration = rng.randint(12, call.max_duration_months)
        plan.cofinancing_pct = (
            plan.cofinancing_pct if plan.inadmissible_reason == "cofinancing" else rng.randint(30, 40)
        )
        plan.requested = plan.requested or Decimal(rng.randrange(30_000, 60_001, 500)).quantize(Decimal("0.01"))


def pick_recent_leads(ctx: DemoContext, recent_leads: set[int], count: int) -> list[tuple[Organisation, str]]:
    """`count` verified associations of the programme's countries that have no proposal in
    the recent calls yet (the applicant's association is placed by hand), each with a country."""
    programme = set(PROGRAMME_COUNTRIES)
    candidates = [
        association
        for association in eligible_leads(ctx)
        if association.legal_name != APPLICANT_ASSOCIATION
        and association.pk not in recent_leads
        and set(countries_of(ctx, association)) & programme
    ]
    chosen = ctx.rng.sample(candidates, count)
    recent_leads.update(association.pk for association in chosen)
    return [
        (lead, ctx.rng.choice([country for country in countries_of(ctx, lead) if country in programme]))
        for lead in chosen
    ]


def attach_required_documents(
    ctx: DemoContext, call: Call, plans: list[Plan], *, uploaded_at: datetime | None = None
) -> None:
    """A small PDF for every document the call requires, stored under MEDIA_ROOT like an upload.

    Uploaded a day before submission (or at `uploaded_at`), by the proposal's author.
    """
    required = list(call.required_attachments.order_by("order", "pk"))
    for plan in plans:
        proposal = plan.proposal
        for document in required:
            content = demo_pdf(
                [
                    document.name_it,
                    proposal.title,
                    plan.lead.legal_name,
                    f"{call.code} - documento dimostrativo, dati fittizi.",
                ]
            )
            attachment = ProposalAttachment(
                proposal=proposal,
                required_attachment=document,
                title=document.name_it,
                content_type="application/pdf",
                size=len(content),
                uploaded_by=plan.created_by,
            )
            attachment.file.save(f"{slug_of(document.name_it)}.pdf", ContentFile(content), save=True)
            ctx.stored_files.append((attachment.file.storage, attachment.file.name))
        moment = uploaded_at or plan.submitted_at - timedelta(days=1, hours=2)
        # uploaded_at is set by the clock on insert; the story says before submission.
        ProposalAttachment.objects.filter(proposal=proposal).update(uploaded_at=moment)


def create_recent_call(
    ctx: DemoContext, *, code: str, year: int, label_it: str, label_en: str, opens_at, closes_at, amounts
) -> Call:
    """A call of the last months, pooled by three funders (the fictional one included)."""
    comune, cariplo, fictional = (Decimal(amount) for amount in amounts)
    call = create_call(
        ctx,
        code=code,
        year=year,
        title_it=f"Milano per il co-sviluppo {year} ({label_it})",
        title_en=f"Milan for co-development {year} ({label_en})",
        themes="migrazione e sviluppo; integrazione locale; seconde generazioni",
        opens_at=opens_at,
        closes_at=closes_at,
        max_grant=Decimal("60000.00"),
        max_duration=18,
        legal_basis="Deliberazione della Giunta comunale (dati dimostrativi)",
        office=OFFICE_CABINET,
        commitments=[
            *commitments_of(ctx, comune, cariplo),
            (FICTIONAL_FUNDER, fictional, "Finanziatore fittizio (dati dimostrativi)."),
        ],
    )
    call_transition(call=call, to=Call.Status.OPEN, by=ctx.officer, now=opens_at)
    return call


def schedule(ctx: DemoContext, call: Call, plans: list[Plan]) -> None:
    """Submission times inside the window, in a random order of the plans."""
    ctx.rng.shuffle(plans)
    for plan, moment in zip(plans, submission_times(ctx, call.opens_at, call.closes_at, len(plans)), strict=True):
        plan.submitted_at = moment


def receive(ctx: DemoContext, call: Call, plans: list[Plan]) -> None:
    """The proposals with their documents, submitted at their times; then the call closes."""
    write_proposals(ctx, call, plans)
    attach_required_documents(ctx, call, plans)
    for plan in plans:
        submit_plan(plan)
    call_transition(call=call, to=Call.Status.CLOSED, by=ctx.officer, now=call.closes_at)


def write_call_in_evaluation(ctx: DemoContext, recent_leads: set[int]) -> None:
    """A call closed 60 days ago whose proposals stand at every step of the evaluation.

    One was declared inadmissible; two admissible ones wait for their evaluators; the
    others have both demo evaluators, who still have to declare they have no conflict of
    interest (two), to score (two, one of them half done), whose reviews wait for the
    consensus (two, one with a spread the sheet flags), or whose consensus is recorded and
    waits for the ranking (six, one not fundable because of criterion C). The funders'
    € 200,000 run out partway down the ranking.
    """
    year = ctx.today.year - 1
    call = create_recent_call(
        ctx,
        code=f"COSV-{year}-A",
        year=year,
        label_it="demo: in valutazione",
        label_en="demo: under evaluation",
        opens_at=rome_at(ctx.today - timedelta(days=150), 9),
        closes_at=rome_at(ctx.today - timedelta(days=60), 12),
        # Less than the five fundable proposals with a consensus ask for (each asks at least
        # € 42,000), more than any three: the money runs out partway down the ranking.
        amounts=("60000.00", "110000.00", "30000.00"),
    )
    applicant = ctx.users["applicant@demo.local"]
    plans = [
        Plan(
            lead=ctx.organisations[APPLICANT_ASSOCIATION],
            country="SN",
            outcome="consensus",
            topic=TOPICS[5],
            ngo=ctx.organisations[APPLICANT_NGO],
            origin_partner=ctx.organisations["Association des Pêcheurs de Guet Ndar"],
            created_by=applicant,
            score_target=78.5,
        )
    ]
    # (stage, target total of the scores, fails criterion C)
    stages = [
        ("inadmissible", 0, False),
        ("admissible", 0, False),
        ("admissible", 0, False),
        ("to_declare", 0, False),
        ("to_declare", 0, False),
        ("to_score", 72, False),
        ("half_scored", 64, False),
        ("to_consensus", 74, False),
        ("to_consensus", 57, False),
        ("consensus", 86, False),
        ("consensus", 71.5, False),
        ("consensus", 67, False),
        ("consensus", 62.5, False),
        ("consensus", 65, True),
    ]
    for (lead, country), (stage, target, fails_c) in zip(
        pick_recent_leads(ctx, recent_leads, len(stages)), stages, strict=True
    ):
        plan = Plan(lead=lead, country=country, outcome=stage, score_target=target, fails_criterion_c=fails_c)
        if stage == "inadmissible":
            plan.inadmissible_reason = "cofinancing"
            plan.cofinancing_pct = ctx.rng.randint(18, 26)
        plans.append(plan)
    complete_plans(ctx, call, plans)
    for plan in plans:
        # Amounts that make the funding decision interesting: most ask for close to the maximum.
        plan.requested = Decimal(ctx.rng.randrange(42_000, 60_001, 500)).quantize(Decimal("0.01"))
    schedule(ctx, call, plans)
    receive(ctx, call, plans)

    officer = ctx.officer
    checked_at = call.closes_at + timedelta(days=8, hours=-1)
    for index, plan in enumerate(sorted(plans, key=lambda p: p.proposal.protocol_sequence)):
        moment = checked_at + timedelta(minutes=20 * index)
        if plan.outcome == "inadmissible":
            proposal_declare_inadmissible(
                proposal=plan.proposal, by=officer, reasons=INADMISSIBILITY_REASONS["cofinancing"], now=moment
            )
            continue
        check = admissibility_check_save(
            proposal=plan.proposal, manual=dict.fromkeys(MANUAL_KEYS, (True, "")), by=officer, now=moment
        )
        proposal_admit(proposal=plan.proposal, by=officer, check=check, now=moment + timedelta(minutes=5), notify=False)

    evaluation_at = rome_at((call.closes_at + timedelta(days=15)).date(), 10)
    call_evaluation_start(call=call, by=officer, now=evaluation_at)
    write_recent_reviews(ctx, call, plans, evaluation_at)


def write_recent_reviews(ctx: DemoContext, call: Call, plans: list[Plan], evaluation_at: datetime) -> None:
    """Assignments, declarations, reviews and consensus of the call in evaluation, by stage."""
    rng = ctx.rng
    officer = ctx.officer
    criteria = list(call.criteria.order_by("order", "code", "pk"))
    assigned = [plan for plan in plans if plan.outcome not in ("inadmissible", "admissible")]
    for plan in assigned:
        for evaluator in ctx.evaluators:
            review_assign(proposal=plan.proposal, evaluator=evaluator, by=officer, now=evaluation_at, notify=False)
    # assigned_at is set by the clock on insert; the story says the day the evaluation started.
    Review.objects.filter(proposal__call=call).update(assigned_at=evaluation_at)

    declared = [plan for plan in assigned if plan.outcome != "to_declare"]
    consensus_at = rome_at(ctx.today - timedelta(days=4), 15)
    for plan in declared:
        consensus_scores = criterion_scores(ctx, plan, criteria)
        reviews = {review.evaluator_id: review for review in plan.proposal.reviews.all()}
        for number, evaluator in enumerate(ctx.evaluators):
            review = reviews[evaluator.pk]
            declared_at = evaluation_at + timedelta(days=rng.randint(1, 4), hours=rng.randint(0, 7))
            review_declare(review=review, conflict=False, by=evaluator, now=declared_at)
            if plan.outcome == "to_score" or (plan.outcome == "half_scored" and number == 1):
                continue
            scores = {}
            for index, (criterion, score) in enumerate(zip(criteria, consensus_scores, strict=True)):
                deviation = rng.choice(REVIEWER_DEVIATIONS)
                if plan.outcome == "to_consensus" and plan.score_target > 70 and number == 1 and index == 0:
                    deviation = Decimal(-7)  # the evaluators disagree: the consensus sheet flags it
                value = min(criterion.max_score, max(Decimal(0), score + deviation))
                scores[criterion.pk] = (value, make_comment(ctx, criterion.code, value, criterion.max_score))
            submitted_at = declared_at + timedelta(days=rng.randint(8, 30), hours=rng.randint(1, 5))
            review_submit(review=review, scores=scores, by=evaluator, now=min(submitted_at, consensus_at))
        if plan.outcome == "consensus":
            consensus_record(
                proposal=plan.proposal,
                scores={
                    criterion.pk: (
                        score,
                        make_comment(ctx, criterion.code, score, criterion.max_score),
                        make_comment(ctx, criterion.code, score, criterion.max_score),
                    )
                    for criterion, score in zip(criteria, consensus_scores, strict=True)
                },
                by=officer,
                now=consensus_at,
            )


def write_call_to_check(ctx: DemoContext, recent_leads: set[int]) -> None:
    """A call closed 20 days ago: eight proposals wait for the admissibility check.

    Five meet every rule (the applicant's among them); one asks for more than the maximum
    grant; one was submitted without the NGO partner's confirmation; and the lead that asked
    too much sent a corrected second proposal, so two proposals share a lead. The office
    asked the applicant's association to correct its budget and attachments within 7 days,
    and the two exchanged messages.
    """
    year = ctx.today.year - 1
    call = create_recent_call(
        ctx,
        code=f"COSV-{year}-B",
        year=year,
        label_it="demo: da istruire",
        label_en="demo: admissibility check",
        opens_at=rome_at(ctx.today - timedelta(days=120), 9),
        closes_at=rome_at(ctx.today - timedelta(days=20), 12),
        amounts=("150000.00", "500000.00", "100000.00"),
    )
    applicant = ctx.users["applicant@demo.local"]
    applicant_plan = Plan(
        lead=ctx.organisations[APPLICANT_ASSOCIATION],
        country="SN",
        outcome="submitted",
        topic=TOPICS[6],
        ngo=ctx.organisations[APPLICANT_NGO],
        origin_partner=ctx.organisations["GIE Jappo Thiès"],
        created_by=applicant,
    )
    plans = [applicant_plan]
    leads = pick_recent_leads(ctx, recent_leads, 6)
    plans += [Plan(lead=lead, country=country, outcome="submitted") for lead, country in leads[:4]]
    over_max = Plan(lead=leads[4][0], country=leads[4][1], outcome="submitted", inadmissible_reason="over_max")
    over_max.requested = call.max_grant + ctx.rng.randrange(2_000, 12_000, 500)
    no_ngo = Plan(
        lead=leads[5][0],
        country=leads[5][1],
        outcome="submitted",
        inadmissible_reason="letter",
        ngo_confirmed=False,
    )
    plans += [over_max, no_ngo]
    complete_plans(ctx, call, plans)
    corrected = Plan(
        lead=over_max.lead,
        country=over_max.country,
        outcome="submitted",
        topic=over_max.topic,
        ngo=over_max.ngo,
        origin_partner=over_max.origin_partner,
        title=f"{over_max.title} (versione corretta)",
        requested=Decimal(ctx.rng.randrange(54_000, 60_001, 500)).quantize(Decimal("0.01")),
    )
    complete_plans(ctx, call, [corrected])
    plans.append(corrected)
    schedule(ctx, call, plans)
    if corrected.submitted_at < over_max.submitted_at:
        # The correction is sent after the proposal it corrects.
        corrected.submitted_at, over_max.submitted_at = over_max.submitted_at, corrected.submitted_at
    plans.sort(key=lambda plan: plan.submitted_at)
    receive(ctx, call, plans)

    officer = ctx.officer
    requested_at = rome_at(ctx.today - timedelta(days=1), 10)
    clarification_request(
        proposal=applicant_plan.proposal,
        sections=["budget", "attachments"],
        message=(
            "Il piano finanziario allegato non corrisponde al budget del formulario: le spese generali "
            "e il totale dei costi in Italia sono diversi. Correggete il budget oppure caricate il piano "
            "finanziario aggiornato, firmato dal legale rappresentante, entro la scadenza indicata."
        ),
        deadline=rome_at(ctx.today + timedelta(days=7), 12),
        by=officer,
        now=requested_at,
        notify=False,
    )
    proposal_message_post(
        proposal=applicant_plan.proposal,
        body=(
            "Buongiorno, vi abbiamo inviato una richiesta di integrazione sul budget e sugli allegati. "
            "Per qualsiasi dubbio potete scriverci qui."
        ),
        by=officer,
        now=requested_at + timedelta(minutes=10),
        notify=False,
    )
    proposal_message_post(
        proposal=applicant_plan.proposal,
        body=(
            "Grazie, abbiamo visto la richiesta. Correggiamo le spese generali e carichiamo il piano "
            "finanziario firmato entro la settimana."
        ),
        by=applicant,
        now=requested_at + timedelta(hours=7, minutes=25),
        notify=False,
    )


def write_calls_in_progress(ctx: DemoContext) -> None:
    """The calls of the last months: one open today, one being evaluated, one waiting for the
    admissibility check. Each lead association has a proposal in one of them only."""
    recent_leads: set[int] = set()  # pks of the associations with a proposal in these calls
    write_open_call(ctx, recent_leads)
    write_call_in_evaluation(ctx, recent_leads)
    write_call_to_check(ctx, recent_leads)
