from datetime import timedelta

import factory
from django.utils import timezone

from associations.models import Invitation, Membership, Organisation
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


# The smallest bytes a PDF reader and our validator accept.
MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class PendingOrganisationFactory(OrganisationFactory):
    """A migrant association just registered, waiting for the office, with its statute."""

    verification_status = Organisation.VerificationStatus.PENDING
    legal_name = factory.Sequence(lambda n: f"Associazione in attesa {n}")
    statute = factory.django.FileField(filename="statuto.pdf", data=MINIMAL_PDF)


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.Sequence(lambda n: f"invited{n}@example.org")
    role = Membership.Role.EDITOR
    invited_by = factory.SubFactory("accounts.tests.factories.UserFactory")
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=Invitation.VALIDITY_DAYS))
