"""Can this proposal be submitted? The call's rules, checked on the server.

`eligibility_problems(proposal)` lists every rule the proposal breaks, in the order of the
proposal form, each with a plain-words message and the step of the form that fixes it. The
review page shows them (the submit button stays disabled while there are any) and
`proposal_submit` refuses to submit while there are any, checking again inside its
transaction, so the page is a convenience and the server decides.

Percentages are of the total cost of the project (what is requested plus the co-financing),
as the call text states them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from calls.models import CostCategory, Territory
from cosviluppo.lib.money import ZERO
from cosviluppo.templatetags.formatting import eur, percent, rome_datetime

from .models import Activity, BudgetLine, Proposal, ProposalAttachment, ProposalPartner


@dataclass(frozen=True)
class EligibilityProblem:
    """One broken rule: `rule` is a stable key (tests, CSS), `step` a key of projects.steps.STEPS."""

    rule: str
    message: str
    step: str


# Rule keys, in the order the problems are listed.
DEADLINE = "deadline"
LEAD_VERIFIED = "lead_verified"
TITLE = "title"
SUMMARY = "summary"
DURATION = "duration"
ORIGIN_COUNTRY = "origin_country"
COUNTRY_ELIGIBLE = "country_eligible"
RESIDENCE_MUNICIPALITY = "residence_municipality"
ACTIVITIES_ORIGIN = "activities_origin"
ACTIVITIES_RESIDENCE = "activities_residence"
ACTIVITY_AFTER_END = "activity_after_end"
NGO_PARTNER = "ngo_partner"
BUDGET_EMPTY = "budget_empty"
MAX_GRANT = "max_grant"
MIN_COFINANCING = "min_cofinancing"
ORIGIN_SHARE = "origin_share"
RESIDENCE_SHARE = "residence_share"
CATEGORY_NOT_ELIGIBLE = "category_not_eligible"
CATEGORY_CAP = "category_cap"
REQUIRED_ATTACHMENT = "required_attachment"

HUNDRED = Decimal("100")


def share_of(part: Decimal, whole: Decimal) -> Decimal:
    return part * HUNDRED / whole if whole else ZERO


def eligibility_problems(proposal: Proposal, *, now: datetime | None = None) -> list[EligibilityProblem]:
    """Every rule of its call that `proposal` breaks now; empty when it can be submitted.

    A fixed number of queries whatever the size of the proposal: its children are read
    once each (the call and the lead come with the proposal when select_related).
    """
    now = now or timezone.now()
    call = proposal.call
    lead = proposal.lead
    activities = list(Activity.objects.filter(proposal=proposal).only("territory", "title", "end_month"))
    lines = list(
        BudgetLine.objects.filter(proposal=proposal).only(
            "category", "territory", "total_cost", "amount_requested", "cofinancing_own", "cofinancing_other"
        )
    )
    partners = list(
        ProposalPartner.objects.filter(proposal=proposal, role=ProposalPartner.Role.ITALIAN_NGO)
        .select_related("organisation")
        .order_by("pk")
    )
    attached = set(
        ProposalAttachment.objects.filter(proposal=proposal, required_attachment__isnull=False).values_list(
            "required_attachment_id", flat=True
        )
    )
    required = list(call.required_attachments.all())
    eligible_categories = {row.category: row.cap_pct for row in call.cost_categories.all()}

    problems: list[EligibilityProblem] = []

    def add(rule: str, step: str, message: str) -> None:
        problems.append(EligibilityProblem(rule=rule, message=message, step=step))

    # The call's opening hours, by the server's clock.
    if now >= call.closes_at:
        add(
            DEADLINE,
            "summary",
            _(
                "The deadline of the call passed on %(deadline)s (Italian time): "
                "the proposal can no longer be submitted."
            )
            % {"deadline": rome_datetime(call.closes_at)},
        )
    elif not call.is_open_at(now):
        add(
            DEADLINE,
            "summary",
            _("The call is not open for submissions yet: it opens on %(opens)s (Italian time).")
            % {"opens": rome_datetime(call.opens_at)},
        )

    if not lead.can_apply:
        add(
            LEAD_VERIFIED,
            "summary",
            _(
                "%(lead)s is not a verified migrant association: the programme office must verify it "
                "before it can submit a proposal."
            )
            % {"lead": lead.legal_name},
        )

    # Summary
    if not proposal.title.strip():
        add(TITLE, "summary", _("Give the proposal a title."))
    if not proposal.summary.strip():
        add(SUMMARY, "summary", _("Write the summary of the proposal."))
    if not proposal.duration_months:
        add(DURATION, "summary", _("Say how many months the project lasts."))
    elif proposal.duration_months > call.max_duration_months:
        add(
            DURATION,
            "summary",
            _("The project lasts %(months)d months; the call allows at most %(max)d months.")
            % {"months": proposal.duration_months, "max": call.max_duration_months},
        )

    # The two territories
    if not proposal.origin_country:
        add(ORIGIN_COUNTRY, "territories", _("Choose the country of origin where the project takes place."))
    elif call.eligible_countries and proposal.origin_country.code not in {c.code for c in call.eligible_countries}:
        add(
            COUNTRY_ELIGIBLE,
            "territories",
            _("%(country)s is not among the countries of origin this call accepts.")
            % {"country": proposal.origin_country.name},
        )
    if not proposal.residence_municipality.strip():
        add(RESIDENCE_MUNICIPALITY, "territories", _("Say in which municipality in Italy the project takes place."))

    # Activities
    territories = {activity.territory for activity in activities}
    if Territory.ORIGIN not in territories:
        add(ACTIVITIES_ORIGIN, "activities", _("Plan at least one activity in the country of origin."))
    if Territory.RESIDENCE not in territories:
        add(ACTIVITIES_RESIDENCE, "activities", _("Plan at least one activity in Italy."))
    if proposal.duration_months:
        late = [activity for activity in activities if activity.end_month > proposal.duration_months]
        if late:
            add(
                ACTIVITY_AFTER_END,
                "activities",
                ngettext(
                    "The activity %(titles)s ends after the last month of the project (month %(months)d).",
                    "The activities %(titles)s end after the last month of the project (month %(months)d).",
                    len(late),
                )
                % {"titles": ", ".join(f"“{a.title}”" for a in late), "months": proposal.duration_months},
            )

    # Partners
    if call.ngo_partner_required:
        confirmed = [p for p in partners if p.response == ProposalPartner.Response.CONFIRMED]
        waiting = [p for p in partners if p.response == ProposalPartner.Response.INVITED]
        if not confirmed:
            if waiting:
                message = _(
                    "%(ngo)s has not confirmed the partnership yet: the call requires an Italian NGO partner."
                ) % {"ngo": waiting[0].organisation.legal_name}
            elif partners:
                message = _(
                    "%(ngo)s declined the partnership: invite another Italian NGO, as the call requires one."
                ) % {"ngo": partners[-1].organisation.legal_name}
            else:
                message = _("Invite an Italian NGO as partner: the call requires one, and it must confirm.")
            add(NGO_PARTNER, "partners", message)

    # Budget
    total = sum((line.total_cost for line in lines), ZERO)
    if not lines or total <= 0:
        add(BUDGET_EMPTY, "budget", _("The budget is empty: add its lines, with their costs."))
    else:
        requested = sum((line.amount_requested for line in lines), ZERO)
        cofinancing = sum((line.cofinancing_own + line.cofinancing_other for line in lines), ZERO)
        if requested > call.max_grant:
            add(
                MAX_GRANT,
                "budget",
                _("You ask for %(requested)s; the call grants at most %(max)s per project.")
                % {"requested": eur(requested), "max": eur(call.max_grant)},
            )
        if share_of(cofinancing, total) < call.min_cofinancing_pct:
            add(
                MIN_COFINANCING,
                "budget",
                _(
                    "Your co-financing (own resources and other sources) is %(cofinancing)s, %(share)s of the "
                    "total cost of %(total)s; the call asks for at least %(min)s."
                )
                % {
                    "cofinancing": eur(cofinancing),
                    "share": percent(share_of(cofinancing, total)),
                    "total": eur(total),
                    "min": percent(call.min_cofinancing_pct),
                },
            )
        by_territory: dict[str, Decimal] = defaultdict(lambda: ZERO)
        by_category: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for line in lines:
            by_territory[line.territory] += line.total_cost
            by_category[line.category] += line.total_cost
        # Each territory's share of the total cost, within the call's bounds.
        messages = {
            (Territory.ORIGIN, "low"): _(
                "The costs in the country of origin are %(cost)s, %(share)s of the total cost; "
                "the call asks for at least %(bound)s there."
            ),
            (Territory.ORIGIN, "high"): _(
                "The costs in the country of origin are %(cost)s, %(share)s of the total cost; "
                "the call allows at most %(bound)s there."
            ),
            (Territory.RESIDENCE, "low"): _(
                "The costs in Italy are %(cost)s, %(share)s of the total cost; "
                "the call asks for at least %(bound)s there."
            ),
            (Territory.RESIDENCE, "high"): _(
                "The costs in Italy are %(cost)s, %(share)s of the total cost; the call allows at most %(bound)s there."
            ),
        }
        bounds = [
            (ORIGIN_SHARE, Territory.ORIGIN, call.min_origin_share_pct, call.max_origin_share_pct),
            (RESIDENCE_SHARE, Territory.RESIDENCE, call.min_residence_share_pct, call.max_residence_share_pct),
        ]
        for rule, territory, low, high in bounds:
            cost = by_territory[territory]
            share = share_of(cost, total)
            if share < low:
                which, bound = "low", low
            elif share > high:
                which, bound = "high", high
            else:
                continue
            add(
                rule,
                "budget",
                messages[territory, which] % {"cost": eur(cost), "share": percent(share), "bound": percent(bound)},
            )
        # A call that lists no category restricts none (publishing a call requires at least one).
        for category in sorted(by_category):
            cost = by_category[category]
            label = CostCategory(category).label
            if eligible_categories and category not in eligible_categories:
                add(
                    CATEGORY_NOT_ELIGIBLE,
                    "budget",
                    _(
                        "The call does not fund the category “%(category)s”: move its costs (%(cost)s) "
                        "to an eligible category or remove them."
                    )
                    % {"category": label, "cost": eur(cost)},
                )
                continue
            cap = eligible_categories.get(category)
            if cap is not None and share_of(cost, total) > cap:
                add(
                    CATEGORY_CAP,
                    "budget",
                    _(
                        "The category “%(category)s” costs %(cost)s, %(share)s of the total cost; "
                        "the call allows at most %(cap)s."
                    )
                    % {
                        "category": label,
                        "cost": eur(cost),
                        "share": percent(share_of(cost, total)),
                        "cap": percent(cap),
                    },
                )

    # Attachments
    for document in required:
        if document.pk not in attached:
            add(
                REQUIRED_ATTACHMENT,
                "attachments",
                _("Attach the document “%(name)s” that the call requires.") % {"name": document.name},
            )

    return problems


def is_eligible(proposal: Proposal, *, now: datetime | None = None) -> bool:
    return not eligibility_problems(proposal, now=now)
