"""Drafting a proposal: starting it, its steps, autosave, two members editing at once, freezing."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from associations.models import Membership
from associations.tests.factories import (
    MembershipFactory,
    NGOFactory,
    OrganisationFactory,
    PendingOrganisationFactory,
)
from calls.models import Territory
from calls.tests.factories import CallFactory
from projects.models import Activity, Indicator, Proposal
from projects.services import EditConflict, ProposalFrozen, proposal_save_step, proposal_submit
from projects.tests.factories import ActivityFactory, ProposalFactory, eligible_call, eligible_proposal

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _english(settings):
    """The pages in the source language: the assertions read the English texts."""
    settings.LANGUAGE_CODE = "en"


def member(organisation, role=Membership.Role.EDITOR):
    return MembershipFactory(organisation=organisation, role=role).user


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def edit_url(proposal, step):
    return reverse("projects:proposal-edit", args=[proposal.pk, step])


def autosave_url(proposal, step):
    return reverse("projects:proposal-autosave", args=[proposal.pk, step])


@pytest.fixture
def lead():
    return OrganisationFactory(seat_city="Milano", countries_of_origin=["SN"])


@pytest.fixture
def editor(lead):
    return member(lead)


@pytest.fixture
def draft(lead, editor):
    return ProposalFactory(call=eligible_call(), lead=lead, title="Orti di Thiès", summary="", created_by=editor)


# --- Starting a proposal ----------------------------------------------------------------------------


def start_url(call):
    return reverse("projects:proposal-start", args=[call.code])


def test_a_verified_association_editor_starts_a_draft(client, lead, editor):
    call = CallFactory()
    client.force_login(editor)

    page = client.get(start_url(call))
    assert page.status_code == 200
    assert lead.legal_name in page.content.decode()

    response = client.post(start_url(call), {"lead": lead.pk, "title": "  Orti di Thiès "})

    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == edit_url(proposal, "summary")
    assert (proposal.call, proposal.lead, proposal.title) == (call, lead, "Orti di Thiès")
    assert proposal.status == Proposal.Status.DRAFT
    assert proposal.created_by == editor and proposal.version == 1
    # The draft starts from what the portal knows of the association.
    assert proposal.residence_municipality == "Milano" and proposal.origin_country.code == "SN"


def test_a_member_of_several_associations_chooses_the_lead(client, lead, editor):
    other = OrganisationFactory(legal_name="Andes–Junín Ponte Solidale")
    MembershipFactory(user=editor, organisation=other, role=Membership.Role.LEGAL_REPRESENTATIVE)
    call = CallFactory()
    client.force_login(editor)

    page = client.get(start_url(call)).content.decode()
    assert f'<option value="{other.pk}"' in page and f'<option value="{lead.pk}"' in page

    client.post(start_url(call), {"lead": other.pk, "title": "Ponte andino"})
    assert Proposal.objects.get().lead == other


def test_the_lead_must_be_one_of_the_members_associations(client, editor):
    stranger = OrganisationFactory()
    client.force_login(editor)

    response = client.post(start_url(CallFactory()), {"lead": stranger.pk, "title": "Non mio"})

    assert response.status_code == 200 and response.context["form"].errors["lead"]
    assert not Proposal.objects.exists()


def test_a_pending_association_member_cannot_start(client):
    pending_member = member(PendingOrganisationFactory(), Membership.Role.LEGAL_REPRESENTATIVE)
    client.force_login(pending_member)
    call = CallFactory()

    assert client.get(start_url(call)).status_code == 403
    assert client.post(start_url(call), {"title": "x"}).status_code == 403
    assert not Proposal.objects.exists()


def test_an_ngo_member_cannot_start(client):
    client.force_login(member(NGOFactory()))
    assert client.get(start_url(CallFactory())).status_code == 403


def test_a_viewer_of_an_association_cannot_start(client, lead):
    client.force_login(member(lead, Membership.Role.VIEWER))
    assert client.get(start_url(CallFactory())).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(start_url(CallFactory()))
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_closed_call_takes_no_new_proposals(client, lead, editor):
    call = CallFactory(opens_at=timezone.now() - timedelta(days=60), closes_at=timezone.now() - timedelta(minutes=1))
    client.force_login(editor)

    response = client.post(start_url(call), {"lead": lead.pk, "title": "Troppo tardi"}, follow=True)

    assert response.redirect_chain[0] == (call.get_absolute_url(), 302)
    assert any("not open" in message for message in messages_of(response))
    assert not Proposal.objects.exists()


def test_the_call_page_offers_to_start_only_when_allowed(client, editor):
    open_call = CallFactory()
    closed_call = CallFactory(
        opens_at=timezone.now() - timedelta(days=60), closes_at=timezone.now() - timedelta(days=1)
    )
    button = "Start a proposal"

    assert button not in client.get(open_call.get_absolute_url()).content.decode()
    client.force_login(member(NGOFactory()))
    assert button not in client.get(open_call.get_absolute_url()).content.decode()
    client.force_login(editor)
    page = client.get(open_call.get_absolute_url()).content.decode()
    assert button in page and start_url(open_call) in page
    assert button not in client.get(closed_call.get_absolute_url()).content.decode()


# --- The text steps --------------------------------------------------------------------------------

TEXT_STEPS = {
    "summary": (
        {
            "title": "Filiera del miglio",
            "acronym": "MIGLIO",
            "theme": "migrazione e sviluppo",
            "summary": "Formazione dei coltivatori.",
            "duration_months": "12",
        },
        {
            "title": "Filiera del miglio",
            "acronym": "MIGLIO",
            "summary": "Formazione dei coltivatori.",
            "duration_months": 12,
        },
    ),
    "territories": (
        {
            "origin_country": "PE",
            "origin_region": "Junín",
            "origin_city": "Huancayo",
            "origin_context": "Valle del Mantaro.",
            "residence_municipality": "Milano",
            "residence_region": "Lombardia",
            "residence_context": "Municipio 4.",
        },
        {"origin_region": "Junín", "origin_city": "Huancayo", "residence_context": "Municipio 4."},
    ),
    "objectives": (
        {"objectives": "Rafforzare la filiera.", "expected_results": "40 coltivatori formati."},
        {"objectives": "Rafforzare la filiera.", "expected_results": "40 coltivatori formati."},
    ),
    "beneficiaries": (
        {
            "beneficiaries_origin": "120",
            "beneficiaries_origin_description": "Famiglie di Thiès.",
            "beneficiaries_residence": "",
            "beneficiaries_residence_description": "",
        },
        {"beneficiaries_origin": 120, "beneficiaries_residence": 0},
    ),
    "sustainability": (
        {"sustainability": "La cooperativa prosegue le attività."},
        {"sustainability": "La cooperativa prosegue le attività."},
    ),
}


@pytest.mark.parametrize("step", sorted(TEXT_STEPS))
def test_each_text_step_saves(client, draft, editor, step):
    posted, expected = TEXT_STEPS[step]
    client.force_login(editor)
    assert client.get(edit_url(draft, step)).status_code == 200

    response = client.post(edit_url(draft, step), {**posted, "version": draft.version, "save": ""})

    assert response.status_code == 302 and response["Location"] == edit_url(draft, step)
    draft.refresh_from_db()
    for name, value in expected.items():
        assert getattr(draft, name) == value, name
    assert draft.version == 2 and draft.last_edited_by == editor


def test_the_country_of_origin_is_saved_even_when_the_call_does_not_accept_it(client, draft, editor):
    """Any country can be chosen: the eligibility panel says when the call does not accept it."""
    posted, _expected = TEXT_STEPS["territories"]
    client.force_login(editor)
    client.post(edit_url(draft, "territories"), {**posted, "origin_country": "AL", "version": 1})
    draft.refresh_from_db()
    assert draft.origin_country.code == "AL"
    detail = client.get(reverse("projects:proposal-detail", args=[draft.pk])).content.decode()
    assert "Albania is not among the countries of origin this call accepts." in detail


def test_save_and_continue_goes_to_the_next_step(client, draft, editor):
    client.force_login(editor)
    response = client.post(edit_url(draft, "objectives"), {"objectives": "x", "version": 1, "continue": ""})
    assert response["Location"] == edit_url(draft, "activities")
    response = client.post(edit_url(draft, "attachments"), {"version": 2, "continue": ""})
    assert response.status_code == 405


def test_invalid_input_is_refused_and_kept(client, draft, editor):
    client.force_login(editor)

    response = client.post(
        edit_url(draft, "summary"), {"title": "", "summary": "Il mio testo", "duration_months": "dodici", "version": 1}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Il mio testo" in page and "dodici" in page
    assert set(response.context["form"].errors) == {"title", "duration_months"}
    assert "<h1>Orti di Thiès</h1>" in page  # the saved title, not what was typed
    # The errors are listed at the top, each linked to its field.
    assert 'href="#id_title"' in page and 'href="#id_duration_months"' in page
    draft.refresh_from_db()
    assert draft.summary == "" and draft.version == 1


def test_the_page_around_a_refused_form_shows_what_is_saved(client, draft, editor):
    client.force_login(editor)
    response = client.post(edit_url(draft, "summary"), {"title": "Nuovo titolo", "duration_months": "-1", "version": 1})
    page = response.content.decode()
    assert "<h1>Orti di Thiès</h1>" in page and 'value="Nuovo titolo"' in page


def test_an_unknown_step_is_not_found(client, draft, editor):
    client.force_login(editor)
    assert client.get(edit_url(draft, "nonsense")).status_code == 404


def test_the_progress_indicator_says_which_steps_have_content(client, draft, editor):
    ActivityFactory(proposal=draft)
    draft.objectives = "Rafforzare la filiera."
    draft.origin_city = ""  # what the territories step asks, beyond what the draft starts with
    draft.save()
    client.force_login(editor)

    page = client.get(edit_url(draft, "budget")).content.decode()

    nav = page[page.index('<nav aria-label="Steps of the proposal"') :]
    nav = nav[: nav.index("</nav>")]
    assert nav.count("<li") == 10
    assert nav.count('aria-current="step"') == 1
    current = nav[nav.index('aria-current="step"') :]
    assert current[: current.index("</a>")].count("Budget") == 1
    assert nav.count("filled in") == 2  # objectives and activities
    assert nav.count("nothing yet") == 8


# --- The list steps ----------------------------------------------------------------------------------


def management(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def activity_rows(*rows, initial=0, extra=1):
    data = management("activities", len(rows) + extra, initial)
    for index, row in enumerate(rows):
        data.update({f"activities-{index}-{name}": value for name, value in row.items()})
    return data


def test_the_activities_step_creates_updates_and_removes_rows(client, draft, editor):
    client.force_login(editor)
    first = {"title": "Formazione", "territory": "origin", "start_month": "1", "end_month": "6"}
    second = {"title": "Incontri a Milano", "territory": "residence", "start_month": "2", "end_month": "12"}

    response = client.post(edit_url(draft, "activities"), {**activity_rows(first, second), "version": 1})

    assert response.status_code == 302
    saved = list(Activity.objects.filter(proposal=draft).order_by("pk"))
    assert [(a.title, a.territory, a.start_month, a.end_month) for a in saved] == [
        ("Formazione", "origin", 1, 6),
        ("Incontri a Milano", "residence", 2, 12),
    ]

    changed = {**first, "row_id": saved[0].pk, "end_month": "8"}
    removed = {**second, "row_id": saved[1].pk, "DELETE": "on"}
    client.post(edit_url(draft, "activities"), {**activity_rows(changed, removed, initial=2), "version": 2})

    assert list(Activity.objects.filter(proposal=draft).values_list("pk", "end_month")) == [(saved[0].pk, 8)]
    draft.refresh_from_db()
    assert draft.version == 3


def test_an_emptied_row_is_removed(client, draft, editor):
    activity = ActivityFactory(proposal=draft)
    client.force_login(editor)
    emptied = {"row_id": activity.pk, "title": "", "territory": "", "start_month": "", "end_month": ""}

    response = client.post(edit_url(draft, "activities"), {**activity_rows(emptied, initial=1), "version": 1})

    assert response.status_code == 302
    assert not Activity.objects.filter(proposal=draft).exists()


def test_an_activity_cannot_end_before_it_starts(client, draft, editor):
    client.force_login(editor)
    row = {"title": "Formazione", "territory": "origin", "start_month": "6", "end_month": "2"}

    response = client.post(edit_url(draft, "activities"), {**activity_rows(row), "version": 1})

    assert response.status_code == 200
    assert "The end month cannot come before the start month." in response.content.decode()
    assert not Activity.objects.exists()


def test_rows_of_another_proposal_are_never_touched(client, draft, editor):
    foreign = ActivityFactory(title="Altrui")
    client.force_login(editor)
    row = {"row_id": foreign.pk, "title": "Mia", "territory": "origin", "start_month": "1", "end_month": "2"}

    client.post(edit_url(draft, "activities"), {**activity_rows(row), "version": 1})

    foreign.refresh_from_db()
    assert foreign.title == "Altrui" and foreign.proposal != draft
    assert Activity.objects.get(proposal=draft).title == "Mia"


def test_the_indicators_step_saves(client, draft, editor):
    client.force_login(editor)
    data = management("indicators", 3)
    data.update(
        {
            "indicators-0-name": "Coltivatori formati",
            "indicators-0-territory": "origin",
            "indicators-0-baseline": "0",
            "indicators-0-target": "40",
            "indicators-1-name": "Famiglie raggiunte a Milano",
            "indicators-1-territory": "residence",
            "indicators-1-target": "100",
        }
    )

    assert client.post(edit_url(draft, "indicators"), {**data, "version": 1}).status_code == 302

    assert list(Indicator.objects.filter(proposal=draft).values_list("name", "territory", "baseline", "target")) == [
        ("Coltivatori formati", Territory.ORIGIN, "0", "40"),
        ("Famiglie raggiunte a Milano", Territory.RESIDENCE, "", "100"),
    ]


# --- Autosave ----------------------------------------------------------------------------------------


def test_autosave_saves_and_answers_with_the_status_line(client, draft, editor):
    client.force_login(editor)

    response = client.post(autosave_url(draft, "objectives"), {"objectives": "Scritto al volo", "version": 1}, **HTMX)

    page = response.content.decode()
    assert response.status_code == 200
    assert response.templates[0].name == "projects/partials/autosave_status.html"
    assert "<html" not in page
    assert "Draft saved at" in page
    # The form's version is replaced out of band, so the next save is not a conflict.
    assert """name="version" value="2" hx-swap-oob="outerHTML:#step-form input[name='version']">""" in page
    # …and so is the step's state in the progress indicator.
    assert 'id="step-state-objectives" hx-swap-oob="true"><span aria-hidden="true">✓ </span>filled in' in page
    draft.refresh_from_db()
    assert draft.objectives == "Scritto al volo" and draft.version == 2


def test_autosave_gives_new_rows_their_ids(client, draft, editor):
    client.force_login(editor)
    row = {"title": "Formazione", "territory": "origin", "start_month": "1", "end_month": "6"}

    page = client.post(autosave_url(draft, "activities"), {**activity_rows(row), "version": 1}, **HTMX).content.decode()

    activity = Activity.objects.get(proposal=draft)
    assert (
        f"""name="activities-0-row_id" value="{activity.pk}" """
        """hx-swap-oob="outerHTML:#step-form input[name='activities-0-row_id']">"""
    ) in page
    # Saved again with the id, the row is updated, not duplicated.
    again = {**row, "row_id": activity.pk, "title": "Formazione dei coltivatori"}
    client.post(autosave_url(draft, "activities"), {**activity_rows(again), "version": 2}, **HTMX)
    assert list(Activity.objects.filter(proposal=draft).values_list("pk", "title")) == [
        (activity.pk, "Formazione dei coltivatori")
    ]


def test_autosave_with_invalid_input_saves_nothing(client, draft, editor):
    client.force_login(editor)

    response = client.post(autosave_url(draft, "summary"), {"title": "", "summary": "x", "version": 1}, **HTMX)

    assert response.status_code == 200 and "Not saved yet" in response.content.decode()
    draft.refresh_from_db()
    assert draft.summary == "" and draft.version == 1


def test_autosave_of_unchanged_content_keeps_the_version(client, draft, editor):
    client.force_login(editor)
    client.post(autosave_url(draft, "objectives"), {"objectives": "Uguale", "version": 1}, **HTMX)
    client.post(autosave_url(draft, "objectives"), {"objectives": "Uguale", "version": 2}, **HTMX)
    draft.refresh_from_db()
    assert draft.version == 2


def test_autosave_after_the_session_expired_sends_the_page_to_the_login(client, draft):
    response = client.post(
        autosave_url(draft, "objectives"),
        {"objectives": "x", "version": 1},
        HTTP_HX_CURRENT_URL="http://testserver" + edit_url(draft, "objectives"),
        **HTMX,
    )
    assert response.status_code == 204
    assert "login" in response["HX-Redirect"]
    assert response["HX-Redirect"].endswith("next=" + edit_url(draft, "objectives"))
    draft.refresh_from_db()
    assert draft.objectives == ""


def test_autosave_is_only_for_the_steps_with_a_form(client, draft, editor):
    client.force_login(editor)
    assert client.post(autosave_url(draft, "partners"), {"version": 1}, **HTMX).status_code == 404


# --- Two members editing the same draft -----------------------------------------------------------------


@pytest.fixture
def colleague(lead):
    return member(lead, Membership.Role.LEGAL_REPRESENTATIVE)


def test_a_stale_save_is_refused_and_keeps_the_input(client, draft, editor, colleague):
    """Both opened the page at version 1: the first save wins, the second is refused."""
    client.force_login(colleague)
    assert (
        client.post(edit_url(draft, "objectives"), {"objectives": "Versione di Amina", "version": 1}).status_code == 302
    )

    client.force_login(editor)
    response = client.post(edit_url(draft, "objectives"), {"objectives": "Versione di Moussa", "version": 1})

    page = response.content.decode()
    assert response.status_code == 200
    assert colleague.get_full_name() in " ".join(messages_of(response))
    assert "Versione di Moussa" in page  # the member's input, kept in the form
    assert "Versione di Amina" in page  # beside the version saved now
    draft.refresh_from_db()
    assert draft.objectives == "Versione di Amina" and draft.version == 2 and draft.last_edited_by == colleague
    # The form now carries the current version: saving again, knowingly, keeps Moussa's text.
    assert 'name="version" value="2"' in page
    client.post(edit_url(draft, "objectives"), {"objectives": "Versione di Moussa", "version": 2})
    draft.refresh_from_db()
    assert draft.objectives == "Versione di Moussa" and draft.version == 3


def test_a_stale_save_of_the_same_content_is_no_conflict(client, draft, editor, colleague):
    client.force_login(colleague)
    client.post(edit_url(draft, "objectives"), {"objectives": "Uguale", "version": 1})
    client.force_login(editor)

    response = client.post(edit_url(draft, "objectives"), {"objectives": "Uguale", "version": 1})

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.version == 2 and draft.last_edited_by == colleague


def test_autosave_reports_a_conflict_in_the_status_line(client, draft, editor, colleague):
    client.force_login(colleague)
    client.post(autosave_url(draft, "summary"), {"title": "Titolo di Amina", "version": 1}, **HTMX)
    client.force_login(editor)

    response = client.post(autosave_url(draft, "summary"), {"title": "Titolo di Moussa", "version": 1}, **HTMX)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Not saved:" in page and colleague.get_full_name() in page
    assert "hx-swap-oob" not in page  # the stale version stays: every later autosave is refused too
    draft.refresh_from_db()
    assert draft.title == "Titolo di Amina" and draft.version == 2


def test_a_stale_save_of_rows_is_refused(client, draft, editor, colleague):
    row = {"title": "Formazione", "territory": "origin", "start_month": "1", "end_month": "6"}
    client.force_login(colleague)
    client.post(edit_url(draft, "activities"), {**activity_rows(row), "version": 1})
    client.force_login(editor)

    other = {**row, "title": "Laboratori"}
    response = client.post(edit_url(draft, "activities"), {**activity_rows(other), "version": 1})

    assert response.status_code == 200 and "Laboratori" in response.content.decode()
    assert list(Activity.objects.filter(proposal=draft).values_list("title", flat=True)) == ["Formazione"]


def test_the_service_writes_only_from_the_current_version(draft, editor, colleague):
    proposal_save_step(
        proposal=draft, step="objectives", data={"objectives": "A", "expected_results": ""}, version=1, by=colleague
    )

    with pytest.raises(EditConflict) as refused:
        proposal_save_step(
            proposal=draft, step="objectives", data={"objectives": "B", "expected_results": ""}, version=1, by=editor
        )

    assert refused.value.current.version == 2
    draft.refresh_from_db()
    assert (draft.objectives, draft.version, draft.last_edited_by) == ("A", 2, colleague)


# --- Frozen after submission --------------------------------------------------------------------------------


@pytest.fixture
def submitted(lead, editor):
    return proposal_submit(proposal=eligible_proposal(lead=lead), by=None)


def test_after_submission_the_editors_are_sent_to_the_read_only_page(client, submitted, editor):
    client.force_login(editor)
    detail = reverse("projects:proposal-detail", args=[submitted.pk])

    response = client.get(edit_url(submitted, "summary"), follow=True)

    assert response.redirect_chain == [(detail, 302)]
    assert "can no longer be changed" in " ".join(messages_of(response))
    page = response.content.decode()
    assert submitted.protocol_number in page and 'id="step-form"' not in page


@pytest.mark.parametrize(
    ("name", "kwargs", "data"),
    [
        ("projects:proposal-edit", {"step": "summary"}, {"title": "Cambiato", "version": 1}),
        ("projects:proposal-autosave", {"step": "summary"}, {"title": "Cambiato", "version": 1}),
        ("projects:proposal-budget-totals", {}, {}),
        ("projects:partner-invite", {}, {}),
        ("projects:partner-add-origin", {}, {"origin-legal_name": "GIE", "origin-country": "SN"}),
        ("projects:attachment-upload", {}, {"slot": "other"}),
    ],
)
def test_after_submission_every_change_is_refused(client, submitted, editor, name, kwargs, data):
    client.force_login(editor)
    version = submitted.version

    response = client.post(reverse(name, kwargs={"pk": submitted.pk, **kwargs}), data)

    assert response.status_code == 302
    assert response["Location"] == reverse("projects:proposal-detail", args=[submitted.pk])
    submitted.refresh_from_db()
    assert submitted.title == "Filiera del miglio a Thiès" and submitted.version == version
    assert submitted.partners.count() == 1


def test_after_submission_autosave_sends_the_page_to_the_read_only_version(client, submitted, editor):
    client.force_login(editor)
    response = client.post(autosave_url(submitted, "summary"), {"title": "Cambiato", "version": 1}, **HTMX)
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("projects:proposal-detail", args=[submitted.pk])


def test_after_submission_rows_and_partners_stay(client, submitted, editor):
    partner = submitted.partners.get()
    attachment = submitted.attachments.get()
    client.force_login(editor)

    client.post(reverse("projects:partner-remove", args=[submitted.pk, partner.pk]))
    client.post(reverse("projects:attachment-delete", args=[submitted.pk, attachment.pk]))

    assert submitted.partners.filter(pk=partner.pk).exists()
    assert submitted.attachments.filter(pk=attachment.pk).exists()


def test_the_service_refuses_to_save_a_submitted_proposal(submitted, editor):
    with pytest.raises(ProposalFrozen):
        proposal_save_step(
            proposal=submitted,
            step="objectives",
            data={"objectives": "Dopo", "expected_results": ""},
            version=submitted.version,
            by=editor,
        )


# --- Who sees and who edits ----------------------------------------------------------------------------------


def every_url(proposal):
    partner = proposal.partners.first()
    attachment = proposal.attachments.first()
    pk = proposal.pk
    return [
        ("get", reverse("projects:proposal-detail", args=[pk])),
        *[("get", edit_url(proposal, step)) for step in ("summary", "activities", "budget", "partners", "attachments")],
        ("post", edit_url(proposal, "summary")),
        ("post", autosave_url(proposal, "summary")),
        ("post", reverse("projects:proposal-budget-totals", args=[pk])),
        ("post", reverse("projects:partner-invite", args=[pk])),
        ("post", reverse("projects:partner-add-origin", args=[pk])),
        ("post", reverse("projects:partner-remove", args=[pk, partner.pk])),
        ("get", reverse("projects:partner-respond", args=[partner.pk])),
        ("post", reverse("projects:partner-respond", args=[partner.pk])),
        ("post", reverse("projects:attachment-upload", args=[pk])),
        ("get", reverse("projects:attachment-download", args=[pk, attachment.pk])),
        ("post", reverse("projects:attachment-delete", args=[pk, attachment.pk])),
    ]


def test_another_associations_member_gets_404_everywhere(client):
    proposal = eligible_proposal()
    client.force_login(member(OrganisationFactory(), Membership.Role.LEGAL_REPRESENTATIVE))
    for method, url in every_url(proposal):
        assert getattr(client, method)(url).status_code == 404, (method, url)


def test_officers_do_not_see_drafts(client, officer):
    proposal = eligible_proposal()
    client.force_login(officer)
    for method, url in every_url(proposal):
        assert getattr(client, method)(url).status_code == 404, (method, url)


def test_officers_read_submitted_proposals_but_do_not_edit_them(client, officer):
    proposal = proposal_submit(proposal=eligible_proposal(), by=None)
    client.force_login(officer)
    assert client.get(reverse("projects:proposal-detail", args=[proposal.pk])).status_code == 200
    assert client.get(edit_url(proposal, "summary")).status_code == 403
    assert client.post(autosave_url(proposal, "summary"), {"version": 1}).status_code == 403


def test_the_ngo_partner_sees_the_proposal_but_cannot_edit_it(client):
    proposal = eligible_proposal()
    ngo_editor = member(proposal.partners.get().organisation)
    client.force_login(ngo_editor)

    page = client.get(reverse("projects:proposal-detail", args=[proposal.pk]))
    assert page.status_code == 200 and proposal.title in page.content.decode()
    assert "Submit the proposal" not in page.content.decode()
    assert client.get(edit_url(proposal, "summary")).status_code == 403
    response = client.post(edit_url(proposal, "summary"), {"title": "Cambiato", "version": 1})
    assert response.status_code == 403
    assert client.post(autosave_url(proposal, "summary"), {"title": "Cambiato", "version": 1}).status_code == 403
    proposal.refresh_from_db()
    assert proposal.title == "Filiera del miglio a Thiès"


def test_a_viewer_of_the_lead_reads_but_does_not_edit(client, lead):
    proposal = eligible_proposal(lead=lead)
    client.force_login(member(lead, Membership.Role.VIEWER))
    assert client.get(reverse("projects:proposal-detail", args=[proposal.pk])).status_code == 200
    assert client.get(edit_url(proposal, "summary")).status_code == 403


# --- The review page ----------------------------------------------------------------------------------------------


def test_the_review_page_lists_what_stops_submission_with_links_to_the_steps(client, draft, editor):
    client.force_login(editor)

    response = client.get(reverse("projects:proposal-detail", args=[draft.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Before it can be submitted" in page
    assert "Write the summary of the proposal." in page
    assert f'href="{edit_url(draft, "summary")}"' in page
    assert f'href="{edit_url(draft, "budget")}"' in page
    assert "Only a legal representative of" in page  # an editor cannot submit
    assert reverse("projects:proposal-submit", args=[draft.pk]) not in page


def test_the_legal_representative_submits_an_eligible_proposal_from_the_review_page(client, lead):
    proposal = eligible_proposal(lead=lead)
    client.force_login(member(lead, Membership.Role.LEGAL_REPRESENTATIVE))

    page = client.get(reverse("projects:proposal-detail", args=[proposal.pk])).content.decode()

    assert "Ready to be submitted" in page
    form = page[page.index(f'action="{reverse("projects:proposal-submit", args=[proposal.pk])}"') :]
    button = form[form.index("<button") : form.index("</button>")]
    assert "disabled" not in button
    assert reverse("projects:proposal-withdraw", args=[proposal.pk]) in page


def test_the_submit_button_is_disabled_while_problems_remain(client, draft, lead):
    client.force_login(member(lead, Membership.Role.LEGAL_REPRESENTATIVE))
    page = client.get(reverse("projects:proposal-detail", args=[draft.pk])).content.decode()
    form = page[page.index(f'action="{reverse("projects:proposal-submit", args=[draft.pk])}"') :]
    assert "disabled" in form[form.index("<button") : form.index("</button>")]


def test_the_read_only_page_links_the_receipt(client, submitted, editor):
    client.force_login(editor)
    page = client.get(reverse("projects:proposal-detail", args=[submitted.pk])).content.decode()
    assert reverse("projects:proposal-receipt", args=[submitted.pk]) in page
    assert "Before it can be submitted" not in page


# --- The start service ---------------------------------------------------------------------------------------------


def test_the_start_service_refuses_what_the_page_never_offers(lead, editor):
    from cosviluppo.lib.exceptions import DomainError
    from projects.services import proposal_start

    closed = CallFactory(opens_at=timezone.now() - timedelta(days=60), closes_at=timezone.now() - timedelta(days=1))
    with pytest.raises(DomainError, match="not open"):
        proposal_start(call=closed, lead=lead, title="Tardi", by=editor)
    with pytest.raises(DomainError, match="only verified migrant associations"):
        proposal_start(call=CallFactory(), lead=NGOFactory(), title="ONG capofila", by=editor)
    with pytest.raises(DomainError, match="Only editors and legal representatives"):
        proposal_start(call=CallFactory(), lead=OrganisationFactory(), title="Non mia", by=editor)
    with pytest.raises(DomainError, match="title"):
        proposal_start(call=CallFactory(), lead=lead, title="   ", by=editor)
    assert not Proposal.objects.exists()
