"""The funding predicates, role by role."""

from datetime import timedelta
from decimal import Decimal

import pytest

from associations.models import Membership
from funding.permissions import can_manage_funding, can_request_review, is_funder_member
from funding.services import funding_propose, results_publish, review_window_closes_at
from funding.tests.factories import approve_all, lead_member, ranked_call

pytestmark = pytest.mark.django_db


def test_staff_manage_funding_and_nobody_else(officer, admin_user, evaluator, applicant, funder_viewer, outsider):
    assert can_manage_funding(officer) and can_manage_funding(admin_user)
    assert not any(can_manage_funding(u) for u in (evaluator, applicant, funder_viewer, outsider))


def test_funder_members_are_recognised_by_their_organisation_kind(funder_viewer, applicant, ngo_member, officer):
    assert is_funder_member(funder_viewer)
    assert not any(is_funder_member(u) for u in (applicant, ngo_member, officer))


def test_only_the_legal_representative_asks_for_a_review_within_the_window(officer, applicant):
    ranked = ranked_call([(Decimal("90"), Decimal("1000")), (Decimal("50"), Decimal("1000"))], [Decimal("5000")])
    refused = ranked.proposals[1]
    representative = lead_member(refused)
    editor = lead_member(refused, role=Membership.Role.EDITOR)
    funding_propose(call=ranked.call, by=officer)
    refused.refresh_from_db()
    assert not can_request_review(representative, refused)  # not published yet

    approve_all(ranked)
    results_publish(call=ranked.call, by=officer)
    refused.refresh_from_db()
    closes = review_window_closes_at(refused.call)

    assert can_request_review(representative, refused, now=closes)
    assert not can_request_review(representative, refused, now=closes + timedelta(seconds=1))
    assert not can_request_review(editor, refused)
    assert not can_request_review(applicant, refused)
    assert not can_request_review(officer, refused)
