import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from associations.models import Organisation
from associations.tests.factories import MINIMAL_PDF
from cosviluppo.lib.codicefiscale import entity_codice_fiscale


@pytest.fixture
def applicant_org(applicant):
    """The verified migrant association of which `applicant` is the legal representative."""
    return applicant.memberships.get().organisation


def pdf(name="statuto.pdf", data=MINIMAL_PDF):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


@pytest.fixture
def registration_data():
    """What a person types in the registration form (without the statute)."""
    return {
        "kind": Organisation.Kind.MIGRANT_ASSOCIATION,
        "legal_name": "Associazione Baobab Lambrate APS",
        "acronym": "BAOBAB",
        "legal_form": Organisation.LegalForm.APS,
        "codice_fiscale": entity_codice_fiscale(8_800_001),
        "seat_street": "Via Conte Rosso 12",
        "seat_city": "Milano",
        "seat_province": "MI",
        "seat_region": "Lombardia",
        "seat_country": "IT",
        "legal_representative_name": "Awa Ndiaye",
        "email": "info@baobab.example",
        "countries_of_origin": ["SN", "GM"],
    }


@pytest.fixture(autouse=True)
def _english(settings):
    """Pages and messages in the source language, whatever the catalogue says."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
