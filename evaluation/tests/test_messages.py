"""The message thread's service: who writes, who is told, what is refused."""

import pytest
from django.core import mail

from cosviluppo.lib.exceptions import DomainError
from evaluation.models import ProposalMessage
from evaluation.services import proposal_message_post
from evaluation.services.messages import MAX_MESSAGE_LENGTH
from evaluation.tests.factories import lead_member, review


def test_office_messages_go_to_every_lead_member(proposal, officer, django_capture_on_commit_callbacks):
    members = [lead_member(proposal), lead_member(proposal)]

    with django_capture_on_commit_callbacks(execute=True):
        message = proposal_message_post(proposal=proposal, body="  Serve la firma.  ", by=officer)

    assert (message.body, message.from_staff, message.author) == ("Serve la firma.", True, officer)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(member.email for member in members)
    assert "Serve la firma." in mail.outbox[0].body


@pytest.mark.parametrize("body", ["", "   ", "x" * (MAX_MESSAGE_LENGTH + 1)])
def test_empty_or_huge_messages_are_refused(proposal, officer, body):
    with pytest.raises(DomainError):
        proposal_message_post(proposal=proposal, body=body, by=officer)
    assert not ProposalMessage.objects.exists()


def test_evaluators_cannot_write_even_when_assigned(proposal, evaluator):
    review(proposal, evaluator)

    with pytest.raises(DomainError):
        proposal_message_post(proposal=proposal, body="Una domanda.", by=evaluator)


def test_the_admin_lists_the_evaluation_records_read_only(admin_client, proposal, officer):
    from django.urls import reverse

    message = proposal_message_post(proposal=proposal, body="Serve la firma.", by=officer)

    changelist = admin_client.get(reverse("admin:evaluation_proposalmessage_changelist"))
    assert changelist.status_code == 200 and str(message.pk) in changelist.content.decode()
    assert admin_client.get(reverse("admin:evaluation_proposalmessage_add")).status_code == 403
    for name in ("admissibilitycheck", "clarificationrequest", "evaluationevent"):
        assert admin_client.get(reverse(f"admin:evaluation_{name}_changelist")).status_code == 200
