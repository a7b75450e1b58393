"""Partners of a draft: inviting an Italian NGO, its answer, partners in the country of origin."""

import pytest
from django.core import mail
from django.urls import reverse

from associations.models import Membership, Organisation
from associations.tests.factories import MembershipFactory, NGOFactory, OrganisationFactory
from projects.models import ProposalPartner
from projects.services import partner_respond, proposal_partner_invite, proposal_submit
from projects.tests.factories import ProposalFactory, ProposalPartnerFactory, eligible_proposal

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def member(organisation, role=Membership.Role.EDITOR, **user):
    return MembershipFactory(
        organisation=organisation, role=role, **{f"user__{key}": value for key, value in user.items()}
    ).user


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def lead():
    return OrganisationFactory(legal_name="Teranga Naviglio Grande APS")


@pytest.fixture
def editor(lead):
    return member(lead)


@pytest.fixture
def draft(lead, editor):
    return ProposalFactory(lead=lead, title="Orti di Thiès")


@pytest.fixture
def ngo():
    return NGOFactory(legal_name="Terre Unite ETS")


def partners_url(proposal):
    return reverse("projects:proposal-edit", args=[proposal.pk, "partners"])


def respond_url(partner):
    return reverse("projects:partner-respond", args=[partner.pk])


# --- Inviting an NGO ----------------------------------------------------------------------------------


def test_the_lead_invites_a_verified_ngo_and_its_members_are_told(
    client, draft, editor, ngo, django_capture_on_commit_callbacks
):
    ngo_editor = member(ngo, Membership.Role.EDITOR, preferred_language="en")
    ngo_representative = member(ngo, Membership.Role.LEGAL_REPRESENTATIVE)
    member(ngo, Membership.Role.VIEWER)  # cannot answer: not told
    client.force_login(editor)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("projects:partner-invite", args=[draft.pk]),
            {"invite-organisation": ngo.pk, "invite-contribution": "Rendicontazione e sensibilizzazione a Milano."},
        )

    assert response.status_code == 302 and response["Location"] == partners_url(draft)
    partner = ProposalPartner.objects.get(proposal=draft)
    assert (partner.organisation, partner.role, partner.response) == (ngo, "italian_ngo", "invited")
    assert partner.invited_by == editor and partner.invited_at is not None
    assert sorted(message.to[0] for message in mail.outbox) == sorted([ngo_editor.email, ngo_representative.email])
    english = next(message for message in mail.outbox if message.to == [ngo_editor.email])
    assert "Teranga Naviglio Grande APS invites you" in english.subject
    assert "Orti di Thiès" in english.body
    assert respond_url(partner) in english.body
    assert "Rendicontazione e sensibilizzazione a Milano." in english.body


def test_only_verified_ngos_can_be_invited(client, draft, editor):
    pending = NGOFactory(verification_status=Organisation.VerificationStatus.PENDING)
    association = OrganisationFactory()
    verified = NGOFactory()
    client.force_login(editor)

    page = client.get(partners_url(draft)).content.decode()
    assert f'value="{verified.pk}"' in page
    assert f'value="{pending.pk}"' not in page and f'value="{association.pk}"' not in page

    for organisation in (pending, association):
        response = client.post(
            reverse("projects:partner-invite", args=[draft.pk]), {"invite-organisation": organisation.pk}
        )
        assert response.status_code == 200 and response.context["invite_form"].errors
    assert not ProposalPartner.objects.exists()


def test_an_ngo_already_invited_is_not_offered_again(client, draft, editor, ngo):
    ProposalPartnerFactory(proposal=draft, organisation=ngo)
    client.force_login(editor)
    assert f'value="{ngo.pk}"' not in client.get(partners_url(draft)).content.decode()


def test_an_ngo_that_declined_can_be_asked_again(draft, editor, ngo, django_capture_on_commit_callbacks):
    partner = ProposalPartnerFactory(proposal=draft, organisation=ngo, response=ProposalPartner.Response.DECLINED)
    member(ngo)

    with django_capture_on_commit_callbacks(execute=True):
        again = proposal_partner_invite(proposal=draft, organisation=ngo, by=editor)

    assert again.pk == partner.pk and again.response == ProposalPartner.Response.INVITED
    assert again.responded_at is None and len(mail.outbox) == 1


# --- The NGO's answer ----------------------------------------------------------------------------------


@pytest.fixture
def invitation(draft, ngo):
    return ProposalPartnerFactory(proposal=draft, organisation=ngo, contribution="Rendicontazione.")


def test_an_ngo_editor_confirms_and_the_lead_is_told(
    client, invitation, editor, lead, django_capture_on_commit_callbacks
):
    ngo_editor = member(invitation.organisation)
    client.force_login(ngo_editor)

    page = client.get(respond_url(invitation))
    assert page.status_code == 200
    assert "Orti di Thiès" in page.content.decode() and "Rendicontazione." in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(respond_url(invitation), {"decision": "confirm"}, follow=True)

    invitation.refresh_from_db()
    assert invitation.response == ProposalPartner.Response.CONFIRMED
    assert invitation.responded_by == ngo_editor and invitation.responded_at is not None
    assert any("You confirmed" in message for message in messages_of(response))
    assert [message.to for message in mail.outbox] == [[editor.email]]
    assert "confirmed" in mail.outbox[0].subject


def test_an_ngo_editor_declines(client, invitation, django_capture_on_commit_callbacks):
    client.force_login(member(invitation.organisation))

    with django_capture_on_commit_callbacks(execute=True):
        client.post(respond_url(invitation), {"decision": "decline"})

    invitation.refresh_from_db()
    assert invitation.response == ProposalPartner.Response.DECLINED
    assert "declined" in mail.outbox[0].subject


def test_the_partner_reads_the_proposal_with_a_link_to_its_answer(client, invitation):
    client.force_login(member(invitation.organisation))
    page = client.get(reverse("projects:proposal-detail", args=[invitation.proposal_id])).content.decode()
    assert "You are a partner" in page and respond_url(invitation) in page
    assert "Before it can be submitted" not in page


def test_an_answer_can_change_while_the_proposal_is_a_draft(client, invitation):
    client.force_login(member(invitation.organisation))
    client.post(respond_url(invitation), {"decision": "decline"})
    # After declining, the NGO no longer sees the proposal, but its answer page stays.
    assert client.get(respond_url(invitation)).status_code == 200
    client.post(respond_url(invitation), {"decision": "confirm"})
    invitation.refresh_from_db()
    assert invitation.response == ProposalPartner.Response.CONFIRMED


def test_a_viewer_of_the_ngo_reads_but_cannot_answer(client, invitation):
    client.force_login(member(invitation.organisation, Membership.Role.VIEWER))
    page = client.get(respond_url(invitation))
    assert page.status_code == 200 and "Confirm the partnership" not in page.content.decode()
    assert client.post(respond_url(invitation), {"decision": "confirm"}).status_code == 403
    invitation.refresh_from_db()
    assert invitation.response == ProposalPartner.Response.INVITED


def test_a_member_of_another_ngo_gets_404(client, invitation):
    client.force_login(member(NGOFactory()))
    assert client.get(respond_url(invitation)).status_code == 404
    assert client.post(respond_url(invitation), {"decision": "confirm"}).status_code == 404


def test_the_lead_cannot_answer_for_the_ngo(client, invitation, editor):
    client.force_login(editor)
    assert client.get(respond_url(invitation)).status_code == 404


def test_the_answer_is_final_once_the_proposal_is_submitted(client):
    proposal = proposal_submit(proposal=eligible_proposal(), by=None)
    partner = proposal.partners.get()
    client.force_login(member(partner.organisation))

    page = client.get(respond_url(partner)).content.decode()
    assert "can no longer change" in page and "Confirm the partnership" not in page
    assert client.post(respond_url(partner), {"decision": "decline"}).status_code == 403
    partner.refresh_from_db()
    assert partner.response == ProposalPartner.Response.CONFIRMED


def test_an_invalid_answer_changes_nothing(client, invitation):
    client.force_login(member(invitation.organisation))
    response = client.post(respond_url(invitation), {"decision": "maybe"})
    assert response.status_code == 200
    invitation.refresh_from_db()
    assert invitation.response == ProposalPartner.Response.INVITED


def test_partners_in_the_country_of_origin_do_not_answer(draft, editor):
    from cosviluppo.lib.exceptions import DomainError

    partner = ProposalPartnerFactory(
        proposal=draft,
        organisation=OrganisationFactory(kind=Organisation.Kind.ORIGIN_PARTNER, codice_fiscale=""),
        role=ProposalPartner.Role.ORIGIN_PARTNER,
    )
    with pytest.raises(DomainError):
        partner_respond(partner=partner, accept=True, by=editor)


# --- Partners in the country of origin ------------------------------------------------------------------


def test_a_partner_in_the_country_of_origin_is_added_without_an_account(client, draft, editor):
    client.force_login(editor)

    response = client.post(
        reverse("projects:partner-add-origin", args=[draft.pk]),
        {
            "origin-legal_name": "GIE Jappo Thiès",
            "origin-country": "SN",
            "origin-region": "Thiès",
            "origin-city": "Thiès",
            "origin-contribution": "Realizza le attività a Thiès.",
        },
    )

    assert response.status_code == 302
    partner = ProposalPartner.objects.select_related("organisation").get(proposal=draft)
    organisation = partner.organisation
    assert (partner.role, partner.response) == ("origin_partner", "confirmed")
    assert partner.contribution == "Realizza le attività a Thiès."
    assert organisation.kind == Organisation.Kind.ORIGIN_PARTNER
    assert organisation.legal_name == "GIE Jappo Thiès"
    assert organisation.seat_country.code == "SN" and organisation.seat_city == "Thiès"
    assert organisation.codice_fiscale == "" and not organisation.memberships.exists()


def test_an_origin_partner_needs_a_name_and_a_country(client, draft, editor):
    client.force_login(editor)
    response = client.post(reverse("projects:partner-add-origin", args=[draft.pk]), {"origin-legal_name": " "})
    assert response.status_code == 200
    assert set(response.context["origin_form"].errors) == {"legal_name", "country"}
    assert not ProposalPartner.objects.exists()


# --- Removing partners ---------------------------------------------------------------------------------


def test_a_partner_is_removed_from_a_draft(client, invitation, editor):
    client.force_login(editor)
    response = client.post(reverse("projects:partner-remove", args=[invitation.proposal_id, invitation.pk]))
    assert response.status_code == 302
    assert not ProposalPartner.objects.filter(pk=invitation.pk).exists()
    assert Organisation.objects.filter(pk=invitation.organisation_id).exists()


def test_removing_an_origin_partner_removes_the_organisation_created_for_it(client, draft, editor):
    client.force_login(editor)
    client.post(
        reverse("projects:partner-add-origin", args=[draft.pk]), {"origin-legal_name": "GIE", "origin-country": "SN"}
    )
    partner = ProposalPartner.objects.get(proposal=draft)

    client.post(reverse("projects:partner-remove", args=[draft.pk, partner.pk]))

    assert not Organisation.objects.filter(pk=partner.organisation_id).exists()


def test_a_partner_of_another_proposal_cannot_be_removed(client, draft, editor):
    foreign = ProposalPartnerFactory()
    client.force_login(editor)
    assert client.post(reverse("projects:partner-remove", args=[draft.pk, foreign.pk])).status_code == 404
    assert ProposalPartner.objects.filter(pk=foreign.pk).exists()


def test_the_partners_page_shows_each_answer_in_words(client, draft, editor):
    ProposalPartnerFactory(proposal=draft, response=ProposalPartner.Response.INVITED)
    ProposalPartnerFactory(proposal=draft, response=ProposalPartner.Response.DECLINED)
    client.force_login(editor)
    page = client.get(partners_url(draft)).content.decode()
    assert "waiting for an answer" in page and "declined" in page
    assert "<caption" in page and 'scope="col"' in page
