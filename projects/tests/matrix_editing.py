"""The drafting URLs × roles.

The built draft belongs to an association none of the role fixtures is a member of, with an
NGO partner none of them acts for: every page about it answers 404 to every signed-in role
(drafts are private even to officers), and a login redirect to anonymous visitors. Starting a
proposal is for members of a verified migrant association (the applicant fixture); the
members' own answers (lead, partner, frozen after submission) are in test_editing*.py.
"""

from cosviluppo.tests.matrix_roles import LOGIN, signed_in


def build(data):
    from associations.models import Membership
    from associations.tests.factories import MembershipFactory, OrganisationFactory
    from calls.tests.factories import CallFactory, RequiredAttachmentFactory
    from projects.tests.factories import ProposalAttachmentFactory, ProposalFactory, ProposalPartnerFactory

    call = CallFactory()
    RequiredAttachmentFactory(call=call)
    lead = OrganisationFactory()
    MembershipFactory(organisation=lead, role=Membership.Role.EDITOR)
    draft = ProposalFactory(call=call, lead=lead)
    data["editing_call"] = call
    data["editing_draft"] = draft
    data["editing_partner"] = ProposalPartnerFactory(proposal=draft)
    data["editing_attachment"] = ProposalAttachmentFactory(proposal=draft)


def _draft(data):
    return {"pk": data["editing_draft"].pk}


def _step(data):
    return {"pk": data["editing_draft"].pk, "step": "summary"}


def _partner(data):
    return {"pk": data["editing_draft"].pk, "partner_pk": data["editing_partner"].pk}


def _attachment(data):
    return {"pk": data["editing_draft"].pk, "attachment_pk": data["editing_attachment"].pk}


NOT_MINE = signed_in(404)

ROWS = {
    "projects:proposal-start": (
        lambda data: {"code": data["editing_call"].code},
        "get",
        {**signed_in(403), "anonymous": LOGIN, "applicant": 200},
    ),
    "projects:proposal-detail": (_draft, "get", NOT_MINE),
    "projects:proposal-edit": (_step, "get", NOT_MINE),
    "projects:proposal-autosave": (_step, "post", NOT_MINE),
    "projects:proposal-budget-totals": (_draft, "post", NOT_MINE),
    "projects:partner-invite": (_draft, "post", NOT_MINE),
    "projects:partner-add-origin": (_draft, "post", NOT_MINE),
    "projects:partner-remove": (_partner, "post", NOT_MINE),
    "projects:partner-respond": (lambda data: {"pk": data["editing_partner"].pk}, "get", NOT_MINE),
    "projects:attachment-upload": (_draft, "post", NOT_MINE),
    "projects:attachment-download": (_attachment, "get", NOT_MINE),
    "projects:attachment-delete": (_attachment, "post", NOT_MINE),
}
