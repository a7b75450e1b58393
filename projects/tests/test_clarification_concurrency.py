"""A section reopened by a request for clarification, saved while the applicant answers the
request, on PostgreSQL: a save lands either before the answer (and is in what the answer
records) or not at all. Each thread has its own connection, as web processes would; one of them
holds its transaction open while the other starts, so the order is the one the test chooses.
"""

import threading
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from associations.models import Membership
from cosviluppo.testing import skip_unless_available
from evaluation.models import ClarificationRequest
from evaluation.services import clarification_answer, clarification_expire, clarification_request
from evaluation.snapshots import proposal_snapshot
from evaluation.tests.factories import closed_call, lead_member, submitted_proposal
from projects.models import BudgetLine, Proposal
from projects.services import ProposalFrozen, proposal_save_step
from projects.tests.test_editing_concurrency import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SECOND = timedelta(seconds=1)
HOLD = 1.0  # seconds a transaction stays open while the other thread tries its way in


@pytest.fixture(autouse=True)
def _postgres_only():
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        skip_unless_available("Concurrency tests need PostgreSQL: set DATABASE_URL=postgres://…")


@pytest.fixture
def reopened(officer):
    """A submitted proposal whose budget a request reopened, an editor, and the request."""
    proposal = submitted_proposal(call=closed_call())
    request = clarification_request(
        proposal=proposal,
        sections=["budget"],
        message="Correggete le voci del budget.",
        deadline=timezone.now() + timedelta(days=3),
        by=officer,
    )
    return proposal, lead_member(proposal, role=Membership.Role.EDITOR), request


def save_budget(proposal, editor, description):
    lines = list(BudgetLine.objects.filter(proposal=proposal).order_by("pk"))
    rows = [
        {
            "id": line.pk,
            "category": line.category,
            "territory": line.territory,
            "description": description if index == 0 else line.description,
            "amount_requested": line.amount_requested,
            "cofinancing_own": line.cofinancing_own,
            "cofinancing_other": line.cofinancing_other,
        }
        for index, line in enumerate(lines)
    ]
    version = Proposal.objects.values_list("version", flat=True).get(pk=proposal.pk)
    return proposal_save_step(proposal=Proposal(pk=proposal.pk), step="budget", data=rows, version=version, by=editor)


def first_then(first, then):
    """`first` in a transaction held open for HOLD seconds after it ran; `then` started meanwhile."""
    started = threading.Event()

    def hold_open():
        with transaction.atomic():
            result = first()
            started.set()
            time.sleep(HOLD)
        return result

    def follow():
        assert started.wait(timeout=30)
        return then()

    return run_together([hold_open, follow])


def test_an_answer_given_during_a_save_waits_for_it_and_records_it(reopened):
    proposal, editor, request = reopened

    outcomes = first_then(
        lambda: save_budget(proposal, editor, "Voce firmata"),
        lambda: clarification_answer(request=ClarificationRequest(pk=request.pk), by=editor),
    )

    assert [kind for kind, _result in outcomes] == ["ok", "ok"], outcomes
    answered = ClarificationRequest.objects.get(pk=request.pk)
    assert answered.changes["after"] == proposal_snapshot(Proposal.objects.get(pk=proposal.pk), ["budget"])
    assert answered.changes["after"]["budget"][0]["description"] == "Voce firmata"


def test_a_save_during_the_answer_waits_for_it_and_is_refused(reopened):
    proposal, editor, request = reopened

    outcomes = first_then(
        lambda: clarification_answer(request=ClarificationRequest(pk=request.pk), by=editor),
        lambda: save_budget(proposal, editor, "Troppo tardi"),
    )

    assert outcomes[0][0] == "ok", outcomes
    assert outcomes[1][0] == "error" and isinstance(outcomes[1][1], ProposalFrozen), outcomes
    answered = ClarificationRequest.objects.get(pk=request.pk)
    assert answered.changes["after"] == proposal_snapshot(Proposal.objects.get(pk=proposal.pk), ["budget"])
    assert BudgetLine.objects.filter(proposal=proposal, description="Troppo tardi").count() == 0


def test_the_expiry_during_a_save_waits_for_it_and_records_it(reopened):
    proposal, editor, request = reopened

    outcomes = first_then(
        lambda: save_budget(proposal, editor, "Appena in tempo"),
        lambda: clarification_expire(now=request.deadline + SECOND),
    )

    assert [kind for kind, _result in outcomes] == ["ok", "ok"], outcomes
    expired = ClarificationRequest.objects.get(pk=request.pk)
    assert expired.status == ClarificationRequest.Status.EXPIRED
    assert expired.changes["after"]["budget"][0]["description"] == "Appena in tempo"
