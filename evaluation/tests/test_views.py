"""The evaluation pages as each role uses them: officers, assigned evaluators (blind), the lead's
members (requests for clarification, messages; never reviews), and everyone else (404/403)."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from associations.models import Membership
from evaluation.models import AdmissibilityCheck, ClarificationRequest, ProposalMessage
from evaluation.tests.conftest import signed_evaluator
from evaluation.tests.factories import (
    ClarificationRequestFactory,
    consensus,
    lead_member,
    partner_member,
    review,
    with_status,
)
from projects.models import ConsensusScore, Proposal, Review, ReviewScore

SECRET_COMMENT = "Motivazione del punteggio A."


def shows_score(page: str, score: str) -> bool:
    """The score as a page prints it; not the same digits inside a timestamp (…:24:17.009209)."""
    return re.search(rf"(?<![\d:.]){re.escape(score)}(?!\d)", page) is not None


def _page(response) -> str:
    return response.content.decode()


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# --- Admissibility ------------------------------------------------------------------------------------


def test_officer_works_through_the_checklist_and_admits(client, officer, proposal, django_capture_on_commit_callbacks):
    member = lead_member(proposal)
    client.force_login(officer)
    url = reverse("evaluation:admissibility", kwargs={"pk": proposal.pk})

    page = client.get(url)
    assert page.status_code == 200
    assert "Grant requested within the maximum per project" in _page(page)

    response = client.post(
        url,
        {
            "signatures-passed": "yes",
            "statute-passed": "yes",
            "statute-note": "Statuto 2019, senza scopo di lucro",
            "documents_readable-passed": "yes",
        },
    )
    assert response.status_code == 302
    assert AdmissibilityCheck.objects.get(proposal=proposal).all_passed

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("evaluation:admit", kwargs={"pk": proposal.pk}))
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ADMISSIBLE
    assert mail.outbox[0].to == [member.email]


def test_admit_without_all_items_shows_why(client, officer, proposal):
    client.force_login(officer)
    client.post(reverse("evaluation:admissibility", kwargs={"pk": proposal.pk}), {"signatures-passed": "no"})

    response = client.post(reverse("evaluation:admit", kwargs={"pk": proposal.pk}), follow=True)

    assert any("Every item of the checklist must pass" in message for message in _messages(response))
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED


def test_declare_inadmissible_from_the_page(client, officer, proposal):
    client.force_login(officer)
    url = reverse("evaluation:declare-inadmissible", kwargs={"pk": proposal.pk})

    refused = client.post(url, {"reasons": ""}, follow=True)
    assert any("Give the reasons" in message for message in _messages(refused))

    client.post(url, {"reasons": "Manca lo statuto."})
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.INADMISSIBLE


def test_applicant_sees_the_admissibility_outcome_on_the_dashboard(client, officer, proposal):
    from evaluation.services import proposal_declare_inadmissible

    member = lead_member(proposal)
    proposal_declare_inadmissible(proposal=proposal, by=officer, reasons="Manca lo statuto.")
    client.force_login(member)

    page = _page(client.get(reverse("dashboard")))

    assert "Manca lo statuto." in page and "inadmissible" in page


# --- Requests for clarification -------------------------------------------------------------------------


def test_officer_requests_a_clarification_from_the_form(client, officer, proposal):
    client.force_login(officer)
    deadline = timezone.localtime() + timedelta(days=7)

    response = client.post(
        reverse("evaluation:clarification-new", kwargs={"pk": proposal.pk}),
        {
            "sections": ["budget", "attachments"],
            "message": "Firmate il budget.",
            "deadline": deadline.strftime("%Y-%m-%dT%H:%M"),
        },
    )

    assert response.status_code == 302
    request = ClarificationRequest.objects.get(proposal=proposal)
    assert request.sections == ["budget", "attachments"]


def test_the_lead_reads_the_request_on_the_dashboard_and_marks_it_answered(client, proposal):
    request = ClarificationRequestFactory(proposal=proposal, sections=["budget"])
    editor = lead_member(proposal, role=Membership.Role.EDITOR)
    client.force_login(editor)

    dashboard = _page(client.get(reverse("dashboard")))
    assert request.message in dashboard
    assert reverse("evaluation:clarification", kwargs={"pk": request.pk}) in dashboard

    page = client.get(reverse("evaluation:clarification", kwargs={"pk": request.pk}))
    assert page.status_code == 200 and page.context["can_answer"]
    assert "Budget" in _page(page)

    client.post(reverse("evaluation:clarification-answer", kwargs={"pk": request.pk}))
    request.refresh_from_db()
    assert request.status == ClarificationRequest.Status.ANSWERED


def test_a_viewer_of_the_lead_reads_but_cannot_answer(client, proposal):
    request = ClarificationRequestFactory(proposal=proposal)
    viewer = lead_member(proposal, role=Membership.Role.VIEWER)
    client.force_login(viewer)

    page = client.get(reverse("evaluation:clarification", kwargs={"pk": request.pk}))
    assert page.status_code == 200 and not page.context["can_answer"]

    client.post(reverse("evaluation:clarification-answer", kwargs={"pk": request.pk}))
    request.refresh_from_db()
    assert request.status == ClarificationRequest.Status.OPEN


def test_past_the_deadline_the_page_says_so_and_answering_is_refused(client, proposal):
    request = ClarificationRequestFactory(
        proposal=proposal,
        requested_at=timezone.now() - timedelta(days=3),
        deadline=timezone.now() - timedelta(seconds=1),
    )
    client.force_login(lead_member(proposal))

    page = client.get(reverse("evaluation:clarification", kwargs={"pk": request.pk}))
    assert "The deadline has passed" in _page(page)
    response = client.post(reverse("evaluation:clarification-answer", kwargs={"pk": request.pk}), follow=True)
    assert any("passed" in message for message in _messages(response))


def test_partners_and_evaluators_do_not_see_requests(client, proposal, evaluator):
    request = ClarificationRequestFactory(proposal=proposal)
    review(proposal, evaluator)
    for person in (partner_member(proposal), evaluator):
        client.force_login(person)
        assert client.get(reverse("evaluation:clarification", kwargs={"pk": request.pk})).status_code == 404


# --- Reviews: declaration, blind scoring ---------------------------------------------------------------------


@pytest.fixture
def under_evaluation(proposal):
    return with_status(proposal, Proposal.Status.UNDER_EVALUATION)


def test_the_evaluator_declares_before_seeing_the_proposal(client, evaluator, under_evaluation):
    row = review(under_evaluation, evaluator, status=Review.Status.ASSIGNED)
    client.force_login(evaluator)
    url = reverse("evaluation:review", kwargs={"pk": under_evaluation.pk})

    before = client.get(url)
    assert before.status_code == 200 and "declaration_form" in before.context
    assert under_evaluation.summary not in _page(before)
    assert client.get(reverse("evaluation:review-score", kwargs={"pk": under_evaluation.pk})).status_code == 404

    client.post(reverse("evaluation:review-declare", kwargs={"pk": under_evaluation.pk}), {"conflict": "no"})

    row.refresh_from_db()
    assert row.status == Review.Status.NO_CONFLICT
    after = client.get(url)
    assert under_evaluation.summary in _page(after)


def test_declaring_a_conflict_unassigns_and_notifies(
    client, evaluator, officer, under_evaluation, django_capture_on_commit_callbacks
):
    row = review(under_evaluation, evaluator, status=Review.Status.ASSIGNED)
    client.force_login(evaluator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("evaluation:review-declare", kwargs={"pk": under_evaluation.pk}),
            {"conflict": "yes", "reason": "Mia cugina presiede l'associazione."},
        )

    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    row.refresh_from_db()
    assert row.status == Review.Status.CONFLICT
    assert client.get(reverse("evaluation:review", kwargs={"pk": under_evaluation.pk})).status_code == 404
    assert mail.outbox[0].to == [officer.email]
    client.force_login(officer)
    dashboard = _page(client.get(reverse("dashboard")))
    assert "Conflicts of interest declared" in dashboard and under_evaluation.protocol_number in dashboard


def test_a_conflict_without_reason_is_refused_by_the_form(client, evaluator, under_evaluation):
    row = review(under_evaluation, evaluator, status=Review.Status.ASSIGNED)
    client.force_login(evaluator)

    response = client.post(
        reverse("evaluation:review-declare", kwargs={"pk": under_evaluation.pk}), {"conflict": "yes"}
    )

    assert response.status_code == 200
    row.refresh_from_db()
    assert row.status == Review.Status.ASSIGNED


def test_an_evaluator_sees_only_proposals_assigned_to_them(client, evaluator, evaluator2, under_evaluation):
    review(under_evaluation, evaluator)
    client.force_login(evaluator2)

    for name in ("evaluation:review", "evaluation:review-score"):
        assert client.get(reverse(name, kwargs={"pk": under_evaluation.pk})).status_code == 404
    assert client.get(reverse("evaluation:proposal", kwargs={"pk": under_evaluation.pk})).status_code == 403


def test_scoring_is_blind_until_the_evaluator_submits(client, evaluator, evaluator2, under_evaluation):
    review(under_evaluation, evaluator, status=Review.Status.SUBMITTED, scores={"A": 17, "B": 12})
    second = review(under_evaluation, evaluator2)
    client.force_login(evaluator2)
    criteria = {criterion.code: criterion.pk for criterion in under_evaluation.call.criteria.all()}

    for name in ("evaluation:review", "evaluation:review-score"):
        page = _page(client.get(reverse(name, kwargs={"pk": under_evaluation.pk})))
        assert SECRET_COMMENT not in page and not shows_score(page, "17.00")

    response = client.post(
        reverse("evaluation:review-score", kwargs={"pk": under_evaluation.pk}),
        {
            f"score-{criteria['A']}": "9",
            f"comment-{criteria['A']}": "Radicamento debole.",
            f"score-{criteria['B']}": "11",
            f"comment-{criteria['B']}": "Coerente.",
            "submit_review": "1",
        },
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.status == Review.Status.SUBMITTED
    page = _page(client.get(reverse("evaluation:review", kwargs={"pk": under_evaluation.pk})))
    assert SECRET_COMMENT in page


def test_the_score_form_checks_range_and_comments(client, evaluator, under_evaluation):
    row = review(under_evaluation, evaluator)
    client.force_login(evaluator)
    criteria = {criterion.code: criterion.pk for criterion in under_evaluation.call.criteria.all()}
    url = reverse("evaluation:review-score", kwargs={"pk": under_evaluation.pk})

    too_high = client.post(url, {f"score-{criteria['A']}": "20.5", "save_draft": "1"})
    assert too_high.status_code == 200 and too_high.context["form"].errors
    no_comment = client.post(
        url, {f"score-{criteria['A']}": "10", f"score-{criteria['B']}": "10", "submit_review": "1"}
    )
    assert no_comment.status_code == 200
    assert "A comment is required for every score." in _page(no_comment)
    draft = client.post(url, {f"score-{criteria['A']}": "10", "save_draft": "1"})
    assert draft.status_code == 302
    row.refresh_from_db()
    assert row.status == Review.Status.NO_CONFLICT
    assert ReviewScore.objects.get(review=row).score == Decimal("10.00")


def test_applicants_never_see_reviews(client, under_evaluation):
    review(under_evaluation, status=Review.Status.SUBMITTED, scores={"A": 17, "B": 12})
    member = lead_member(under_evaluation)
    ProposalMessage.objects.create(
        proposal=under_evaluation, author=member, from_staff=False, body="Ciao", sent_at=timezone.now()
    )
    client.force_login(member)

    for name in ("evaluation:review", "evaluation:review-score"):
        assert client.get(reverse(name, kwargs={"pk": under_evaluation.pk})).status_code == 404
    for name in ("evaluation:proposal", "evaluation:consensus"):
        assert client.get(reverse(name, kwargs={"pk": under_evaluation.pk})).status_code == 403
    for url in (reverse("dashboard"), reverse("evaluation:messages", kwargs={"pk": under_evaluation.pk})):
        page = _page(client.get(url))
        assert SECRET_COMMENT not in page and not shows_score(page, "17.00")


# --- Staff: assignment, consensus, ranking -------------------------------------------------------------------


def test_officer_assigns_an_evaluator_and_involved_ones_are_not_offered(client, officer, proposal):
    with_status(proposal, Proposal.Status.ADMISSIBLE)
    free = signed_evaluator()
    involved = signed_evaluator()
    Membership.objects.create(user=involved, organisation=proposal.lead, role=Membership.Role.VIEWER)
    client.force_login(officer)
    url = reverse("evaluation:assign", kwargs={"pk": proposal.pk})

    choices = list(client.get(url).context["form"].fields["evaluator"].queryset)
    assert free in choices and involved not in choices

    client.post(url, {"evaluator": free.pk})
    assert Review.objects.filter(proposal=proposal, evaluator=free).exists()
    refused = client.post(url, {"evaluator": involved.pk})
    assert refused.status_code == 200
    assert not Review.objects.filter(evaluator=involved).exists()


def test_officer_assigns_in_bulk(client, officer, call, proposal):
    with_status(proposal, Proposal.Status.ADMISSIBLE)
    evaluators = [signed_evaluator() for _ in range(2)]
    client.force_login(officer)

    response = client.post(
        reverse("evaluation:assign-balanced", kwargs={"code": call.code}),
        {"evaluators": [user.pk for user in evaluators], "per_proposal": 2},
    )

    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.UNDER_EVALUATION


def test_consensus_page_is_prefilled_with_the_mean_and_requires_justifications(client, officer, under_evaluation):
    review(under_evaluation, status=Review.Status.SUBMITTED, scores={"A": 4, "B": 10})
    review(under_evaluation, status=Review.Status.SUBMITTED, scores={"A": 16, "B": 12})
    client.force_login(officer)
    url = reverse("evaluation:consensus", kwargs={"pk": under_evaluation.pk})
    criteria = {criterion.code: criterion.pk for criterion in under_evaluation.call.criteria.all()}

    page = client.get(url)
    form = page.context["form"]
    assert form[f"score-{criteria['A']}"].value() == Decimal("10.00")
    assert form[f"score-{criteria['B']}"].value() == Decimal("11.00")
    assert "Wide spread" in _page(page)  # A: 12 > 6

    missing = client.post(url, {f"score-{criteria['A']}": "10", f"score-{criteria['B']}": "11"})
    assert missing.status_code == 200 and not ConsensusScore.objects.exists()

    client.post(
        url,
        {
            f"score-{criteria['A']}": "11",
            f"justification-{criteria['A']}": "Discussa la divergenza.",
            f"score-{criteria['B']}": "11",
            f"justification-{criteria['B']}": "Media.",
            f"comment-{criteria['B']}": "Buona rilevanza.",
        },
    )
    assert ConsensusScore.objects.filter(proposal=under_evaluation).count() == 2


def test_staff_proposal_page_shows_everything(client, officer, under_evaluation):
    review(under_evaluation, status=Review.Status.SUBMITTED, scores={"A": 17, "B": 12})
    ClarificationRequestFactory(proposal=under_evaluation)
    consensus(under_evaluation, {"A": 15})
    client.force_login(officer)

    page = client.get(reverse("evaluation:proposal", kwargs={"pk": under_evaluation.pk}))

    text = _page(page)
    assert page.status_code == 200
    assert SECRET_COMMENT in text  # officers read submitted reviews
    assert "Audit trail" in text and "Requests for clarification" in text


def test_ranking_page_and_compute_button(client, officer, call):
    from evaluation.tests.factories import submitted_proposal

    ranked = []
    for score in (18, 12, 6):
        proposal = with_status(submitted_proposal(call=call, complete=False), Proposal.Status.UNDER_EVALUATION)
        consensus(proposal, {"A": score, "B": score})
        ranked.append(proposal)
    client.force_login(officer)
    url = reverse("evaluation:ranking", kwargs={"code": call.code})

    page = client.get(url)
    assert [row["line"].proposal for row in page.context["rows"]] == ranked
    assert "below the call&#x27;s threshold" in _page(page) or "below the call's threshold" in _page(page)

    client.post(reverse("evaluation:ranking-compute", kwargs={"code": call.code}))

    ranked[0].refresh_from_db()
    assert (ranked[0].rank, ranked[0].status) == (1, Proposal.Status.RANKED)
    assert client.get(url).context["all_stored"]


def _many_ranked(call, count):
    from evaluation.tests.factories import submitted_proposal

    for index in range(count):
        proposal = with_status(submitted_proposal(call=call, complete=False), Proposal.Status.UNDER_EVALUATION)
        consensus(proposal, {"A": 10 + index % 10, "B": 12})
        review(proposal, status=Review.Status.SUBMITTED)
        review(proposal, status=Review.Status.ASSIGNED)


@pytest.mark.parametrize("count", [2, 12])
def test_ranking_page_runs_a_bounded_number_of_queries(client, officer, call, count, django_assert_max_num_queries):
    _many_ranked(call, count)
    client.force_login(officer)

    with django_assert_max_num_queries(14):
        assert client.get(reverse("evaluation:ranking", kwargs={"code": call.code})).status_code == 200


@pytest.mark.parametrize("count", [2, 12])
def test_call_proposals_page_runs_a_bounded_number_of_queries(
    client, officer, call, count, django_assert_max_num_queries
):
    _many_ranked(call, count)
    client.force_login(officer)

    with django_assert_max_num_queries(12):
        assert client.get(reverse("evaluation:call-proposals", kwargs={"code": call.code})).status_code == 200


# --- Messages ----------------------------------------------------------------------------------------------------


def test_the_thread_between_the_office_and_the_lead(client, officer, proposal, django_capture_on_commit_callbacks):
    member = lead_member(proposal, role=Membership.Role.VIEWER)
    url = reverse("evaluation:messages", kwargs={"pk": proposal.pk})

    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"body": "Abbiamo caricato la lettera firmata."})
    assert mail.outbox[-1].to == [officer.email]

    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"body": "Ricevuta, grazie."})
    assert mail.outbox[-1].to == [member.email]

    page = _page(client.get(url))
    assert "Abbiamo caricato la lettera firmata." in page and "Ricevuta, grazie." in page
    assert list(ProposalMessage.objects.values_list("from_staff", flat=True).order_by("pk")) == [False, True]


def test_evaluators_partners_and_others_stay_out_of_the_thread(client, proposal, evaluator, applicant):
    review(proposal, evaluator)
    url = reverse("evaluation:messages", kwargs={"pk": proposal.pk})
    for person in (evaluator, partner_member(proposal), applicant):
        client.force_login(person)
        assert client.get(url).status_code == 404
        assert client.post(url, {"body": "Intrusione"}).status_code == 404
    assert not ProposalMessage.objects.exists()


@pytest.mark.parametrize("count", [2, 12])
def test_calls_page_runs_a_bounded_number_of_queries(client, officer, call, count, django_assert_max_num_queries):
    from evaluation.tests.factories import closed_call

    _many_ranked(call, count)
    for _ in range(count):
        closed_call()
    client.force_login(officer)

    with django_assert_max_num_queries(10):
        response = client.get(reverse("evaluation:calls"))
    assert response.status_code == 200
    row = next(row for row in response.context["calls"] if row == call)
    assert (row.received, row.evaluating) == (count, count)


def test_staff_page_names_what_a_clarification_changed(client, officer, proposal):
    from evaluation.services import clarification_answer, clarification_request

    request = clarification_request(
        proposal=proposal,
        sections=["territories"],
        message="Indicate il municipio.",
        deadline=timezone.now() + timedelta(days=2),
        by=officer,
    )
    Proposal.objects.filter(pk=proposal.pk).update(residence_municipality="Milano, Municipio 8")
    clarification_answer(request=request, by=lead_member(proposal))
    client.force_login(officer)

    page = _page(client.get(reverse("evaluation:proposal", kwargs={"pk": proposal.pk})))

    assert "What changed:" in page and "fields municipality (Italy)" in page
