"""Requests for clarification ("soccorso istruttorio") reopen only the sections they name of a
submitted proposal, to the lead's editors, until their deadline; the answer records what changed.
Also: what the read-only page links to after submission, and the evaluators' downloads."""

from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from associations.models import Membership, Organisation
from associations.tests.factories import MINIMAL_PDF, MembershipFactory, NGOFactory, OrganisationFactory
from evaluation.models import ClarificationRequest
from evaluation.services import clarification_answer, clarification_request
from evaluation.tests.factories import (
    closed_call,
    lead_member,
    partner_member,
    review,
    submitted_proposal,
    with_status,
)
from projects.models import BudgetLine, Proposal, ProposalAttachment, ProposalPartner, Review
from projects.permissions import can_edit_proposal_step, editable_proposal_steps
from projects.services import (
    ProposalFrozen,
    proposal_attachment_delete,
    proposal_partner_remove,
    proposal_save_step,
)
from projects.tests.factories import ProposalAttachmentFactory, ProposalPartnerFactory

pytestmark = pytest.mark.django_db

SECOND = timedelta(seconds=1)
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _english(settings):
    """The pages and the services' messages in the source language: the assertions read English."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def proposal():
    return submitted_proposal(call=closed_call())


@pytest.fixture
def editor(proposal):
    return lead_member(proposal, role=Membership.Role.EDITOR)


@pytest.fixture
def budget_request(proposal, officer):
    """An open request for the budget only, due in ten days."""
    now = timezone.now()
    return clarification_request(
        proposal=proposal,
        sections=["budget"],
        message="Il piano finanziario non è firmato: allegate le voci corrette.",
        deadline=now + timedelta(days=10),
        by=officer,
        now=now,
    )


def edit_url(proposal, step):
    return reverse("projects:proposal-edit", args=[proposal.pk, step])


def detail_url(proposal):
    return reverse("projects:proposal-detail", args=[proposal.pk])


def budget_post(proposal, *, description: str) -> dict:
    """The budget step's form as the page posts it: the saved lines, the first with a new description."""
    lines = list(BudgetLine.objects.filter(proposal=proposal).order_by("pk"))
    data = {
        "budget-TOTAL_FORMS": str(len(lines)),
        "budget-INITIAL_FORMS": "0",
        "budget-MIN_NUM_FORMS": "0",
        "budget-MAX_NUM_FORMS": "1000",
        "version": str(Proposal.objects.get(pk=proposal.pk).version),
    }
    for index, line in enumerate(lines):
        data.update(
            {
                f"budget-{index}-row_id": str(line.pk),
                f"budget-{index}-category": line.category,
                f"budget-{index}-territory": line.territory,
                f"budget-{index}-description": description if index == 0 else line.description,
                f"budget-{index}-amount_requested": str(line.amount_requested),
                f"budget-{index}-cofinancing_own": str(line.cofinancing_own),
                f"budget-{index}-cofinancing_other": str(line.cofinancing_other),
            }
        )
    return data


def first_line(proposal) -> BudgetLine:
    return BudgetLine.objects.filter(proposal=proposal).order_by("pk").first()


# --- Who may edit which step -----------------------------------------------------------------------------


def test_the_predicate_opens_only_the_named_steps_to_the_lead_editors_until_the_deadline(
    proposal, editor, budget_request, officer
):
    viewer = lead_member(proposal, role=Membership.Role.VIEWER)
    before, after = budget_request.deadline - SECOND, budget_request.deadline + SECOND

    assert can_edit_proposal_step(editor, proposal, "budget", before)
    assert not can_edit_proposal_step(editor, proposal, "summary", before)
    assert not can_edit_proposal_step(editor, proposal, "budget", budget_request.deadline)
    assert not can_edit_proposal_step(editor, proposal, "budget", after)
    for someone in (viewer, officer, partner_member(proposal)):
        assert not can_edit_proposal_step(someone, proposal, "budget", before)
    assert editable_proposal_steps(editor, proposal, before) == {"budget"}
    assert editable_proposal_steps(editor, proposal, after) == set()
    assert editable_proposal_steps(viewer, proposal, before) == set()


def test_once_admissible_nothing_is_reopened_even_with_a_request_left_open(proposal, editor, budget_request):
    with_status(proposal, Proposal.Status.ADMISSIBLE)
    assert not can_edit_proposal_step(editor, proposal, "budget", budget_request.deadline - SECOND)


# --- The budget reopened, the summary not ---------------------------------------------------------------


def test_the_lead_editor_saves_the_reopened_budget_of_a_submitted_proposal(client, proposal, editor, budget_request):
    protocol, submitted_at, version = proposal.protocol_number, proposal.submitted_at, proposal.version
    client.force_login(editor)

    page = client.get(edit_url(proposal, "budget"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Il piano finanziario non è firmato" in html  # the request, above the form
    assert 'id="step-form"' in html
    # The steps nav links the reopened step only.
    assert edit_url(proposal, "budget") in html and edit_url(proposal, "summary") not in html

    response = client.post(edit_url(proposal, "budget"), budget_post(proposal, description="Formatore (firmato)"))

    assert response.status_code == 302
    assert response["Location"] == edit_url(proposal, "budget")
    assert first_line(proposal).description == "Formatore (firmato)"
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED
    assert (proposal.protocol_number, proposal.submitted_at) == (protocol, submitted_at)
    assert proposal.version == version + 1 and proposal.last_edited_by == editor


def test_the_autosave_of_the_reopened_budget_works_too(client, proposal, editor, budget_request):
    client.force_login(editor)
    response = client.post(
        reverse("projects:proposal-autosave", args=[proposal.pk, "budget"]),
        budget_post(proposal, description="Salvata da sola"),
        **HTMX,
    )
    assert response.status_code == 200 and "HX-Redirect" not in response
    assert first_line(proposal).description == "Salvata da sola"


def test_a_step_not_reopened_stays_frozen(client, proposal, editor, budget_request):
    title = proposal.title
    client.force_login(editor)

    for response in (
        client.get(edit_url(proposal, "summary")),
        client.post(edit_url(proposal, "summary"), {"title": "Cambiato", "version": proposal.version}),
    ):
        assert response.status_code == 302 and response["Location"] == detail_url(proposal)
    autosave = client.post(
        reverse("projects:proposal-autosave", args=[proposal.pk, "summary"]),
        {"title": "Cambiato", "version": proposal.version},
        **HTMX,
    )
    assert autosave["HX-Redirect"] == detail_url(proposal)
    followed = client.get(edit_url(proposal, "summary"), follow=True)
    assert "reopened only these sections: Budget" in " ".join(str(m) for m in followed.context["messages"])
    proposal.refresh_from_db()
    assert proposal.title == title


def test_other_people_are_refused_the_reopened_step(client, proposal, budget_request, officer):
    viewer = lead_member(proposal, role=Membership.Role.VIEWER)
    for person in (viewer, partner_member(proposal), officer):
        client.force_login(person)
        assert client.get(edit_url(proposal, "budget")).status_code == 403
        response = client.post(edit_url(proposal, "budget"), budget_post(proposal, description="Altro"))
        assert response.status_code == 403
    assert first_line(proposal).description == ""


@pytest.mark.parametrize(("offset", "saved"), [(-SECOND, True), (SECOND, False)], ids=["a second before", "after"])
def test_the_deadline_closes_the_section_again(client, proposal, editor, budget_request, offset, saved):
    client.force_login(editor)
    data = budget_post(proposal, description="All'ultimo momento")

    with time_machine.travel(budget_request.deadline + offset, tick=False):
        response = client.post(edit_url(proposal, "budget"), data)

    assert response.status_code == 302
    if saved:
        assert response["Location"] == edit_url(proposal, "budget")
        assert first_line(proposal).description == "All'ultimo momento"
    else:
        assert response["Location"] == detail_url(proposal)
        assert first_line(proposal).description == ""


@pytest.mark.parametrize(("offset", "saved"), [(-SECOND, True), (0 * SECOND, False), (SECOND, False)])
def test_the_service_checks_the_deadline_too(proposal, editor, budget_request, offset, saved):
    line = first_line(proposal)
    rows = [
        {
            "id": row.pk,
            "category": row.category,
            "territory": row.territory,
            "description": "Dal servizio" if row.pk == line.pk else row.description,
            "amount_requested": row.amount_requested,
            "cofinancing_own": row.cofinancing_own,
            "cofinancing_other": row.cofinancing_other,
        }
        for row in BudgetLine.objects.filter(proposal=proposal).order_by("pk")
    ]

    def save():
        return proposal_save_step(
            proposal=proposal,
            step="budget",
            data=rows,
            version=proposal.version,
            by=editor,
            now=budget_request.deadline + offset,
        )

    if saved:
        save()
        assert first_line(proposal).description == "Dal servizio"
    else:
        with pytest.raises(ProposalFrozen):
            save()
        assert first_line(proposal).description == ""


def test_the_answer_records_the_budget_change_and_closes_the_section(client, proposal, editor, budget_request):
    line = first_line(proposal)
    client.force_login(editor)
    client.post(edit_url(proposal, "budget"), budget_post(proposal, description="Formatore (firmato)"))

    answered = clarification_answer(request=budget_request, by=editor)

    assert answered.status == ClarificationRequest.Status.ANSWERED
    assert answered.changes["changed"] == {"budget": {"added": [], "removed": [], "changed": [line.pk]}}
    before = {row["id"]: row for row in answered.changes["before"]["budget"]}
    after = {row["id"]: row for row in answered.changes["after"]["budget"]}
    assert (before[line.pk]["description"], after[line.pk]["description"]) == ("", "Formatore (firmato)")
    # Answered: the budget is closed again.
    response = client.post(edit_url(proposal, "budget"), budget_post(proposal, description="Dopo la risposta"))
    assert response["Location"] == detail_url(proposal)
    assert first_line(proposal).description == "Formatore (firmato)"


# --- Partners and attachments are steps too --------------------------------------------------------------


def test_reopened_attachments_take_a_new_file_and_keep_the_submitted_one(client, proposal, editor, officer, settings):
    submitted_file = ProposalAttachmentFactory(proposal=proposal, title="Lettera non firmata")
    clarification_request(
        proposal=proposal,
        sections=["attachments"],
        message="La lettera di partenariato non è firmata.",
        deadline=timezone.now() + timedelta(days=5),
        by=officer,
    )
    client.force_login(editor)

    uploaded = client.post(
        reverse("projects:attachment-upload", args=[proposal.pk]),
        {
            "slot": "other",
            "other-title": "Lettera firmata",
            "other-file": SimpleUploadedFile("lettera.pdf", MINIMAL_PDF, content_type="application/pdf"),
        },
    )
    proposal_attachment_delete(attachment=submitted_file, by=editor)

    assert uploaded.status_code == 302
    assert list(ProposalAttachment.objects.filter(proposal=proposal).values_list("title", flat=True)) == [
        "Lettera firmata"
    ]
    # What was submitted stays in the storage: the request's snapshot names it.
    assert (settings.MEDIA_ROOT / submitted_file.file.name).exists()
    # The partners were not reopened.
    invite = client.post(reverse("projects:partner-invite", args=[proposal.pk]), {})
    assert invite["Location"] == detail_url(proposal)


def test_reopened_partners_take_a_new_ngo_which_confirms_and_keep_the_removed_ones(client, proposal, editor, officer):
    origin = ProposalPartnerFactory(
        proposal=proposal,
        organisation=OrganisationFactory(kind=Organisation.Kind.ORIGIN_PARTNER, codice_fiscale="", seat_city="Thiès"),
        role=ProposalPartner.Role.ORIGIN_PARTNER,
        response=ProposalPartner.Response.CONFIRMED,
    )
    clarification_request(
        proposal=proposal,
        sections=["partners"],
        message="Il partner italiano non ha confermato.",
        deadline=timezone.now() + timedelta(days=5),
        by=officer,
    )
    ngo = NGOFactory()
    ngo_editor = MembershipFactory(organisation=ngo, role=Membership.Role.EDITOR).user
    client.force_login(editor)

    invited = client.post(reverse("projects:partner-invite", args=[proposal.pk]), {"invite-organisation": ngo.pk})
    assert invited["Location"] == edit_url(proposal, "partners")
    partner = ProposalPartner.objects.get(proposal=proposal, organisation=ngo)
    client.force_login(ngo_editor)
    answered = client.post(reverse("projects:partner-respond", args=[partner.pk]), {"decision": "confirm"})
    assert answered.status_code == 302
    partner.refresh_from_db()
    assert partner.response == ProposalPartner.Response.CONFIRMED

    proposal_partner_remove(partner=origin, by=editor)
    assert not ProposalPartner.objects.filter(pk=origin.pk).exists()
    assert Organisation.objects.filter(pk=origin.organisation_id).exists()  # on record: the snapshot names it


# --- The read-only page after submission --------------------------------------------------------------------


def test_the_lead_reads_the_open_request_with_links_to_the_reopened_steps(client, proposal, editor, budget_request):
    client.force_login(editor)
    html = client.get(detail_url(proposal)).content.decode()

    assert "Il piano finanziario non è firmato" in html
    assert f'<a href="{edit_url(proposal, "budget")}">Budget</a>' in html
    assert edit_url(proposal, "summary") not in html
    assert reverse("evaluation:clarification", kwargs={"pk": budget_request.pk}) in html
    assert reverse("evaluation:messages", kwargs={"pk": proposal.pk}) in html
    assert reverse("funding:outcome", kwargs={"pk": proposal.pk}) not in html  # results not published
    assert f'href="{reverse("evaluation:proposal", kwargs={"pk": proposal.pk})}"' not in html  # staff only


def test_a_viewer_of_the_lead_reads_the_request_without_edit_links(client, proposal, budget_request):
    client.force_login(lead_member(proposal, role=Membership.Role.VIEWER))
    html = client.get(detail_url(proposal)).content.decode()
    assert "Il piano finanziario non è firmato" in html
    assert edit_url(proposal, "budget") not in html


def test_after_the_deadline_the_request_is_no_longer_shown(client, proposal, editor, budget_request):
    client.force_login(editor)
    with time_machine.travel(budget_request.deadline + SECOND, tick=False):
        html = client.get(detail_url(proposal)).content.decode()
    assert "Il piano finanziario non è firmato" not in html
    assert edit_url(proposal, "budget") not in html


def test_the_outcome_is_linked_once_the_results_are_published(client, proposal, editor):
    with_status(proposal, Proposal.Status.FUNDED)
    client.force_login(editor)
    outcome = reverse("funding:outcome", kwargs={"pk": proposal.pk})

    assert outcome not in client.get(detail_url(proposal)).content.decode()

    proposal.call.status = "results_published"
    proposal.call.save()
    html = client.get(detail_url(proposal)).content.decode()
    assert outcome in html
    assert client.get(outcome).status_code == 200


def test_staff_read_links_to_the_evaluation_and_the_money_of_a_funded_project(client, proposal, officer):
    client.force_login(officer)
    staff_page = reverse("evaluation:proposal", kwargs={"pk": proposal.pk})
    money_page = reverse("funding:project", kwargs={"pk": proposal.pk})

    html = client.get(detail_url(proposal)).content.decode()
    assert staff_page in html and money_page not in html

    with_status(proposal, Proposal.Status.FUNDED)
    html = client.get(detail_url(proposal)).content.decode()
    assert staff_page in html and money_page in html
    assert reverse("evaluation:messages", kwargs={"pk": proposal.pk}) not in html  # the lead's thread link


# --- Evaluators download the attachments of the proposals they review ------------------------------------------


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (Review.Status.ASSIGNED, 404),
        (Review.Status.CONFLICT, 404),
        (Review.Status.NO_CONFLICT, 200),
        (Review.Status.SUBMITTED, 200),
    ],
)
def test_evaluators_download_attachments_once_they_declared_no_conflict(client, proposal, evaluator, status, expected):
    attachment = ProposalAttachmentFactory(proposal=proposal)
    review(proposal, evaluator=evaluator, status=status)
    client.force_login(evaluator)

    response = client.get(reverse("projects:attachment-download", args=[proposal.pk, attachment.pk]))

    assert response.status_code == expected
    if expected == 200:
        assert b"".join(response.streaming_content) == b"%PDF-1.4 test"


def test_an_evaluators_review_opens_only_that_proposals_attachments(client, proposal, evaluator):
    other = submitted_proposal(call=proposal.call)
    theirs = ProposalAttachmentFactory(proposal=other)
    review(proposal, evaluator=evaluator, status=Review.Status.SUBMITTED)
    client.force_login(evaluator)

    assert client.get(reverse("projects:attachment-download", args=[other.pk, theirs.pk])).status_code == 404
    # Nor with the id of the other proposal's attachment under the reviewed proposal.
    assert client.get(reverse("projects:attachment-download", args=[proposal.pk, theirs.pk])).status_code == 404
    # Downloading is all: the proposal's pages stay closed to evaluators.
    assert client.get(detail_url(proposal)).status_code == 404
