from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from associations.models import Membership
from associations.tests.factories import FunderFactory, MembershipFactory
from calls.models import Call
from calls.selectors import dashboard_sections
from calls.tests.factories import CallFactory, CallQuestionFactory, FunderCommitmentFactory
from projects.tests.factories import ProposalFactory

pytestmark = pytest.mark.django_db


def received(call, count):
    """Submitted proposals (with the protocol number the database requires of them)."""
    for _ in range(count):
        sequence = call.proposals.count() + 1
        ProposalFactory(
            call=call,
            status="submitted",
            protocol_sequence=sequence,
            protocol_number=f"{call.code}/{sequence}",
            submitted_at=timezone.now(),
        )


STAFF_PAGES = [
    ("calls:manage", None),
    ("calls:manage-new", None),
    ("calls:manage-questions", None),
    ("calls:manage-edit", "code"),
    ("calls:manage-publish", "code"),
    ("calls:manage-copy", "code"),
    ("calls:manage-question-answer", "pk"),
]
ROLES = {
    "applicant": 403,
    "ngo_member": 403,
    "funder_viewer": 403,
    "evaluator": 403,
    "outsider": 403,
    "officer": 200,
    "admin_user": 200,
}


@pytest.fixture
def draft(db):
    return CallFactory(status="draft")


def url_for(name, kind, draft):
    if kind == "code":
        return reverse(name, kwargs={"code": draft.code})
    if kind == "pk":
        return reverse(name, kwargs={"pk": CallQuestionFactory(call=draft).pk})
    return reverse(name)


@pytest.mark.parametrize("name, kind", STAFF_PAGES)
@pytest.mark.parametrize("role, expected", ROLES.items())
def test_staff_pages_answer_by_role(client, request, draft, name, kind, role, expected):
    client.force_login(request.getfixturevalue(role))
    assert client.get(url_for(name, kind, draft)).status_code == expected


@pytest.mark.parametrize("name, kind", STAFF_PAGES)
def test_staff_pages_send_anonymous_visitors_to_log_in(client, draft, name, kind):
    response = client.get(url_for(name, kind, draft))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("role", ["applicant", "funder_viewer", "evaluator"])
def test_non_staff_cannot_publish_or_copy_by_post(client, request, draft, role):
    client.force_login(request.getfixturevalue(role))
    assert client.post(reverse("calls:manage-publish", kwargs={"code": draft.code})).status_code == 403
    assert client.post(reverse("calls:manage-copy", kwargs={"code": draft.code}), {"code": "X-1"}).status_code == 403
    assert Call.objects.count() == 1 and Call.objects.get().status == "draft"


def test_manage_is_not_taken_for_a_call_code(client):
    # /calls/manage/ resolves to the staff list, never to a public call page.
    response = client.get("/calls/manage/")
    assert response.status_code == 302 and "login" in response["Location"]


def test_staff_list_shows_drafts_first_with_numbers(client, officer):
    published = CallFactory(code="COSV-PUB")
    FunderCommitmentFactory(call=published, amount=Decimal("1000.00"))
    FunderCommitmentFactory(call=published, amount=Decimal("500.00"))
    received(published, 2)
    ProposalFactory(call=published)  # a draft proposal is not "received"
    CallFactory(code="COSV-DRAFT", status="draft")
    client.force_login(officer)
    response = client.get(reverse("calls:manage"))
    rows = {call.code: call for call in response.context["calls"]}
    assert [call.code for call in response.context["calls"]][0] == "COSV-DRAFT"
    assert rows["COSV-PUB"].proposals_received == 2
    assert rows["COSV-PUB"].budget() == Decimal("1500.00")
    assert rows["COSV-DRAFT"].budget() == Decimal("0.00")
    html = response.content.decode()
    assert reverse("calls:manage-publish", kwargs={"code": "COSV-DRAFT"}) in html
    assert reverse("calls:manage-publish", kwargs={"code": "COSV-PUB"}) not in html


def test_staff_list_filters_by_status(client, officer):
    CallFactory(code="COSV-PUB")
    CallFactory(code="COSV-DRAFT", status="draft")
    client.force_login(officer)
    response = client.get(reverse("calls:manage"), {"status": "draft"})
    assert [call.code for call in response.context["calls"]] == ["COSV-DRAFT"]


def test_staff_list_runs_a_bounded_number_of_queries(client, officer, django_assert_max_num_queries):
    for n in range(30):
        call = CallFactory(code=f"MANY-{n}", status="draft" if n % 3 == 0 else "open")
        FunderCommitmentFactory(call=call)
    client.force_login(officer)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("calls:manage")).status_code == 200


def test_questions_page_runs_a_bounded_number_of_queries(client, officer, django_assert_max_num_queries):
    call = CallFactory()
    for _ in range(15):
        CallQuestionFactory(call=call)
    client.force_login(officer)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("calls:manage-questions"))
    assert len(response.context["questions"]) == 15


# --- Dashboard -----------------------------------------------------------------------------------


def render_sections(user):
    return "".join(render_to_string(template, {"section": context}) for template, context in dashboard_sections(user))


def test_officer_dashboard_lists_calls_and_drafts(officer):
    published = CallFactory(code="COSV-RUN")
    FunderCommitmentFactory(call=published, amount=Decimal("250000.00"))
    received(published, 1)
    CallFactory(code="COSV-NEXT", status="draft")
    CallFactory(code="COSV-OLD", status="archived")
    CallQuestionFactory(call=published)
    [(template, section)] = dashboard_sections(officer)
    assert template == "calls/partials/dashboard_officer.html"
    assert [c.code for c in section["running"]] == ["COSV-RUN"]
    assert section["running"][0].proposals_received == 1
    assert [c.code for c in section["drafts"]] == ["COSV-NEXT"]
    assert section["questions_waiting"] == 1
    html = render_sections(officer)
    assert "€ 250,000.00" in html and reverse("calls:manage-publish", kwargs={"code": "COSV-NEXT"}) in html


def test_officer_dashboard_counts_waiting_questions_with_or_without_running_calls(officer):
    """The count rides on the running calls' query when there are any, and is counted apart otherwise."""
    archived = CallFactory(code="COSV-OLD", status="archived")
    CallQuestionFactory.create_batch(2, call=archived)
    [(_template, section)] = dashboard_sections(officer)
    assert section["running"] == [] and section["questions_waiting"] == 2
    running = CallFactory(code="COSV-RUN")
    CallQuestionFactory(call=running)
    CallQuestionFactory(call=running, answer="Risposta.", is_published=True)
    [(_template, section)] = dashboard_sections(officer)
    assert [c.code for c in section["running"]] == ["COSV-RUN"] and section["questions_waiting"] == 3


def test_funder_dashboard_shows_its_commitments_only(funder_viewer):
    funder = funder_viewer.memberships.get().organisation
    mine = FunderCommitmentFactory(call=CallFactory(code="COSV-MINE"), funder=funder, amount=Decimal("70000.00"))
    FunderCommitmentFactory(call=CallFactory(code="COSV-DRAFTED", status="draft"), funder=funder)
    FunderCommitmentFactory(call=CallFactory(code="COSV-OTHER"), funder=FunderFactory())
    [(template, section)] = dashboard_sections(funder_viewer)
    assert template == "calls/partials/dashboard_funder.html"
    assert section["commitments"] == [mine]
    html = render_sections(funder_viewer)
    assert "COSV-MINE" in html and "€ 70,000.00" in html and "open" in html
    assert "COSV-OTHER" not in html and "COSV-DRAFTED" not in html


@pytest.mark.parametrize("role", ["applicant", "ngo_member"])
def test_applicants_see_the_open_calls_with_deadlines(request, role):
    user = request.getfixturevalue(role)
    CallFactory(code="COSV-OPEN")
    CallFactory(code="COSV-DRAFT", status="draft")
    [(template, section)] = dashboard_sections(user)
    assert template == "calls/partials/dashboard_open_calls.html"
    assert [c.code for c in section["calls"]] == ["COSV-OPEN"]
    assert "deadline" in render_sections(user)


def test_evaluators_and_outsiders_get_no_call_section(evaluator, outsider):
    assert dashboard_sections(evaluator) == [] and dashboard_sections(outsider) == []


def test_dashboard_sections_run_a_bounded_number_of_queries(django_assert_max_num_queries):
    user = UserFactory(municipal_role="officer")
    funder = FunderFactory()
    MembershipFactory(user=user, organisation=funder, role=Membership.Role.VIEWER)
    for n in range(25):
        call = CallFactory(code=f"DASH-{n}", status="draft" if n % 2 else "open")
        FunderCommitmentFactory(call=call, funder=funder)
        CallQuestionFactory(call=call)
    with django_assert_max_num_queries(6):
        html = render_sections(user)
    assert "DASH-" in html


def test_the_dashboard_page_shows_the_calls_section(client, officer):
    CallFactory(code="COSV-RUN")
    client.force_login(officer)
    assert "COSV-RUN" in client.get(reverse("dashboard")).content.decode()
