"""The funder dashboard and the programme dashboard: who sees them, their figures against the
database's own sums, what stays hidden before the results, and a bounded number of queries."""

from decimal import Decimal

import pytest
from django.db.models import Count, Sum
from django.urls import reverse

from associations.tests.factories import FunderFactory
from calls.models import Call, FunderCommitment
from calls.tests.factories import FunderCommitmentFactory
from funding.dashboards import funder_dashboard, programme_dashboard
from funding.services import funder_sign_off, funding_propose, results_publish
from funding.tests.factories import funder_member, ranked_call
from projects.models import FunderShare, Proposal, Review
from projects.tests.factories import ReviewFactory
from reports.tests.factories import ReportRunFactory

pytestmark = pytest.mark.django_db

FUNDER_URL = reverse("funding:funder-dashboard")
PROGRAMME_URL = reverse("funding:programme-dashboard")


def co_funded_call(funder, *, amount, ranking, countries=("SN",), publish=True, others=(Decimal("20000.00"),)):
    """A call with `funder` among its funders, its decision proposed and (by default) its results published."""
    ranked = ranked_call(ranking, others)
    FunderCommitmentFactory(call=ranked.call, funder=funder, amount=Decimal(amount))
    for index, proposal in enumerate(ranked.proposals):
        Proposal.objects.filter(pk=proposal.pk).update(origin_country=countries[index % len(countries)])
    funding_propose(call=ranked.call, by=None)
    if publish:
        for commitment in FunderCommitment.objects.filter(call=ranked.call).select_related("funder"):
            funder_sign_off(
                call=ranked.call, funder=commitment.funder, decision="approved", by=funder_member(commitment.funder)
            )
        results_publish(call=ranked.call, by=None)
    ranked.call.refresh_from_db()
    return ranked.call


@pytest.fixture
def funder():
    return FunderFactory(legal_name="Fondazione Cariplo [TEST]")


@pytest.fixture
def member(funder):
    return funder_member(funder)


@pytest.fixture
def programme(funder):
    """Two published calls co-funded by `funder` (Senegal, Peru, Morocco) and one still being decided."""
    first = co_funded_call(
        funder,
        amount="15000.00",
        ranking=[(Decimal("90"), Decimal("10000.00")), (Decimal("80"), Decimal("7000.00"))],
        countries=("SN", "PE"),
    )
    second = co_funded_call(funder, amount="9000.00", ranking=[(Decimal("85"), Decimal("12345.67"))], countries=("MA",))
    deciding = co_funded_call(
        funder,
        amount="40000.00",
        ranking=[(Decimal("88"), Decimal("33333.33"))],
        publish=False,
    )
    return {"published": [first, second], "deciding": deciding}


# --- Funder dashboard ------------------------------------------------------------------------------


def test_the_funder_sees_its_commitments_allocations_and_projects_to_the_cent(client, funder, member, programme):
    client.force_login(member)
    response = client.get(FUNDER_URL)
    assert response.status_code == 200
    board = response.context["board"]

    published = FunderCommitment.objects.filter(funder=funder, call__in=programme["published"])
    expected_allocated = FunderShare.objects.filter(commitment__in=published).aggregate(t=Sum("amount"))["t"]
    assert board.committed == FunderCommitment.objects.filter(funder=funder).aggregate(t=Sum("amount"))["t"]
    assert board.committed_published == published.aggregate(t=Sum("amount"))["t"]
    assert board.allocated == expected_allocated and board.allocated > 0
    assert board.committed == board.allocated + board.left + board.committed_unpublished
    for row in board.commitments:
        if row.published:
            drawn = FunderShare.objects.filter(commitment=row.commitment).aggregate(t=Sum("amount"))["t"]
            assert (row.allocated, row.left) == (drawn, row.committed - drawn)

    # The projects: the published calls' only, with the funder's share and the award.
    shares = FunderShare.objects.filter(commitment__in=published)
    assert {share.pk for share in board.projects} == set(shares.values_list("pk", flat=True))
    assert board.shares_total == expected_allocated and board.projects_total == shares.count()
    by_country = {
        row["award__proposal__origin_country"]: (row["t"], row["n"])
        for row in shares.values("award__proposal__origin_country").annotate(t=Sum("amount"), n=Count("pk"))
    }
    assert {line.country.code: (line.amount, line.projects) for line in board.countries} == by_country
    assert set(by_country) == {"SN", "PE", "MA"}

    html = response.content.decode()
    assert "Commitments per call" in html and "Co-funded projects" in html
    for share in shares.select_related("award__proposal"):
        assert share.award.proposal.title in html
    assert 'data-chart="funder-by-country-data"' in html and "<svg" in html
    assert "Show the data as a table" in html


def test_a_call_still_being_decided_shows_its_commitment_but_not_its_proposed_allocation(
    client, funder, member, programme
):
    deciding = programme["deciding"]
    proposed = FunderShare.objects.get(commitment__call=deciding, commitment__funder=funder)
    assert proposed.amount > 0  # the decision is proposed: the share exists, but is not published

    client.force_login(member)
    response = client.get(FUNDER_URL)
    board = response.context["board"]
    row = next(row for row in board.commitments if row.call.pk == deciding.pk)
    assert (row.committed, row.allocated, row.left, row.projects) == (Decimal("40000.00"), None, None, None)
    assert all(share.pk != proposed.pk for share in board.projects)
    html = response.content.decode()
    assert "not yet published" in html
    assert deciding.proposals.get().title not in html
    assert "33,333.33" not in html  # the proposed award: on the sign-off page only
    assert reverse("funding:signoff", kwargs={"code": deciding.code}) in html


def test_a_member_of_two_funders_chooses_one_and_cannot_open_another_funders_dashboard(
    client, funder, member, programme
):
    other = FunderFactory(legal_name="Fondazione Altra [TEST]")
    second_member_funder = FunderFactory(legal_name="Banca Seconda [TEST]")
    from associations.tests.factories import MembershipFactory

    MembershipFactory(user=member, organisation=second_member_funder)
    client.force_login(member)

    first = client.get(FUNDER_URL)
    assert first.context["funder"] == second_member_funder  # the first by name
    assert 'name="funder"' in first.content.decode()
    chosen = client.get(FUNDER_URL, {"funder": funder.pk})
    assert chosen.context["funder"] == funder and chosen.context["board"].allocated > 0
    assert client.get(FUNDER_URL, {"funder": other.pk}).status_code == 404
    assert client.get(FUNDER_URL, {"funder": "abc"}).status_code == 404


def test_funder_b_sees_nothing_of_funder_a(client, funder, programme):
    other = FunderFactory(legal_name="Fondazione Altra [TEST]")
    outsider_member = funder_member(other)
    client.force_login(outsider_member)
    assert client.get(FUNDER_URL, {"funder": funder.pk}).status_code == 404
    response = client.get(FUNDER_URL)
    assert response.status_code == 200
    assert response.context["board"].commitments == [] and response.context["board"].projects == []
    assert funder.legal_name not in response.content.decode()


def test_people_outside_the_funders_are_refused(client, applicant, officer, admin_user):
    for user in (applicant, officer, admin_user):
        client.force_login(user)
        assert client.get(FUNDER_URL).status_code == 403


def test_the_dashboard_and_the_menu_link_to_the_funder_dashboard(client, member, programme):
    client.force_login(member)
    html = client.get(reverse("dashboard")).content.decode()
    assert html.count(f'href="{FUNDER_URL}"') == 2  # the main menu and the funder's section


@pytest.mark.parametrize("calls", [2, 12])
def test_the_funder_dashboard_runs_a_bounded_number_of_queries(
    client, funder, member, calls, django_assert_max_num_queries
):
    for index in range(calls):
        co_funded_call(
            funder,
            amount="5000.00",
            ranking=[(Decimal("90"), Decimal("2000.00")), (Decimal("80"), Decimal("1500.00"))],
            countries=("SN", "PE", "MA")[index % 3 :],
            publish=index % 4 != 0,
        )
    client.force_login(member)
    # Session, user, memberships (twice: the permission, the funders), commitments, projects, countries.
    with django_assert_max_num_queries(8):
        response = client.get(FUNDER_URL)
    assert response.status_code == 200
    assert len(response.context["board"].commitments) == calls


# --- Programme dashboard ---------------------------------------------------------------------------


def test_the_programme_dashboard_counts_proposals_reviews_and_money_per_call(client, officer, programme):
    deciding = programme["deciding"]
    proposal = deciding.proposals.get()
    assigned = ReviewFactory(proposal=proposal)
    ReviewFactory(proposal=proposal, status=Review.Status.SUBMITTED)
    ReviewFactory(proposal=proposal, status=Review.Status.CONFLICT)
    run = ReportRunFactory(requested_by=officer)

    client.force_login(officer)
    response = client.get(PROGRAMME_URL)
    assert response.status_code == 200
    board = response.context["board"]
    lines = {line.call.pk: line for line in board.calls}
    assert set(lines) == {call.pk for call in [*programme["published"], deciding]}

    statuses = [status for status, _label in board.statuses]
    for call_pk, line in lines.items():
        expected = dict(
            Proposal.objects.filter(call_id=call_pk)
            .values_list("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        )
        assert dict(zip(statuses, line.pipeline, strict=True)) == {s: expected.get(s, 0) for s in statuses}
        money = FunderCommitment.objects.filter(call_id=call_pk).aggregate(t=Sum("amount"))["t"]
        drawn = FunderShare.objects.filter(commitment__call_id=call_pk).aggregate(t=Sum("amount"))["t"]
        assert (line.committed, line.allocated, line.left) == (money, drawn, money - drawn)
    assert board.committed == FunderCommitment.objects.aggregate(t=Sum("amount"))["t"]
    assert board.allocated == FunderShare.objects.aggregate(t=Sum("amount"))["t"]

    line = lines[deciding.pk]
    assert (line.reviews_assigned, line.reviews_submitted, line.reviews_outstanding) == (2, 1, 1)
    assert line.consensus_recorded == 1  # ranked_call gave it the committee's scores
    assert [(row["call"].pk, row["evaluator_id"], row["n"], row["to_declare"]) for row in board.outstanding] == [
        (deciding.pk, assigned.evaluator_id, 1, 1)
    ]
    assert [r.pk for r in board.report_runs] == [run.pk]

    html = response.content.decode()
    assert 'data-chart="programme-pipeline-data"' in html and 'data-chart="programme-budget-data"' in html
    assert "Reviews outstanding per evaluator" in html and "Latest reports" in html


def test_the_programme_dashboard_leaves_drafts_withdrawn_drafts_and_draft_calls_out(officer):
    from projects.tests.factories import ProposalFactory

    draft_call = ranked_call([(Decimal("90"), Decimal("1000.00"))], [Decimal("1000.00")], status=Call.Status.DRAFT)
    open_call = ranked_call([], [Decimal("1000.00")], status=Call.Status.OPEN)
    ProposalFactory(call=open_call.call)  # a draft
    ProposalFactory(call=open_call.call, status=Proposal.Status.WITHDRAWN)  # withdrawn before submission
    board = programme_dashboard()
    calls = {line.call.pk: line for line in board.calls}
    assert draft_call.call.pk not in calls
    assert calls[open_call.call.pk].received == 0


def test_only_programme_officers_open_the_programme_dashboard(client, applicant, evaluator, funder_viewer, officer):
    for user in (applicant, evaluator, funder_viewer):
        client.force_login(user)
        assert client.get(PROGRAMME_URL).status_code == 403
    client.force_login(officer)
    html = client.get(reverse("dashboard")).content.decode()
    assert html.count(f'href="{PROGRAMME_URL}"') == 2  # the main menu and the funding section


@pytest.mark.parametrize("calls", [2, 12])
def test_the_programme_dashboard_runs_a_bounded_number_of_queries(
    client, officer, calls, django_assert_max_num_queries
):
    funder = FunderFactory()
    for index in range(calls):
        call = co_funded_call(
            funder,
            amount="5000.00",
            ranking=[(Decimal("90"), Decimal("2000.00")), (Decimal("80"), Decimal("1500.00"))],
            publish=index % 2 == 0,
        )
        for proposal in call.proposals.all():
            ReviewFactory(proposal=proposal)
        ReportRunFactory(requested_by=officer)
    client.force_login(officer)
    # Session (read and write), user, second factor, then six: calls with money, statuses, reviews,
    # consensus, outstanding reviews per evaluator, report runs.
    with django_assert_max_num_queries(13):
        response = client.get(PROGRAMME_URL)
    assert response.status_code == 200
    assert len(response.context["board"].calls) == min(calls, 8)


def test_the_selectors_agree_with_the_pages(funder, programme):
    board = funder_dashboard(funder)
    assert board.committed == Decimal("64000.00")


def test_the_country_chart_shows_the_ten_largest_shares_and_the_page_sums_the_rest(client, funder, member):
    from funding.views import CHART_COUNTRIES

    countries = ("SN", "PE", "MA", "EC", "UA", "BR", "AR", "BO", "CO", "PK", "BJ", "MD")
    co_funded_call(
        funder,
        amount="200000.00",
        ranking=[(Decimal(90 - i), Decimal(1000 + i * 100)) for i in range(len(countries))],
        countries=countries,
        others=(),
    )
    client.force_login(member)
    response = client.get(FUNDER_URL)
    chart, rest = response.context["country_chart"], response.context["other_countries"]
    values = [Decimal(v) for v in chart["config"]["datasets"][0]["values"]]
    assert len(values) == CHART_COUNTRIES and values == sorted(values, reverse=True)
    assert rest["count"] == 2
    assert sum(values) + rest["amount"] == FunderShare.objects.aggregate(t=Sum("amount"))["t"]
    assert "2 more countries" in response.content.decode()
    assert len(response.context["country_map"].rows) == len(countries)


def test_a_report_run_whose_requester_was_deleted_is_listed_without_a_name(client, officer):
    run = ReportRunFactory(requested_by=None)
    client.force_login(officer)
    response = client.get(PROGRAMME_URL)
    assert response.status_code == 200
    assert reverse("reports:run-detail", kwargs={"pk": run.pk}) in response.content.decode()
