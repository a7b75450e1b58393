"""The message thread's service: who writes, who is told, what is refused."""

import uuid

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


def test_with_notify_false_a_message_is_stored_and_nobody_is_told(
    proposal, officer, django_capture_on_commit_callbacks
):
    lead_member(proposal)

    with django_capture_on_commit_callbacks(execute=True):
        proposal_message_post(proposal=proposal, body="Serve la firma.", by=officer, notify=False)

    assert ProposalMessage.objects.get().body == "Serve la firma."
    assert mail.outbox == []


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


# --- One message per form -----------------------------------------------------------------------


def thread_url(proposal):
    from django.urls import reverse

    return reverse("evaluation:messages", kwargs={"pk": proposal.pk})


def shown_token(client, proposal) -> str:
    """The token of the message form as the page shows it."""
    return str(client.get(thread_url(proposal)).context["form"]["form_token"].value())


def test_the_same_form_posted_twice_stores_one_message_and_tells_once(
    client, proposal, officer, django_capture_on_commit_callbacks
):
    lead_member(proposal)
    client.force_login(officer)
    posted = {"body": "Serve la lettera firmata.", "form_token": shown_token(client, proposal)}

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(thread_url(proposal), posted)
        second = client.post(thread_url(proposal), posted)  # a double click

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == thread_url(proposal)
    assert ProposalMessage.objects.count() == 1
    assert len(mail.outbox) == 1


def test_two_forms_store_two_messages(client, proposal, officer):
    client.force_login(officer)
    for _ in range(2):
        posted = {"body": "Serve la lettera firmata.", "form_token": shown_token(client, proposal)}
        assert client.post(thread_url(proposal), posted).status_code == 302
    assert ProposalMessage.objects.count() == 2


def test_every_page_shows_a_new_token(client, proposal, officer):
    client.force_login(officer)
    assert shown_token(client, proposal) != shown_token(client, proposal)


def test_a_post_without_a_token_is_stored_as_before(proposal, officer):
    proposal_message_post(proposal=proposal, body="Uno.", by=officer)
    proposal_message_post(proposal=proposal, body="Uno.", by=officer)
    assert ProposalMessage.objects.count() == 2


def test_a_token_used_by_someone_else_is_refused(proposal, officer):
    token = uuid.uuid4()
    proposal_message_post(proposal=proposal, body="Uno.", by=officer, form_token=token)
    with pytest.raises(DomainError):
        proposal_message_post(proposal=proposal, body="Due.", by=lead_member(proposal), form_token=token)
    assert ProposalMessage.objects.count() == 1
