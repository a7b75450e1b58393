"""Public directory (filters, pagination, bounded queries) and an organisation's public page."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from associations.models import Organisation
from associations.tests.factories import (
    FunderFactory,
    NGOFactory,
    OrganisationFactory,
    PendingOrganisationFactory,
)
from calls.models import Call
from calls.tests.factories import CallFactory
from projects.models import Award, Proposal, ProposalPartner
from projects.tests.factories import ProposalFactory, ProposalPartnerFactory

pytestmark = pytest.mark.django_db


def names(response):
    return [organisation.legal_name for organisation in response.context["organisations"]]


@pytest.fixture
def directory():
    federation = OrganisationFactory(
        kind=Organisation.Kind.FEDERATION, legal_name="Forum Città Mondo", countries_of_origin=[]
    )
    teranga = OrganisationFactory(legal_name="Teranga Naviglio APS", acronym="TNG", countries_of_origin=["SN"])
    teranga.federations.add(federation)
    andes = OrganisationFactory(
        legal_name="Andes Junín Ponte", countries_of_origin=["PE", "BO"], seat_city="Pavia", seat_province="PV"
    )
    ngo = NGOFactory(legal_name="Crocevia Lombardo ETS", seat_city="Bergamo")
    PendingOrganisationFactory(legal_name="In attesa APS")
    OrganisationFactory(legal_name="Respinta APS", verification_status="rejected", rejection_reason="No")
    FunderFactory(legal_name="Fondazione Finanziatrice")
    return {"federation": federation, "teranga": teranga, "andes": andes, "ngo": ngo}


def test_directory_lists_verified_associations_ngos_and_federations(client, directory):
    response = client.get(reverse("associations:directory"))
    assert response.status_code == 200
    assert names(response) == [
        "Andes Junín Ponte",
        "Crocevia Lombardo ETS",
        "Forum Città Mondo",
        "Teranga Naviglio APS",
    ]


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"kind": "ngo"}, ["Crocevia Lombardo ETS"]),
        ({"kind": "federation"}, ["Forum Città Mondo"]),
        ({"country": "PE"}, ["Andes Junín Ponte"]),
        ({"country": "SN"}, ["Teranga Naviglio APS"]),
        ({"city": "Pavia"}, ["Andes Junín Ponte"]),
        ({"q": "tng"}, ["Teranga Naviglio APS"]),
        ({"q": "lombardo"}, ["Crocevia Lombardo ETS"]),
        ({"kind": "migrant_association", "city": "Milano"}, ["Teranga Naviglio APS"]),
    ],
)
def test_directory_filters(client, directory, query, expected):
    assert names(client.get(reverse("associations:directory"), query)) == expected


def test_directory_filter_by_federation(client, directory):
    response = client.get(reverse("associations:directory"), {"federation": directory["federation"].pk})
    assert names(response) == ["Teranga Naviglio APS"]


def test_filters_offer_only_what_the_directory_contains(client, directory):
    form = client.get(reverse("associations:directory")).context["filter"].form
    assert [code for code, _label in form.fields["country"].choices if code] == ["BO", "PE", "SN"]
    assert [city for city, _label in form.fields["city"].choices if city] == ["Bergamo", "Milano", "Pavia"]


def test_directory_pages_keep_the_filters(client):
    OrganisationFactory.create_batch(30, countries_of_origin=["SN"])
    response = client.get(reverse("associations:directory"), {"country": "SN"})
    assert len(response.context["organisations"]) == 25
    assert "country=SN&amp;page=2" in response.content.decode()
    second = client.get(reverse("associations:directory"), {"country": "SN", "page": 2})
    assert len(second.context["organisations"]) == 5


def test_directory_runs_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    federation = OrganisationFactory(kind=Organisation.Kind.FEDERATION, legal_name="Zeta Federazione")
    # More federations in the filter's choices must not cost a query each (their names show the acronym).
    for number in range(6):
        OrganisationFactory(kind=Organisation.Kind.FEDERATION, legal_name=f"Zeta Federazione {number}", acronym="ZF")
    for organisation in OrganisationFactory.create_batch(40):
        organisation.federations.add(federation)
        funded_project(lead=organisation)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("associations:directory"))
    assert response.status_code == 200
    assert response.context["organisations"][0].projects_led == 1


# --- Public page ------------------------------------------------------------------------------


def published_call(**fields):
    """A call whose results are published: only its funded projects are public."""
    return CallFactory(status=Call.Status.RESULTS_PUBLISHED, **fields)


def funded_project(*, lead, call=None, amount="40000.00", partners=(), status=Proposal.Status.FUNDED, **fields):
    call = call or published_call()
    proposal = ProposalFactory(
        call=call,
        lead=lead,
        status=status,
        protocol_sequence=Proposal.objects.filter(call=call).count() + 1,
        submitted_at=timezone.now(),
        **fields,
    )
    if status in Proposal.FUNDED_STATUSES:
        Award.objects.create(proposal=proposal, amount_granted=Decimal(amount), decided_at=timezone.now())
    for partner in partners:
        ProposalPartnerFactory(proposal=proposal, organisation=partner, response=ProposalPartner.Response.CONFIRMED)
    return proposal


@pytest.fixture
def history():
    """Teranga led projects in two editions with Crocevia; Crocevia also partnered Andes."""
    edition_2008 = published_call(code="COSV-2008", year=2008)
    edition_2011 = published_call(code="COSV-2011", year=2011)
    teranga = OrganisationFactory(legal_name="Teranga Naviglio APS")
    andes = OrganisationFactory(legal_name="Andes Junín Ponte")
    crocevia = NGOFactory(legal_name="Crocevia Lombardo ETS")
    origin = OrganisationFactory(
        kind=Organisation.Kind.ORIGIN_PARTNER, legal_name="GIE Jappo Thiès", codice_fiscale="", seat_city="Thiès"
    )
    funded_project(
        lead=teranga, call=edition_2008, title="Orti di Thiès", amount="40000.00", partners=[crocevia, origin]
    )
    funded_project(
        lead=teranga,
        call=edition_2011,
        title="Pesca a Saint-Louis",
        amount="60000.00",
        partners=[crocevia],
        status=Proposal.Status.CLOSED,
    )
    funded_project(lead=andes, call=edition_2011, title="Energia a Huancayo", partners=[crocevia], origin_country="PE")
    # Not funded: private, never on a public page.
    funded_project(lead=teranga, call=edition_2011, title="Progetto scartato", partners=[andes], status="not_funded")
    declined = funded_project(lead=andes, call=edition_2008, title="Senza partner", origin_country="PE")
    ProposalPartnerFactory(proposal=declined, organisation=teranga, response=ProposalPartner.Response.DECLINED)
    return {"teranga": teranga, "andes": andes, "crocevia": crocevia, "origin": origin}


def test_public_page_shows_the_projects_across_editions(client, history):
    response = client.get(reverse("associations:organisation", args=[history["teranga"].pk]))
    assert response.status_code == 200
    rows = [
        (p.call.code, p.call.year, p.title, p.role_here, str(p.award.amount_granted))
        for p in response.context["projects"]
    ]
    assert rows == [
        ("COSV-2011", 2011, "Pesca a Saint-Louis", "lead", "60000.00"),
        ("COSV-2008", 2008, "Orti di Thiès", "lead", "40000.00"),
    ]
    content = response.content.decode()
    assert "Progetto scartato" not in content and "Senza partner" not in content
    assert "COSV-2008" in content and "Senegal" in content


@pytest.mark.parametrize("call_status", [Call.Status.EVALUATION, Call.Status.CLOSED])
def test_projects_of_calls_whose_results_are_not_published_stay_private(client, history, call_status):
    # The decision moves proposals to funded before the funders sign it off: until the results are
    # published nobody outside may learn of it, neither on the page nor in the directory's counts.
    pending = CallFactory(code="COSV-2014", year=2014, status=call_status)
    funded_project(
        lead=history["teranga"], call=pending, title="Decisione non pubblicata", partners=[history["crocevia"]]
    )

    page = client.get(reverse("associations:organisation", args=[history["teranga"].pk]))
    assert [p.title for p in page.context["projects"]] == ["Pesca a Saint-Louis", "Orti di Thiès"]
    assert "Decisione non pubblicata" not in page.content.decode() and "COSV-2014" not in page.content.decode()
    partners = dict((o.legal_name, n) for o, n in page.context["partners"])
    assert partners["Crocevia Lombardo ETS"] == 2

    directory = {o.pk: o for o in client.get(reverse("associations:directory")).context["organisations"]}
    assert directory[history["teranga"].pk].projects_led == 2
    assert directory[history["crocevia"].pk].projects_partnered == 3


def test_public_page_shows_who_worked_with_whom(client, history):
    response = client.get(reverse("associations:organisation", args=[history["teranga"].pk]))
    partners = [(organisation.legal_name, count) for organisation, count in response.context["partners"]]
    assert partners == [("Crocevia Lombardo ETS", 2), ("GIE Jappo Thiès", 1)]
    content = response.content.decode()
    # Listed organisations link to their page; partners in the country of origin have none.
    assert reverse("associations:organisation", args=[history["crocevia"].pk]) in content
    assert reverse("associations:organisation", args=[history["origin"].pk]) not in content


def test_a_partners_page_shows_the_projects_it_joined(client, history):
    response = client.get(reverse("associations:organisation", args=[history["crocevia"].pk]))
    assert [(p.title, p.role_here) for p in response.context["projects"]] == [
        ("Energia a Huancayo", "partner"),
        ("Pesca a Saint-Louis", "partner"),
        ("Orti di Thiès", "partner"),
    ]
    partners = {organisation.legal_name: count for organisation, count in response.context["partners"]}
    assert partners == {"Teranga Naviglio APS": 2, "Andes Junín Ponte": 1, "GIE Jappo Thiès": 1}


def test_public_page_runs_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    lead = OrganisationFactory()
    for _ in range(15):
        funded_project(lead=lead, partners=NGOFactory.create_batch(2))
    with django_assert_max_num_queries(6):
        response = client.get(reverse("associations:organisation", args=[lead.pk]))
    assert len(response.context["projects"]) == 15 and len(response.context["partners"]) == 30


@pytest.mark.parametrize(
    "organisation",
    [
        lambda: PendingOrganisationFactory(),
        lambda: OrganisationFactory(verification_status="rejected", rejection_reason="Sede fuori regione"),
        lambda: FunderFactory(),
    ],
    ids=["pending", "rejected", "funder"],
)
def test_organisations_not_in_the_directory_have_no_public_page(client, organisation):
    assert client.get(reverse("associations:organisation", args=[organisation().pk])).status_code == 404
