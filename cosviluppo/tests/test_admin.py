"""The admin is the staff's tool on day one: every page answers, lists cost a bounded
number of queries, and status changes go through the services with their history."""

from decimal import Decimal

import pytest
from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import connection
from django.db.models.fields.files import FieldFile
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import UserFactory
from associations.models import Organisation, OrganisationStatusChange
from associations.services import organisation_verify
from associations.tests.factories import (
    FunderFactory,
    InvitationFactory,
    MembershipFactory,
    NGOFactory,
    OrganisationFactory,
)
from calls.models import Call, CallStatusChange
from calls.services import call_transition
from calls.tests.factories import (
    CallDocumentFactory,
    CallFactory,
    CallQuestionFactory,
    EligibleCostCategoryFactory,
    EvaluationCriterionFactory,
    FunderCommitmentFactory,
    RequiredAttachmentFactory,
    make_publishable_call,
)
from conftest import TEST_TOTP_SECRET
from projects.models import Proposal
from projects.services import award_grant, proposal_submit, proposal_transition
from projects.tests.factories import (
    ActivityFactory,
    BudgetLineFactory,
    ConsensusScoreFactory,
    IndicatorFactory,
    InstallmentFactory,
    ProposalAttachmentFactory,
    ProposalFactory,
    ProposalPartnerFactory,
    ReviewFactory,
    ReviewScoreFactory,
    make_submittable,
)
from reports.models import OpenDataFile
from reports.tests.factories import ReportRunFactory

PROGRAMME_APPS = ("accounts", "associations", "calls", "projects", "reports")

# Written only by services (audit trails, money splits, worker output): no add page.
NOT_ADDABLE = {
    "associations.Invitation",
    "associations.OrganisationStatusChange",
    "calls.CallStatusChange",
    "projects.ProposalStatusChange",
    "projects.AllocationRecord",
    "projects.FunderShare",
    "projects.Award",
    "reports.ReportRun",
    "reports.OpenDataFile",
}
AUDIT_TRAILS = {
    "associations.OrganisationStatusChange",
    "calls.CallStatusChange",
    "projects.ProposalStatusChange",
    "projects.AllocationRecord",
    "projects.FunderShare",
}

# Our apps' models (allauth registers its own, tested upstream).
OUR_APPS = {"accounts", "associations", "calls", "projects", "reports"}
REGISTERED = sorted(
    (model for model in admin.site._registry if model._meta.app_label in OUR_APPS), key=lambda model: model._meta.label
)


def _ranked_proposal(requested=(), **kwargs) -> Proposal:
    proposal = ProposalFactory(**kwargs)
    for amount in requested:
        BudgetLineFactory(proposal=proposal, amount_requested=amount)
    proposal = proposal_submit(proposal=make_submittable(proposal), by=None)
    for to in (Proposal.Status.ADMISSIBLE, Proposal.Status.UNDER_EVALUATION, Proposal.Status.RANKED):
        proposal = proposal_transition(proposal=proposal, to=to)
    return proposal


def _award(requested=(Decimal("5000.00"),), **kwargs):
    """An award as the programme makes it: granted (what the budget lines request), split and
    recorded by the service."""
    proposal = _ranked_proposal(requested=requested, **kwargs)
    FunderCommitmentFactory(call=proposal.call)
    return award_grant(proposal=proposal, amount=Decimal("5000.00"))


def _organisation_status_change():
    organisation = OrganisationFactory(verification_status=Organisation.VerificationStatus.PENDING)
    organisation_verify(organisation=organisation)
    return organisation.status_changes.get()


def _call_status_change():
    call = CallFactory(status=Call.Status.DRAFT)
    call_transition(call=call, to=Call.Status.OPEN)
    return call.status_changes.get()


BUILDERS = {
    "auth.Group": lambda: Group.objects.create(name="Funzionari del programma"),
    "accounts.User": UserFactory,
    "associations.Organisation": OrganisationFactory,
    "associations.Invitation": InvitationFactory,
    "associations.Membership": MembershipFactory,
    "associations.OrganisationStatusChange": _organisation_status_change,
    "calls.Call": CallFactory,
    "calls.EligibleCostCategory": EligibleCostCategoryFactory,
    "calls.CallDocument": CallDocumentFactory,
    "calls.RequiredAttachment": RequiredAttachmentFactory,
    "calls.EvaluationCriterion": EvaluationCriterionFactory,
    "calls.FunderCommitment": FunderCommitmentFactory,
    "calls.CallQuestion": CallQuestionFactory,
    "calls.CallStatusChange": _call_status_change,
    "projects.Proposal": lambda: BudgetLineFactory().proposal,
    "projects.ProposalStatusChange": lambda: _ranked_proposal().status_changes.first(),
    "projects.ProposalPartner": ProposalPartnerFactory,
    "projects.Activity": ActivityFactory,
    "projects.BudgetLine": BudgetLineFactory,
    "projects.Indicator": IndicatorFactory,
    "projects.ProposalAttachment": ProposalAttachmentFactory,
    "projects.Review": ReviewFactory,
    "projects.ReviewScore": ReviewScoreFactory,
    "projects.ConsensusScore": ConsensusScoreFactory,
    "projects.Award": _award,
    "projects.FunderShare": lambda: _award().shares.get(),
    "projects.AllocationRecord": lambda: _award().allocations.get(),
    "projects.Installment": lambda: InstallmentFactory(award=_award()),
    "reports.ReportRun": ReportRunFactory,
    "reports.OpenDataFile": lambda: OpenDataFile.objects.create(kind=OpenDataFile.Kind.IATI, size=1, records=1),
}


def _url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_every_model_of_the_programme_is_registered():
    missing = [
        model._meta.label
        for label in PROGRAMME_APPS
        for model in apps.get_app_config(label).get_models()
        if model not in admin.site._registry
    ]
    assert missing == []


def test_every_programme_admin_can_be_searched():
    without_search = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in PROGRAMME_APPS and not model_admin.search_fields
    ]
    assert without_search == []


@pytest.mark.django_db
@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_changelist_lists_an_object(admin_client, model):
    obj = BUILDERS[model._meta.label]()

    response = admin_client.get(_url(model, "changelist"))

    assert response.status_code == 200
    assert _url(model, "change", obj.pk) in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_add_page(admin_client, model):
    response = admin_client.get(_url(model, "add"))

    assert response.status_code == (403 if model._meta.label in NOT_ADDABLE else 200)


@pytest.mark.django_db
@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_change_page(admin_client, model):
    obj = BUILDERS[model._meta.label]()

    response = admin_client.get(_url(model, "change", obj.pk))

    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_search(admin_client, model):
    BUILDERS[model._meta.label]()

    response = admin_client.get(_url(model, "changelist"), {"q": "prova"})

    assert response.status_code == 200


@pytest.mark.django_db
def test_search_finds_an_organisation_by_codice_fiscale(admin_client):
    wanted = OrganisationFactory(legal_name="Associazione Senegalesi di Milano")
    OrganisationFactory(legal_name="Comunità Peruviana")

    response = admin_client.get(_url(Organisation, "changelist"), {"q": wanted.codice_fiscale})

    assert [row.pk for row in response.context["cl"].result_list] == [wanted.pk]


def _proposals(count: int) -> None:
    for index in range(count):
        proposal = _award().proposal if index % 3 == 0 else ProposalFactory()
        BudgetLineFactory.create_batch(2, proposal=proposal)


def _calls(count: int) -> None:
    for _index in range(count):
        call = CallFactory()
        FunderCommitmentFactory.create_batch(2, call=call)
        proposal_submit(proposal=make_submittable(ProposalFactory(call=call)), by=None)


def _organisations(count: int) -> None:
    for _index in range(count):
        MembershipFactory(organisation=OrganisationFactory())


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model", "make_rows", "bound"),
    [(Proposal, _proposals, 10), (Call, _calls, 10), (Organisation, _organisations, 10)],
    ids=["proposal", "call", "organisation"],
)
def test_changelist_queries_do_not_grow_with_rows(admin_client, django_assert_max_num_queries, model, make_rows, bound):
    url = _url(model, "changelist")
    admin_client.get(url)  # the first request of a session also records the two-factor check
    counts = []
    for rows in (3, 12):
        make_rows(rows)
        with CaptureQueriesContext(connection) as queries, django_assert_max_num_queries(bound):
            response = admin_client.get(url)
        assert response.status_code == 200
        counts.append(len(queries))
    assert len(response.context["cl"].result_list) == 15
    assert counts[0] == counts[1]


@pytest.mark.django_db
def test_call_list_shows_the_pooled_budget(admin_client):
    call = CallFactory()
    FunderCommitmentFactory(call=call, amount=Decimal("600000.00"))
    FunderCommitmentFactory(call=call, amount=Decimal("1000000.00"))
    CallFactory()  # a call without commitments yet

    response = admin_client.get(_url(Call, "changelist"))

    budgets = {row.pk: row.budget_total for row in response.context["cl"].result_list}
    assert budgets[call.pk] == Decimal("1600000.00")
    assert Decimal("0") in budgets.values()


@pytest.mark.django_db
def test_proposal_list_shows_amounts_requested_and_granted(admin_client):
    _award(requested=(Decimal("3000.00"), Decimal("2000.00")))

    response = admin_client.get(_url(Proposal, "changelist"))

    (row,) = response.context["cl"].result_list
    assert row.amount_requested_total == Decimal("5000.00")
    assert row.amount_granted_value == Decimal("5000.00")


@pytest.mark.django_db
def test_verify_action_verifies_through_the_service(admin_client, admin_user):
    admin_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the messages checked below are the English ones
    pending = OrganisationFactory.create_batch(2, verification_status=Organisation.VerificationStatus.PENDING)

    response = admin_client.post(
        _url(Organisation, "changelist"),
        {"action": "verify_organisations", "_selected_action": [org.pk for org in pending]},
        follow=True,
    )

    assert response.status_code == 200
    for organisation in pending:
        organisation.refresh_from_db()
        assert organisation.verification_status == Organisation.VerificationStatus.VERIFIED
        assert organisation.verified_at is not None
        change = OrganisationStatusChange.objects.get(organisation=organisation)
        assert (change.from_status, change.to_status, change.changed_by) == ("pending", "verified", admin_user)
    assert "2 organisations verified." in _messages(response)


@pytest.mark.django_db
def test_reject_action_without_a_reason_shows_the_domain_error(admin_client):
    admin_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the messages checked below are the English ones
    pending = OrganisationFactory(verification_status=Organisation.VerificationStatus.PENDING)

    response = admin_client.post(
        _url(Organisation, "changelist"),
        {"action": "reject_organisations", "_selected_action": [pending.pk], "reason": "  "},
        follow=True,
    )

    pending.refresh_from_db()
    assert pending.verification_status == Organisation.VerificationStatus.PENDING
    assert not OrganisationStatusChange.objects.exists()
    assert "Give the reason for rejecting the organisation." in _messages(response)


@pytest.mark.django_db
def test_reject_action_records_the_reason(admin_client):
    pending = OrganisationFactory(verification_status=Organisation.VerificationStatus.PENDING)

    admin_client.post(
        _url(Organisation, "changelist"),
        {"action": "reject_organisations", "_selected_action": [pending.pk], "reason": "Statuto mancante"},
    )

    pending.refresh_from_db()
    assert pending.verification_status == Organisation.VerificationStatus.REJECTED
    assert pending.status_changes.get().reason == "Statuto mancante"


@pytest.mark.django_db
def test_call_actions_move_the_status_through_the_service(admin_client, admin_user):
    draft = make_publishable_call()

    admin_client.post(_url(Call, "changelist"), {"action": "move_to_open", "_selected_action": [draft.pk]})

    draft.refresh_from_db()
    assert draft.status == Call.Status.OPEN
    change = CallStatusChange.objects.get(call=draft)
    assert (change.from_status, change.to_status, change.changed_by) == ("draft", "open", admin_user)


@pytest.mark.django_db
def test_publishing_an_incomplete_call_from_the_admin_lists_its_problems(admin_client):
    admin_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    draft = CallFactory(status=Call.Status.DRAFT, announced_budget=None)

    response = admin_client.post(
        _url(Call, "changelist"), {"action": "move_to_open", "_selected_action": [draft.pk]}, follow=True
    )

    draft.refresh_from_db()
    assert draft.status == Call.Status.DRAFT
    assert not CallStatusChange.objects.exists()
    (message,) = _messages(response)
    assert message.startswith(f"{draft.code}: The call cannot be published yet")


@pytest.mark.django_db
def test_call_action_refused_by_the_lifecycle_shows_the_error(admin_client):
    open_call = CallFactory(status=Call.Status.OPEN)

    response = admin_client.post(
        _url(Call, "changelist"),
        {"action": "move_to_archived", "_selected_action": [open_call.pk]},
        follow=True,
    )

    open_call.refresh_from_db()
    assert open_call.status == Call.Status.OPEN
    assert not CallStatusChange.objects.exists()
    (message,) = _messages(response)
    assert message.startswith(f"{open_call.code}: ")


@pytest.mark.django_db
@pytest.mark.parametrize("model", [Proposal, Call], ids=["proposal", "call"])
def test_status_is_not_editable(rf, admin_user, model):
    obj = BUILDERS[model._meta.label]()
    request = rf.get("/")
    request.user = admin_user
    model_admin = admin.site._registry[model]

    assert "status" not in model_admin.get_form(request, obj).base_fields
    assert "status" in model_admin.get_readonly_fields(request, obj)


@pytest.mark.django_db
@pytest.mark.parametrize("label", sorted(AUDIT_TRAILS))
def test_audit_trails_cannot_be_edited_or_deleted(admin_client, label):
    model = apps.get_model(label)
    obj = BUILDERS[label]()

    assert admin_client.post(_url(model, "change", obj.pk), {}).status_code == 403
    assert admin_client.post(_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=obj.pk).exists()


@pytest.mark.django_db
def test_proposal_history_is_shown_read_only(admin_client):
    proposal = _ranked_proposal()

    response = admin_client.get(_url(Proposal, "change", proposal.pk))

    formsets = {formset.formset.prefix: formset for formset in response.context["inline_admin_formsets"]}
    history = formsets["status_changes"]
    assert not history.has_add_permission
    assert not history.has_change_permission
    assert not history.has_delete_permission
    assert len(history.formset.queryset) == 4


@pytest.mark.django_db
def test_user_is_added_by_email(admin_client):
    response = admin_client.post(
        _url(User, "add"),
        {
            "email": "Funzionaria@Comune.Milano.it",
            "usable_password": "true",
            "password1": "una-password-lunga-2026",
            "password2": "una-password-lunga-2026",
        },
    )

    assert response.status_code == 302
    user = User.objects.get(email="funzionaria@comune.milano.it")
    assert user.check_password("una-password-lunga-2026")


@pytest.mark.django_db
def test_user_email_must_be_unique_whatever_the_case(admin_client):
    UserFactory(email="officer@example.org")

    response = admin_client.post(
        _url(User, "add"),
        {"email": "OFFICER@example.org", "usable_password": "false"},
    )

    assert response.status_code == 200
    assert "email" in response.context["adminform"].form.errors
    assert User.objects.filter(email__iexact="officer@example.org").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "outsider", "officer"])
def test_non_staff_are_sent_to_the_admin_login(client, request, who):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))

    response = client.get(_url(Proposal, "changelist"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def _unchanged_form_data(response) -> dict:
    """The POST a browser would send back from a change page, leaving everything as it is."""
    forms_on_page = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms_on_page.append(inline.formset.management_form)
        forms_on_page.extend(inline.formset.forms)
    data: dict = {}
    for form in forms_on_page:
        for bound in form:
            value = bound.value()
            if value is None or isinstance(value, FieldFile):
                continue
            if isinstance(bound.field, forms.SplitDateTimeField):
                day, time = bound.field.widget.decompress(value)
                data[f"{bound.html_name}_0"], data[f"{bound.html_name}_1"] = day.isoformat(), time.isoformat()
            elif isinstance(value, bool):
                if value:
                    data[bound.html_name] = "on"
            elif isinstance(value, list | tuple):
                data[bound.html_name] = [str(item) for item in value]
            else:
                data[bound.html_name] = str(value)
    return data


def _full_proposal() -> Proposal:
    proposal = _award().proposal
    BudgetLineFactory(proposal=proposal)
    ProposalPartnerFactory(proposal=proposal)
    ActivityFactory(proposal=proposal)
    IndicatorFactory(proposal=proposal)
    ProposalAttachmentFactory(proposal=proposal)
    return proposal


def _full_call() -> Call:
    call = CallFactory()
    EligibleCostCategoryFactory(call=call)
    EvaluationCriterionFactory(call=call)
    FunderCommitmentFactory(call=call)
    RequiredAttachmentFactory(call=call)
    CallDocumentFactory(call=call)
    call_transition(call=call, to=Call.Status.CLOSED)
    return call


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model", "build"),
    [
        (Proposal, _full_proposal),
        (Call, _full_call),
        (Organisation, lambda: MembershipFactory().organisation),
        (User, lambda: MembershipFactory().user),
        (apps.get_model("projects.Award"), lambda: InstallmentFactory(award=_award()).award),
        (apps.get_model("projects.Review"), lambda: ReviewScoreFactory().review),
    ],
    ids=lambda value: value._meta.label if hasattr(value, "_meta") else "",
)
def test_change_page_saves_with_its_inlines(admin_client, model, build):
    obj = build()
    url = _url(model, "change", obj.pk)
    status_before = getattr(obj, "status", None)

    response = admin_client.post(url, _unchanged_form_data(admin_client.get(url)))

    errors = response.context and [response.context["adminform"].form.errors, response.context["errors"]]
    assert response.status_code == 302, errors
    obj.refresh_from_db()
    assert getattr(obj, "status", None) == status_before


@pytest.mark.django_db
@pytest.mark.parametrize("model", [Proposal, Call, Organisation], ids=["proposal", "call", "organisation"])
def test_delete_selected_works_on_the_annotated_list(admin_client, model):
    obj = {Proposal: ProposalFactory, Call: CallFactory, Organisation: OrganisationFactory}[model]()

    response = admin_client.post(
        _url(model, "changelist"), {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"}
    )

    assert response.status_code == 302
    assert not model.objects.filter(pk=obj.pk).exists()


@pytest.mark.django_db
def test_posting_a_status_changes_nothing_but_the_other_fields(admin_client):
    proposal = _full_proposal()
    url = _url(Proposal, "change", proposal.pk)
    data = _unchanged_form_data(admin_client.get(url)) | {"status": "closed", "title": "Orti solidali a Thiès"}

    admin_client.post(url, data)

    proposal.refresh_from_db()
    assert (proposal.status, proposal.title) == (Proposal.Status.FUNDED, "Orti solidali a Thiès")
    assert proposal.status_changes.count() == 5


@pytest.mark.django_db
def test_budget_line_that_does_not_add_up_is_refused_with_the_rule(admin_client):
    admin_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the messages checked below are the English ones
    proposal = BudgetLineFactory().proposal
    url = _url(Proposal, "change", proposal.pk)
    data = _unchanged_form_data(admin_client.get(url)) | {"budget_lines-0-total_cost": "1.00"}

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "The total cost must equal the amount requested plus co-financing." in str(response.context["errors"])
    assert proposal.budget_lines.get().total_cost == Decimal("10000.00")


@pytest.mark.django_db
def test_staff_log_in_to_the_admin_by_email_and_second_factor(client):
    from allauth.account.models import EmailAddress
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time

    from accounts.services import user_enrol_totp

    staff = UserFactory(email="ufficio.cooperazione@example.org", is_staff=True)
    EmailAddress.objects.create(user=staff, email=staff.email, verified=True, primary=True)
    user_enrol_totp(user=staff, secret=TEST_TOTP_SECRET)

    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))
    client.post(reverse("account_login"), {"login": "Ufficio.Cooperazione@example.org", "password": "pw-cosviluppo"})
    code = format_hotp_value(hotp_value(TEST_TOTP_SECRET, next(iter(yield_hotp_counters_from_time()))))
    response = client.post(reverse("mfa_authenticate"), {"code": code})

    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model_name", "field_name", "expected"),
    [("fundercommitment", "funder", "funder"), ("proposal", "lead", "lead")],
)
def test_organisation_autocomplete_offers_only_what_the_field_accepts(admin_client, model_name, field_name, expected):
    app_label = "calls" if model_name == "fundercommitment" else "projects"
    organisations = {"funder": FunderFactory(), "lead": OrganisationFactory(), "ngo": NGOFactory()}

    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": "prova"},
    )

    assert [int(result["id"]) for result in response.json()["results"]] == [organisations[expected].pk]


@pytest.mark.django_db
def test_evaluator_autocomplete_offers_only_evaluators(admin_client, evaluator, officer):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "projects", "model_name": "review", "field_name": "evaluator", "term": "example.org"},
    )

    assert [int(result["id"]) for result in response.json()["results"]] == [evaluator.pk]
