"""The organisations' URLs × roles.

The built organisations belong to nobody among the role fixtures, so their private pages
answer 404 to every signed-in role (a guessed id reveals nothing); the members' own
answers (200, 403 by role) are in test_views.py, where the member is known.
"""

import factory

from associations.models import Membership
from associations.tests.factories import (
    MINIMAL_PDF,
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    PendingOrganisationFactory,
)
from cosviluppo.tests.matrix_roles import everyone, signed_in


def build(data):
    verified = OrganisationFactory(statute=factory.django.FileField(filename="statuto.pdf", data=MINIMAL_PDF))
    member = MembershipFactory(organisation=verified, role=Membership.Role.EDITOR)
    data["associations_verified"] = verified
    data["associations_member"] = member
    data["associations_pending"] = PendingOrganisationFactory()
    data["associations_invitation"] = InvitationFactory(organisation=verified)


def _verified(data):
    return {"pk": data["associations_verified"].pk}


def _pending(data):
    return {"pk": data["associations_pending"].pk}


def _member(data):
    return {"pk": data["associations_verified"].pk, "membership_pk": data["associations_member"].pk}


def _invitation(data):
    return {"pk": data["associations_verified"].pk, "invitation_pk": data["associations_invitation"].pk}


NOT_MINE = signed_in(404)
OFFICERS_ONLY = {**signed_in(403), "officer": 200, "admin_user": 200}

ROWS = {
    "associations:directory": (None, "get", everyone(200)),
    "associations:organisation": (_verified, "get", everyone(200)),
    "associations:register": (None, "get", signed_in(200)),
    "associations:mine": (_verified, "get", NOT_MINE),
    "associations:edit": (_verified, "get", NOT_MINE),
    "associations:members": (_verified, "get", NOT_MINE),
    "associations:invite": (_verified, "post", NOT_MINE),
    "associations:membership-role": (_member, "post", NOT_MINE),
    "associations:membership-remove": (_member, "post", NOT_MINE),
    "associations:invitation-revoke": (_invitation, "post", NOT_MINE),
    "associations:statute": (_verified, "get", {**signed_in(404), "officer": 200, "admin_user": 200}),
    # Anyone holding the link may read it (the token is the secret); accepting needs the invited address.
    "associations:invitation": (lambda data: {"token": data["associations_invitation"].token}, "get", everyone(200)),
    "associations:verification-queue": (None, "get", OFFICERS_ONLY),
    "associations:verification-review": (_pending, "get", OFFICERS_ONLY),
    "associations:verify": (_pending, "post", {**signed_in(403), "officer": 302, "admin_user": 302}),
    # Posted without a reason: the review page again, with the error.
    "associations:reject": (_pending, "post", OFFICERS_ONLY),
}
