"""The open data of the demo programme (66 funded projects over three calls), checked once.

The demo is loaded once for this module and emptied afterwards, as test_seed_demo does.
"""

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.test import Client, override_settings
from django.urls import reverse

from projects.models import Award, FunderShare, Installment, Proposal
from reports.models import OpenDataFile
from reports.opendata.services import open_data_file_generate

from .opendata_support import (
    MAX_GENERATION_QUERIES,
    body,
    giving360_codelist_problems,
    giving360_schema_errors,
    iati_codelist_problems,
    iati_rule_problems,
    iati_schema_errors,
    parse_360,
    parse_csv,
    parse_iati,
    standards_dir,
)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(DEBUG=True):
        call_command("seed_demo", stdout=StringIO())
    yield
    with django_db_blocker.unblock():
        for stored in OpenDataFile.objects.all():
            stored.file.delete(save=False)
            stored.gzip_file.delete(save=False)
        call_command("flush", interactive=False, verbosity=0)


KINDS = {
    "reports:opendata-360giving": OpenDataFile.Kind.GIVING360,
    "reports:opendata-iati": OpenDataFile.Kind.IATI,
    "reports:transparency-csv": OpenDataFile.Kind.TRANSPARENCY,
}


@pytest.fixture(scope="module")
def downloads(demo, django_db_blocker):
    """Each document, downloaded once for the module: the files seed_demo stored."""
    client = Client()
    found = {}
    with django_db_blocker.unblock():
        assert OpenDataFile.objects.exclude(file="").count() == len(KINDS), "seed_demo stores the open data"
        for name in KINDS:
            response = client.get(reverse(name))
            assert response.status_code == 200
            found[name] = body(response)
    return found


def database_totals() -> dict:
    funded = Proposal.objects.funded()
    return {
        "awarded": Award.objects.filter(proposal__in=funded).aggregate(total=Sum("amount_granted"))["total"],
        "paid": Installment.objects.filter(award__proposal__in=funded, status=Installment.Status.PAID).aggregate(
            total=Sum("amount")
        )["total"],
        "by_funder": {
            f"IT-CF-{row['commitment__funder__codice_fiscale']}": row["total"]
            for row in FunderShare.objects.filter(award__proposal__in=funded)
            .values("commitment__funder__codice_fiscale")
            .annotate(total=Sum("amount"))
        },
    }


@pytest.mark.django_db
class TestDemoOpenData:
    def test_the_360giving_package_is_valid_and_complete(self, downloads):
        folder = standards_dir()
        package = parse_360(downloads["reports:opendata-360giving"])
        assert len(package["grants"]) == Proposal.objects.funded().count() == 66
        assert giving360_schema_errors(folder, package) == []
        assert giving360_codelist_problems(folder, package) == []

    def test_the_360giving_totals_reconcile_to_the_cent(self, downloads):
        grants = parse_360(downloads["reports:opendata-360giving"])["grants"]
        totals = database_totals()
        assert sum(grant["amountAwarded"] for grant in grants) == totals["awarded"]
        assert sum(grant["amountDisbursed"] for grant in grants) == totals["paid"]
        by_funder: dict[str, Decimal] = {}
        for grant in grants:
            for item in grant["commitmentTransaction"]:
                by_funder[item["provider"]] = by_funder.get(item["provider"], Decimal(0)) + item["value"]
        assert by_funder == totals["by_funder"]

    def test_the_iati_file_is_valid_and_complete(self, downloads):
        folder = standards_dir()
        document = parse_iati(downloads["reports:opendata-iati"])
        assert len(list(document.iter("iati-activity"))) == 66
        assert iati_schema_errors(folder, document) == []
        assert iati_codelist_problems(folder, document) == []
        assert iati_rule_problems(document, today=date.today()) == []

    def test_the_iati_totals_reconcile_to_the_cent(self, downloads):
        document = parse_iati(downloads["reports:opendata-iati"])
        totals = database_totals()
        committed = document.xpath("//transaction[transaction-type/@code='2']")
        assert sum(Decimal(item.findtext("value")) for item in committed) == totals["awarded"]
        paid = document.xpath("//transaction[transaction-type/@code='3']/value/text()")
        assert sum(Decimal(value) for value in paid) == totals["paid"]
        by_funder: dict[str, Decimal] = {}
        for item in committed:
            ref = item.find("provider-org").get("ref")
            by_funder[ref] = by_funder.get(ref, Decimal(0)) + Decimal(item.findtext("value"))
        assert by_funder == totals["by_funder"]

    def test_the_transparency_csv_lists_every_grant(self, downloads):
        rows = parse_csv(downloads["reports:transparency-csv"])
        assert len(rows) == 66
        assert sum(Decimal(row["amount_eur"]) for row in rows) == database_totals()["awarded"]
        assert all(len(row["beneficiary_tax_code"]) == 11 for row in rows)
        assert all(row["legal_basis"] and row["responsible_office"] and row["cup"] for row in rows)
        assert {row["call_code"] for row in rows} == {"COSV-2008", "COSV-2010", "COSV-2011"}

    @pytest.mark.parametrize(
        "name", ["reports:opendata-360giving", "reports:opendata-iati", "reports:transparency-csv"]
    )
    def test_generation_queries_stay_within_the_bound_of_two_projects(
        self, demo, client, name, django_assert_max_num_queries
    ):
        """The bound test_opendata_views.py asserts with two projects."""
        with django_assert_max_num_queries(MAX_GENERATION_QUERIES):
            open_data_file_generate(kind=KINDS[name])
        assert body(client.get(reverse(name)))
