"""A large synthetic programme that satisfies every rule of the models.

At full size (scale 1): 31 calls (30 with proposals, one draft), 20,000 organisations, 100,000
proposals, 1,000,000 budget lines, about 10,000 awards with their funder shares and installments,
partners, sign-offs, questions, decision records, and the reviews of the call under evaluation.

The rules the data keeps (the database checks most of them, the rest are the services' rules):
- a budget line's total cost is the amount requested plus both co-financings, to the cent;
- an award is positive and never above the proposal's amount requested, nor the call's maximum grant;
- an award's funder shares add up to the award exactly, each one positive, and the shares drawn on
  a commitment never exceed it; the call's announced budget is the sum of its commitments;
- installments add up to their award; paid ones have a date, and are paid in order;
- proposal statuses follow the call's: outcomes (funded, reserve, not funded) only in calls whose
  results are published, rankings in the call under evaluation, drafts and submissions in the open one;
- every submitted (or withdrawn after submission) proposal has a protocol number, unique across the
  programme and gapless within its call; drafts have none;
- organisations have unique, valid tax codes (origin-country partners have none); leads are verified
  migrant associations; every call has the municipality and the lead foundation among its funders;
- countries of origin on every continent.

Ids are assigned here, so rows reference each other without round trips; the sequences are
moved past them at the end.
"""

import random
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_DOWN, ROUND_UP, Decimal
from zoneinfo import ZoneInfo

from django.core.management.color import no_style
from django.db import connection as default_connection
from django.db import transaction

from accounts.models import User
from associations.models import Membership, Organisation
from calls.models import Call, CallQuestion, CostCategory, EligibleCostCategory, EvaluationCriterion, FunderCommitment
from cosviluppo.lib.codicefiscale import entity_codice_fiscale
from funding.models import DecisionRecord, FunderSignOff, ReviewRequest
from projects.models import (
    Award,
    BudgetLine,
    ConsensusScore,
    FunderShare,
    Installment,
    Proposal,
    ProposalPartner,
    Review,
    ReviewScore,
)
from projects.services import protocol_number_of

from .sink import RowSink

ROME = ZoneInfo("Europe/Rome")
CENT = Decimal("0.01")
TODAY = date(2026, 11, 29)
# Bench accounts: the pages are measured as these people.
OFFICER_EMAIL = "officer@bench.local"
FUNDER_EMAIL = "funder@bench.local"
APPLICANT_EMAIL = "applicant@bench.local"
NGO_EMAIL = "ngo@bench.local"
EVALUATOR_EMAIL = "evaluator1@bench.local"
UNUSABLE_PASSWORD = "!bench-no-login"
AGREEMENT_AFTER_RESULTS = timedelta(days=40)

# Countries of origin, weighted roughly like Milan's migrant communities, on every continent.
COUNTRIES = [
    ("EG", 9),
    ("MA", 8),
    ("SN", 7),
    ("NG", 5),
    ("GH", 3),
    ("CI", 3),
    ("CM", 3),
    ("ET", 2),
    ("ER", 2),
    ("TN", 3),
    ("BF", 2),
    ("ML", 2),
    ("KE", 1),
    ("CD", 1),
    ("PE", 7),
    ("EC", 6),
    ("SV", 4),
    ("BO", 2),
    ("BR", 2),
    ("CO", 2),
    ("DO", 1),
    ("HT", 1),
    ("PH", 8),
    ("LK", 6),
    ("BD", 5),
    ("CN", 6),
    ("IN", 2),
    ("PK", 2),
    ("AF", 1),
    ("SY", 1),
    ("AL", 5),
    ("UA", 4),
    ("RO", 3),
    ("MD", 3),
    ("RS", 1),
    ("MK", 1),
    ("PG", 1),
    ("FJ", 1),
]
FUNDER_NAMES = ["Comune di Milano", "Fondazione Cariplo"]


@dataclass
class Sizes:
    calls: int = 30
    organisations: int = 20_000
    proposals: int = 100_000
    lines_per_proposal: int = 10
    evaluators: int = 12

    @classmethod
    def for_scale(cls, scale: float) -> "Sizes":
        """Full size at scale 1; the number of calls shrinks slower than the rest (at least 6: three with
        results published, one under evaluation, one closed, one open)."""
        if scale >= 1:
            return cls(
                calls=round(30 * scale**0.5), organisations=round(20_000 * scale), proposals=round(100_000 * scale)
            )
        return cls(
            calls=max(6, round(30 * scale**0.5)),
            organisations=max(120, round(20_000 * scale)),
            proposals=max(60, round(100_000 * scale)),
            evaluators=max(3, min(12, round(12 * scale**0.5))),
        )


def _money(rng: random.Random, low_eur: int, high_eur: int) -> Decimal:
    return Decimal(rng.randint(low_eur * 100, high_eur * 100)) / 100


def _at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=ROME)


def _split(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Split `total` by weights: each part rounded down to the cent, the largest takes the rest."""
    weight_sum = sum(weights)
    parts = [(total * w / weight_sum).quantize(CENT, rounding=ROUND_DOWN) for w in weights]
    largest = max(range(len(weights)), key=lambda i: weights[i])
    parts[largest] += total - sum(parts)
    return parts


class Programme:
    """Generates the rows; `load()` writes them through a RowSink in one transaction."""

    def __init__(self, sizes: Sizes, seed: int = 2026):
        self.sizes = sizes
        self.rng = random.Random(seed)
        self.now = _at(TODAY, 9)
        self.countries = [code for code, _ in COUNTRIES]
        self.country_weights = [weight for _, weight in COUNTRIES]

    # --- Organisations and people --------------------------------------------------------------

    def organisations(self):
        n = self.sizes.organisations
        rng = self.rng
        n_funders = max(5, round(n * 0.002))
        n_federations = max(2, round(n * 0.003))
        n_ngos = max(10, round(n * 0.12))
        n_origin = max(10, round(n * 0.15))
        n_assoc = n - n_funders - n_federations - n_ngos - n_origin
        plan = (
            [Organisation.Kind.FOUNDATION] * n_funders
            + [Organisation.Kind.FEDERATION] * n_federations
            + [Organisation.Kind.NGO] * n_ngos
            + [Organisation.Kind.ORIGIN_PARTNER] * n_origin
            + [Organisation.Kind.MIGRANT_ASSOCIATION] * n_assoc
        )
        self.funders, self.ngos, self.origin_partners, self.associations = [], [], [], []
        self.verified_associations = []
        rows = []
        for index, kind in enumerate(plan):
            pk = index + 1
            country = rng.choices(self.countries, self.country_weights)[0]
            status, reason, verified_at = "verified", "", self.now - timedelta(days=rng.randint(30, 5000))
            codice_fiscale, seat_country, legal_form = entity_codice_fiscale(pk, office=77), "IT", "aps"
            if kind == Organisation.Kind.FOUNDATION:
                funder_index = len(self.funders)
                if funder_index == 0:
                    kind, name, legal_form = Organisation.Kind.PUBLIC_BODY, FUNDER_NAMES[0], "public_body"
                elif funder_index == 1:
                    name, legal_form = FUNDER_NAMES[1], "foundation"
                elif funder_index % 3 == 0:
                    kind, name, legal_form = Organisation.Kind.BANK, f"Banca Bench {funder_index:03d}", "company"
                else:
                    name, legal_form = f"Fondazione Bench {funder_index:03d}", "foundation"
                self.funders.append(pk)
            elif kind == Organisation.Kind.FEDERATION:
                name = f"Federazione Bench {pk:05d}"
            elif kind == Organisation.Kind.NGO:
                name, legal_form = f"ONG Bench {pk:05d}", "ets"
                self.ngos.append(pk)
            elif kind == Organisation.Kind.ORIGIN_PARTNER:
                name, legal_form, codice_fiscale, seat_country = f"Partner Bench {pk:05d}", "foreign", "", country
                self.origin_partners.append(pk)
            else:
                name = f"Associazione Bench {pk:05d}"
                roll = rng.random()
                if roll < 0.02:
                    status, verified_at = "pending", None
                elif roll < 0.03:
                    status, reason, verified_at = "rejected", "Statuto non conforme (dati di prova).", None
                else:
                    self.verified_associations.append(pk)
                self.associations.append(pk)
            rows.append(
                (
                    pk,
                    kind,
                    name,
                    codice_fiscale,
                    legal_form,
                    "Milano" if seat_country == "IT" else "",
                    "MI" if seat_country == "IT" else "",
                    "Lombardia" if seat_country == "IT" else "",
                    seat_country,
                    country if kind == Organisation.Kind.MIGRANT_ASSOCIATION else "",
                    status,
                    reason,
                    verified_at,
                )
            )
        self.n_organisations = len(rows)
        return rows

    ORGANISATION_FIELDS = [
        "id",
        "kind",
        "legal_name",
        "codice_fiscale",
        "legal_form",
        "seat_city",
        "seat_province",
        "seat_region",
        "seat_country",
        "countries_of_origin",
        "verification_status",
        "rejection_reason",
        "verified_at",
    ]

    def people(self):
        """Users and memberships: the bench accounts, evaluators, one member per funder, association and NGO."""
        users, memberships = [], []
        self.applicant_org = self.verified_associations[0]
        self.ngo_org = self.ngos[0]

        def user(email, full_name, role="", is_staff=False):
            pk = len(users) + 1
            users.append((pk, email, full_name, role, is_staff, UNUSABLE_PASSWORD))
            return pk

        def member(user_pk, org_pk, role):
            memberships.append((len(memberships) + 1, user_pk, org_pk, role))

        self.officer = user(OFFICER_EMAIL, "Bench Officer", "officer")
        self.evaluators = [
            user(
                EVALUATOR_EMAIL if i == 0 else f"evaluator{i + 1}@bench.local", f"Bench Evaluator {i + 1}", "evaluator"
            )
            for i in range(self.sizes.evaluators)
        ]
        self.funder_users = {}
        for index, org in enumerate(self.funders):
            email = FUNDER_EMAIL if index == 1 else f"funder{index}@bench.local"  # Fondazione Cariplo's viewer
            self.funder_users[org] = user(email, f"Bench Funder {index}")
            member(self.funder_users[org], org, "viewer")
        self.org_users = {}
        for org in self.associations + self.ngos:
            if org == self.applicant_org:
                email = APPLICANT_EMAIL
            elif org == self.ngo_org:
                email = NGO_EMAIL
            else:
                email = f"org{org}@bench.local"
            self.org_users[org] = user(email, f"Bench Member {org}")
            member(self.org_users[org], org, "legal_representative")
        return users, memberships

    # --- Calls ----------------------------------------------------------------------------------

    def calls(self):
        """Calls from 2007 on: historical ones with results published (the older archived), one under
        evaluation, one closed, one open, and a draft for the next edition."""
        n = self.sizes.calls
        self.call_info = []
        first, last_evaluated = date(2007, 1, 15), date(2025, 6, 1)
        step = (last_evaluated - first).days / max(1, n - 3)
        rows = []
        for k in range(n + 1):
            if k == n:
                status, opens = "draft", date(2027, 3, 1)
            elif k == n - 1:
                status, opens = "open", date(2026, 10, 1)
            elif k == n - 2:
                status, opens = "closed", date(2026, 3, 2)
            elif k == n - 3:
                status, opens = "evaluation", first + timedelta(days=round(step * k))
            else:
                # The older ones archived; the latest one at least still "results published".
                status = "archived" if k < min((n - 3) * 0.7, n - 4) else "results_published"
                opens = first + timedelta(days=round(step * k))
            closes = opens + timedelta(days=120)
            results = _at(closes + timedelta(days=160)) if status in ("results_published", "archived") else None
            code = f"bench-{opens.year}-{k + 1:02d}"
            max_grant = Decimal(self.rng.choice([60_000, 70_000, 80_000]))
            info = {
                "pk": k + 1,
                "code": code,
                "status": status,
                "opens": _at(opens),
                "closes": _at(closes, 12),
                "results": results,
                "max_grant": max_grant,
            }
            self.call_info.append(info)
            rows.append(
                [
                    info["pk"],
                    code,
                    opens.year,
                    f"Bando co-sviluppo {opens.year} ({k + 1})",
                    f"Co-development call {opens.year} ({k + 1})",
                    status,
                    info["opens"],
                    info["closes"],
                    results,
                    None,  # announced budget: the commitments' sum, filled in once the awards are known
                    max_grant,
                    Decimal("10.00"),
                    24,
                    "Delibera di Giunta (dati di prova)",
                    "Direzione Politiche Sociali",
                    "Bench Official",
                ]
            )
        self.call_rows = rows
        return rows

    CALL_FIELDS = [
        "id",
        "code",
        "year",
        "title_it",
        "title_en",
        "status",
        "opens_at",
        "closes_at",
        "results_published_at",
        "announced_budget",
        "max_grant",
        "min_cofinancing_pct",
        "max_duration_months",
        "legal_basis",
        "responsible_office",
        "responsible_official",
    ]

    def call_rules(self):
        categories, criteria = [], []
        self.criteria_of = {}
        for info in self.call_info:
            for letter in CostCategory.values:
                categories.append((len(categories) + 1, info["pk"], letter, None))
            self.criteria_of[info["pk"]] = []
            for order, code in enumerate("ABCD"):
                pk = len(criteria) + 1
                criteria.append(
                    (pk, info["pk"], code, f"Criterio {code}", f"Criterion {code}", Decimal("25"), Decimal("25"), order)
                )
                self.criteria_of[info["pk"]].append(pk)
        return categories, criteria

    # --- Proposals and their budgets --------------------------------------------------------------

    STATUS_MIX = {
        # call status → [(proposal status, probability)]
        "results": [
            ("draft", 0.03),
            ("withdrawn", 0.02),
            ("inadmissible", 0.10),
            ("funded", 0.12),
            ("reserve", 0.05),
            ("not_funded", 0.68),
        ],
        "evaluation": [
            ("draft", 0.03),
            ("inadmissible", 0.10),
            ("admissible", 0.25),
            ("under_evaluation", 0.40),
            ("ranked", 0.22),
        ],
        "closed": [("draft", 0.03), ("submitted", 0.80), ("admissible", 0.10), ("inadmissible", 0.07)],
        "open": [("draft", 0.55), ("submitted", 0.45)],
    }

    def proposals(self):
        """Yields proposal rows; keeps, per proposal, what budgets, awards and partners need."""
        rng = self.rng
        with_proposals = [info for info in self.call_info if info["status"] != "draft"]
        weights = [rng.randint(70, 130) for _ in with_proposals]
        per_call = [self.sizes.proposals * w // sum(weights) for w in weights]
        per_call[0] += self.sizes.proposals - sum(per_call)
        self.proposal_info = []  # (pk, call info, status, lead)
        pk = 0
        lead_pool = self.verified_associations
        for info, count in zip(with_proposals, per_call, strict=True):
            mix_key = "results" if info["status"] in ("results_published", "archived") else info["status"]
            statuses, weights = zip(*self.STATUS_MIX[mix_key], strict=True)
            sequence = 0
            window = (info["closes"] - info["opens"]).total_seconds()
            drawn = rng.choices(statuses, weights, k=count)
            # The bench applicant's association has one proposal in every call (a busy dashboard).
            leads = [self.applicant_org] + [rng.choice(lead_pool) for _ in range(count - 1)]
            for status, lead in zip(drawn, leads, strict=True):
                pk += 1
                country = rng.choices(self.countries, self.country_weights)[0]
                if status == "funded" and info["status"] == "archived":
                    status = "closed"
                elif status == "funded" and info["status"] == "results_published" and rng.random() < 0.8:
                    status = "in_progress"
                if status == "draft":
                    protocol_sequence, protocol_number, submitted_at = None, "", None
                else:
                    sequence += 1
                    protocol_sequence = sequence
                    protocol_number = protocol_number_of(info["code"], sequence)
                    submitted_at = info["opens"] + timedelta(seconds=window * sequence / (count + 1))
                self.proposal_info.append((pk, info, status, lead))
                yield [
                    pk,
                    info["pk"],
                    lead,
                    status,
                    f"Progetto di co-sviluppo {pk}",
                    country,
                    "Milano",
                    24,
                    protocol_sequence,
                    protocol_number,
                    submitted_at,
                    None,  # total score, rank: set below for evaluated proposals
                    None,
                    "",  # CUP
                    None,  # agreement signed on
                    None,  # start date
                    None,  # end date
                    self.org_users.get(lead),
                ]

    PROPOSAL_FIELDS = [
        "id",
        "call_id",
        "lead_id",
        "status",
        "title",
        "origin_country",
        "residence_municipality",
        "duration_months",
        "protocol_sequence",
        "protocol_number",
        "submitted_at",
        "total_score",
        "rank",
        "cup",
        "agreement_signed_on",
        "start_date",
        "end_date",
        "created_by_id",
    ]

    SCORED = {"ranked", "funded", "reserve", "not_funded", "in_progress", "closed"}
    SCORE_RANGE = {
        "funded": (80, 100),
        "in_progress": (80, 100),
        "closed": (80, 100),
        "reserve": (72, 80),
        "not_funded": (30, 72),
        "ranked": (40, 98),
    }

    def finish_proposals(self, rows):
        """Scores, ranks, CUPs and agreement dates, decided once every proposal of a call is known."""
        rng = self.rng
        by_call: dict[int, list] = {}
        self.totals: dict[int, Decimal] = {}  # the weighted total of every evaluated proposal
        cup_serial = 0
        for row, (_, info, status, _lead) in zip(rows, self.proposal_info, strict=True):
            if status in self.SCORED:
                low, high = self.SCORE_RANGE[status]
                row[11] = Decimal(rng.randint(low * 100, high * 100)) / 100
                self.totals[row[0]] = row[11]
                by_call.setdefault(info["pk"], []).append(row)
            if status in ("in_progress", "closed"):
                cup_serial += 1
                row[13] = f"B{info['opens'].year % 100:02d}J{cup_serial:011d}"
                signed = (info["results"] + AGREEMENT_AFTER_RESULTS).date()
                row[14], row[15] = signed, signed + timedelta(days=15)
                row[16] = row[15] + timedelta(days=730)
        for ranked in by_call.values():
            ranked.sort(key=lambda r: (-r[11], r[0]))
            for rank, row in enumerate(ranked, start=1):
                row[12] = rank
        return rows

    def budget_lines(self):
        """Ten lines a proposal (by default): every category, in both territories."""
        rng = self.rng
        lines = self.sizes.lines_per_proposal
        letters = CostCategory.values
        self.requested = {}
        pk = 0
        for proposal_pk, _info, _status, _lead in self.proposal_info:
            requested_total = Decimal(0)
            for i in range(lines):
                pk += 1
                requested = _money(rng, 500, 5500)
                own = _money(rng, 0, 600)
                other = _money(rng, 0, 300) if i % 3 == 0 else Decimal("0.00")
                requested_total += requested
                yield (
                    pk,
                    proposal_pk,
                    letters[i % len(letters)],
                    "origin" if i % 2 == 0 else "residence",
                    f"Voce {i + 1}",
                    requested + own + other,
                    requested,
                    own,
                    other,
                )
            self.requested[proposal_pk] = requested_total

    BUDGET_LINE_FIELDS = [
        "id",
        "proposal_id",
        "category",
        "territory",
        "description",
        "total_cost",
        "amount_requested",
        "cofinancing_own",
        "cofinancing_other",
    ]

    # --- Money: awards, commitments, shares, installments ----------------------------------------

    def money(self):
        rng = self.rng
        awards, commitments, shares, installments, records = [], [], [], [], []
        awarded_by_call: dict[int, list] = {}
        for proposal_pk, info, status, _lead in self.proposal_info:
            if status not in ("funded", "in_progress", "closed"):
                continue
            requested = self.requested[proposal_pk]
            amount = min(requested, info["max_grant"])
            reason = ""
            if rng.random() < 0.3:
                amount = (amount * Decimal(rng.randint(80, 95)) / 100).quantize(CENT)
                reason = "Riduzione per voci non ammissibili (dati di prova)."
            award_pk = len(awards) + 1
            decided_at = info["results"] - timedelta(days=20)
            awards.append((award_pk, proposal_pk, amount, reason, decided_at, self.officer))
            awarded_by_call.setdefault(info["pk"], []).append((award_pk, proposal_pk, amount, status, decided_at))
        for info in self.call_info:
            call_pk = info["pk"]
            awarded = awarded_by_call.get(call_pk, [])
            spent = sum((a[2] for a in awarded), Decimal(0))
            if spent:
                pool = (spent * Decimal(rng.randint(103, 115)) / 100 / 1000).quantize(Decimal(1)) * 1000 + 1000
            else:
                pool = Decimal(rng.randint(1_000, 2_000)) * 1000
            others = rng.sample(self.funders[2:], k=min(len(self.funders) - 2, rng.randint(2, 6)))
            funders = self.funders[:2] + others
            weights = [Decimal(35), Decimal(35)] + [Decimal(rng.randint(5, 15)) for _ in others]
            call_commitments = []
            for funder, amount in zip(funders, _split(pool, weights), strict=True):
                pk = len(commitments) + 1
                commitments.append((pk, call_pk, funder, amount))
                call_commitments.append((pk, amount, funder))
            self.call_rows[call_pk - 1][9] = pool  # announced budget = the commitments' sum
            info["commitments"] = call_commitments
            commitment_weights = [c[1] for c in call_commitments]
            for award_pk, proposal_pk, amount, status, decided_at in awarded:
                for (commitment_pk, _, _), part in zip(
                    call_commitments, _split(amount, commitment_weights), strict=True
                ):
                    shares.append((len(shares) + 1, award_pk, commitment_pk, part))
                records.append(
                    (
                        len(records) + 1,
                        call_pk,
                        proposal_pk,
                        "funded",
                        "ranked",
                        "funded",
                        amount,
                        "",
                        self.officer,
                        decided_at,
                    )
                )
                if status in ("in_progress", "closed"):
                    plan = [("Anticipo", Decimal(40)), ("Stato di avanzamento", Decimal(40)), ("Saldo", Decimal(20))]
                    amounts = [(amount * pct / 100).quantize(CENT, rounding=ROUND_DOWN) for _, pct in plan[:-1]]
                    amounts.append(amount - sum(amounts))
                    signed = (info["results"] + AGREEMENT_AFTER_RESULTS).date()
                    paid_count = 3 if status == "closed" else rng.randint(1, 2)
                    for sequence, ((label, pct), part) in enumerate(zip(plan, amounts, strict=True), start=1):
                        due = signed + timedelta(days=300 * (sequence - 1) + 10)
                        paid = sequence <= paid_count and due <= TODAY
                        installments.append(
                            (
                                len(installments) + 1,
                                award_pk,
                                sequence,
                                label,
                                pct,
                                part,
                                due,
                                "paid" if paid else "planned",
                                due if paid else None,
                            )
                        )
            if info["results"]:
                records.append(
                    (
                        len(records) + 1,
                        call_pk,
                        None,
                        "results_published",
                        "evaluation",
                        "results_published",
                        None,
                        "",
                        self.officer,
                        info["results"],
                    )
                )
        return awards, commitments, shares, installments, records

    # --- Around the proposals ---------------------------------------------------------------------

    def partners(self):
        """An Italian NGO for every proposal (invited while a draft), an origin partner for half."""
        rng = self.rng
        pk = 0
        for index, (proposal_pk, _info, status, _lead) in enumerate(self.proposal_info):
            ngo = self.ngo_org if index % 2000 == 0 else rng.choice(self.ngos)
            response = "invited" if status == "draft" else "confirmed"
            pk += 1
            yield (pk, proposal_pk, ngo, "italian_ngo", response)
            if index % 2 == 0:
                pk += 1
                yield (pk, proposal_pk, rng.choice(self.origin_partners), "origin_partner", "confirmed")

    PARTNER_FIELDS = ["id", "proposal_id", "organisation_id", "role", "response"]

    def evaluation(self):
        """Reviews (two a proposal) in the call under evaluation; consensus scores of every evaluated
        proposal, adding up to its total score (the rankings are computed from them)."""
        rng = self.rng
        reviews, scores, consensus = [], [], []
        for proposal_pk, info, _status, _lead in self.proposal_info:
            total = self.totals.get(proposal_pk)
            if total is None:
                continue
            for criterion, score in zip(self.criteria_of[info["pk"]], self._criterion_scores(total), strict=True):
                consensus.append(
                    (len(consensus) + 1, proposal_pk, criterion, score, "Motivazione.", self.officer,
                     info["closes"] + timedelta(days=60))
                )  # fmt: skip
        for proposal_pk, info, status, _lead in self.proposal_info:
            if info["status"] != "evaluation" or status not in ("under_evaluation", "ranked"):
                continue
            criteria = self.criteria_of[info["pk"]]
            for evaluator in rng.sample(self.evaluators, k=2):
                done = status == "ranked" or rng.random() < 0.5
                review_pk = len(reviews) + 1
                reviews.append(
                    (
                        review_pk,
                        proposal_pk,
                        evaluator,
                        "submitted" if done else "no_conflict",
                        self.now - timedelta(days=60),
                        self.now - timedelta(days=10) if done else None,
                    )
                )
                if done:
                    for criterion in criteria:
                        scores.append(
                            (len(scores) + 1, review_pk, criterion, Decimal(rng.randint(10, 25)), "Commento di prova.")
                        )
        return reviews, scores, consensus

    def _criterion_scores(self, total: Decimal) -> list[Decimal]:
        """Four scores out of 25 (weight 25 each, so the weighted total is their sum) adding up to `total`."""
        quarter = (total / 4).quantize(CENT, rounding=ROUND_UP)
        scores = [quarter, quarter, quarter, total - 3 * quarter]
        shift = Decimal(self.rng.randint(0, int(min(25 - quarter, quarter) * 100))) / 100
        scores[0] += shift
        scores[1] -= shift
        return scores

    def sign_offs_and_requests(self):
        sign_offs, requests = [], []
        for info in self.call_info:
            if not info["results"]:
                continue
            for _, _, funder in info["commitments"]:
                sign_offs.append(
                    (
                        len(sign_offs) + 1,
                        info["pk"],
                        funder,
                        "approved",
                        "bench",
                        self.funder_users[funder],
                        info["results"] - timedelta(days=3),
                    )
                )
        latest = max((info for info in self.call_info if info["results"]), key=lambda i: i["results"], default=None)
        for proposal_pk, info, status, lead in self.proposal_info:
            if info is latest and status == "not_funded" and self.rng.random() < 0.02:
                requests.append(
                    (
                        len(requests) + 1,
                        proposal_pk,
                        "Chiediamo il riesame (dati di prova).",
                        self.org_users[lead],
                        info["results"] + timedelta(days=10),
                        "open",
                    )
                )
        return sign_offs, requests

    def questions(self):
        rows = []
        for info in self.call_info:
            if info["status"] == "draft":
                continue
            for i in range(5):
                answered = i < 4
                rows.append(
                    (
                        len(rows) + 1,
                        info["pk"],
                        f"Domanda {i + 1} sul bando?",
                        self.org_users[self.applicant_org],
                        info["opens"] + timedelta(days=i + 1),
                        "Risposta (dati di prova)." if answered else "",
                        self.officer if answered else None,
                        answered,
                    )
                )
        return rows

    def report_runs(self):
        """Monthly standard reports since 2015, the officer's own runs and funders' runs on their data."""
        rng = self.rng
        rows = []

        def run(kind, fmt, parameters, requested_by, funder, created, scheduled=None):
            pk = len(rows) + 1
            failed = rng.random() < 0.03
            rows.append(
                (
                    pk, kind, fmt, parameters, "failed" if failed else "done", 100 if not failed else 40,
                    "" if failed else f"private/reports/{pk}/{kind}-report-{pk}.{fmt}",
                    "The database did not answer (bench data)." if failed else "",
                    requested_by, funder, 1, scheduled, created, created + timedelta(seconds=5),
                    created + timedelta(seconds=rng.randint(10, 300)),
                )
            )  # fmt: skip

        month = date(2015, 1, 1)
        while month <= TODAY.replace(day=1):
            for kind in ("funding", "country"):
                for fmt in ("csv", "xlsx", "pdf"):
                    run(kind, fmt, {}, None, None, _at(month, 3), scheduled=month)
            month = (month + timedelta(days=32)).replace(day=1)
        scale = max(1, round(self.sizes.proposals / 200))  # 500 runs at full size
        for _ in range(scale):
            run(rng.choice(["funding", "country"]), rng.choice(["csv", "xlsx", "pdf"]), {}, self.officer, None,
                self.now - timedelta(days=rng.randint(1, 3000)))  # fmt: skip
        for funder, user in self.funder_users.items():
            for _ in range(max(1, scale // 25)):
                run(rng.choice(["funding", "country"]), "xlsx", {"funder": funder}, user, funder,
                    self.now - timedelta(days=rng.randint(1, 3000)))  # fmt: skip
        return rows

    REPORT_RUN_FIELDS = [
        "id", "kind", "format", "parameters", "status", "progress", "output", "error", "requested_by_id",
        "funder_id", "attempts", "scheduled_for", "created_at", "started_at", "finished_at",
    ]  # fmt: skip

    # --- Load ---------------------------------------------------------------------------------------

    def load(self, connection=None) -> dict:
        """Write everything in one transaction; returns the row counts per model."""
        connection = connection or default_connection
        connection.ensure_connection()
        sink = RowSink(connection, now=self.now)
        with transaction.atomic(using=connection.alias):
            sink.write(Organisation, self.ORGANISATION_FIELDS, self.organisations())
            users, memberships = self.people()
            sink.write(User, ["id", "email", "full_name", "municipal_role", "is_staff", "password"], users)
            sink.write(Membership, ["id", "user_id", "organisation_id", "role"], memberships)
            self.calls()
            categories, criteria = self.call_rules()
            # Proposals are held as lists until every score of a call is known (ranks).
            proposals = self.finish_proposals(list(self.proposals()))
            sink.write(BudgetLine, self.BUDGET_LINE_FIELDS, self.budget_lines())
            awards, commitments, shares, installments, records = self.money()
            sink.write(Call, self.CALL_FIELDS, [tuple(row) for row in self.call_rows])
            sink.write(EligibleCostCategory, ["id", "call_id", "category", "cap_pct"], categories)
            sink.write(
                EvaluationCriterion,
                ["id", "call_id", "code", "name_it", "name_en", "max_score", "weight", "order"],
                criteria,
            )
            sink.write(FunderCommitment, ["id", "call_id", "funder_id", "amount"], commitments)
            sink.write(Proposal, self.PROPOSAL_FIELDS, (tuple(row) for row in proposals))
            del proposals
            sink.write(ProposalPartner, self.PARTNER_FIELDS, self.partners())
            sink.write(
                Award,
                ["id", "proposal_id", "amount_granted", "reduction_reason", "decided_at", "decided_by_id"],
                awards,
            )
            sink.write(FunderShare, ["id", "award_id", "commitment_id", "amount"], shares)
            sink.write(
                Installment,
                ["id", "award_id", "sequence", "label", "percentage", "amount", "due_date", "status", "paid_on"],
                installments,
            )
            reviews, scores, consensus = self.evaluation()
            sink.write(
                Review, ["id", "proposal_id", "evaluator_id", "status", "conflict_declared_at", "submitted_at"], reviews
            )
            sink.write(ReviewScore, ["id", "review_id", "criterion_id", "score", "comment"], scores)
            sink.write(
                ConsensusScore,
                ["id", "proposal_id", "criterion_id", "score", "justification", "decided_by_id", "decided_at"],
                consensus,
            )
            sign_offs, requests = self.sign_offs_and_requests()
            sink.write(
                FunderSignOff, ["id", "call_id", "funder_id", "decision", "decision_digest", "by_id", "at"], sign_offs
            )
            sink.write(ReviewRequest, ["id", "proposal_id", "text", "filed_by_id", "filed_at", "status"], requests)
            sink.write(
                DecisionRecord,
                ["id", "call_id", "proposal_id", "action", "from_value", "to_value", "amount", "reason", "by_id", "at"],
                records,
            )
            sink.write(
                CallQuestion,
                ["id", "call_id", "question", "asked_by_id", "asked_at", "answer", "answered_by_id", "is_published"],
                self.questions(),
            )
            extra_models = []
            try:
                from reports.models import ReportRun
            except ImportError:  # the report runs are not there yet
                ReportRun = None
            if ReportRun is not None:
                sink.write(ReportRun, self.REPORT_RUN_FIELDS, self.report_runs())
                extra_models.append(ReportRun)
            models = extra_models + [
                Organisation, User, Membership, Call, EligibleCostCategory, EvaluationCriterion, FunderCommitment,
                Proposal, BudgetLine, ProposalPartner, Award, FunderShare, Installment, Review, ReviewScore,
                ConsensusScore, FunderSignOff, ReviewRequest, DecisionRecord, CallQuestion,
            ]  # fmt: skip
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), models):
                    cursor.execute(sql)
        self.enrol_bench_accounts()
        return sink.counts

    def enrol_bench_accounts(self) -> None:
        """Staff need a second factor to see any page: enrol the officer and the evaluators."""
        from accounts.services import user_enrol_totp

        for user in User.objects.filter(municipal_role__in=["officer", "evaluator"]):
            user_enrol_totp(user=user, secret="6PBHALAJKS5NEPNXIMZLCJTRM3AS4QR3")

    def describe(self) -> dict:
        return {
            "sizes": asdict(self.sizes),
            "calls_by_status": {
                status: sum(1 for info in self.call_info if info["status"] == status)
                for status in sorted({info["status"] for info in self.call_info})
            },
            "countries": len(self.countries),
        }


def landmarks() -> dict:
    """What the pages and reports are measured on, read back from the bench database."""

    def code(**filters):
        call = Call.objects.filter(**filters).order_by("-results_published_at", "-opens_at").first()
        return call.code if call else None

    funder = Organisation.objects.filter(legal_name=FUNDER_NAMES[1]).first()
    return {
        "evaluation_call": code(status="evaluation"),
        "latest_results_call": code(status__in=["results_published", "archived"]),
        "open_call": code(status="open"),
        "funder_pk": funder.pk if funder else None,
        "country": "SN",
    }


# The tables whose size the results file states.
COUNTED = [
    Call, FunderCommitment, Organisation, User, Proposal, BudgetLine, ProposalPartner, Award, FunderShare,
    Installment, Review, ReviewScore, ConsensusScore, DecisionRecord,
]  # fmt: skip


def table_sizes() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in COUNTED}
