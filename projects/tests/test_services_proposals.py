from datetime import timedelta

import pytest

from cosviluppo.lib.exceptions import DomainError, TransitionNotAllowed
from projects.models import Proposal, ProposalStatusChange
from projects.services import proposal_submit, proposal_transition
from projects.tests.factories import eligible_call, eligible_proposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def call():
    return eligible_call(code="COSV-2026")


def test_submit_gives_the_next_protocol_number_and_an_audit_row(call, applicant):
    first = proposal_submit(proposal=eligible_proposal(call=call), by=applicant)
    second = proposal_submit(proposal=eligible_proposal(call=call), by=applicant)
    assert (first.protocol_number, second.protocol_number) == ("COSV-2026-0001", "COSV-2026-0002")
    assert second.status == Proposal.Status.SUBMITTED and second.submitted_at is not None
    change = ProposalStatusChange.objects.get(proposal=second)
    assert (change.from_status, change.to_status, change.changed_by) == ("draft", "submitted", applicant)


def test_submitting_twice_is_harmless(call):
    proposal = eligible_proposal(call=call)
    proposal_submit(proposal=proposal, by=None)
    again = proposal_submit(proposal=proposal, by=None)
    assert again.protocol_number == f"{call.code}-0001"
    assert ProposalStatusChange.objects.filter(proposal=proposal).count() == 1


def test_submit_a_second_before_the_deadline_is_accepted(call):
    proposal = proposal_submit(
        proposal=eligible_proposal(call=call), by=None, now=call.closes_at - timedelta(seconds=1)
    )
    assert proposal.status == Proposal.Status.SUBMITTED


def test_submit_at_or_after_the_deadline_is_refused_and_the_draft_stays(call):
    proposal = eligible_proposal(call=call, title="La mia bozza")
    for moment in (call.closes_at, call.closes_at + timedelta(seconds=1)):
        with pytest.raises(DomainError) as error:
            proposal_submit(proposal=proposal, by=None, now=moment)
        assert call.code in str(error.value)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.DRAFT and proposal.title == "La mia bozza"
    assert proposal.protocol_number == ""


def test_submit_before_the_call_opens_is_refused(call):
    with pytest.raises(DomainError):
        proposal_submit(proposal=eligible_proposal(call=call), by=None, now=call.opens_at - timedelta(seconds=1))


def test_submit_to_a_draft_call_is_refused():
    call = eligible_call(status="draft")
    with pytest.raises(DomainError):
        proposal_submit(proposal=eligible_proposal(call=call), by=None)


def test_only_a_draft_can_be_submitted(call):
    proposal = proposal_submit(proposal=eligible_proposal(call=call), by=None)
    proposal_transition(proposal=proposal, to=Proposal.Status.ADMISSIBLE)
    with pytest.raises(TransitionNotAllowed):
        proposal_submit(proposal=proposal, by=None)


def test_transition_records_who_when_from_to_why(call, officer):
    proposal = proposal_submit(proposal=eligible_proposal(call=call), by=None)
    proposal_transition(proposal=proposal, to=Proposal.Status.INADMISSIBLE, by=officer, reason="Statuto mancante")
    change = proposal.status_changes.last()
    assert (change.from_status, change.to_status, change.reason, change.changed_by) == (
        "submitted",
        "inadmissible",
        "Statuto mancante",
        officer,
    )
    assert change.changed_at is not None
