"""Submitting a proposal while the task queue (Redis) is down: the submission succeeds, the
applicant sees its protocol number, and the confirmation e-mails wait in the outbox until the
queue is back. The broker is an address where nothing listens, and tasks are really published."""

import time

import pytest
from django.core import mail
from django.urls import reverse

from associations.models import Membership
from associations.tests.factories import MembershipFactory
from cosviluppo.testing import CLOSED_BROKER_URL, send_tasks_to
from outbox.models import OutboxEmail
from outbox.services import outbox_deliver_due
from projects.models import Proposal
from projects.tests.factories import eligible_call, eligible_proposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposal():
    return eligible_proposal(call=eligible_call(code="COSV-2012"))


@pytest.fixture
def signer(proposal):
    return MembershipFactory(organisation=proposal.lead, role=Membership.Role.LEGAL_REPRESENTATIVE).user


def test_a_submission_with_the_broker_down_succeeds_and_its_emails_leave_later(
    client, proposal, signer, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    send_tasks_to(monkeypatch, CLOSED_BROKER_URL)
    # A first submission with the broker down warms the process (templates, translations), so
    # the one timed below measures what the broker costs.
    warm_up = eligible_proposal(call=eligible_call(code="COSV-2011"))
    warm_up_signer = MembershipFactory(organisation=warm_up.lead, role=Membership.Role.LEGAL_REPRESENTATIVE).user
    client.force_login(warm_up_signer)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("projects:proposal-submit", args=[warm_up.pk])).status_code == 302
    OutboxEmail.objects.all().delete()
    client.force_login(signer)

    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("projects:proposal-submit", args=[proposal.pk]))
    elapsed = time.monotonic() - started

    assert response.status_code == 302
    assert elapsed < 0.5, f"the submission took {elapsed:.2f} s with the broker down"
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED
    assert proposal.protocol_number == "COSV-2012-0001"
    page = client.get(response["Location"]).content.decode()
    assert "COSV-2012-0001" in page
    queued = OutboxEmail.objects.filter(status=OutboxEmail.Status.QUEUED)
    assert signer.email in [address for email in queued for address in email.to]
    assert mail.outbox == []
    assert "The task queue did not take outbox.email_deliver" in caplog.text

    # The broker is back: the sweep (beat, every minute) delivers them.
    monkeypatch.undo()
    sent = outbox_deliver_due()

    assert sorted(sent) == sorted(email.pk for email in queued)
    assert not OutboxEmail.objects.exclude(status=OutboxEmail.Status.SENT).exists()
    assert signer.email in [address for message in mail.outbox for address in message.to]
    assert all(email.delivery_attempts.filter(succeeded=True).count() == 1 for email in OutboxEmail.objects.all())
