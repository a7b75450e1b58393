"""The proposals' sections of /dashboard/ (projects/dashboard_sections.py), per role, and their query count."""

from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from associations.models import Membership
from associations.tests.factories import MembershipFactory, NGOFactory, OrganisationFactory
from calls.tests.factories import CallFactory
from projects.dashboard_sections import dashboard_sections
from projects.models import Proposal, ProposalPartner
from projects.services import proposal_submit, proposal_transition
from projects.tests.factories import ProposalFactory, ProposalPartnerFactory, eligible_call, eligible_proposal

pytestmark = pytest.mark.django_db


def sections_of(user) -> dict[str, dict]:
    return {name.rsplit("/", 1)[-1].removesuffix(".html"): context for name, context in dashboard_sections(user)}


def page(client, user) -> str:
    """The proposals' sections as the dashboard renders them (the other apps' sections are theirs to test)."""
    client.force_login(user)
    request = RequestFactory().get(reverse("dashboard"))
    request.user = user
    return "".join(
        render_to_string(name, {"section": context}, request=request) for name, context in dashboard_sections(user)
    )


@pytest.fixture
def association():
    return OrganisationFactory(legal_name="Teranga Naviglio Grande APS")


@pytest.fixture
def signer(association):
    return MembershipFactory(organisation=association, role=Membership.Role.LEGAL_REPRESENTATIVE).user


@pytest.fixture
def call():
    return eligible_call(code="COSV-2026")


# --- Applicants ---------------------------------------------------------------------------------------


def test_my_proposals_grouped_by_status_with_protocol_and_receipt(client, association, signer, call):
    draft = eligible_proposal(call=call, lead=association, title="Bozza a Thiès")
    sent = proposal_submit(proposal=eligible_proposal(call=call, lead=association, title="Inviata"), by=signer)
    old_call = eligible_call(code="COSV-2010", status="results_published")
    funded = eligible_proposal(call=old_call, lead=association, title="Finanziata")
    # Funded the long way round, as the lifecycle allows.
    old_call.opens_at, old_call.closes_at, old_call.status = call.opens_at, call.closes_at, "open"
    old_call.save()
    proposal_submit(proposal=funded, by=None)
    for status in ("admissible", "under_evaluation", "ranked", "funded"):
        proposal_transition(proposal=funded, to=status)
    old_call.status = "results_published"  # applicants learn the outcome once it is published
    old_call.save()
    someone_elses = eligible_proposal(call=call, title="Di un'altra associazione")

    groups = sections_of(signer)["dashboard_my_proposals"]["groups"]

    assert [(g["status"], [p.title for p in g["proposals"]]) for g in groups] == [
        ("draft", [draft.title]),
        ("submitted", [sent.title]),
        ("funded", [funded.title]),
    ]
    html = page(client, signer)
    assert "COSV-2026-0001" in html
    assert reverse("projects:proposal-receipt", args=[sent.pk]) in html
    assert reverse("projects:proposal-receipt", args=[draft.pk]) not in html
    assert reverse("projects:proposal-detail", args=[draft.pk]) in html
    assert someone_elses.title not in html
    # The outcome is linked once the call's results are published, and only then.
    assert reverse("funding:outcome", args=[funded.pk]) in html
    assert reverse("funding:outcome", args=[sent.pk]) not in html
    old_call.status = "evaluation"
    old_call.save()
    assert reverse("funding:outcome", args=[funded.pk]) not in page(client, signer)


def test_next_deadlines_list_open_calls_and_my_drafts_with_the_time_left(client, association, signer, call):
    other_open = eligible_call(code="COSV-ALTRO", closes_at=timezone.now() + timedelta(days=3))
    closed = CallFactory(
        code="COSV-CHIUSO", opens_at=timezone.now() - timedelta(days=60), closes_at=timezone.now() - timedelta(days=1)
    )
    draft = eligible_proposal(call=call, lead=association)
    late_draft = ProposalFactory(call=closed, lead=association, title="Bozza rimasta indietro")

    section = sections_of(signer)["dashboard_deadlines"]

    assert [c.code for c in section["calls"]] == ["COSV-ALTRO", "COSV-2026"]  # earliest deadline first
    assert section["calls"][1].my_proposal == draft
    assert section["calls"][0].my_proposal is None
    assert [p.pk for p in section["drafts"]] == [draft.pk, late_draft.pk]
    html = page(client, signer)
    assert reverse("projects:proposal-start", kwargs={"code": other_open.code}) in html
    assert "left" in html or "mancano" in html
    assert "can no longer be submitted" in html or "non può più" in html


def test_an_association_not_verified_yet_sees_no_call_to_apply_to(call):
    pending = OrganisationFactory(verification_status="pending")
    member = MembershipFactory(organisation=pending).user
    assert sections_of(member)["dashboard_deadlines"]["calls"] == []


def test_drafts_waiting_for_the_ngo_partner(client, association, signer, call):
    waiting = eligible_proposal(call=call, lead=association, title="Aspetta la ONG")
    ProposalPartner.objects.filter(proposal=waiting).update(response=ProposalPartner.Response.INVITED)
    eligible_proposal(call=call, lead=association, title="Già confermata")

    partners = sections_of(signer)["dashboard_partner_waiting"]["partners"]

    assert [p.proposal.title for p in partners] == ["Aspetta la ONG"]
    assert partners[0].organisation.legal_name in page(client, signer)


# --- NGO partners -------------------------------------------------------------------------------------


@pytest.fixture
def ngo():
    return NGOFactory(legal_name="Terre Unite ETS")


def test_the_ngo_sees_its_invitations_with_the_link_to_answer(client, ngo, call):
    editor = MembershipFactory(organisation=ngo, role=Membership.Role.EDITOR).user
    viewer = MembershipFactory(organisation=ngo, role=Membership.Role.VIEWER).user
    invited = ProposalPartnerFactory(proposal=eligible_proposal(call=call, title="Invito aperto"), organisation=ngo)
    ProposalPartnerFactory(
        proposal=eligible_proposal(call=call, title="Invito rifiutato"),
        organisation=ngo,
        response=ProposalPartner.Response.DECLINED,
    )

    section = sections_of(editor)["dashboard_invitations"]

    assert [p.proposal.title for p in section["partners"]] == ["Invito aperto"]
    respond = reverse("projects:partner-respond", args=[invited.pk])
    assert respond in page(client, editor)
    assert respond not in page(client, viewer)
    assert "Invito aperto" in page(client, viewer)


def test_the_ngo_sees_the_proposals_it_partners_in_with_the_receipt(client, ngo, call):
    member = MembershipFactory(organisation=ngo, role=Membership.Role.EDITOR).user
    proposal = eligible_proposal(call=call, title="Confermata e inviata")
    ProposalPartner.objects.filter(proposal=proposal).update(organisation=ngo)
    submitted = proposal_submit(proposal=proposal, by=None)
    still_draft = eligible_proposal(call=call, title="Confermata, ancora in bozza")
    ProposalPartner.objects.filter(proposal=still_draft).update(organisation=ngo)

    partners = sections_of(member)["dashboard_partnerships"]["partners"]

    assert {p.proposal.title for p in partners} == {"Confermata e inviata", "Confermata, ancora in bozza"}
    html = page(client, member)
    assert reverse("projects:proposal-receipt", args=[submitted.pk]) in html
    assert reverse("projects:proposal-receipt", args=[still_draft.pk]) not in html
    assert submitted.protocol_number in html


def test_members_of_other_kinds_get_no_proposal_section(funder_viewer, evaluator):
    assert dashboard_sections(funder_viewer) == []
    assert dashboard_sections(evaluator) == []


# --- Officers -----------------------------------------------------------------------------------------


def test_officers_see_the_proposals_received_per_call_by_status(client, officer, call):
    closed = CallFactory(
        code="COSV-2025",
        status="closed",
        opens_at=timezone.now() - timedelta(days=90),
        closes_at=timezone.now() - timedelta(days=30),
    )
    for _ in range(3):
        proposal_submit(proposal=eligible_proposal(call=call), by=None)
    withdrawn = proposal_submit(proposal=eligible_proposal(call=call), by=None)
    proposal_transition(proposal=withdrawn, to=Proposal.Status.WITHDRAWN)
    eligible_proposal(call=call)  # a draft: private, not counted
    CallFactory(code="COSV-BOZZA", status="draft")
    CallFactory(code="COSV-ARCHIVIO", status="archived")

    section = sections_of(officer)["dashboard_received"]

    assert [c.code for c in section["calls"]] == ["COSV-2026", "COSV-2025"]
    labels = [status for status, _label in section["statuses"]]
    assert labels == ["submitted", "withdrawn"]
    by_code = {c.code: c for c in section["calls"]}
    assert by_code["COSV-2026"].by_status == [3, 1]
    assert by_code["COSV-2026"].received == 3
    assert by_code[closed.code].by_status == [0, 0]
    html = page(client, officer)
    assert "COSV-2026" in html and "COSV-BOZZA" not in html.split("dashboard-received-title")[1].split("</section>")[0]


# --- Bounded queries ----------------------------------------------------------------------------------


def _world(association, ngo, call, size: int):
    """`size` proposals of each kind the sections list, for the association and the NGO."""
    for index in range(size):
        draft = eligible_proposal(call=call, lead=association, title=f"Bozza {index}")
        ProposalPartner.objects.filter(proposal=draft).update(response=ProposalPartner.Response.INVITED)
        proposal_submit(proposal=eligible_proposal(call=call, lead=association), by=None)
        ProposalPartnerFactory(proposal=eligible_proposal(call=call), organisation=ngo)
        confirmed = eligible_proposal(call=call)
        ProposalPartner.objects.filter(proposal=confirmed).update(organisation=ngo)
        proposal_submit(proposal=confirmed, by=None)
        CallFactory()


def test_the_sections_cost_the_same_queries_whatever_the_data(
    association, call, officer, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ngo = NGOFactory()
    user = MembershipFactory(organisation=association, role=Membership.Role.LEGAL_REPRESENTATIVE).user
    MembershipFactory(organisation=ngo, role=Membership.Role.EDITOR, user=user)

    def count(who) -> int:
        # Reading and rendering: a template that reached for a related row would show here.
        who = type(who).objects.get(pk=who.pk)  # as a new request loads it: nothing read yet
        with django_assert_max_num_queries(7), CaptureQueriesContext(connection) as queries:
            html = "".join(render_to_string(name, {"section": context}) for name, context in dashboard_sections(who))
        assert html.count("<h2") == len(dashboard_sections(who))
        return len(queries)

    _world(association, ngo, call, 1)
    few = count(user), count(officer)
    _world(association, ngo, call, 12)
    many = count(user), count(officer)
    assert many == few
    assert few[0] == 7  # memberships, my proposals (counts, rows), open calls, partners waiting, invitations, confirmed
