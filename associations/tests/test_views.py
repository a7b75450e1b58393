"""The members' area, registration, invitations, statute download and the officers' queue."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from associations.models import Invitation, Membership, Organisation
from associations.services import organisation_reject
from associations.tests.conftest import pdf
from associations.tests.factories import (
    MINIMAL_PDF,
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    PendingOrganisationFactory,
)

pytestmark = pytest.mark.django_db


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def member(organisation, role):
    return MembershipFactory(organisation=organisation, role=role).user


# --- Registration ----------------------------------------------------------------------------------


def test_registration_needs_an_account(client):
    response = client.get(reverse("associations:register"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_register_an_organisation(client, outsider, registration_data):
    client.force_login(outsider)
    assert client.get(reverse("associations:register")).status_code == 200

    response = client.post(reverse("associations:register"), {**registration_data, "statute": pdf()})

    organisation = Organisation.objects.get(codice_fiscale=registration_data["codice_fiscale"])
    assert response.status_code == 302
    assert response["Location"] == reverse("associations:mine", args=[organisation.pk])
    assert organisation.verification_status == "pending"
    assert outsider.memberships.get().role == Membership.Role.LEGAL_REPRESENTATIVE
    page = client.get(response["Location"])
    assert "Waiting for verification" in page.content.decode()


def assert_nothing_saved(outsider, settings):
    assert not Organisation.objects.exists() and not outsider.memberships.exists()
    statutes = settings.MEDIA_ROOT / "private"
    assert not statutes.exists() or not any(path.is_file() for path in statutes.rglob("*"))


def test_an_invalid_codice_fiscale_is_explained_and_the_form_keeps_the_input(
    client, outsider, registration_data, settings
):
    client.force_login(outsider)
    response = client.post(
        reverse("associations:register"), {**registration_data, "codice_fiscale": "12345678901", "statute": pdf()}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "is not a valid codice fiscale" in errors["codice_fiscale"][0]
    content = response.content.decode()
    assert 'value="Associazione Baobab Lambrate APS"' in content and 'value="12345678901"' in content
    assert_nothing_saved(outsider, settings)


def test_a_duplicate_says_how_to_join_the_existing_organisation(client, outsider, registration_data, settings):
    existing = OrganisationFactory(
        codice_fiscale=registration_data["codice_fiscale"], legal_name="Baobab Storica", email="info@storica.example"
    )
    MembershipFactory(organisation=existing, user=UserFactory(email="segreto@example.org"))
    client.force_login(outsider)

    response = client.post(reverse("associations:register"), {**registration_data, "statute": pdf()})

    assert response.status_code == 200
    content = response.content.decode()
    assert "ask its legal representative to invite you" in content
    assert reverse("associations:organisation", args=[existing.pk]) in content
    assert "info@storica.example" in content
    assert "segreto@example.org" not in content  # nobody's personal address
    assert Organisation.objects.count() == 1 and not outsider.memberships.exists()


def test_a_text_file_renamed_pdf_is_refused(client, outsider, registration_data, settings):
    client.force_login(outsider)
    response = client.post(
        reverse("associations:register"),
        {**registration_data, "statute": pdf("statuto.pdf", b"Statuto, versione di testo\n")},
    )
    assert response.status_code == 200
    assert "is not a PDF document" in response.context["form"].errors["statute"][0]
    assert 'value="Associazione Baobab Lambrate APS"' in response.content.decode()
    assert_nothing_saved(outsider, settings)


def test_an_oversize_statute_is_refused(client, outsider, registration_data, settings):
    settings.MAX_UPLOAD_MB = 1
    client.force_login(outsider)
    response = client.post(
        reverse("associations:register"),
        {**registration_data, "statute": pdf("statuto.pdf", MINIMAL_PDF + b" " * (1024 * 1024))},
    )
    assert response.status_code == 200
    assert "is too large" in response.context["form"].errors["statute"][0]
    assert_nothing_saved(outsider, settings)


def test_a_migrant_association_names_its_countries_of_origin(client, outsider, registration_data):
    client.force_login(outsider)
    response = client.post(
        reverse("associations:register"), {**registration_data, "countries_of_origin": [], "statute": pdf()}
    )
    assert "countries_of_origin" in response.context["form"].errors


# --- The members' area -------------------------------------------------------------------------------


def test_members_see_their_organisation_with_its_status(client, applicant, applicant_org):
    client.force_login(applicant)
    response = client.get(reverse("associations:mine", args=[applicant_org.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "org-status-verified" in content and "can apply to calls" in content
    assert response.context["can_manage_members"] and response.context["can_edit"]


def test_a_rejected_organisation_shows_the_reason(client, officer):
    membership = MembershipFactory(organisation=PendingOrganisationFactory())
    organisation_reject(organisation=membership.organisation, reason="Statuto non firmato", by=officer)
    client.force_login(membership.user)
    content = client.get(reverse("associations:mine", args=[membership.organisation.pk])).content.decode()
    assert "org-status-rejected" in content and "Statuto non firmato" in content


@pytest.mark.parametrize("name", ["mine", "edit", "members"])
def test_another_organisations_private_pages_are_not_found(client, ngo_member, applicant_org, name):
    client.force_login(ngo_member)
    assert client.get(reverse(f"associations:{name}", args=[applicant_org.pk])).status_code == 404


@pytest.mark.parametrize(
    "role, codes",
    [
        (Membership.Role.VIEWER, {"mine": 200, "edit": 403, "members": 403}),
        (Membership.Role.EDITOR, {"mine": 200, "edit": 200, "members": 200}),
        (Membership.Role.LEGAL_REPRESENTATIVE, {"mine": 200, "edit": 200, "members": 200}),
    ],
)
def test_pages_by_role(client, applicant_org, role, codes):
    client.force_login(member(applicant_org, role))
    for name, code in codes.items():
        assert client.get(reverse(f"associations:{name}", args=[applicant_org.pk])).status_code == code, name


def test_editors_see_members_but_cannot_manage_them(client, applicant, applicant_org):
    editor = member(applicant_org, Membership.Role.EDITOR)
    client.force_login(editor)
    response = client.get(reverse("associations:members", args=[applicant_org.pk]))
    assert applicant.email in response.content.decode()
    assert "invite_form" not in response.context
    mine = applicant.memberships.get()
    assert (
        client.post(reverse("associations:invite", args=[applicant_org.pk]), {"email": "x@example.org"}).status_code
        == 403
    )
    url = reverse("associations:membership-role", args=[applicant_org.pk, mine.pk])
    assert client.post(url, {"role": "viewer"}).status_code == 403
    url = reverse("associations:membership-remove", args=[applicant_org.pk, mine.pk])
    assert client.post(url).status_code == 403


def test_edit_keeps_the_codice_fiscale_of_a_verified_organisation(client, applicant, applicant_org):
    client.force_login(applicant)
    url = reverse("associations:edit", args=[applicant_org.pk])
    form = client.get(url).context["form"]
    assert form.fields["codice_fiscale"].disabled
    data = {name: value for name, value in form.initial.items() if value not in (None, [])}
    data.update(
        legal_name="Teranga Rinnovata APS",
        codice_fiscale="00000000000",
        countries_of_origin=["SN"],
        seat_street="Via Lodovico il Moro 5",
        legal_representative_name="Fatou Sarr",
    )
    data.pop("federations", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    before = applicant_org.codice_fiscale
    applicant_org.refresh_from_db()
    assert applicant_org.legal_name == "Teranga Rinnovata APS" and applicant_org.codice_fiscale == before


def test_correcting_a_rejected_registration_sends_it_back(client, officer):
    membership = MembershipFactory(organisation=PendingOrganisationFactory())
    organisation = membership.organisation
    organisation_reject(organisation=organisation, reason="Sede mancante", by=officer)
    client.force_login(membership.user)
    url = reverse("associations:edit", args=[organisation.pk])
    form = client.get(url).context["form"]
    assert not form.fields["codice_fiscale"].disabled
    data = {name: value for name, value in form.initial.items() if value not in (None, [])}
    data.update(seat_street="Via Padova 10", countries_of_origin=["SN"], legal_representative_name="Ada Bianchi")
    data.pop("federations", None)
    response = client.post(url, data, follow=True)
    assert "back in the verification queue" in " ".join(messages_of(response))
    organisation.refresh_from_db()
    assert organisation.verification_status == "pending" and organisation.seat_street == "Via Padova 10"


# --- Members and invitations -------------------------------------------------------------------------


def test_a_legal_representative_invites_a_colleague(
    client, applicant, applicant_org, django_capture_on_commit_callbacks
):
    client.force_login(applicant)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("associations:invite", args=[applicant_org.pk]), {"email": "collega@example.org", "role": "editor"}
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.organisation, invitation.role, invitation.invited_by) == (applicant_org, "editor", applicant)
    (message,) = mail.outbox
    assert f"http://testserver/associations/invitations/{invitation.token}/" in message.body
    members_page = client.get(reverse("associations:members", args=[applicant_org.pk])).content.decode()
    assert "collega@example.org" in members_page


def test_an_invalid_invitation_keeps_what_was_typed(client, applicant, applicant_org):
    client.force_login(applicant)
    response = client.post(
        reverse("associations:invite", args=[applicant_org.pk]), {"email": "not-an-address", "role": "editor"}
    )
    assert response.status_code == 200
    assert 'value="not-an-address"' in response.content.decode()
    assert not Invitation.objects.exists()


def test_inviting_a_member_again_is_explained(client, applicant, applicant_org):
    client.force_login(applicant)
    response = client.post(
        reverse("associations:invite", args=[applicant_org.pk]), {"email": applicant.email, "role": "viewer"}
    )
    assert response.status_code == 200
    assert "already a member" in " ".join(messages_of(response))


def test_the_last_legal_representative_is_kept(client, applicant, applicant_org):
    client.force_login(applicant)
    mine = applicant.memberships.get()
    response = client.post(
        reverse("associations:membership-role", args=[applicant_org.pk, mine.pk]), {"role": "viewer"}, follow=True
    )
    assert "only legal representative" in " ".join(messages_of(response))
    response = client.post(reverse("associations:membership-remove", args=[applicant_org.pk, mine.pk]), follow=True)
    assert "only legal representative" in " ".join(messages_of(response))
    mine.refresh_from_db()
    assert mine.role == Membership.Role.LEGAL_REPRESENTATIVE


def test_roles_change_and_members_leave(client, applicant, applicant_org):
    colleague = MembershipFactory(organisation=applicant_org, role=Membership.Role.VIEWER)
    client.force_login(applicant)
    client.post(reverse("associations:membership-role", args=[applicant_org.pk, colleague.pk]), {"role": "editor"})
    colleague.refresh_from_db()
    assert colleague.role == "editor"
    client.post(reverse("associations:membership-remove", args=[applicant_org.pk, colleague.pk]))
    assert not Membership.objects.filter(pk=colleague.pk).exists()


def test_a_membership_of_another_organisation_is_not_found(client, applicant, applicant_org, ngo_member):
    other = ngo_member.memberships.get()
    client.force_login(applicant)
    url = reverse("associations:membership-remove", args=[applicant_org.pk, other.pk])
    assert client.post(url).status_code == 404
    assert Membership.objects.filter(pk=other.pk).exists()


def test_cancel_an_invitation(client, applicant, applicant_org):
    invitation = InvitationFactory(organisation=applicant_org)
    client.force_login(applicant)
    client.post(reverse("associations:invitation-revoke", args=[applicant_org.pk, invitation.pk]))
    assert not Invitation.objects.exists()
    assert client.get(reverse("associations:invitation", args=[invitation.token])).status_code == 404


def test_accepting_an_invitation(client, applicant_org):
    invitation = InvitationFactory(organisation=applicant_org, role=Membership.Role.VIEWER)
    invitee = UserFactory(email=invitation.email)
    url = reverse("associations:invitation", args=[invitation.token])

    anonymous_page = client.get(url)
    assert anonymous_page.status_code == 200
    assert f"next={url}" in anonymous_page.context["login_url"]

    client.force_login(invitee)
    assert client.get(url).context["can_accept"]
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("associations:mine", args=[applicant_org.pk])
    assert invitee.memberships.get().role == Membership.Role.VIEWER

    again = client.post(url, follow=True)
    assert "already been used" in " ".join(messages_of(again))
    assert "Already accepted" in again.content.decode()


def test_a_used_link_is_refused_to_someone_else(client, applicant_org):
    invitation = InvitationFactory(organisation=applicant_org)
    first = UserFactory(email=invitation.email)
    from associations.services import invitation_accept

    invitation_accept(invitation=invitation, user=first)
    client.force_login(UserFactory())
    content = client.get(reverse("associations:invitation", args=[invitation.token])).content.decode()
    assert "Link already used" in content


def test_an_expired_link_is_explained(client, applicant_org):
    invitation = InvitationFactory(organisation=applicant_org, expires_at=timezone.now() - timedelta(hours=1))
    invitee = UserFactory(email=invitation.email)
    client.force_login(invitee)
    url = reverse("associations:invitation", args=[invitation.token])
    assert "Link expired" in client.get(url).content.decode()
    response = client.post(url, follow=True)
    assert "expired" in " ".join(messages_of(response))
    assert not invitee.memberships.exists()


def test_a_link_opened_with_another_account_is_explained(client, applicant_org, outsider):
    invitation = InvitationFactory(organisation=applicant_org)
    client.force_login(outsider)
    url = reverse("associations:invitation", args=[invitation.token])
    response = client.get(url)
    assert response.context["wrong_account"] and not response.context["can_accept"]
    response = client.post(url, follow=True)
    assert "another e-mail address" in " ".join(messages_of(response))
    assert not outsider.memberships.exists()


def test_an_unknown_token_is_not_found(client):
    assert client.get(reverse("associations:invitation", args=["nope"])).status_code == 404


# --- Statute download --------------------------------------------------------------------------------


@pytest.fixture
def pending_with_statute():
    organisation = PendingOrganisationFactory()
    return organisation, MembershipFactory(organisation=organisation).user


def test_members_and_officers_download_the_statute(client, pending_with_statute, officer):
    organisation, representative = pending_with_statute
    for user in (representative, officer):
        client.force_login(user)
        response = client.get(reverse("associations:statute", args=[organisation.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert b"".join(response.streaming_content) == MINIMAL_PDF


def test_a_member_of_another_organisation_cannot_download_the_statute(client, pending_with_statute, applicant):
    organisation, _representative = pending_with_statute
    client.force_login(applicant)
    assert client.get(reverse("associations:statute", args=[organisation.pk])).status_code == 404


def test_the_statute_needs_a_login_and_is_not_under_a_public_url(client, pending_with_statute, settings):
    organisation, _representative = pending_with_statute
    response = client.get(reverse("associations:statute", args=[organisation.pk]))
    assert response.status_code == 302 and "login" in response["Location"]
    assert organisation.statute.name.startswith("private/")
    assert client.get(f"/media/{organisation.statute.name}").status_code == 404


def test_no_statute_no_download(client, applicant, applicant_org):
    client.force_login(applicant)
    assert client.get(reverse("associations:statute", args=[applicant_org.pk])).status_code == 404


# --- Officers ---------------------------------------------------------------------------------------


def test_the_queue_lists_pending_organisations_only(client, officer, applicant_org):
    waiting = PendingOrganisationFactory(legal_name="In coda APS")
    client.force_login(officer)
    response = client.get(reverse("associations:verification-queue"))
    assert list(response.context["organisations"]) == [waiting]


def test_applicants_cannot_open_the_queue_or_decide(client, applicant):
    waiting = PendingOrganisationFactory()
    client.force_login(applicant)
    assert client.get(reverse("associations:verification-queue")).status_code == 403
    assert client.get(reverse("associations:verification-review", args=[waiting.pk])).status_code == 403
    assert client.post(reverse("associations:verify", args=[waiting.pk])).status_code == 403
    waiting.refresh_from_db()
    assert waiting.verification_status == "pending"


def test_review_shows_the_data_and_the_statute(client, officer, pending_with_statute):
    organisation, representative = pending_with_statute
    client.force_login(officer)
    content = client.get(reverse("associations:verification-review", args=[organisation.pk])).content.decode()
    assert organisation.codice_fiscale in content
    assert reverse("associations:statute", args=[organisation.pk]) in content
    assert representative.email in content
    assert reverse("associations:verify", args=[organisation.pk]) in content


def test_officer_verifies(client, officer, pending_with_statute, django_capture_on_commit_callbacks):
    organisation, representative = pending_with_statute
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("associations:verify", args=[organisation.pk]))
    assert response["Location"] == reverse("associations:verification-queue")
    organisation.refresh_from_db()
    assert organisation.is_verified and organisation.can_apply
    assert organisation.status_changes.last().changed_by == officer
    assert [message.to for message in mail.outbox] == [[representative.email]]


def test_officer_rejects_only_with_a_reason(client, officer, pending_with_statute, django_capture_on_commit_callbacks):
    organisation, representative = pending_with_statute
    client.force_login(officer)
    url = reverse("associations:reject", args=[organisation.pk])
    response = client.post(url, {"reason": "  "})
    assert response.status_code == 200 and "reason" in response.context["rejection_form"].errors
    organisation.refresh_from_db()
    assert organisation.verification_status == "pending"

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"reason": "Lo statuto non prevede l'assenza di scopo di lucro."})
    organisation.refresh_from_db()
    assert organisation.verification_status == "rejected"
    assert "scopo di lucro" in organisation.rejection_reason
    assert "scopo di lucro" in mail.outbox[0].body
