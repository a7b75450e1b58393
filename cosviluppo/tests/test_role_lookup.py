"""The one role lookup (cosviluppo.lib.permissions) and the state questions the models answer."""

from datetime import timedelta

import pytest
from django.utils import timezone

from associations.models import Membership
from associations.tests.factories import FunderFactory, MembershipFactory, NGOFactory, OrganisationFactory
from calls.models import Call
from calls.tests.factories import CallFactory
from cosviluppo.lib.permissions import is_editor, is_member, is_signatory, role_in, roles_in
from projects.models import Proposal
from projects.permissions import proposal_actions
from projects.tests.factories import ProposalFactory

pytestmark = pytest.mark.django_db


def test_every_role_of_a_user_is_read_in_one_query_per_request(django_assert_num_queries, outsider):
    lead, ngo, funder = OrganisationFactory(), NGOFactory(), FunderFactory()
    MembershipFactory(user=outsider, organisation=lead, role=Membership.Role.LEGAL_REPRESENTATIVE)
    MembershipFactory(user=outsider, organisation=ngo, role=Membership.Role.EDITOR)
    MembershipFactory(user=outsider, organisation=funder, role=Membership.Role.VIEWER)
    with django_assert_num_queries(1):
        assert roles_in(outsider, lead.pk) == {Membership.Role.LEGAL_REPRESENTATIVE}
        assert is_signatory(outsider, lead.pk) and is_editor(outsider, lead.pk)
        assert is_editor(outsider, ngo.pk) and not is_signatory(outsider, ngo.pk)
        assert is_member(outsider, funder.pk) and not is_editor(outsider, funder.pk)
        assert role_in(outsider, funder.pk) == Membership.Role.VIEWER
        assert not is_member(outsider, OrganisationFactory.build(pk=10**9).pk)


def test_anonymous_users_have_no_role(client):
    from django.contrib.auth.models import AnonymousUser

    assert roles_in(AnonymousUser(), 1) == frozenset() and role_in(AnonymousUser(), 1) is None


@pytest.mark.parametrize(
    ("status", "published"),
    [
        (Call.Status.DRAFT, False),
        (Call.Status.OPEN, False),
        (Call.Status.CLOSED, False),
        (Call.Status.EVALUATION, False),
        (Call.Status.RESULTS_PUBLISHED, True),
        (Call.Status.ARCHIVED, True),
    ],
)
def test_results_are_published_answers_as_the_queryset_filters(status, published):
    call = CallFactory(status=status)
    assert call.results_are_published() is published
    assert Call.objects.results_published().filter(pk=call.pk).exists() is published


def test_questions_are_accepted_until_the_deadline_of_a_published_call():
    now = timezone.now()
    call = CallFactory(opens_at=now + timedelta(days=1), closes_at=now + timedelta(days=5))
    assert call.accepts_questions_at(now)  # also before it opens
    assert not call.accepts_questions_at(now + timedelta(days=5))
    assert not CallFactory(status=Call.Status.DRAFT).accepts_questions_at(now)


def test_the_proposal_page_actions_follow_the_role_and_the_status(applicant, officer):
    lead = applicant.memberships.get().organisation
    draft = ProposalFactory(lead=lead)
    actions = proposal_actions(applicant, draft, timezone.now())
    assert actions.can_edit and actions.can_submit and actions.can_withdraw and actions.can_check_eligibility
    assert not (actions.can_download_receipt or actions.can_follow_up or actions.can_open_evaluation)
    assert not draft.is_received()

    submitted = ProposalFactory(
        lead=lead,
        status=Proposal.Status.SUBMITTED,
        protocol_number="P-1",
        protocol_sequence=1,
        submitted_at=timezone.now(),
    )
    assert submitted.is_received()
    mine = proposal_actions(applicant, submitted, timezone.now())
    assert mine.can_follow_up and mine.can_withdraw and mine.can_download_receipt
    assert not (mine.can_edit or mine.can_submit or mine.can_read_outcome or mine.can_see_internal_status)
    staff = proposal_actions(officer, submitted, timezone.now())
    assert staff.can_open_evaluation and staff.can_see_internal_status and not staff.can_follow_up


def test_the_call_page_offers_questions_and_proposals_by_role_and_date(applicant, funder_viewer):
    from django.contrib.auth.models import AnonymousUser

    from calls.permissions import call_actions

    now = timezone.now()
    open_call = CallFactory()
    mine = call_actions(applicant, open_call, now)
    assert mine.can_start_proposal and mine.accepts_questions and mine.can_ask_question
    assert not mine.must_log_in_to_ask
    anonymous = call_actions(AnonymousUser(), open_call, now)
    assert anonymous.must_log_in_to_ask and not (anonymous.can_ask_question or anonymous.can_start_proposal)
    funder = call_actions(funder_viewer, open_call, now)
    assert funder.accepts_questions and not (funder.can_ask_question or funder.can_start_proposal)
    past_deadline = call_actions(applicant, open_call, open_call.closes_at)
    assert not (past_deadline.accepts_questions or past_deadline.can_start_proposal)


@pytest.mark.parametrize(
    ("status", "start", "decide", "publish"),
    [
        (Call.Status.CLOSED, True, False, False),
        (Call.Status.EVALUATION, False, True, True),
        (Call.Status.RESULTS_PUBLISHED, False, True, False),
        (Call.Status.ARCHIVED, False, False, False),
    ],
)
def test_the_decision_page_offers_what_the_call_status_allows(officer, applicant, status, start, decide, publish):
    from funding.permissions import call_decision_actions

    call = CallFactory(status=status)
    actions = call_decision_actions(officer, call)
    assert (actions.can_start_evaluation, actions.can_decide, actions.can_publish_results) == (start, decide, publish)
    assert not any(vars(call_decision_actions(applicant, call)).values())


def test_the_staff_pages_of_a_proposal_offer_what_its_status_allows(officer, evaluator):
    from evaluation.permissions import evaluation_actions
    from funding.permissions import project_actions

    submitted = ProposalFactory(
        status=Proposal.Status.SUBMITTED, protocol_number="P-2", protocol_sequence=2, submitted_at=timezone.now()
    )
    actions = evaluation_actions(officer, submitted)
    assert actions.can_decide_admissibility and actions.can_request_clarification
    assert not actions.can_assign_evaluator
    assert not any(vars(evaluation_actions(evaluator, submitted)).values())
    submitted.status = Proposal.Status.ADMISSIBLE
    assert evaluation_actions(officer, submitted).can_assign_evaluator

    submitted.status = Proposal.Status.RANKED
    assert project_actions(officer, submitted).can_grant
    submitted.status = Proposal.Status.FUNDED
    funded = project_actions(officer, submitted)
    assert funded.can_change_award and funded.can_withdraw and not funded.can_record_agreement
    submitted.call.status = Call.Status.RESULTS_PUBLISHED
    assert project_actions(officer, submitted).can_record_agreement
    submitted.status = Proposal.Status.IN_PROGRESS
    running = project_actions(officer, submitted)
    assert running.can_record_payment and running.can_withdraw and not running.can_change_award
