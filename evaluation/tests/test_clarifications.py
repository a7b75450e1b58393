"""Requests for clarification (soccorso istruttorio): only the named sections reopen, until the
deadline; the answer records what changed; past the deadline the proposal is judged as it stands."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from associations.models import Membership
from cosviluppo.lib.exceptions import DomainError
from evaluation.models import ClarificationRequest, EvaluationEvent
from evaluation.selectors import open_clarification_sections
from evaluation.services import clarification_answer, clarification_expire, clarification_request
from evaluation.tasks import clarification_expire_task
from evaluation.tests.factories import lead_member, with_status
from projects.models import BudgetLine, Proposal
from projects.tests.factories import BudgetLineFactory

SECOND = timedelta(seconds=1)


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def request_(proposal, officer, now):
    return clarification_request(
        proposal=proposal,
        sections=["budget", "summary"],
        message="Il piano finanziario non è firmato.",
        deadline=now + timedelta(days=10),
        by=officer,
        now=now,
    )


def test_request_opens_only_the_named_sections_until_the_deadline(request_, proposal, now):
    assert request_.sections == ["summary", "budget"]  # in the order of the form
    assert open_clarification_sections(proposal, now) == {"summary", "budget"}
    assert open_clarification_sections(proposal, request_.deadline - SECOND) == {"summary", "budget"}
    assert open_clarification_sections(proposal, request_.deadline) == set()
    assert open_clarification_sections(proposal, request_.deadline + SECOND) == set()


def test_no_section_is_open_without_a_request(proposal):
    assert open_clarification_sections(proposal) == set()


def test_request_snapshots_the_sections_tells_the_lead_and_records_it(
    proposal, officer, now, django_capture_on_commit_callbacks
):
    member = lead_member(proposal, role=Membership.Role.VIEWER)

    with django_capture_on_commit_callbacks(execute=True):
        request = clarification_request(
            proposal=proposal,
            sections=["budget"],
            message="Firmate il budget.",
            deadline=now + timedelta(days=5),
            by=officer,
        )

    assert len(request.changes["before"]["budget"]) == 2
    assert [message.to for message in mail.outbox] == [[member.email]]
    assert "Firmate il budget." in mail.outbox[0].body
    assert "Budget" in mail.outbox[0].body
    event = EvaluationEvent.objects.get(kind=EvaluationEvent.Kind.CLARIFICATION_REQUESTED)
    assert event.proposal == proposal and event.changed_by == officer and event.to_status == "open"


def test_request_with_notify_false_tells_nobody(proposal, officer, now, django_capture_on_commit_callbacks):
    lead_member(proposal)

    with django_capture_on_commit_callbacks(execute=True):
        request = clarification_request(
            proposal=proposal,
            sections=["budget"],
            message="Firmate il budget.",
            deadline=now + timedelta(days=5),
            by=officer,
            notify=False,
        )

    assert request.status == ClarificationRequest.Status.OPEN
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("sections", "message", "days"),
    [([], "Firmate.", 5), (["nonsense"], "Firmate.", 5), (["budget"], "  ", 5), (["budget"], "Firmate.", -1)],
)
def test_request_refuses_bad_input(proposal, officer, now, sections, message, days):
    with pytest.raises(DomainError):
        clarification_request(
            proposal=proposal, sections=sections, message=message, deadline=now + timedelta(days=days), by=officer
        )
    assert not ClarificationRequest.objects.exists()


def test_only_one_request_open_at_a_time(request_, proposal, officer, now):
    with pytest.raises(DomainError, match="already open"):
        clarification_request(
            proposal=proposal, sections=["summary"], message="Ancora.", deadline=now + timedelta(days=3), by=officer
        )


def test_a_new_request_after_the_deadline_expires_the_old_one(request_, proposal, officer):
    later = request_.deadline + SECOND

    second = clarification_request(
        proposal=proposal,
        sections=["summary"],
        message="Ancora.",
        deadline=later + timedelta(days=3),
        by=officer,
        now=later,
    )

    request_.refresh_from_db()
    assert request_.status == ClarificationRequest.Status.EXPIRED
    assert second.status == ClarificationRequest.Status.OPEN


def test_request_only_before_the_admissibility_decision(proposal, officer, now):
    with_status(proposal, Proposal.Status.ADMISSIBLE)

    with pytest.raises(DomainError, match="before the admissibility decision"):
        clarification_request(
            proposal=proposal, sections=["budget"], message="Firmate.", deadline=now + timedelta(days=3), by=officer
        )


def test_answer_a_second_before_the_deadline_records_what_changed(
    request_, proposal, django_capture_on_commit_callbacks, officer
):
    member = lead_member(proposal, role=Membership.Role.EDITOR)
    line = BudgetLine.objects.filter(proposal=proposal).first()
    line.description = "Formatore agricolo (firmato)"
    line.save()
    BudgetLineFactory(proposal=proposal)
    Proposal.objects.filter(pk=proposal.pk).update(title="Titolo corretto")

    with django_capture_on_commit_callbacks(execute=True):
        answered = clarification_answer(request=request_, by=member, now=request_.deadline - SECOND)

    assert answered.status == ClarificationRequest.Status.ANSWERED
    assert answered.answered_by == member
    changed = answered.changes["changed"]
    assert changed["summary"] == {"fields": ["title"]}
    assert changed["budget"]["changed"] == [line.pk]
    assert len(changed["budget"]["added"]) == 1
    assert answered.changes["after"]["summary"]["title"] == "Titolo corretto"
    assert open_clarification_sections(proposal, request_.deadline - SECOND) == set()
    assert [message.to for message in mail.outbox] == [[officer.email]]
    event = EvaluationEvent.objects.get(kind=EvaluationEvent.Kind.CLARIFICATION_ANSWERED)
    assert (event.from_status, event.to_status, event.changed_by) == ("open", "answered", member)


def test_answer_at_or_a_second_after_the_deadline_is_refused(request_, proposal):
    member = lead_member(proposal)

    for moment in (request_.deadline, request_.deadline + SECOND):
        with pytest.raises(DomainError, match="deadline of this request passed"):
            clarification_answer(request=request_, by=member, now=moment)

    request_.refresh_from_db()
    assert request_.status == ClarificationRequest.Status.OPEN


def test_answer_twice_is_refused(request_, proposal):
    member = lead_member(proposal)
    clarification_answer(request=request_, by=member)

    with pytest.raises(DomainError, match="cannot be answered again"):
        clarification_answer(request=request_, by=member)


def test_only_the_lead_editors_answer(request_, proposal, officer, applicant):
    viewer = lead_member(proposal, role=Membership.Role.VIEWER)

    for person in (viewer, officer, applicant):
        with pytest.raises(DomainError):
            clarification_answer(request=request_, by=person)


def test_expire_closes_past_deadline_requests_once(request_, proposal, officer, django_capture_on_commit_callbacks):
    assert clarification_expire(now=request_.deadline - SECOND) == []

    with django_capture_on_commit_callbacks(execute=True):
        expired = clarification_expire(now=request_.deadline + SECOND)
        again = clarification_expire(now=request_.deadline + timedelta(hours=1))

    assert [request.pk for request in expired] == [request_.pk]
    assert again == []
    request_.refresh_from_db()
    assert request_.status == ClarificationRequest.Status.EXPIRED
    assert request_.changes["changed"] == {}
    assert "after" in request_.changes
    assert EvaluationEvent.objects.filter(kind=EvaluationEvent.Kind.CLARIFICATION_EXPIRED).count() == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [officer.email]


def test_expire_task_runs_the_service(proposal, officer):
    now = timezone.now()
    request = clarification_request(
        proposal=proposal,
        sections=["budget"],
        message="Firmate.",
        deadline=now + SECOND,
        by=officer,
        now=now - timedelta(days=1),
    )
    ClarificationRequest.objects.filter(pk=request.pk).update(deadline=now - SECOND)

    assert clarification_expire_task.delay().get() == [request.pk]
    assert clarification_expire_task.delay().get() == []
