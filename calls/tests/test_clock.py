from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import UserFactory
from calls.models import Call, CallStatusChange
from calls.tasks import CALLS_BEAT_SCHEDULE, call_record_clock_changes_task
from calls.tests.factories import CallFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lapsed_call(db):
    """Open by its stored status, but its deadline has passed: no worker has recorded it yet."""
    now = timezone.now()
    return CallFactory(code="COSV-LAPSED", opens_at=now - timedelta(days=60), closes_at=now - timedelta(hours=2))


def test_pages_follow_the_clock_before_the_task_runs(client, officer, lapsed_call):
    html = client.get(reverse("calls:detail", kwargs={"code": lapsed_call.code})).content.decode()
    assert "Submissions are closed." in html
    client.force_login(officer)
    manage = client.get(reverse("calls:manage"))
    row = next(call for call in manage.context["calls"] if call.pk == lapsed_call.pk)
    assert row.status_label == "closed"
    assert Call.objects.get(pk=lapsed_call.pk).status == Call.Status.OPEN


def test_the_task_closes_once_and_notifies_the_officers_once(officer, lapsed_call, django_capture_on_commit_callbacks):
    second_officer = UserFactory(municipal_role=User.MunicipalRole.OFFICER, preferred_language="en")
    UserFactory(municipal_role=User.MunicipalRole.EVALUATOR)  # not told
    still_open = CallFactory()
    with django_capture_on_commit_callbacks(execute=True):
        assert call_record_clock_changes_task() == ["COSV-LAPSED"]
    with django_capture_on_commit_callbacks(execute=True):
        assert call_record_clock_changes_task() == []

    lapsed_call.refresh_from_db()
    assert lapsed_call.status == Call.Status.CLOSED
    change = CallStatusChange.objects.get(call=lapsed_call)
    assert (change.from_status, change.to_status, change.changed_by) == ("open", "closed", None)
    assert change.changed_at == lapsed_call.closes_at
    assert sorted(message.to[0] for message in mail.outbox) == sorted([officer.email, second_officer.email])
    english = next(message for message in mail.outbox if message.to == [second_officer.email])
    assert "COSV-LAPSED" in english.subject and "is closed" in english.subject
    still_open.refresh_from_db()
    assert still_open.status == Call.Status.OPEN


def test_the_task_with_a_frozen_clock(officer, django_capture_on_commit_callbacks):
    call = CallFactory(code="COSV-FROZEN")
    with time_machine.travel(call.closes_at - timedelta(minutes=1), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert call_record_clock_changes_task() == []
    with time_machine.travel(call.closes_at + timedelta(minutes=3), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert call_record_clock_changes_task() == ["COSV-FROZEN"]
            assert call_record_clock_changes_task() == []
    assert len(mail.outbox) == 1
    assert CallStatusChange.objects.filter(call=call, to_status="closed").count() == 1


def test_the_beat_schedule_names_the_task():
    entry = CALLS_BEAT_SCHEDULE["calls-record-clock-changes"]
    assert entry["task"] == call_record_clock_changes_task.name
    assert 0 < entry["schedule"] <= 600
