"""The dashboard sections: the officer's money and decisions per call, the funders' sign-offs waiting."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from associations.tests.factories import FunderFactory
from calls.models import Call
from calls.tests.factories import FunderCommitmentFactory
from funding.selectors import dashboard_sections
from funding.services import funder_sign_off, funding_award_change, funding_propose
from funding.tests.factories import funder_member, ranked_call
from projects.models import Award

pytestmark = pytest.mark.django_db


def section(user, template):
    return next(context for name, context in dashboard_sections(user) if name == template)


def test_the_officer_sees_money_and_what_is_missing_per_call(client, officer, demo):
    funding_propose(call=demo.call, by=officer)
    comune = demo.funders[0]
    funder_sign_off(call=demo.call, funder=comune, decision="approved", by=funder_member(comune))
    closed = ranked_call([(Decimal("90"), Decimal("1000"))], [Decimal("5000")], status=Call.Status.CLOSED)

    calls = {c.pk: c for c in section(officer, "funding/partials/dashboard_officer.html")["calls"]}

    line = calls[demo.call.pk]
    assert (line.money_committed, line.money_drawn, line.money_left) == (
        Decimal("250000.00"),
        Decimal("235000.00"),
        Decimal("15000.00"),
    )
    assert line.decisions_pending == 0
    assert {f.pk for f in line.sign_offs_missing} == {f.pk for f in demo.funders[1:]}
    assert calls[closed.call.pk].decisions_pending == 1
    client.force_login(officer)
    html = client.get(reverse("dashboard")).content.decode()
    assert "Funding decisions" in html and demo.funders[1].legal_name in html and "€ 15,000.00" in html


def test_a_funder_sees_the_decisions_waiting_for_its_answer(client, officer, demo):
    comune = demo.funders[0]
    member = funder_member(comune)
    waiting = section(member, "funding/partials/dashboard_funder.html")
    assert waiting["waiting"] == [] and waiting["in_preparation"] == 1  # not decided yet

    funding_propose(call=demo.call, by=officer)
    waiting = section(member, "funding/partials/dashboard_funder.html")
    assert [(item["call"].pk, item["funder"].pk) for item in waiting["waiting"]] == [(demo.call.pk, comune.pk)]

    funder_sign_off(call=demo.call, funder=comune, decision="approved", by=member)
    assert section(member, "funding/partials/dashboard_funder.html")["waiting"] == []

    award = Award.objects.get(proposal=demo.proposals[0])
    funding_award_change(award=award, amount=Decimal("59000.00"), reason="Arrotondamento", by=officer)
    client.force_login(member)
    html = client.get(reverse("dashboard")).content.decode()
    assert "Decisions waiting for your sign-off" in html
    assert "the decision changed since your last answer" in html
    assert reverse("funding:signoff", kwargs={"code": demo.call.code}) in html


def test_people_outside_funding_get_no_section(applicant, evaluator):
    assert dashboard_sections(applicant) == []
    assert dashboard_sections(evaluator) == []


def test_the_dashboard_sections_run_a_bounded_number_of_queries(officer):
    counts = {}
    for size in (1, 4):
        shared = FunderFactory()  # a funder with money in every call of this round
        for _ in range(size):
            ranked = ranked_call(
                [(Decimal("90"), Decimal("1000")), (Decimal("80"), Decimal("1000"))], [Decimal("10000")]
            )
            FunderCommitmentFactory(call=ranked.call, funder=shared, amount=Decimal("1000"))
            funding_propose(call=ranked.call, by=officer)
        member = funder_member(shared)
        assert len(section(member, "funding/partials/dashboard_funder.html")["waiting"]) == size
        # Fresh user objects, as each request loads them: nothing about them read yet.
        with CaptureQueriesContext(connection) as officer_queries:
            dashboard_sections(type(officer).objects.get(pk=officer.pk))
        with CaptureQueriesContext(connection) as funder_queries:
            dashboard_sections(type(member).objects.get(pk=member.pk))
        counts[size] = (len(officer_queries), len(funder_queries))
    assert counts[1] == counts[4]
    # Each count includes the user's memberships, read once per request and shared with the menu.
    assert counts[4][0] <= 8 and counts[4][1] <= 9
