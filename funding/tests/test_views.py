"""The staff pages drive the services; members see their own pages; every page runs a bounded number
of queries, whatever the number of proposals."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from calls.models import Call
from funding.models import DecisionRecord, ReviewRequest
from funding.services import (
    funding_propose,
    grant_agreement_record,
    results_publish,
    review_request_file,
)
from funding.tests.factories import approve_all, funder_member, lead_member, ranked_call
from projects.models import Award, Installment, Proposal

pytestmark = pytest.mark.django_db

S = Proposal.Status


def decision_url(call):
    return reverse("funding:decision", kwargs={"code": call.code})


def messages_of(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


# --- The decision page and its buttons -------------------------------------------------------------------


def test_the_decision_page_shows_the_ranking_money_and_trail(client, officer, demo):
    funding_propose(call=demo.call, by=officer)
    client.force_login(officer)

    response = client.get(decision_url(demo.call))

    html = response.content.decode()
    assert response.status_code == 200
    for proposal in demo.proposals:
        assert proposal.protocol_number in html
    assert "€ 250,000.00" in html and "€ 235,000.00" in html and "€ 15,000.00" in html
    assert "Reconciled:" in html
    assert "next in line" in html
    assert "Waiting for:" in html
    assert html.count("<td>funded</td>") == 5  # the trail: five moves to funded
    assert 'action="/funding/calls/' in html and "Fund the reserve list" in html


def test_a_closed_call_gets_its_evaluation_started_from_the_page(client, officer):
    ranked = ranked_call([(Decimal("90"), Decimal("1000"))], [Decimal("5000")], status=Call.Status.CLOSED)
    client.force_login(officer)
    assert "Start the evaluation" in client.get(decision_url(ranked.call)).content.decode()

    response = client.post(reverse("funding:evaluation-start", kwargs={"code": ranked.call.code}))

    assert response.status_code == 302 and response["Location"] == decision_url(ranked.call)
    ranked.call.refresh_from_db()
    assert ranked.call.status == Call.Status.EVALUATION


def test_propose_fill_and_publish_buttons(client, officer, demo):
    client.force_login(officer)
    response = client.post(reverse("funding:propose", kwargs={"code": demo.call.code}))
    assert "Decision proposed: 5 funded, 1 on the reserve list, 2 not funded." in messages_of(response)

    response = client.post(reverse("funding:fill-reserve", kwargs={"code": demo.call.code}))
    assert "0 proposals funded from the reserve list." in messages_of(response)

    response = client.post(reverse("funding:publish", kwargs={"code": demo.call.code}))
    assert any("Waiting for the approval of" in m for m in messages_of(response))
    demo.call.refresh_from_db()
    assert demo.call.status == Call.Status.EVALUATION

    approve_all(demo)
    response = client.post(reverse("funding:publish", kwargs={"code": demo.call.code}))
    assert f"The results of {demo.call.code} are published." in messages_of(response)
    demo.call.refresh_from_db()
    assert demo.call.status == Call.Status.RESULTS_PUBLISHED


def test_a_refused_button_shows_why(client, officer):
    ranked = ranked_call([(Decimal("90"), Decimal("1000"))], [Decimal("5000")], status=Call.Status.CLOSED)
    client.force_login(officer)
    response = client.post(reverse("funding:propose", kwargs={"code": ranked.call.code}))
    assert any("under evaluation" in m for m in messages_of(response))
    assert not Award.objects.exists()


def test_a_draft_or_open_call_has_no_decision_page(client, officer):
    ranked = ranked_call([(Decimal("90"), Decimal("1000"))], [Decimal("5000")], status=Call.Status.OPEN)
    client.force_login(officer)
    assert client.get(decision_url(ranked.call)).status_code == 404


# --- One proposal's money --------------------------------------------------------------------------------


@pytest.fixture
def decided(demo, officer):
    funding_propose(call=demo.call, by=officer)
    return demo


def test_the_amount_page_lowers_an_award_with_a_reason(client, officer, decided):
    award = Award.objects.get(proposal=decided.proposals[0])
    client.force_login(officer)
    url = reverse("funding:award-amount", kwargs={"pk": award.pk})

    response = client.post(url, {"amount": "50000.00", "reason": ""})
    assert response.status_code == 200 and "Say why" in response.content.decode()
    response = client.post(url, {"amount": "50000.00", "reason": "Voci di costo non ammissibili"})

    assert response.status_code == 302
    award.refresh_from_db()
    assert award.amount_granted == Decimal("50000.00")
    # € 15,000 + € 10,000 freed: the reserve proposal (€ 25,000) is funded.
    assert Proposal.objects.get(pk=decided.proposals[5].pk).status == S.FUNDED


def test_the_shares_page_edits_the_split(client, officer, decided):
    award = Award.objects.get(proposal=decided.proposals[1])  # € 45,000
    comune, cariplo, third = decided.commitments
    current = {s.commitment_id: s.amount for s in award.shares.all()}
    client.force_login(officer)
    url = reverse("funding:award-shares", kwargs={"pk": award.pk})
    page = client.get(url).content.decode()
    assert comune.funder.legal_name in page and "available for this award" in page

    wanted = {comune.pk: current[comune.pk] + 500, cariplo.pk: current[cariplo.pk] - 500, third.pk: current[third.pk]}
    response = client.post(url, {f"share_{pk}": str(v) for pk, v in wanted.items()} | {"reason": "Accordo"})

    assert response.status_code == 302
    assert {s.commitment_id: s.amount for s in award.shares.all()} == wanted
    response = client.post(
        url, {f"share_{pk}": str(v) for pk, v in wanted.items()} | {f"share_{third.pk}": "0", "reason": "X"}
    )
    assert response.status_code == 200 and "add up to" in response.content.decode()


def test_the_grant_page_funds_the_next_in_line_with_what_is_left(client, officer, decided):
    head = decided.proposals[5]
    client.force_login(officer)
    url = reverse("funding:grant", kwargs={"pk": head.pk})
    assert 'value="25000.00"' in client.get(url).content.decode()

    response = client.post(url, {"amount": "15000.00", "reason": "Ridotto a quanto resta"})

    assert response.status_code == 302
    assert Award.objects.get(proposal=head).amount_granted == Decimal("15000.00")


def test_the_withdraw_page_releases_the_money(client, officer, decided):
    client.force_login(officer)
    response = client.post(
        reverse("funding:withdraw", kwargs={"pk": decided.proposals[2].pk}), {"reason": "Rinuncia scritta"}
    )
    assert response.status_code == 302
    assert "1 proposals funded from the reserve list" in messages_of(response)[0]
    assert Proposal.objects.get(pk=decided.proposals[2].pk).status == S.WITHDRAWN


def test_the_project_page_and_the_payment_page(client, officer, decided):
    approve_all(decided)
    results_publish(call=decided.call, by=officer)
    project = decided.proposals[0]
    grant_agreement_record(
        proposal=project,
        signed_on=timezone.localdate(),
        cup="C11G06000000001",
        start_date=timezone.localdate(),
        plan=[("Anticipo", Decimal("40"), None), ("Saldo", Decimal("60"), None)],
        by=officer,
    )
    client.force_login(officer)
    page = client.get(reverse("funding:project", kwargs={"pk": project.pk})).content.decode()
    assert "C11G06000000001" in page and "€ 24,000.00" in page and "Record the payment" in page
    assert "grant agreement recorded" in page

    first = Installment.objects.get(award__proposal=project, sequence=1)
    response = client.post(
        reverse("funding:installment-pay", kwargs={"pk": first.pk}), {"paid_on": timezone.localdate().isoformat()}
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == Installment.Status.PAID


def test_the_review_requests_list_filters_by_status(client, officer, decided):
    approve_all(decided)
    results_publish(call=decided.call, by=officer)
    refused = decided.proposals[6]
    review_request_file(proposal=refused, text="Riesame", by=lead_member(refused))
    client.force_login(officer)
    url = reverse("funding:review-requests")
    assert refused.protocol_number in client.get(url, {"status": "open"}).content.decode()
    assert refused.protocol_number not in client.get(url, {"status": "accepted"}).content.decode()


# --- Members' pages -----------------------------------------------------------------------------------------


def test_a_funders_member_sees_its_calls_sign_off_and_not_the_others(client, decided):
    other = ranked_call([(Decimal("90"), Decimal("1000"))], [Decimal("5000")])
    member = funder_member(decided.funders[0])
    client.force_login(member)
    assert client.get(reverse("funding:signoff", kwargs={"code": decided.call.code})).status_code == 200
    assert client.get(reverse("funding:signoff", kwargs={"code": other.call.code})).status_code == 404
    # Funders are not staff.
    assert client.get(decision_url(decided.call)).status_code == 403


def test_a_lead_member_sees_the_outcome_but_no_staff_page(client, officer, decided):
    approve_all(decided)
    results_publish(call=decided.call, by=officer)
    proposal = decided.proposals[0]
    member = lead_member(proposal)
    client.force_login(member)
    assert client.get(reverse("funding:outcome", kwargs={"pk": proposal.pk})).status_code == 200
    assert client.get(reverse("funding:project", kwargs={"pk": proposal.pk})).status_code == 403
    assert client.get(reverse("funding:review-request", kwargs={"pk": proposal.pk})).status_code == 200


# --- Bounded queries ------------------------------------------------------------------------------------------


def count_queries(client, url) -> int:
    client.get(url)  # warm up: the first request of a session caches things of its own
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def published_call(officer, size):
    ranked = ranked_call(
        [(Decimal(95 - i), Decimal("10000")) for i in range(size)], [Decimal("40000"), Decimal("30000")]
    )
    funding_propose(call=ranked.call, by=officer)
    approve_all(ranked)
    results_publish(call=ranked.call, by=officer)
    return ranked


def test_decision_page_results_and_exports_run_a_bounded_number_of_queries(
    client, officer, django_assert_max_num_queries
):
    small, large = published_call(officer, 3), published_call(officer, 12)
    for ranked in (small, large):
        refused = ranked.proposals[-1]
        ReviewRequest.objects.create(proposal=refused, text="x", filed_by=lead_member(refused), filed_at=timezone.now())
    client.force_login(officer)
    pages = [
        lambda call: decision_url(call),
        lambda call: reverse("funding:results", kwargs={"code": call.code}),
        lambda call: reverse("funding:ranking-export", kwargs={"code": call.code}) + "?format=xlsx",
        lambda call: reverse("funding:project", kwargs={"pk": Proposal.objects.filter(call=call).first().pk}),
        lambda call: reverse("funding:outcome", kwargs={"pk": Proposal.objects.filter(call=call).first().pk}),
    ]
    for page in pages:
        assert count_queries(client, page(small.call)) == count_queries(client, page(large.call))
    with django_assert_max_num_queries(30):
        client.get(decision_url(large.call))
    with django_assert_max_num_queries(15):
        client.get(reverse("funding:results", kwargs={"code": large.call.code}))
    assert count_queries(client, reverse("funding:index")) == count_queries(client, reverse("funding:index"))
    with django_assert_max_num_queries(15):
        client.get(reverse("funding:review-requests"))


def test_the_sign_off_page_runs_a_bounded_number_of_queries(client, officer, django_assert_max_num_queries):
    counts = []
    for size in (3, 12):
        ranked = ranked_call([(Decimal(95 - i), Decimal("10000")) for i in range(size)], [Decimal("60000")])
        funding_propose(call=ranked.call, by=officer)
        client.force_login(funder_member(ranked.funders[0]))
        counts.append(count_queries(client, reverse("funding:signoff", kwargs={"code": ranked.call.code})))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(30):
        client.get(reverse("funding:signoff", kwargs={"code": ranked.call.code}))


def test_every_decision_leaves_a_record(officer, decided):
    assert DecisionRecord.objects.filter(call=decided.call).count() == 8
    assert all(r.at and r.by == officer and r.to_value for r in DecisionRecord.objects.filter(call=decided.call))


def test_the_admin_lists_the_funding_records_read_only(client, admin_user, decided):
    client.force_login(admin_user)
    for model in ("decisionrecord", "fundersignoff", "reviewrequest"):
        assert client.get(reverse(f"admin:funding_{model}_changelist")).status_code == 200
    assert client.get(reverse("admin:funding_decisionrecord_add")).status_code == 403


def test_long_rankings_are_shown_a_page_at_a_time_with_the_totals_of_the_whole_call(client, officer, demo, monkeypatch):
    """Decision page, funders' sign-off and evaluation ranking: 3 rows a page here, totals for all."""
    from cosviluppo.lib import pagination

    funding_propose(call=demo.call, by=officer)
    monkeypatch.setattr(pagination, "RANKING_ROWS_PER_PAGE", 3)
    protocols = [p.protocol_number for p in demo.proposals]
    member = funder_member(demo.funders[0])
    pages = [
        (officer, decision_url(demo.call)),
        (member, reverse("funding:signoff", kwargs={"code": demo.call.code})),
        (officer, reverse("evaluation:ranking", kwargs={"code": demo.call.code})),
    ]

    def ranking_rows(html: str) -> str:
        start = html.index("cosv-decision-table") if "cosv-decision-table" in html else 0
        return html[start:].split("<tbody>", 1)[1].split("</tbody>", 1)[0]

    for user, url in pages:
        client.force_login(user)
        first = client.get(url).content.decode()
        second = client.get(url, {"page": 2}).content.decode()
        assert [p for p in protocols if p in ranking_rows(first)] == protocols[:3], url
        assert [p for p in protocols if p in ranking_rows(second)] == protocols[3:6], url
        assert "?page=2" in first, url
    # The decision table's totals still cover every proposal of the call.
    client.force_login(officer)
    assert "€ 235,000.00" in client.get(decision_url(demo.call), {"page": 2}).content.decode()
