"""seed_demo loads the demo once, completely and consistently, and only where it may."""

import io
import random
import re
from datetime import timedelta
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.apps import apps
from django.conf import settings as django_settings
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Sum
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from accounts.models import User
from accounts.tests.factories import UserFactory
from associations.models import Membership, Organisation
from associations.tests.factories import OrganisationFactory
from calls.models import Call, CallStatusChange, FunderCommitment
from cosviluppo import demo
from cosviluppo.demo import DemoDataError
from cosviluppo.demo import current as demo_current
from cosviluppo.demo import load as demo_load_module
from cosviluppo.demo.helpers import amounts_summing_to
from evaluation.models import AdmissibilityCheck, ClarificationRequest, EvaluationEvent, ProposalMessage
from evaluation.ranking import compute_ranking
from evaluation.selectors import (
    admissibility_checklist,
    consensus_blockers,
    consensus_sheet,
    open_clarification_sections,
)
from funding.models import DecisionRecord
from outbox.models import OutboxEmail
from projects.eligibility import eligibility_problems
from projects.models import (
    Award,
    BudgetLine,
    ConsensusScore,
    FunderShare,
    Proposal,
    ProposalAttachment,
    ProposalPartner,
    ProposalStatusChange,
    Review,
)
from projects.selectors import programme_headline_numbers
from projects.services import partner_respond
from reports.models import OpenDataFile

HISTORICAL = {"COSV-2008": (69, 20), "COSV-2010": (91, 23), "COSV-2011": (85, 23)}
CUP = re.compile(r"^[A-Z][0-9]{2}[A-Z][0-9]{11}$")

# The demo's figures, pinned: the home page's headline numbers and the 66 funded projects
# (protocol number, amount granted). A change to the demo that moves any of them shows here.
HEADLINE_NUMBERS = {
    "calls": 6,
    "calls_with_results": 3,
    "proposals_received": 270,
    "projects_funded": 66,
    "countries": 20,
    "associations": 84,
    "funders": 2,
    "total_cofunding": Decimal("3388500.00"),
}
FUNDED_PROJECTS = """
    COSV-2008-0008 50000.00  COSV-2008-0019 50000.00  COSV-2008-0021 50000.00  COSV-2008-0025 50000.00
    COSV-2008-0030 50000.00  COSV-2008-0032 50000.00  COSV-2008-0033 50000.00  COSV-2008-0037 50000.00
    COSV-2008-0039 50000.00  COSV-2008-0040 50000.00  COSV-2008-0045 40000.00  COSV-2008-0046 46900.00
    COSV-2008-0049 48000.00  COSV-2008-0055 50000.00  COSV-2008-0056 50000.00  COSV-2008-0061 50000.00
    COSV-2008-0062 49500.00  COSV-2008-0065 50000.00  COSV-2008-0067 43100.00  COSV-2008-0068 50000.00
    COSV-2010-0002 52600.00  COSV-2010-0003 35000.00  COSV-2010-0008 60000.00  COSV-2010-0012 60000.00
    COSV-2010-0015 58300.00  COSV-2010-0017 51700.00  COSV-2010-0028 40700.00  COSV-2010-0031 60000.00
    COSV-2010-0034 41100.00  COSV-2010-0035 49600.00  COSV-2010-0036 57900.00  COSV-2010-0046 60000.00
    COSV-2010-0048 46800.00  COSV-2010-0051 58000.00  COSV-2010-0057 41300.00  COSV-2010-0060 39600.00
    COSV-2010-0061 46900.00  COSV-2010-0067 60000.00  COSV-2010-0071 45700.00  COSV-2010-0077 60000.00
    COSV-2010-0078 55000.00  COSV-2010-0086 46800.00  COSV-2010-0091 50300.00  COSV-2011-0003 60000.00
    COSV-2011-0004 39900.00  COSV-2011-0005 60000.00  COSV-2011-0007 41300.00  COSV-2011-0020 45400.00
    COSV-2011-0021 59800.00  COSV-2011-0025 60000.00  COSV-2011-0028 60000.00  COSV-2011-0030 59400.00
    COSV-2011-0031 60000.00  COSV-2011-0032 30000.00  COSV-2011-0034 60000.00  COSV-2011-0035 45000.00
    COSV-2011-0048 52000.00  COSV-2011-0049 60000.00  COSV-2011-0050 54700.00  COSV-2011-0051 60000.00
    COSV-2011-0058 52000.00  COSV-2011-0061 53400.00  COSV-2011-0070 48100.00  COSV-2011-0073 60000.00
    COSV-2011-0078 60000.00  COSV-2011-0079 52700.00
"""


def seed(*args) -> str:
    """Run the command in English, so its messages can be matched whatever the catalogue says."""
    out = StringIO()
    with translation.override("en"):
        call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="class")
def demo_media(tmp_path_factory):
    """Where the demo loaded once stores its attachment files (each test has its own MEDIA_ROOT)."""
    return tmp_path_factory.mktemp("demo-media")


@pytest.fixture(scope="class")
def demo_loaded(django_db_setup, django_db_blocker, demo_media):
    """The demo, loaded once for the tests that only read it; emptied afterwards so
    the rest of the suite starts from an empty database again."""
    with django_db_blocker.unblock(), override_settings(DEBUG=True, MEDIA_ROOT=demo_media):
        seed()
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


def recent_call(status: str) -> Call:
    """The demo call of the last months in `status` (their codes follow the year)."""
    return Call.objects.get(is_demo=True, status=status)


def media_files() -> set[Path]:
    root = Path(django_settings.MEDIA_ROOT)
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_loaded")
class TestLoadedDemo:
    def test_66_projects_are_funded_over_the_three_historical_calls(self):
        assert Proposal.objects.funded().count() == 66
        for code, (_received, funded) in HISTORICAL.items():
            assert Proposal.objects.funded().filter(call__code=code).count() == funded

    def test_headline_numbers_and_funded_projects_are_those_pinned(self):
        assert programme_headline_numbers() == HEADLINE_NUMBERS
        words = FUNDED_PROJECTS.split()
        expected = [(protocol, Decimal(amount)) for protocol, amount in zip(words[::2], words[1::2], strict=True)]
        funded = Proposal.objects.funded().order_by("protocol_number")
        assert list(funded.values_list("protocol_number", "award__amount_granted")) == expected
        assert len(expected) == 66

    def test_every_programme_country_has_a_funded_project(self):
        funded_countries = set(Proposal.objects.funded().values_list("origin_country", flat=True))
        assert len(demo.PROGRAMME_COUNTRIES) == 20
        assert set(demo.PROGRAMME_COUNTRIES) <= funded_countries
        assert funded_countries <= set(demo.PROGRAMME_COUNTRIES)

    def test_proposals_received_per_call_match_history(self):
        for code, (received, _funded) in HISTORICAL.items():
            proposals = Proposal.objects.filter(call__code=code)
            assert proposals.submitted().count() == received
            assert proposals.count() == received
            assert sorted(proposals.values_list("protocol_sequence", flat=True)) == list(range(1, received + 1))

    def test_historical_calls_went_through_their_lifecycle_on_their_dates(self):
        expected_path = [("draft", "open"), ("open", "closed"), ("closed", "evaluation"),
                         ("evaluation", "results_published")]  # fmt: skip
        for code in HISTORICAL:
            call = Call.objects.get(code=code)
            assert call.status == Call.Status.RESULTS_PUBLISHED
            changes = CallStatusChange.objects.filter(call=call).order_by("changed_at")
            assert [(change.from_status, change.to_status) for change in changes] == expected_path
            assert changes.first().changed_at == call.opens_at
            assert call.results_published_at == changes.last().changed_at
            submitted = call.proposals.values_list("submitted_at", flat=True)
            assert all(call.opens_at <= moment < call.closes_at for moment in submitted)
        third = Call.objects.get(code="COSV-2011")
        assert third.legal_basis == "Delibera G.C. n. 3791 del 23/12/2010"
        assert timezone.localtime(third.opens_at).date().isoformat() == "2011-03-15"
        assert timezone.localtime(third.closes_at).date().isoformat() == "2011-05-16"
        assert third.budget() == Decimal("1250000.00")

    def test_the_open_call_is_open_now_and_pooled_by_three_funders(self):
        open_calls = [call for call in Call.objects.filter(is_demo=True) if call.is_open_at()]
        assert len(open_calls) == 1
        call = open_calls[0]
        assert call.commitments.count() == 3
        assert timezone.localtime(call.closes_at).hour == 12
        statuses = sorted(call.proposals.values_list("status", flat=True))
        assert statuses.count("draft") >= 2 and statuses.count("submitted") >= 1

    def test_award_shares_add_up_and_no_commitment_is_overdrawn(self):
        for award in Award.objects.all():
            assert award.shares_total() == award.amount_granted
        for commitment in FunderCommitment.objects.all():
            drawn = FunderShare.objects.filter(commitment=commitment).aggregate(total=Sum("amount"))["total"]
            assert (drawn or 0) <= commitment.amount
        for code in HISTORICAL:
            call = Call.objects.get(code=code)
            awarded = Award.objects.filter(proposal__call=call).aggregate(total=Sum("amount_granted"))["total"]
            assert awarded <= call.budget()

    def test_no_named_bank_is_given_money(self):
        banks = Organisation.objects.filter(kind=Organisation.Kind.BANK)
        assert banks.count() == 13
        assert not FunderCommitment.objects.filter(funder__in=banks).exists()
        partnership = Organisation.objects.get(legal_name=demo.PARTNERSHIP)
        members = set(partnership.member_organisations.values_list("legal_name", flat=True))
        assert members == {demo.CARIPLO} | {name for name, _form in demo.PARTNERSHIP_BANKS}

    def test_funded_projects_respect_the_rules_of_their_call(self):
        for proposal in Proposal.objects.funded().select_related("call", "award"):
            call = proposal.call
            totals = proposal.budget_totals()
            cofinancing = totals["own"] + totals["other"]
            assert totals["total_cost"] == totals["requested"] + cofinancing
            assert totals["requested"] <= call.max_grant
            assert cofinancing * 100 >= call.min_cofinancing_pct * totals["total_cost"]
            overheads = proposal.budget_lines.filter(category="H").aggregate(total=Sum("total_cost"))["total"]
            assert overheads * 100 <= 7 * totals["total_cost"]
            assert proposal.duration_months <= call.max_duration_months
            assert proposal.award.amount_granted <= totals["requested"]
            assert set(proposal.activities.values_list("territory", flat=True)) == {"origin", "residence"}
            assert proposal.partners.filter(
                role=ProposalPartner.Role.ITALIAN_NGO, response=ProposalPartner.Response.CONFIRMED
            ).exists()
            assert proposal.total_score >= call.overall_threshold and proposal.rank is not None

    def test_historical_projects_are_closed_with_cup_and_paid_installments(self):
        for proposal in Proposal.objects.funded().filter(call__code__in=HISTORICAL).select_related("award"):
            assert proposal.status == Proposal.Status.CLOSED
            assert CUP.match(proposal.cup)
            installments = list(proposal.award.installments.order_by("sequence"))
            assert [i.percentage for i in installments] == [Decimal(40), Decimal(40), Decimal(20)]
            assert sum(i.amount for i in installments) == proposal.award.amount_granted
            assert all(i.status == "paid" and i.paid_on for i in installments)
            path = list(proposal.status_changes.order_by("changed_at", "pk").values_list("to_status", flat=True))
            assert path == ["submitted", "admissible", "under_evaluation", "ranked", "funded", "in_progress", "closed"]

    def test_sample_projects_of_the_domain_notes_are_funded(self):
        for sample in demo.SAMPLE_PROJECTS:
            proposal = Proposal.objects.get(title=sample.title)
            assert proposal.status in Proposal.FUNDED_STATUSES
            assert proposal.call.code == sample.call_code
            assert proposal.lead.legal_name == sample.lead
            assert proposal.award.amount_granted == sample.amount

    def test_organisations_are_fictional_valid_and_mostly_verified(self):
        associations = Organisation.objects.migrant_associations()
        assert 75 <= associations.count() <= 90
        assert 25 <= Organisation.objects.ngos().count() <= 35
        assert not Organisation.objects.filter(is_demo=False).exists()
        statuses = list(associations.values_list("verification_status", flat=True))
        assert statuses.count("rejected") == 1 and 1 <= statuses.count("pending") <= 5
        assert Organisation.objects.get(verification_status="rejected").rejection_reason
        for organisation in Organisation.objects.all():
            organisation.full_clean(validate_constraints=False)
        assert not Organisation.objects.filter(kind="origin_partner").exclude(codice_fiscale="").exists()
        forum = Organisation.objects.get(legal_name=demo.FORUM)
        assert forum.member_organisations.count() == demo.FORUM_MEMBERS
        assert not forum.commitments.exists()

    def test_proposals_and_budget_lines_pass_field_validation(self):
        for proposal in Proposal.objects.all():
            proposal.full_clean(validate_constraints=False)
        for line in BudgetLine.objects.all():
            line.full_clean(validate_constraints=False)

    @pytest.mark.parametrize("email", [account.email for account in demo.DEMO_ACCOUNTS])
    def test_demo_accounts_can_log_in(self, client, email):
        assert client.login(email=email, password=demo.DEMO_PASSWORD)
        assert User.objects.get(email=email).is_demo

    def test_demo_staff_log_in_with_a_code_from_the_published_secret(self, client):
        client.post(reverse("account_login"), {"login": "officer@demo.local", "password": demo.DEMO_PASSWORD})
        code = format_hotp_value(hotp_value(demo.DEMO_TOTP_SECRET, next(iter(yield_hotp_counters_from_time()))))
        response = client.post(reverse("mfa_authenticate"), {"code": code})

        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(User.objects.get(email="officer@demo.local").pk)

    def test_demo_accounts_have_their_roles(self):
        assert User.objects.get(email="admin@demo.local").is_superuser
        officer = User.objects.get(email="officer@demo.local")
        assert officer.is_programme_officer and officer.is_staff
        assert User.objects.get(email="evaluator1@demo.local").is_evaluator
        applicant = Membership.objects.get(user__email="applicant@demo.local")
        assert applicant.role == Membership.Role.LEGAL_REPRESENTATIVE
        assert applicant.organisation.legal_name == demo.APPLICANT_ASSOCIATION
        assert applicant.organisation.led_proposals.funded().count() >= 1
        assert applicant.organisation.led_proposals.filter(status="draft").exists()
        ngo = Membership.objects.get(user__email="ngo@demo.local").organisation
        assert ProposalPartner.objects.filter(
            organisation=ngo, proposal__lead=applicant.organisation, proposal__status="draft"
        ).exists()
        funder = Membership.objects.get(user__email="funder@demo.local")
        assert (funder.organisation.legal_name, funder.role) == (demo.CARIPLO, Membership.Role.VIEWER)

    def test_historical_ranks_are_those_the_ranking_pages_compute(self):
        for code in HISTORICAL:
            call = Call.objects.get(code=code)
            ranking = compute_ranking(call)
            evaluated = call.proposals.exclude(status__in=["inadmissible"])
            assert len(ranking) == evaluated.count()
            stored = {p.pk: (p.rank, p.total_score) for p in evaluated}
            assert {line.proposal.pk: (line.position, line.total_score) for line in ranking} == stored
            fundable = {line.proposal.pk for line in ranking if line.fundable}
            assert fundable == set(
                call.proposals.filter(status__in=["reserve", *Proposal.FUNDED_STATUSES]).values_list("pk", flat=True)
            )
            # Funded first, then the reserve list, then the proposals that cannot be funded.
            statuses = [line.proposal.status for line in ranking]
            funded_count = Proposal.objects.funded().filter(call=call).count()
            assert set(statuses[:funded_count]) == {"closed"}
            assert not call.proposals.filter(status="inadmissible", rank__isnull=False).exists()
            assert EvaluationEvent.objects.filter(proposal__call=call, kind="rank.computed").count() == len(ranking)

    def test_applicants_draft_waits_only_for_the_ngo_partner(self, settings, demo_media):
        settings.MEDIA_ROOT = demo_media
        call = Call.objects.get(is_demo=True, status=Call.Status.OPEN)
        draft = Proposal.objects.select_related("call", "lead").get(
            call=call, lead__legal_name=demo.APPLICANT_ASSOCIATION, status="draft"
        )
        assert [problem.rule for problem in eligibility_problems(draft)] == ["ngo_partner"]
        attachments = list(draft.attachments.select_related("required_attachment"))
        assert sorted(a.required_attachment_id for a in attachments) == sorted(
            call.required_attachments.values_list("pk", flat=True)
        )
        for attachment in attachments:
            path = Path(attachment.file.path)
            assert path.is_relative_to(Path(django_settings.MEDIA_ROOT)) and path.is_file()
            content = path.read_bytes()
            assert content.startswith(b"%PDF-1.4") and attachment.size == len(content)
            reader = PdfReader(io.BytesIO(content), strict=True)
            assert attachment.required_attachment.name_it in reader.pages[0].extract_text()
            assert attachment.uploaded_by.email == "applicant@demo.local"
        # ngo@demo.local confirms: nothing stops the submission any more.
        ngo_user = User.objects.get(email="ngo@demo.local")
        partner = draft.partners.get(role=ProposalPartner.Role.ITALIAN_NGO)
        partner_respond(partner=partner, accept=True, by=ngo_user)
        assert eligibility_problems(draft) == []

    def test_call_waiting_for_admissibility(self):
        call = recent_call(Call.Status.CLOSED)
        today = timezone.localdate()
        assert timezone.localtime(call.opens_at).date() == today - timedelta(days=120)
        assert timezone.localtime(call.closes_at).date() == today - timedelta(days=20)
        assert call.commitments.count() == 3 and call.announced_budget == call.budget()
        assert call.commitments.filter(funder__legal_name=demo.FICTIONAL_FUNDER).exists()
        assert list(call.criteria.order_by("order").values_list("code", flat=True)) == list("ABCDEFGH")
        proposals = list(call.proposals.select_related("call", "lead").order_by("protocol_sequence"))
        assert [p.status for p in proposals] == ["submitted"] * 8
        assert all(call.opens_at <= p.submitted_at < call.closes_at for p in proposals)
        assert ProposalStatusChange.objects.filter(proposal__call=call, to_status="submitted").count() == 8
        assert not AdmissibilityCheck.objects.filter(proposal__call=call).exists()
        failing = {
            p.protocol_number: sorted(
                i["key"] for i in admissibility_checklist(p) if i["automatic"] and not i["passed"]
            )
            for p in proposals
        }
        assert sorted(failing.values()) == [[]] * 5 + [["max_grant", "one_per_lead"], ["ngo_partner"], ["one_per_lead"]]
        twice = call.proposals.values("lead").annotate(n=Count("pk")).filter(n=2)
        assert twice.count() == 1
        assert call.proposals.filter(lead__legal_name=demo.APPLICANT_ASSOCIATION).count() == 1

    def test_open_request_for_clarification_and_message_thread(self):
        call = recent_call(Call.Status.CLOSED)
        request = ClarificationRequest.objects.get(status="open")
        proposal = request.proposal
        assert proposal.call == call and proposal.lead.legal_name == demo.APPLICANT_ASSOCIATION
        assert request.sections == ["budget", "attachments"]
        assert timezone.localtime(request.deadline).date() == timezone.localdate() + timedelta(days=7)
        assert request.requested_by.email == "officer@demo.local" and request.requested_at < timezone.now()
        assert open_clarification_sections(proposal) == {"budget", "attachments"}
        assert EvaluationEvent.objects.filter(proposal=proposal, kind="clarification.requested").count() == 1
        thread = list(ProposalMessage.objects.filter(proposal=proposal).order_by("sent_at"))
        assert [(m.author.email, m.from_staff) for m in thread] == [
            ("officer@demo.local", True),
            ("applicant@demo.local", False),
        ]

    def test_call_under_evaluation_has_proposals_at_every_step(self):
        call = recent_call(Call.Status.EVALUATION)
        assert timezone.localtime(call.closes_at).date() == timezone.localdate() - timedelta(days=60)
        assert call.commitments.count() == 3 and call.announced_budget == call.budget()
        path = list(
            CallStatusChange.objects.filter(call=call).order_by("changed_at").values_list("to_status", flat=True)
        )
        assert path == ["open", "closed", "evaluation"]
        assert DecisionRecord.objects.filter(call=call, action="evaluation_started").count() == 1
        statuses = dict(call.proposals.values("status").annotate(n=Count("pk")).values_list("status", "n"))
        assert statuses == {"inadmissible": 1, "admissible": 2, "under_evaluation": 12}
        inadmissible = AdmissibilityCheck.objects.get(proposal__call=call, outcome="inadmissible")
        assert inadmissible.reasons and inadmissible.decided_by.email == "officer@demo.local"
        assert AdmissibilityCheck.objects.filter(proposal__call=call, outcome="admissible").count() == 14
        assert not Review.objects.filter(proposal__call=call, proposal__status="admissible").exists()
        # Each evaluator has proposals to declare, to score and already reviewed.
        for email in ("evaluator1@demo.local", "evaluator2@demo.local"):
            mine = dict(
                Review.objects.filter(proposal__call=call, evaluator__email=email)
                .values("status")
                .annotate(n=Count("pk"))
                .values_list("status", "n")
            )
            assert set(mine) == {"assigned", "no_conflict", "submitted"}
            assert sum(mine.values()) == 12
        events = set(EvaluationEvent.objects.filter(proposal__call=call).values_list("kind", flat=True))
        assert {"review.assigned", "review.no_conflict", "review.submitted", "consensus.recorded"} <= events
        criteria = call.criteria.count()
        complete = call.proposals.annotate(n=Count("consensus_scores")).filter(n=criteria)
        assert complete.count() == 6
        ready = [
            p
            for p in call.proposals.filter(status="under_evaluation").exclude(pk__in=complete)
            if not consensus_blockers(p)
        ]
        assert len(ready) == 2
        assert any(line.flagged for p in ready for line in consensus_sheet(p))
        assert not ConsensusScore.objects.filter(proposal__in=ready).exists()
        assert not call.proposals.filter(rank__isnull=False).exists()

    def test_money_of_the_call_under_evaluation_runs_out_partway_down_the_ranking(self):
        call = recent_call(Call.Status.EVALUATION)
        ranking = compute_ranking(call)
        assert len(ranking) == 6
        fundable = [line.proposal.budget_totals()["requested"] for line in ranking if line.fundable]
        assert len(fundable) == 5 and not ranking[-1].fundable
        assert fundable[0] <= call.budget() < sum(fundable)

    def test_summary_counts_proposals_per_call_and_status(self):
        with translation.override("en"):
            lines = demo.demo_summary()
        text = "\n".join(lines)
        evaluation, closed = recent_call(Call.Status.EVALUATION), recent_call(Call.Status.CLOSED)
        assert f"{evaluation.code} (under evaluation): 15 proposals received" in text
        assert "Proposals by status: admissible 2, inadmissible 1, under evaluation 12." in text
        assert "Reviews: 4 waiting for the declaration of interest, 3 to score, 17 submitted." in text
        assert f"{closed.code} (closed): 8 proposals received" in text
        assert "Proposals by status: submitted 8." in text
        assert f"Request for clarification open on {closed.code}-0" in text
        assert "Proposals by status: inadmissible 12, reserve list 3, not funded 34, closed 20." in text

    def test_second_run_changes_nothing(self, settings):
        settings.DEBUG = True
        before = snapshot()
        output = seed()
        assert "already loaded" in output
        assert snapshot() == before


def snapshot() -> dict:
    """Row counts of every model, and every updated_at value there is."""
    state = {}
    for model in apps.get_models():
        state[model._meta.label] = model.objects.count()
        if any(f.name == "updated_at" for f in model._meta.get_fields()):
            state[f"{model._meta.label}.updated_at"] = sorted(model.objects.values_list("updated_at", flat=True))
    return state


@pytest.mark.django_db
def test_refuses_to_run_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        seed()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_refuses_a_database_with_non_demo_data(settings):
    settings.DEBUG = True
    OrganisationFactory()
    with pytest.raises(CommandError, match="non-demo data"):
        seed()
    assert not Call.objects.exists()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_refuses_a_partly_loaded_demo(settings):
    settings.DEBUG = True
    UserFactory(email="admin@demo.local", is_demo=True)
    with pytest.raises(CommandError, match="Part of the demo"):
        seed("--force")
    assert not Call.objects.exists()


@pytest.mark.django_db
def test_force_loads_next_to_non_demo_data_and_sends_no_email(settings, django_capture_on_commit_callbacks):
    settings.DEBUG = True
    real = OrganisationFactory()
    # Tasks run eagerly with the locmem backend here: an e-mail queued by a service would be
    # written to the outbox table and land in mail.outbox. The demo calls the services that
    # announce their changes (submission, admission, assignment, clarification, messages)
    # with notify=False, so none is queued.
    with django_capture_on_commit_callbacks(execute=True):
        output = seed("--force")
    assert mail.outbox == []
    assert not OutboxEmail.objects.exists()
    seconds = float(re.search(r"Demo data loaded in ([0-9.]+) s", output).group(1))
    assert seconds < 60
    assert Proposal.objects.funded().count() == 66
    real.refresh_from_db()
    assert not real.is_demo and not real.led_proposals.exists()
    open_data = {path for path in media_files() if "opendata" in path.parts}
    assert ProposalAttachment.objects.count() == len(media_files() - open_data) > 0
    # The open-data downloads are stored, ready to serve: the file and its gzip copy of each.
    assert OpenDataFile.objects.exclude(file="").count() == 3
    assert len(open_data) == 6


@pytest.mark.django_db
def test_a_failed_load_leaves_nothing_behind(settings, monkeypatch):
    settings.DEBUG = True

    def fail(ctx, recent_leads):
        raise RuntimeError("disk full")

    # The last step fails, once attachment files have been written for the earlier calls.
    monkeypatch.setattr(demo_current, "write_call_to_check", fail)
    files_before = media_files()
    with pytest.raises(RuntimeError):
        seed()
    assert not User.objects.exists()
    assert not Organisation.objects.exists()
    assert not Proposal.objects.exists()
    assert media_files() == files_before


def test_inconsistent_demo_data_is_a_clear_error():
    """The demo checks its own data with DemoDataError, not assert (which `python -O` drops)."""
    with pytest.raises(DemoDataError, match="3 amounts between € 50000 and € 60000 cannot add up to € 100000"):
        amounts_summing_to(random.Random(1), 3, 100_000, 50_000, 60_000)


@pytest.mark.django_db
def test_seed_demo_reports_inconsistent_data_and_writes_nothing(settings, monkeypatch):
    settings.DEBUG = True

    def inconsistent(ctx, plans_by_call):
        raise DemoDataError("COSV-2008: more proposals are forced inadmissible than the 14 inadmissible ones")

    monkeypatch.setattr(demo_load_module, "write_editions", inconsistent)
    with pytest.raises(CommandError, match="COSV-2008: more proposals are forced inadmissible"):
        seed()
    assert not User.objects.exists()
    assert not Organisation.objects.exists()
