"""Admissibility: the checklist (automatic items from the call's rules, manual items), the
decisions admissible / inadmissible with their e-mails and audit rows."""

from decimal import Decimal

import pytest
from django.core import mail

from cosviluppo.lib.exceptions import DomainError
from evaluation.models import AdmissibilityCheck, EvaluationEvent
from evaluation.selectors import admissibility_checklist
from evaluation.services import admissibility_check_save, proposal_admit, proposal_declare_inadmissible
from evaluation.tests.factories import ClarificationRequestFactory, lead_member, submitted_proposal
from projects.models import Proposal, ProposalStatusChange

ALL_PASS = {"signatures": (True, ""), "statute": (True, "Statuto 2019"), "documents_readable": (True, "")}


def _items(items):
    return {item["key"]: item for item in items}


def test_a_complete_proposal_passes_every_automatic_item(proposal):
    items = _items(admissibility_checklist(proposal))

    automatic = [item for item in items.values() if item["automatic"]]
    assert automatic and all(item["passed"] for item in automatic), [i for i in automatic if not i["passed"]]
    assert items["submitted_in_time"]["note"] == proposal.protocol_number
    # Manual items start unchecked.
    assert [items[key]["passed"] for key in ("signatures", "statute", "documents_readable")] == [None, None, None]


def test_the_checklist_is_prefilled_from_the_call_rules(call):
    call.max_grant = Decimal("10000.00")
    call.save()
    proposal = submitted_proposal(call=call)  # asks for € 14,000

    items = _items(admissibility_checklist(proposal))

    assert items["max_grant"]["passed"] is False
    assert "10,000.00" in items["max_grant"]["label"]
    assert "14,000.00" in items["max_grant"]["note"]
    assert items["cofinancing"]["passed"] is True


def test_a_proposal_without_ngo_partner_fails_the_partner_item(call):
    proposal = submitted_proposal(call=call, complete=False)

    items = _items(admissibility_checklist(proposal))

    assert items["ngo_partner"]["passed"] is False
    assert items["two_territories"]["passed"] is False
    assert items["max_grant"]["passed"] is False  # empty budget


def test_a_second_proposal_of_the_same_lead_fails_one_per_lead(call, proposal):
    second = submitted_proposal(call=call, lead=proposal.lead)

    items = _items(admissibility_checklist(second))

    assert items["one_per_lead"]["passed"] is False
    assert proposal.protocol_number in items["one_per_lead"]["note"]


def test_the_closed_call_does_not_make_the_deadline_rule_fail(proposal):
    """Checked months after the deadline, the proposal was still submitted in time."""
    keys = _items(admissibility_checklist(proposal))

    assert "rule-deadline" not in keys
    assert keys["submitted_in_time"]["passed"] is True


def test_save_checklist_stores_items_and_writes_an_audit_row(proposal, officer):
    check = admissibility_check_save(proposal=proposal, manual=ALL_PASS, by=officer)

    assert check.outcome == AdmissibilityCheck.Outcome.PENDING
    assert check.checked_by == officer
    assert check.all_passed
    assert _items(check.items)["statute"]["note"] == "Statuto 2019"
    event = EvaluationEvent.objects.get(proposal=proposal, kind=EvaluationEvent.Kind.CHECKLIST_SAVED)
    assert event.changed_by == officer
    assert event.to_status == f"{len(check.items)}/{len(check.items)}"


def test_save_checklist_refuses_unknown_items(proposal, officer):
    with pytest.raises(DomainError):
        admissibility_check_save(proposal=proposal, manual={"bribe": (True, "")}, by=officer)


def test_admit_moves_to_admissible_tells_the_lead_and_records_it(proposal, officer, django_capture_on_commit_callbacks):
    member = lead_member(proposal)
    member.preferred_language = "en"  # the e-mail goes out in the member's language
    member.save(update_fields=["preferred_language"])
    check = admissibility_check_save(proposal=proposal, manual=ALL_PASS, by=officer)

    with django_capture_on_commit_callbacks(execute=True):
        proposal_admit(proposal=proposal, by=officer, check=check)

    proposal.refresh_from_db()
    check.refresh_from_db()
    assert proposal.status == Proposal.Status.ADMISSIBLE
    assert check.outcome == AdmissibilityCheck.Outcome.ADMISSIBLE
    assert check.decided_by == officer and check.decided_at is not None
    change = ProposalStatusChange.objects.get(proposal=proposal, to_status=Proposal.Status.ADMISSIBLE)
    assert change.from_status == Proposal.Status.SUBMITTED and change.changed_by == officer
    assert EvaluationEvent.objects.filter(
        proposal=proposal, kind=EvaluationEvent.Kind.ADMISSIBILITY_DECIDED, to_status="admissible"
    ).exists()
    assert [message.to for message in mail.outbox] == [[member.email]]
    assert "is admissible" in mail.outbox[0].subject


def test_admit_with_notify_false_tells_nobody(proposal, officer, django_capture_on_commit_callbacks):
    lead_member(proposal)
    check = admissibility_check_save(proposal=proposal, manual=ALL_PASS, by=officer)

    with django_capture_on_commit_callbacks(execute=True):
        proposal_admit(proposal=proposal, by=officer, check=check, notify=False)

    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ADMISSIBLE
    assert mail.outbox == []


def test_admit_is_refused_while_a_manual_item_is_not_passed(proposal, officer):
    check = admissibility_check_save(
        proposal=proposal, manual={**ALL_PASS, "signatures": (False, "Firma mancante")}, by=officer
    )

    with pytest.raises(DomainError, match="signed by the legal representative"):
        proposal_admit(proposal=proposal, by=officer, check=check)

    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED


def test_admit_is_refused_while_a_manual_item_is_unchecked(proposal, officer):
    check = admissibility_check_save(proposal=proposal, manual={"signatures": (True, "")}, by=officer)

    with pytest.raises(DomainError):
        proposal_admit(proposal=proposal, by=officer, check=check)


def test_admit_rechecks_the_automatic_items(proposal, officer, call):
    check = admissibility_check_save(proposal=proposal, manual=ALL_PASS, by=officer)
    call.max_grant = Decimal("1000.00")
    call.save()

    with pytest.raises(DomainError, match="maximum per project"):
        proposal_admit(proposal=proposal, by=officer, check=check)


def test_admit_is_refused_while_a_clarification_is_open(proposal, officer):
    check = admissibility_check_save(proposal=proposal, manual=ALL_PASS, by=officer)
    ClarificationRequestFactory(proposal=proposal)

    with pytest.raises(DomainError, match="request for clarification is open"):
        proposal_admit(proposal=proposal, by=officer, check=check)


def test_admit_twice_is_refused(proposal, officer):
    check = admissibility_check_save(proposal=proposal, manual=ALL_PASS, by=officer)
    proposal_admit(proposal=proposal, by=officer, check=check)

    with pytest.raises(DomainError):
        proposal_admit(proposal=proposal, by=officer, check=check)
    assert ProposalStatusChange.objects.filter(proposal=proposal, to_status="admissible").count() == 1


def test_admit_refuses_the_checklist_of_another_proposal(call, proposal, officer):
    other = submitted_proposal(call=call)
    check = admissibility_check_save(proposal=other, manual=ALL_PASS, by=officer)

    with pytest.raises(DomainError, match="another proposal"):
        proposal_admit(proposal=proposal, by=officer, check=check)


def test_declare_inadmissible_needs_reasons(proposal, officer):
    with pytest.raises(DomainError, match="reasons"):
        proposal_declare_inadmissible(proposal=proposal, by=officer, reasons="   ")
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED


def test_declare_inadmissible_tells_the_lead_with_the_reasons(proposal, officer, django_capture_on_commit_callbacks):
    member = lead_member(proposal)
    other_member = lead_member(proposal)

    with django_capture_on_commit_callbacks(execute=True):
        proposal_declare_inadmissible(proposal=proposal, by=officer, reasons="Statuto non conforme: scopo di lucro.")

    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.INADMISSIBLE
    check = AdmissibilityCheck.objects.get(proposal=proposal)
    assert check.outcome == AdmissibilityCheck.Outcome.INADMISSIBLE
    assert check.reasons == "Statuto non conforme: scopo di lucro."
    assert check.items  # the checklist as it stood is kept
    assert sorted(address for message in mail.outbox for address in message.to) == sorted(
        [member.email, other_member.email]
    )
    assert "Statuto non conforme" in mail.outbox[0].body
    change = ProposalStatusChange.objects.get(proposal=proposal, to_status=Proposal.Status.INADMISSIBLE)
    assert change.reason == "Statuto non conforme: scopo di lucro."


def test_declare_inadmissible_only_from_submitted(proposal, officer):
    proposal_declare_inadmissible(proposal=proposal, by=officer, reasons="Fuori termine.")

    with pytest.raises(DomainError):
        proposal_declare_inadmissible(proposal=proposal, by=officer, reasons="Ancora.")
