import pytest

from associations.models import Organisation
from associations.services import organisation_reject, organisation_verify
from associations.tests.factories import OrganisationFactory
from cosviluppo.lib.exceptions import DomainError

pytestmark = pytest.mark.django_db


def test_verify_records_the_change_once(officer):
    org = OrganisationFactory(verification_status=Organisation.VerificationStatus.PENDING)
    organisation_verify(organisation=org, by=officer)
    organisation_verify(organisation=org, by=officer)
    org.refresh_from_db()
    assert org.is_verified and org.verified_at is not None
    assert [(c.from_status, c.to_status) for c in org.status_changes.all()] == [("pending", "verified")]


def test_reject_needs_a_reason(officer):
    org = OrganisationFactory(verification_status=Organisation.VerificationStatus.PENDING)
    with pytest.raises(DomainError):
        organisation_reject(organisation=org, reason="  ", by=officer)
    organisation_reject(organisation=org, reason="Statuto non conforme", by=officer)
    org.refresh_from_db()
    assert org.verification_status == "rejected" and org.rejection_reason == "Statuto non conforme"
    assert org.status_changes.get().reason == "Statuto non conforme"
