"""`make bench` at a tiny size: the generator keeps the models' rules, the measurements have their shape.

The generator writes with COPY on PostgreSQL and with bulk INSERTs elsewhere, so this runs on
whichever database the suite uses.
"""

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Count, Sum

from associations.models import Organisation
from bench import generate
from bench.generate import Programme, Sizes
from bench.output import print_tables, summarise
from bench.pages import Page, measure_page, measure_pages
from bench.reports import FLOORS, Report, resolve_parameters, time_floor
from calls.models import Call, FunderCommitment
from projects.models import Award, BudgetLine, FunderShare, Installment, Proposal
from projects.services import protocol_number_for

TINY = Sizes(calls=6, organisations=150, proposals=240, lines_per_proposal=4, evaluators=3)


@pytest.fixture
def programme(db):
    built = Programme(TINY, seed=7)
    counts = built.load()
    return built, counts


def test_generator_writes_the_sizes_asked_for(programme):
    _built, counts = programme
    assert Organisation.objects.count() == counts["associations.Organisation"] == 150
    assert Proposal.objects.count() == 240
    assert BudgetLine.objects.count() == 240 * 4
    # Six calls with proposals and the next edition's draft.
    assert Call.objects.count() == 7
    assert set(Call.objects.values_list("status", flat=True)) == {
        "archived",
        "results_published",
        "evaluation",
        "closed",
        "open",
        "draft",
    }
    assert Award.objects.exists() and FunderShare.objects.exists() and Installment.objects.exists()
    # Countries of origin on several continents.
    assert Proposal.objects.values("origin_country").distinct().count() > 10


def test_generated_money_reconciles_to_the_cent(programme):
    for award in Award.objects.annotate(shares_total=Sum("shares__amount"), n=Count("shares")):
        assert award.shares_total == award.amount_granted
        requested = BudgetLine.objects.filter(proposal_id=award.proposal_id).aggregate(s=Sum("amount_requested"))["s"]
        assert award.amount_granted <= requested
    for commitment in FunderCommitment.objects.annotate(drawn=Sum("shares__amount")):
        assert (commitment.drawn or Decimal(0)) <= commitment.amount
    for call in Call.objects.annotate(pool=Sum("commitments__amount")):
        assert call.announced_budget == call.pool
    for line in BudgetLine.objects.all()[:200]:
        assert line.total_cost == line.amount_requested + line.cofinancing_own + line.cofinancing_other
    for award in Award.objects.filter(installments__isnull=False).annotate(paid=Sum("installments__amount")):
        assert award.paid == award.amount_granted


def test_generated_statuses_follow_the_calls(programme):
    outcomes = {"funded", "in_progress", "closed", "reserve", "not_funded"}
    published = Proposal.objects.filter(call__status__in=["results_published", "archived"])
    assert not Proposal.objects.exclude(pk__in=published).filter(status__in=outcomes).exists()
    assert not Proposal.objects.filter(call__status="draft").exists()
    numbers = list(Proposal.objects.exclude(protocol_number="").values_list("protocol_number", flat=True))
    assert len(numbers) == len(set(numbers))
    assert not Proposal.objects.filter(status="draft").exclude(protocol_number="").exists()
    # Spelled as the portal spells them when a proposal is submitted.
    for proposal in Proposal.objects.exclude(protocol_number="").select_related("call")[:200]:
        assert proposal.protocol_number == protocol_number_for(proposal.call, proposal.protocol_sequence)


def test_pages_are_measured_with_their_queries(programme):
    landmarks = generate.landmarks()
    result = measure_page(Page("home", "anonymous", "home"), landmarks, runs=2)
    assert result["status"] == "measured"
    assert 0 < result["queries"] < 20
    assert result["median_ms"] > 0 and isinstance(result["pass"], bool)
    # Staff pages go through the two-factor middleware: the bench officer is enrolled.
    officer = measure_page(Page("dashboard", "officer", "dashboard"), landmarks, runs=1)
    assert officer["status"] == "measured", officer
    missing = measure_pages(landmarks, pages=[Page("nothing", "anonymous", "reports:no-such-page")], log=lambda _: None)
    assert missing[0]["status"] == "not available"


def test_sql_floors_run_and_count_the_funded_projects(programme):
    landmarks = generate.landmarks()
    for kind in FLOORS:
        floor = time_floor(kind, {}, runs=1)
        assert floor["floor_s"] > 0 and floor["floor_rows"] > 0
    # The floor's project rows are the funded projects of the calls with published results.
    funded = Proposal.objects.funded().filter(call__status__in=["results_published", "archived"]).count()
    with connection.cursor() as cursor:
        sql, params = FLOORS["funding"]({})[1]
        cursor.execute(sql, params)
        assert len(cursor.fetchall()) == funded
    parameters = resolve_parameters(Report("funding", "pdf", {"calls": ["latest_results_call"]}).parameters, landmarks)
    assert parameters == {"calls": [landmarks["latest_results_call"]]}


def test_results_summary_and_table():
    results = {
        "sizes": {"projects.Proposal": 240},
        "load": {"total_s": 1.0, "load_s": 0.5},
        "pages": [
            {"name": "home", "role": "anonymous", "status": "measured", "queries": 9, "median_ms": 12.0}
            | {"queries_ok": True, "time_ok": True, "pass": True},
            {"name": "later", "role": "officer", "status": "not available", "reason": "NoReverseMatch"},
        ],
        "reports": [
            {"name": "funding csv", "status": "measured", "report_s": 2.0, "floor_s": 0.5, "ratio": 4.0}
            | {"peak_rss_mb": 120.0, "ratio_ok": False, "memory_ok": True, "pass": False},
        ],
    }
    results["summary"] = summarise(results)
    assert results["summary"]["pages"] == {
        "measured": 1,
        "passed": 1,
        "missed": [],
        "not_available": ["later"],
        "errors": [],
    }
    assert results["summary"]["reports"]["missed"] == ["funding csv"]
    json.dumps(results)
    lines = []
    print_tables(results, out=lines.append)
    text = "\n".join(lines)
    assert "home" in text and "not available" in text and "MISS" in text


def test_rankings_come_from_the_consensus_scores(programme):
    from evaluation.ranking import compute_ranking

    call = Call.objects.get(code=generate.landmarks()["latest_results_call"])
    ranking = compute_ranking(call)
    assert ranking
    for entry in ranking:
        assert entry.total_score == entry.proposal.total_score


def test_the_sql_floor_computes_the_figures_the_reports_print(programme):
    """The floor is a fair one: its numbers are the reports' numbers, to the cent."""
    import io

    from reports.generation import write_report

    with connection.cursor() as cursor:
        sql, params = FLOORS["funding"]({})[3]  # budgets of the funded projects by cost category
        cursor.execute(sql, params)
        by_category = cursor.fetchall()
        sql, params = FLOORS["country"]({})[0]  # proposals received and associations, by country
        cursor.execute(sql, params)
        received = {row[0]: row[1:] for row in cursor.fetchall()}
        sql, params = FLOORS["country"]({})[1]  # projects funded and amounts granted, by country
        cursor.execute(sql, params)
        funded = {row[0]: row[1:] for row in cursor.fetchall()}

    funding_csv = io.BytesIO()
    write_report("funding", "csv", {}, funding_csv)
    text = funding_csv.getvalue().decode("utf-8-sig")
    assert by_category
    for _category, total, requested, own, other in by_category:
        assert f"{total:.2f},{requested:.2f},{own:.2f},{other:.2f}" in text

    country_csv = io.BytesIO()
    write_report("country", "csv", {}, country_csv)
    text = country_csv.getvalue().decode("utf-8-sig")
    assert funded
    for country, (projects, granted) in funded.items():
        proposals, associations = received[country]
        assert f"{proposals},{projects},{associations},{granted:.2f}" in text
