from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.tests.factories import UserFactory
from associations.models import Invitation, Membership, Organisation
from associations.services import (
    DuplicateOrganisation,
    InvitationNotUsable,
    LastLegalRepresentative,
    invitation_accept,
    invitation_create,
    invitation_revoke,
    membership_change_role,
    membership_remove,
    organisation_register,
    organisation_reject,
    organisation_update,
    organisation_verify,
)
from associations.tests.conftest import pdf
from associations.tests.factories import (
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    PendingOrganisationFactory,
)
from cosviluppo.lib.exceptions import DomainError, TransitionNotAllowed

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


# --- Registration ----------------------------------------------------------------------------


def test_register_creates_a_pending_organisation_with_its_legal_representative(outsider, registration_data):
    organisation = organisation_register(by=outsider, data=registration_data, statute=pdf())

    organisation.refresh_from_db()
    assert organisation.verification_status == Organisation.VerificationStatus.PENDING
    assert not organisation.can_apply
    assert [(m.user, m.role) for m in organisation.memberships.all()] == [
        (outsider, Membership.Role.LEGAL_REPRESENTATIVE)
    ]
    change = organisation.status_changes.get()
    assert (change.from_status, change.to_status, change.changed_by) == ("", "pending", outsider)
    assert organisation.statute.name == f"private/statutes/{organisation.pk}/statuto.pdf"
    assert organisation.statute.read().startswith(b"%PDF-")
    assert [str(code) for code in organisation.countries_of_origin] == ["GM", "SN"]


def test_register_sets_the_federations(outsider, registration_data):
    federation = OrganisationFactory(kind=Organisation.Kind.FEDERATION)
    organisation = organisation_register(by=outsider, data=registration_data, federations=[federation], statute=pdf())
    assert list(organisation.federations.all()) == [federation]


def test_register_refuses_a_duplicate_codice_fiscale_and_says_how_to_join(outsider, registration_data):
    existing = OrganisationFactory(codice_fiscale=registration_data["codice_fiscale"], legal_name="Baobab già qui")

    with pytest.raises(DuplicateOrganisation) as refused:
        organisation_register(by=outsider, data=registration_data, statute=pdf())

    assert refused.value.existing == existing
    assert "Baobab già qui" in refused.value.message and "invite" in refused.value.message
    assert Organisation.objects.count() == 1 and not outsider.memberships.exists()


def test_duplicate_of_a_pending_organisation_does_not_reveal_its_name(outsider, registration_data):
    PendingOrganisationFactory(codice_fiscale=registration_data["codice_fiscale"], legal_name="Nome riservato")
    with pytest.raises(DuplicateOrganisation) as refused:
        organisation_register(by=outsider, data=registration_data)
    assert "Nome riservato" not in refused.value.message


def test_register_refuses_an_invalid_codice_fiscale(outsider, registration_data):
    with pytest.raises(ValidationError) as refused:
        organisation_register(by=outsider, data={**registration_data, "codice_fiscale": "12345678901"})
    assert "codice_fiscale" in refused.value.message_dict
    assert not Organisation.objects.exists()


def test_register_refuses_kinds_entered_by_the_office(outsider, registration_data):
    with pytest.raises(DomainError):
        organisation_register(by=outsider, data={**registration_data, "kind": Organisation.Kind.BANK})


def test_a_failed_registration_leaves_no_row_and_no_file(outsider, registration_data, settings, monkeypatch):
    from associations import services

    def broken_audit():
        raise RuntimeError("disk full")

    original = services._store_statute

    def store_then_fail(organisation, statute):
        original(organisation, statute)
        broken_audit()

    monkeypatch.setattr(services, "_store_statute", store_then_fail)
    with pytest.raises(RuntimeError):
        organisation_register(by=outsider, data=registration_data, statute=pdf())

    assert not Organisation.objects.exists() and not Membership.objects.exists()
    statutes = settings.MEDIA_ROOT / "private" / "statutes"
    assert not statutes.exists() or not any(path.is_file() for path in statutes.rglob("*"))


# --- Corrections -------------------------------------------------------------------------------


def test_update_cannot_change_the_codice_fiscale_of_a_verified_organisation(applicant, applicant_org):
    from cosviluppo.lib.codicefiscale import entity_codice_fiscale

    with pytest.raises(DomainError):
        organisation_update(
            organisation=applicant_org, data={"codice_fiscale": entity_codice_fiscale(5_550_001)}, by=applicant
        )
    organisation_update(organisation=applicant_org, data={"legal_name": "Nuovo nome APS"}, by=applicant)
    applicant_org.refresh_from_db()
    assert applicant_org.legal_name == "Nuovo nome APS" and applicant_org.is_verified


def test_correcting_a_rejected_organisation_sends_it_back_to_the_queue(officer):
    membership = MembershipFactory(organisation=PendingOrganisationFactory())
    organisation = membership.organisation
    organisation_reject(organisation=organisation, reason="Manca lo statuto firmato", by=officer)

    organisation_update(
        organisation=organisation, data={"acronym": "NEW"}, statute=pdf("firmato.pdf"), by=membership.user
    )

    organisation.refresh_from_db()
    assert organisation.verification_status == "pending" and organisation.rejection_reason == ""
    assert [c.to_status for c in organisation.status_changes.all()] == ["rejected", "pending"]
    assert organisation.statute.name.endswith("firmato.pdf")


def test_replacing_the_statute_deletes_the_old_file_after_commit(
    applicant, applicant_org, django_capture_on_commit_callbacks
):
    organisation_update(organisation=applicant_org, data={}, statute=pdf("primo.pdf"), by=applicant)
    applicant_org.refresh_from_db()
    first = applicant_org.statute.name
    storage = applicant_org.statute.storage
    with django_capture_on_commit_callbacks(execute=True):
        organisation_update(organisation=applicant_org, data={}, statute=pdf("secondo.pdf"), by=applicant)
    applicant_org.refresh_from_db()
    assert applicant_org.statute.name.endswith("secondo.pdf")
    assert not storage.exists(first) and storage.exists(applicant_org.statute.name)


def test_an_organisation_cannot_go_back_to_pending_once_verified(officer, applicant_org):
    from associations.services import _organisation_set_status

    with pytest.raises(TransitionNotAllowed):
        _organisation_set_status(organisation=applicant_org, to="pending", by=officer, reason="", now=timezone.now())


# --- Verification e-mails ------------------------------------------------------------------------


def test_verify_tells_every_member_in_their_language(officer, django_capture_on_commit_callbacks):
    organisation = PendingOrganisationFactory(legal_name="Teranga Test APS")
    MembershipFactory(organisation=organisation, user=UserFactory(email="rep@example.org", preferred_language="en"))
    MembershipFactory(
        organisation=organisation,
        role=Membership.Role.VIEWER,
        user=UserFactory(email="viewer@example.org", preferred_language="it"),
    )

    with django_capture_on_commit_callbacks(execute=True):
        organisation_verify(organisation=organisation, by=officer, site_url="https://cosviluppo.example")

    assert sorted(message.to[0] for message in mail.outbox) == ["rep@example.org", "viewer@example.org"]
    english = next(message for message in mail.outbox if message.to == ["rep@example.org"])
    assert english.subject == "Teranga Test APS is verified"
    assert f"https://cosviluppo.example/associations/{organisation.pk}/manage/" in english.body


def test_verify_again_sends_nothing(officer, applicant_org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        organisation_verify(organisation=applicant_org, by=officer)
    assert mail.outbox == []


def test_reject_sends_the_reason(officer, django_capture_on_commit_callbacks):
    membership = MembershipFactory(organisation=PendingOrganisationFactory(), user__preferred_language="en")
    with django_capture_on_commit_callbacks(execute=True):
        organisation_reject(organisation=membership.organisation, reason="Sede fuori dalla Lombardia", by=officer)
    (message,) = mail.outbox
    assert message.to == [membership.user.email]
    assert "was not accepted" in message.subject
    assert "Sede fuori dalla Lombardia" in message.body
    assert f"/associations/{membership.organisation.pk}/manage/edit/" in message.body
    assert membership.organisation.status_changes.get().to_status == "rejected"


def test_demo_loads_can_verify_without_e_mails(officer, django_capture_on_commit_callbacks):
    membership = MembershipFactory(organisation=PendingOrganisationFactory())
    with django_capture_on_commit_callbacks(execute=True):
        organisation_verify(organisation=membership.organisation, by=officer, notify=False)
    assert mail.outbox == [] and membership.organisation.status_changes.get().to_status == "verified"


# --- Invitations ------------------------------------------------------------------------------------


def test_invitation_is_sent_with_a_single_use_link_valid_seven_days(
    applicant, applicant_org, django_capture_on_commit_callbacks
):
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_create(
            organisation=applicant_org,
            email="Colleague@Example.org ",
            role=Membership.Role.EDITOR,
            by=applicant,
            site_url="https://cosviluppo.example",
            now=now,
        )
    assert invitation.email == "colleague@example.org"
    assert invitation.expires_at == now + timedelta(days=7)
    assert len(invitation.token) >= 40
    (message,) = mail.outbox
    assert message.to == ["colleague@example.org"]
    assert f"https://cosviluppo.example/associations/invitations/{invitation.token}/" in message.body


def test_tokens_are_unique(applicant, applicant_org):
    first = invitation_create(organisation=applicant_org, email="a@example.org", role="viewer", by=applicant)
    second = invitation_create(organisation=applicant_org, email="b@example.org", role="viewer", by=applicant)
    assert first.token != second.token


def test_cannot_invite_a_member_or_someone_already_invited(applicant, applicant_org):
    with pytest.raises(DomainError, match="already a member"):
        invitation_create(organisation=applicant_org, email=applicant.email.upper(), role="editor", by=applicant)
    invitation_create(organisation=applicant_org, email="x@example.org", role="editor", by=applicant)
    with pytest.raises(DomainError, match="already waiting"):
        invitation_create(organisation=applicant_org, email="x@example.org", role="viewer", by=applicant)


def test_an_expired_invitation_does_not_block_a_new_one(applicant, applicant_org):
    InvitationFactory(organisation=applicant_org, email="x@example.org", expires_at=timezone.now() - timedelta(days=1))
    invitation_create(organisation=applicant_org, email="x@example.org", role="editor", by=applicant)
    assert applicant_org.invitations.count() == 2


def test_accepting_makes_a_member_with_the_invited_role_and_uses_the_link():
    invitation = InvitationFactory(role=Membership.Role.VIEWER)
    invitee = UserFactory(email=invitation.email.upper())

    membership = invitation_accept(invitation=invitation, user=invitee)

    assert (membership.organisation, membership.role) == (invitation.organisation, "viewer")
    invitation.refresh_from_db()
    assert invitation.accepted_by == invitee and invitation.accepted_at is not None
    with pytest.raises(InvitationNotUsable, match="already been used"):
        invitation_accept(invitation=invitation, user=invitee)


def test_an_expired_invitation_cannot_be_accepted():
    invitation = InvitationFactory()
    invitee = UserFactory(email=invitation.email)
    with pytest.raises(InvitationNotUsable, match="expired"):
        invitation_accept(invitation=invitation, user=invitee, now=invitation.expires_at + timedelta(seconds=1))
    assert not Membership.objects.filter(user=invitee).exists()


def test_an_invitation_works_only_for_the_invited_address():
    invitation = InvitationFactory()
    stranger = UserFactory(email="someone.else@example.org")
    with pytest.raises(InvitationNotUsable, match="another e-mail address"):
        invitation_accept(invitation=invitation, user=stranger)
    invitation.refresh_from_db()
    assert not invitation.is_accepted


def test_a_revoked_invitation_disappears(applicant, applicant_org):
    invitation = InvitationFactory(organisation=applicant_org)
    invitation_revoke(invitation=invitation, by=applicant)
    assert not Invitation.objects.exists()


# --- Roles and the last legal representative ------------------------------------------------------


def test_the_last_legal_representative_cannot_be_demoted_or_removed(applicant):
    membership = applicant.memberships.get()
    with pytest.raises(LastLegalRepresentative):
        membership_change_role(membership=membership, role=Membership.Role.EDITOR, by=applicant)
    with pytest.raises(LastLegalRepresentative):
        membership_remove(membership=membership, by=applicant)
    membership.refresh_from_db()
    assert membership.role == Membership.Role.LEGAL_REPRESENTATIVE


def test_a_legal_representative_can_step_down_once_there_is_another(applicant, applicant_org):
    mine = applicant.memberships.get()
    colleague = MembershipFactory(organisation=applicant_org, role=Membership.Role.EDITOR)

    membership_change_role(membership=colleague, role=Membership.Role.LEGAL_REPRESENTATIVE, by=applicant)
    membership_change_role(membership=mine, role=Membership.Role.VIEWER, by=applicant)

    mine.refresh_from_db()
    assert mine.role == Membership.Role.VIEWER
    with pytest.raises(LastLegalRepresentative):
        membership_remove(membership=colleague, by=colleague.user)
    membership_remove(membership=mine, by=colleague.user)
    assert list(applicant_org.memberships.all()) == [colleague]


def test_editors_and_viewers_can_be_removed(applicant, applicant_org):
    editor = MembershipFactory(organisation=applicant_org, role=Membership.Role.EDITOR)
    membership_remove(membership=editor, by=applicant)
    assert not Membership.objects.filter(pk=editor.pk).exists()


def test_an_unknown_role_is_refused(applicant):
    with pytest.raises(DomainError):
        membership_change_role(membership=applicant.memberships.get(), role="owner", by=applicant)
