"""What seed_demo prints once the demo is loaded: the figures per call and how to try it."""

from decimal import Decimal

from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from associations.models import Organisation
from calls.models import Call
from evaluation.models import ClarificationRequest
from evaluation.selectors import EVALUATION_STATUSES
from projects.models import Award, Proposal, Review

from .reference import DEMO_ACCOUNT_ROLES, DEMO_ACCOUNTS, DEMO_PASSWORD

# What a new user can try, by account (printed after the accounts).
DEMO_WALKTHROUGH = [
    gettext_lazy(
        "ngo@demo.local confirms the partnership of the applicant's draft in the open call; "
        "applicant@demo.local can then submit it (every required document is attached)."
    ),
    gettext_lazy(
        "applicant@demo.local answers the office's request for clarification and its message in the call "
        "waiting for the admissibility check."
    ),
    gettext_lazy(
        "officer@demo.local checks the admissibility of that call's proposals (three of them break a rule), "
        "then, in the call under evaluation, assigns evaluators, records the consensus and computes the ranking."
    ),
    gettext_lazy(
        "evaluator1@demo.local and evaluator2@demo.local declare they have no conflict of interest and score "
        "their proposals in the call under evaluation."
    ),
    gettext_lazy(
        "Once the officer proposes the awards, funder@demo.local, comune@demo.local and esempio@demo.local "
        "approve the allocation; the officer then publishes the results."
    ),
]


def demo_summary() -> list[str]:
    """What the demo holds, and how to log in: printed by seed_demo."""
    kinds = {
        row["kind"]: row["n"]
        for row in Organisation.objects.filter(is_demo=True).order_by().values("kind").annotate(n=Count("pk"))
    }
    lines = [
        _(
            "Organisations: %(associations)s migrant associations, %(ngos)s NGOs, %(partners)s partners in the "
            "countries of origin, %(funders)s funders, %(federations)s federations."
        )
        % {
            "associations": kinds.get(Organisation.Kind.MIGRANT_ASSOCIATION, 0),
            "ngos": kinds.get(Organisation.Kind.NGO, 0),
            "partners": kinds.get(Organisation.Kind.ORIGIN_PARTNER, 0),
            "funders": sum(kinds.get(kind, 0) for kind in Organisation.FUNDER_KINDS),
            "federations": kinds.get(Organisation.Kind.FEDERATION, 0),
        },
    ]
    calls = list(Call.objects.filter(is_demo=True).order_by("opens_at"))
    by_status: dict[int, dict[str, int]] = {}
    for row in Proposal.objects.filter(call__in=calls).order_by().values("call_id", "status").annotate(n=Count("pk")):
        by_status.setdefault(row["call_id"], {})[row["status"]] = row["n"]
    awarded_by_call = dict(
        Award.objects.filter(proposal__call__in=calls)
        .order_by()
        .values("proposal__call_id")
        .annotate(total=Sum("amount_granted"))
        .values_list("proposal__call_id", "total")
    )
    reviews_by_call: dict[int, dict[str, int]] = {}
    for row in (
        Review.objects.filter(proposal__call__in=calls, proposal__status__in=EVALUATION_STATUSES)
        .order_by()
        .values("proposal__call_id", "status")
        .annotate(n=Count("pk"))
    ):
        reviews_by_call.setdefault(row["proposal__call_id"], {})[row["status"]] = row["n"]
    for call in calls:
        statuses = by_status.get(call.pk, {})
        received = sum(n for status, n in statuses.items() if status not in ("draft", "withdrawn"))
        funded = sum(statuses.get(status, 0) for status in Proposal.FUNDED_STATUSES)
        lines.append(
            _(
                "%(code)s (%(status)s): %(received)s proposals received, %(funded)s funded, "
                "€ %(awarded)s awarded of a € %(budget)s budget."
            )
            % {
                "code": call.code,
                "status": call.get_status_display(),
                "received": received,
                "funded": funded,
                "awarded": Decimal(awarded_by_call.get(call.pk) or 0).quantize(Decimal("0.01")),
                "budget": call.budget(),
            }
        )
        counts = ", ".join(
            f"{Proposal.Status(status).label} {statuses[status]}"
            for status in Proposal.Status.values
            if status in statuses
        )
        lines.append("    " + _("Proposals by status: %(counts)s.") % {"counts": counts})
        reviews = reviews_by_call.get(call.pk)
        if reviews:
            lines.append(
                "    "
                + _(
                    "Reviews: %(to_declare)s waiting for the declaration of interest, %(to_score)s to score, "
                    "%(submitted)s submitted."
                )
                % {
                    "to_declare": reviews.get(Review.Status.ASSIGNED, 0),
                    "to_score": reviews.get(Review.Status.NO_CONFLICT, 0),
                    "submitted": reviews.get(Review.Status.SUBMITTED, 0),
                }
            )
    for request in (
        ClarificationRequest.objects.filter(proposal__is_demo=True, status=ClarificationRequest.Status.OPEN)
        .select_related("proposal")
        .order_by("deadline", "pk")
    ):
        lines.append(
            _("Request for clarification open on %(protocol)s until %(deadline)s.")
            % {
                "protocol": request.proposal.protocol_number,
                "deadline": timezone.localtime(request.deadline).strftime("%d/%m/%Y %H:%M"),
            }
        )
    lines.append(_("Demo accounts (password “%(password)s”):") % {"password": DEMO_PASSWORD})
    for account in DEMO_ACCOUNTS:
        role, organisation = DEMO_ACCOUNT_ROLES[account.email]
        role_text = str(role) % {"organisation": organisation}
        lines.append(f"  {account.email:<24} {account.full_name} – {role_text}")
    lines.append(_("To try:"))
    lines += [f"  - {step}" for step in DEMO_WALKTHROUGH]
    return lines
