"""proposal_submit and proposal_withdraw (projects/services/submission.py)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from accounts.tests.factories import UserFactory
from associations.models import Membership
from associations.tests.factories import MembershipFactory, OrganisationFactory
from calls.models import Territory
from cosviluppo.lib.emails import absolute_url
from cosviluppo.lib.exceptions import DomainError, TransitionNotAllowed
from projects import eligibility
from projects.models import BudgetLine, Proposal, ProposalPartner, ProposalStatusChange
from projects.services import (
    ProposalNotEligible,
    SubmissionClosed,
    WithdrawalClosed,
    proposal_submit,
    proposal_transition,
    proposal_withdraw,
)
from projects.tests.factories import ProposalPartnerFactory, eligible_call, eligible_proposal

pytestmark = pytest.mark.django_db

SECOND = timedelta(seconds=1)


@pytest.fixture
def call():
    return eligible_call(code="COSV-2012")


@pytest.fixture
def proposal(call):
    return eligible_proposal(call=call)


@pytest.fixture
def signer(proposal):
    return MembershipFactory(organisation=proposal.lead, role=Membership.Role.LEGAL_REPRESENTATIVE).user


def snapshot(proposal) -> dict:
    """Everything a refused submission must leave as it was."""
    row = Proposal.objects.get(pk=proposal.pk)
    return {
        "status": row.status,
        "protocol_number": row.protocol_number,
        "protocol_sequence": row.protocol_sequence,
        "submitted_at": row.submitted_at,
        "version": row.version,
        "updated_at": row.updated_at,
        "history": ProposalStatusChange.objects.filter(proposal=proposal).count(),
    }


# --- Submission -------------------------------------------------------------------------------------


def test_submitting_gives_the_protocol_number_and_time_and_freezes_the_draft(
    proposal, signer, django_capture_on_commit_callbacks
):
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        submitted = proposal_submit(proposal=proposal, by=signer, now=now)

    row = Proposal.objects.get(pk=proposal.pk)
    assert row.status == Proposal.Status.SUBMITTED
    assert row.protocol_number == "COSV-2012-0001"
    assert row.protocol_sequence == 1
    assert row.submitted_at == now
    assert submitted.protocol_number == proposal.protocol_number == "COSV-2012-0001"
    change = ProposalStatusChange.objects.get(proposal=proposal)
    assert (change.from_status, change.to_status, change.changed_by) == ("draft", "submitted", signer)


def test_protocol_numbers_follow_each_other_within_a_call_and_restart_in_another(call):
    numbers = [proposal_submit(proposal=eligible_proposal(call=call), by=None).protocol_number for _ in range(3)]
    other = eligible_call(code="COSV-2013")
    assert numbers == ["COSV-2012-0001", "COSV-2012-0002", "COSV-2012-0003"]
    assert proposal_submit(proposal=eligible_proposal(call=other), by=None).protocol_number == "COSV-2013-0001"


def test_a_withdrawn_proposal_keeps_its_number_and_the_next_one_follows(call):
    first = proposal_submit(proposal=eligible_proposal(call=call), by=None)
    proposal_withdraw(proposal=first, by=None, reason="Il partner locale si è ritirato.")
    second = proposal_submit(proposal=eligible_proposal(call=call), by=None)
    assert Proposal.objects.get(pk=first.pk).protocol_number == "COSV-2012-0001"
    assert second.protocol_number == "COSV-2012-0002"


def test_submitting_twice_gives_one_number_and_one_batch_of_emails(
    proposal, signer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = proposal_submit(proposal=proposal, by=signer)
    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = proposal_submit(proposal=Proposal.objects.get(pk=proposal.pk), by=signer)

    assert sent >= 1
    assert callbacks == []
    assert len(mail.outbox) == sent
    assert again.protocol_number == first.protocol_number == "COSV-2012-0001"
    assert Proposal.objects.filter(call=proposal.call).exclude(protocol_number="").count() == 1
    assert ProposalStatusChange.objects.filter(proposal=proposal, to_status="submitted").count() == 1


def test_an_ineligible_proposal_is_refused_with_every_problem_and_left_as_it_was(proposal, signer):
    ProposalPartner.objects.filter(proposal=proposal).update(response=ProposalPartner.Response.INVITED)
    BudgetLine.objects.filter(proposal=proposal, territory=Territory.ORIGIN).delete()
    before = snapshot(proposal)

    with pytest.raises(ProposalNotEligible) as refusal:
        proposal_submit(proposal=proposal, by=signer)

    # Without its origin line the budget is all in Italy: 0% in the country of origin, 100% in Italy.
    assert [p.rule for p in refusal.value.problems] == [
        eligibility.NGO_PARTNER,
        eligibility.ORIGIN_SHARE,
        eligibility.RESIDENCE_SHARE,
    ]
    assert "3 rules" in str(refusal.value)
    assert snapshot(proposal) == before
    assert proposal.status == Proposal.Status.DRAFT


def test_the_rules_are_checked_again_on_the_proposal_as_stored(proposal, signer):
    # The caller's copy is stale: the partner withdrew its confirmation after the page was loaded.
    loaded = Proposal.objects.get(pk=proposal.pk)
    ProposalPartner.objects.filter(proposal=proposal).update(response=ProposalPartner.Response.DECLINED)
    with pytest.raises(ProposalNotEligible) as refusal:
        proposal_submit(proposal=loaded, by=signer)
    assert [p.rule for p in refusal.value.problems] == [eligibility.NGO_PARTNER]


@pytest.mark.parametrize(
    ("offset", "accepted"),
    [(-SECOND, True), (timedelta(0), False), (SECOND, False)],
    ids=["a second before the deadline", "at the deadline", "a second after"],
)
def test_the_deadline_by_the_servers_clock(proposal, signer, offset, accepted):
    now = proposal.call.closes_at + offset
    before = snapshot(proposal)
    if accepted:
        assert proposal_submit(proposal=proposal, by=signer, now=now).status == Proposal.Status.SUBMITTED
    else:
        with pytest.raises(SubmissionClosed) as refusal:
            proposal_submit(proposal=proposal, by=signer, now=now)
        assert "deadline" in str(refusal.value)
        assert proposal.call.code in str(refusal.value)
        assert snapshot(proposal) == before


def test_before_the_call_opens_submission_is_refused(proposal, signer):
    with pytest.raises(SubmissionClosed, match="not open for submissions yet"):
        proposal_submit(proposal=proposal, by=signer, now=proposal.call.opens_at - SECOND)
    assert Proposal.objects.get(pk=proposal.pk).status == Proposal.Status.DRAFT


def test_the_deadline_message_is_given_before_the_other_problems(proposal, signer):
    BudgetLine.objects.filter(proposal=proposal).delete()
    with pytest.raises(SubmissionClosed):
        proposal_submit(proposal=proposal, by=signer, now=proposal.call.closes_at)


def test_only_a_draft_can_be_submitted(proposal, signer):
    proposal_transition(proposal=proposal, to=Proposal.Status.WITHDRAWN)
    with pytest.raises(TransitionNotAllowed):
        proposal_submit(proposal=proposal, by=signer)


# --- E-mails ------------------------------------------------------------------------------------------


def test_the_members_of_the_lead_and_of_the_partners_are_told(proposal, signer, django_capture_on_commit_callbacks):
    signer.preferred_language = "en"
    signer.save()
    editor = MembershipFactory(organisation=proposal.lead, role=Membership.Role.EDITOR).user
    ngo = ProposalPartner.objects.get(proposal=proposal).organisation
    ngo_member = MembershipFactory(organisation=ngo, role=Membership.Role.VIEWER).user
    origin_partner = ProposalPartnerFactory(
        proposal=proposal,
        organisation=OrganisationFactory(),
        role=ProposalPartner.Role.ORIGIN_PARTNER,
        response=ProposalPartner.Response.CONFIRMED,
    )
    origin_member = MembershipFactory(organisation=origin_partner.organisation).user
    declined = ProposalPartnerFactory(proposal=proposal, response=ProposalPartner.Response.DECLINED)
    declined_member = MembershipFactory(organisation=declined.organisation).user
    inactive = MembershipFactory(organisation=proposal.lead, user=UserFactory(is_active=False)).user
    stranger = MembershipFactory(organisation=OrganisationFactory()).user

    with django_capture_on_commit_callbacks(execute=True):
        submitted = proposal_submit(proposal=proposal, by=signer)

    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted([signer.email, editor.email, ngo_member.email, origin_member.email])
    assert all(len(message.to) == 1 for message in mail.outbox)
    assert not {declined_member.email, inactive.email, stranger.email} & set(recipients)
    by_address = {message.to[0]: message for message in mail.outbox}
    english = by_address[signer.email]
    assert submitted.protocol_number in english.subject
    assert submitted.protocol_number in english.body
    assert proposal.title in english.body
    assert absolute_url(reverse("projects:proposal-detail", args=[proposal.pk])) in english.body
    assert absolute_url(reverse("projects:proposal-receipt", args=[proposal.pk])) in english.body
    with translation.override("en"):
        assert date_format(timezone.localtime(submitted.submitted_at), "DATETIME_FORMAT") in english.body
    assert "Protocol number:" in english.body
    # The Italian-speaking editor gets the message rendered in Italian (as far as the catalogue goes).
    assert submitted.protocol_number in by_address[editor.email].body


def test_no_email_leaves_before_the_submission_commits(proposal, signer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        proposal_submit(proposal=proposal, by=signer)
    assert mail.outbox == []
    assert callbacks, "the e-mails are queued for after the commit"


def test_a_submission_with_notify_false_sends_nothing(proposal, signer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submitted = proposal_submit(proposal=proposal, by=signer, notify=False)
    assert submitted.protocol_number == "COSV-2012-0001"
    assert mail.outbox == []


def test_a_refused_submission_sends_nothing(proposal, signer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(SubmissionClosed):
        proposal_submit(proposal=proposal, by=signer, now=proposal.call.closes_at)
    assert mail.outbox == []


# --- Withdrawal ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("submitted_first", [False, True], ids=["a draft", "a submitted proposal"])
def test_withdrawing_before_the_deadline(proposal, signer, submitted_first):
    if submitted_first:
        proposal_submit(proposal=proposal, by=signer)
    now = proposal.call.closes_at - SECOND

    withdrawn = proposal_withdraw(proposal=proposal, by=signer, reason="  Il partner locale si è ritirato. ", now=now)

    assert withdrawn.status == proposal.status == Proposal.Status.WITHDRAWN
    change = ProposalStatusChange.objects.filter(proposal=proposal).latest("pk")
    assert change.to_status == Proposal.Status.WITHDRAWN
    assert change.reason == "Il partner locale si è ritirato."
    assert change.changed_by == signer
    assert change.changed_at == now
    if submitted_first:
        assert Proposal.objects.get(pk=proposal.pk).protocol_number == "COSV-2012-0001"


@pytest.mark.parametrize("submitted_first", [False, True], ids=["a draft", "a submitted proposal"])
def test_after_the_deadline_withdrawal_is_refused(proposal, signer, submitted_first):
    if submitted_first:
        proposal_submit(proposal=proposal, by=signer)
    before = snapshot(proposal)
    with pytest.raises(WithdrawalClosed) as refusal:
        proposal_withdraw(proposal=proposal, by=signer, reason="Troppo tardi", now=proposal.call.closes_at)
    assert "deadline" in str(refusal.value)
    assert snapshot(proposal) == before


def test_withdrawal_needs_a_reason(proposal, signer):
    with pytest.raises(DomainError):
        proposal_withdraw(proposal=proposal, by=signer, reason="   ")
    assert Proposal.objects.get(pk=proposal.pk).status == Proposal.Status.DRAFT


def test_withdrawing_twice_writes_one_row(proposal, signer):
    proposal_withdraw(proposal=proposal, by=signer, reason="Ritirata")
    proposal_withdraw(proposal=Proposal.objects.get(pk=proposal.pk), by=signer, reason="Ritirata")
    assert ProposalStatusChange.objects.filter(proposal=proposal, to_status="withdrawn").count() == 1


def test_a_proposal_under_assessment_cannot_be_withdrawn_online(proposal, signer):
    proposal_submit(proposal=proposal, by=signer)
    proposal_transition(proposal=proposal, to=Proposal.Status.ADMISSIBLE)
    with pytest.raises(TransitionNotAllowed):
        proposal_withdraw(proposal=proposal, by=signer, reason="Ripensamento")
