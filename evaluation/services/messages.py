"""The message thread of a proposal between the programme office and the lead's members."""

from datetime import datetime
from uuid import UUID

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cosviluppo.lib.emails import absolute_url
from cosviluppo.lib.exceptions import DomainError
from cosviluppo.lib.idempotency import save_once
from cosviluppo.lib.permissions import is_staff_officer
from projects.models import Proposal

from ..models import ProposalMessage
from ._common import notify_lead_members, notify_officers

MAX_MESSAGE_LENGTH = 10_000


def proposal_message_post(
    *,
    proposal: Proposal,
    body: str,
    by: User,
    now: datetime | None = None,
    form_token: UUID | None = None,
    notify: bool = True,
) -> ProposalMessage:
    """Add a message to the thread and tell the other side by e-mail: the lead's members when
    the office writes, the programme officers when an applicant writes. Evaluators and anyone
    else are refused (the view answers 404 before getting here).

    `form_token` is the token of the form that sent it (cosviluppo.lib.idempotency): the same
    form posted again returns the message it stored, and nobody is told twice. With `notify`
    False nobody is told at all."""
    from ..permissions import can_post_message

    now = now or timezone.now()
    body = (body or "").strip()
    if not body:
        raise DomainError(_("Write a message."))
    if len(body) > MAX_MESSAGE_LENGTH:
        raise DomainError(_("The message is too long (at most %(max)s characters).") % {"max": MAX_MESSAGE_LENGTH})
    if not can_post_message(by, proposal):
        raise DomainError(_("Only the programme office and the lead association take part in this thread."))
    from_staff = is_staff_officer(by)
    with transaction.atomic():
        message, created = save_once(
            ProposalMessage(proposal=proposal, author=by, from_staff=from_staff, body=body, sent_at=now),
            form_token=form_token,
        )
        if not created:
            if message.author_id != by.pk or message.proposal_id != proposal.pk:
                raise DomainError(_("This form was already used. Reload the page to write a new message."))
            return message
        link = absolute_url(reverse("evaluation:messages", kwargs={"pk": proposal.pk}))
        context = {"message": message, "proposal": proposal, "link": link}
        if notify and from_staff:
            notify_lead_members(proposal=proposal, template="evaluation/emails/message_to_applicant", context=context)
        elif notify:
            notify_officers(template="evaluation/emails/message_to_office", context=context)
    return message
