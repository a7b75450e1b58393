from datetime import timedelta

import pytest

from calls.models import Call
from calls.selectors import calls_open_at
from calls.services import call_transition
from calls.tests.factories import CallFactory, FunderCommitmentFactory
from cosviluppo.lib.exceptions import TransitionNotAllowed

pytestmark = pytest.mark.django_db


def test_an_open_call_closes_by_the_clock_even_without_a_worker():
    call = CallFactory()
    assert call.is_open_at(call.closes_at - timedelta(seconds=1))
    assert not call.is_open_at(call.closes_at)
    assert call.effective_status(call.closes_at) == Call.Status.CLOSED
    assert call.effective_status(call.opens_at) == Call.Status.OPEN


def test_open_calls_selector_uses_the_clock_and_sums_the_budget():
    call = CallFactory()
    FunderCommitmentFactory(call=call, amount="200000.00")
    FunderCommitmentFactory(call=call, amount="1050000.00")
    CallFactory(status="draft")
    assert [(c.pk, str(c.budget())) for c in calls_open_at()] == [(call.pk, "1250000.00")]
    assert list(calls_open_at(call.closes_at)) == []


def test_call_transition_is_audited_and_guarded(officer):
    call = CallFactory(status="draft")
    call_transition(call=call, to=Call.Status.OPEN, by=officer, reason="Pubblicazione")
    assert call.status_changes.get().changed_by == officer
    with pytest.raises(TransitionNotAllowed):
        call_transition(call=call, to=Call.Status.ARCHIVED)


def test_title_follows_the_active_language():
    from django.utils import translation

    call = CallFactory(title_it="Bando", title_en="Call")
    with translation.override("en"):
        assert call.title == "Call"
    with translation.override("it"):
        assert call.title == "Bando"
    call.title_en = ""
    with translation.override("en"):
        assert call.title == "Bando"
