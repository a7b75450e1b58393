import factory

from associations.models import Membership, Organisation
from cosviluppo.lib.codicefiscale import entity_codice_fiscale


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = Organisation.Kind.MIGRANT_ASSOCIATION
    legal_name = factory.Sequence(lambda n: f"Associazione di prova {n}")
    codice_fiscale = factory.Sequence(lambda n: entity_codice_fiscale(9_700_000_000 + n))
    seat_city = "Milano"
    seat_province = "MI"
    seat_region = "Lombardia"
    verification_status = Organisation.VerificationStatus.VERIFIED
    countries_of_origin = ["SN"]


class NGOFactory(OrganisationFactory):
    kind = Organisation.Kind.NGO
    legal_name = factory.Sequence(lambda n: f"ONG di prova {n}")
    countries_of_origin = []


class FunderFactory(OrganisationFactory):
    kind = Organisation.Kind.FOUNDATION
    legal_name = factory.Sequence(lambda n: f"Fondazione di prova {n}")
    countries_of_origin = []


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory("accounts.tests.factories.UserFactory")
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.LEGAL_REPRESENTATIVE
