"""The public open-data page: figures equal to the database's, the map and chart, the filterable
list of funded projects, the published-results rule and a bounded number of queries."""

import re
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Sum
from django.urls import reverse

from calls.models import Call, CostCategory
from calls.tests.factories import CallFactory, FunderCommitmentFactory
from projects.models import Award, Proposal
from projects.tests.factories import BudgetLineFactory

from .opendata_support import funded_project

pytestmark = pytest.mark.django_db

ROME = ZoneInfo("Europe/Rome")
URL = reverse("reports:opendata")
# Headline figures (8), projects by country (1), the call editions of the filter form (1), the
# list's count and page (2), and the call edition a filter names (1).
MAX_PAGE_QUERIES = 14  # 13 + the stored open-data files (when each was generated)

# Country of origin and amount granted of the projects of the published call.
PUBLISHED = [("SN", "48000.00"), ("SN", "33333.33"), ("PE", "40000.55")]


def _project(call, country: str, amount: str, *, title: str = "", category: str = CostCategory.HUMAN_RESOURCES):
    proposal = funded_project(
        call, amount=Decimal(amount), title=title, decided=datetime(2011, 10, 21, 12, tzinfo=ROME)
    )
    Proposal.objects.filter(pk=proposal.pk).update(origin_country=country)
    if category != CostCategory.HUMAN_RESOURCES:
        BudgetLineFactory(proposal=proposal, category=category, amount_requested=Decimal("100.00"))
    return proposal


def _set_status(call, status):
    Call.objects.filter(pk=call.pk).update(status=status)


@pytest.fixture
def programme():
    """COSV-2011 with its results published (three projects, in Senegal and Peru), COSV-2012
    archived (one in Ukraine with a training budget line) and COSV-2013 whose results are not out
    yet (one in Morocco, already funded by the decision)."""
    first = CallFactory(code="COSV-2011", year=2011)
    FunderCommitmentFactory(call=first, amount=Decimal("500000.00"))
    for index, (country, amount) in enumerate(PUBLISHED):
        _project(first, country, amount, title=f"Progetto {country} {index}")
    second = CallFactory(code="COSV-2012", year=2012)
    FunderCommitmentFactory(call=second, amount=Decimal("100000.00"))
    _project(second, "UA", "20000.00", title="Orti a Leopoli", category=CostCategory.TRAINING)
    hidden = CallFactory(code="COSV-2013", year=2013)
    FunderCommitmentFactory(call=hidden, amount=Decimal("90000.00"))
    _project(hidden, "MA", "7777.77", title="Segreto fino alla pubblicazione")
    _set_status(first, Call.Status.RESULTS_PUBLISHED)
    _set_status(second, Call.Status.ARCHIVED)
    _set_status(hidden, Call.Status.EVALUATION)
    return {"first": first, "second": second, "hidden": hidden}


def _list_html(html: str) -> str:
    start = html.index('<div id="funded-projects">')
    return html[start : html.index("</table>", start)] if "<table" in html[start:] else html[start:]


def _listed_titles(html: str) -> list[str]:
    return re.findall(r'<th scope="row">([^<]+)</th>', _list_html(html))


def _number(html: str, key: str) -> str:
    return re.search(rf'data-number="{key}">([^<]*)<', html).group(1)


def test_anyone_sees_the_page_with_figures_equal_to_the_database(client, programme):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    published = Proposal.objects.filter(
        status__in=Proposal.FUNDED_STATUSES, call__status__in=["results_published", "archived"]
    )
    granted = Award.objects.filter(proposal__in=published).aggregate(total=Sum("amount_granted"))["total"]
    assert granted == Decimal("141333.88")
    assert _number(html, "total_cofunding") == "€ 141,333.88"
    assert _number(html, "projects_funded") == str(published.count()) == "4"
    assert _number(html, "countries") == "3"
    assert _number(html, "calls_with_results") == "2"
    assert _number(html, "funders") == "2"
    assert _number(html, "proposals_received") == str(Proposal.objects.submitted().count())


def test_the_map_and_its_table_give_projects_and_amounts_per_country(client, programme):
    html = client.get(URL).content.decode()
    assert '<svg class="cosv-world-map"' in html and 'aria-labelledby="funded-map-title funded-map-desc"' in html
    assert "<title>Senegal: 2</title>" in html and "<title>Peru: 1</title>" in html
    senegal = re.search(
        r'<th scope="row">Senegal</th>\s*<td class="text-end">2</td>\s*<td class="text-end">([^<]+)<', html
    )
    assert senegal.group(1) == "€ 81,333.33"  # 48,000.00 + 33,333.33, to the cent


def test_the_continent_chart_adds_up_the_countries(client, programme):
    html = client.get(URL).content.decode()
    assert '<canvas data-chart="funded-by-continent-data"' in html
    data = re.search(r'<script id="funded-by-continent-data" type="application/json">(.*?)</script>', html).group(1)
    assert '"labels": ["Africa", "Americas", "Europe"]' in data
    assert '"values": ["81333.33", "40000.55", "20000.00"]' in data
    assert '<th scope="row">Europe</th>\n                <td class="text-end">€ 20,000.00</td>' in html
    assert "includes/chart_scripts.html" not in html and "cosviluppo/charts.js" in html


def test_projects_of_calls_without_published_results_stay_out(client, programme):
    html = client.get(URL).content.decode()
    assert "Segreto fino alla pubblicazione" not in html
    assert "<title>Morocco</title>" in html  # drawn, without a value
    assert "Morocco:" not in html and '<th scope="row">Morocco' not in html and "7,777.77" not in html
    assert "COSV-2013" not in html
    assert client.get(URL, {"call": "COSV-2013"}).status_code == 200
    assert "Segreto" not in client.get(URL, {"country": "MA"}).content.decode()


def test_the_list_shows_each_project_with_its_links(client, programme):
    html = client.get(URL).content.decode()
    # Newest edition first.
    assert _listed_titles(html) == ["Orti a Leopoli", "Progetto SN 0", "Progetto SN 1", "Progetto PE 2"]
    project = Proposal.objects.select_related("lead", "award").get(title="Orti a Leopoli")
    row = _list_html(html).split("Orti a Leopoli", 1)[1].split("</tr>", 1)[0]
    assert f'href="{reverse("associations:organisation", args=[project.lead_id])}">{project.lead.legal_name}<' in row
    assert "<td>Ukraine</td>" in row
    assert f'href="{reverse("calls:detail", args=["COSV-2012"])}">COSV-2012<' in row
    assert "€ 20,000.00" in row
    assert f'href="{reverse("funding:results", args=["COSV-2012"])}">Results of COSV-2012<' in row
    assert '<p id="funded-projects-count" role="status" class="fw-semibold">4 funded projects</p>' in html


@pytest.mark.parametrize(
    ("filters", "titles"),
    [
        ({"country": "SN"}, ["Progetto SN 0", "Progetto SN 1"]),
        ({"continent": "americas"}, ["Progetto PE 2"]),
        ({"continent": "europe"}, ["Orti a Leopoli"]),
        ({"call": "COSV-2011"}, ["Progetto SN 0", "Progetto SN 1", "Progetto PE 2"]),
        ({"cost_category": CostCategory.TRAINING}, ["Orti a Leopoli"]),
        ({"cost_category": CostCategory.HUMAN_RESOURCES, "continent": "africa"}, ["Progetto SN 0", "Progetto SN 1"]),
        ({"continent": "oceania"}, []),
    ],
)
def test_filters_filter_the_list(client, programme, filters, titles):
    html = client.get(URL, filters).content.decode()
    assert _listed_titles(html) == titles
    if not titles:
        assert "No funded project matches these filters." in html
    # The figures, the map and the chart stay those of the whole programme.
    assert _number(html, "projects_funded") == "4"


def test_the_filter_form_is_a_labelled_get_form(client, programme):
    html = client.get(URL).content.decode()
    form = html[html.index('<form method="get"') : html.index("</form>", html.index('<form method="get"'))]
    for name, label in [
        ("country", "Country of origin"),
        ("continent", "Continent"),
        ("call", "Call edition"),
        ("cost_category", "Cost category"),
    ]:
        assert f'<label for="id_{name}">{label}</label>' in form
        assert f'name="{name}"' in form
    assert 'hx-get="/opendata/"' in form and 'hx-push-url="true"' in form
    assert '<button type="submit"' in form
    # Only the countries with published projects, by name; only the published editions.
    assert '<option value="PE">Peru</option>' in form and 'value="MA"' not in form
    assert '<option value="COSV-2012">' in form and 'value="COSV-2013"' not in form


def test_an_unknown_filter_value_shows_the_whole_list_and_the_error(client, programme):
    html = client.get(URL, {"continent": "atlantis"}).content.decode()
    assert len(_listed_titles(html)) == 4
    assert "Select a valid choice." in html


def test_an_htmx_request_gets_the_list_alone_with_the_new_count(client, programme):
    html = client.get(URL, {"country": "SN"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in html and "cosv-world-map" not in html
    assert _listed_titles(html) == ["Progetto SN 0", "Progetto SN 1"]
    assert '<span id="funded-projects-count" hx-swap-oob="innerHTML">2 funded projects</span>' in html
    # Restoring the history asks for the whole page.
    restored = client.get(URL, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in restored.content.decode()


def test_the_list_has_25_projects_a_page(client, programme):
    first = programme["first"]
    for index in range(26):
        _project(first, "PE", "1000.00", title=f"Extra {index:02d}")
    html = client.get(URL).content.decode()
    assert len(_listed_titles(html)) == 25
    assert "Funded projects, page 1 of 2" in html
    assert 'href="?page=2"' in html
    second = client.get(URL, {"page": 2}).content.decode()
    assert len(_listed_titles(second)) == 30 - 25
    filtered = client.get(URL, {"country": "PE"}).content.decode()
    assert 'href="?country=PE&amp;page=2"' in filtered


@pytest.mark.parametrize("filters", [{}, {"continent": "americas", "call": "COSV-2011", "cost_category": "A"}])
def test_the_page_costs_the_same_queries_for_few_and_many_projects(
    client, programme, filters, django_assert_max_num_queries
):
    with django_assert_max_num_queries(MAX_PAGE_QUERIES):
        assert client.get(URL, filters).status_code == 200
    first = programme["first"]
    for index in range(37):
        _project(first, ["PE", "EC", "BO", "SN"][index % 4], "1000.00", title=f"Extra {index:02d}")
    assert Proposal.objects.funded().results_published().count() == 41
    with django_assert_max_num_queries(MAX_PAGE_QUERIES):
        html = client.get(URL, filters).content.decode()
    assert len(_listed_titles(html)) == 25
