"""seed_demo loads the demo once, completely and consistently, and only where it may."""

import re
from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Sum
from django.test import override_settings
from django.utils import timezone, translation

from accounts.models import User
from accounts.tests.factories import UserFactory
from associations.models import Membership, Organisation
from associations.tests.factories import OrganisationFactory
from calls.models import Call, CallStatusChange, FunderCommitment
from cosviluppo import demo
from projects.models import Award, BudgetLine, FunderShare, Proposal, ProposalPartner

HISTORICAL = {"COSV-2008": (69, 20), "COSV-2010": (91, 23), "COSV-2011": (85, 23)}
CUP = re.compile(r"^[A-Z][0-9]{2}[A-Z][0-9]{11}$")


def seed(*args) -> str:
    """Run the command in English, so its messages can be matched whatever the catalogue says."""
    out = StringIO()
    with translation.override("en"):
        call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="class")
def demo_loaded(django_db_setup, django_db_blocker):
    """The demo, loaded once for the tests that only read it; emptied afterwards so
    the rest of the suite starts from an empty database again."""
    with django_db_blocker.unblock(), override_settings(DEBUG=True):
        seed()
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_loaded")
class TestLoadedDemo:
    def test_66_projects_are_funded_over_the_three_historical_calls(self):
        assert Proposal.objects.funded().count() == 66
        for code, (_received, funded) in HISTORICAL.items():
            assert Proposal.objects.funded().filter(call__code=code).count() == funded

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
def test_force_loads_next_to_non_demo_data(settings):
    settings.DEBUG = True
    real = OrganisationFactory()
    output = seed("--force")
    assert "Demo data loaded" in output
    assert Proposal.objects.funded().count() == 66
    real.refresh_from_db()
    assert not real.is_demo and not real.led_proposals.exists()


@pytest.mark.django_db
def test_a_failed_load_leaves_nothing_behind(settings, monkeypatch):
    settings.DEBUG = True

    def fail(self):
        raise RuntimeError("disk full")

    monkeypatch.setattr(demo._DemoLoader, "_write_open_call", fail)
    with pytest.raises(RuntimeError):
        seed()
    assert not User.objects.exists()
    assert not Organisation.objects.exists()
    assert not Proposal.objects.exists()
