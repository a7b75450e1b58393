"""The e-mail outbox: written with the change, delivered after the commit, retried with a record
of every attempt, and never sent twice."""

import smtplib
from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from outbox.models import DeliveryAttempt, OutboxEmail
from outbox.services import outbox_deliver_due, outbox_email_deliver, outbox_email_queue, retry_delay
from outbox.tasks import outbox_deliver_due_task

pytestmark = pytest.mark.django_db

NOON = timezone.make_aware(timezone.datetime(2026, 12, 7, 12, 0))


def refusing_mail_server():
    return mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages",
        side_effect=smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
    )


def test_an_email_is_written_with_the_change_and_sent_after_the_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            email = outbox_email_queue(subject="Protocol COSV-1", body="Thank you.", to=["a@example.org"])
            assert OutboxEmail.objects.get().status == OutboxEmail.Status.QUEUED
            assert mail.outbox == []  # nothing leaves before the commit

    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.SENT and email.sent_at is not None
    assert [(m.subject, m.body, m.to) for m in mail.outbox] == [("Protocol COSV-1", "Thank you.", ["a@example.org"])]
    assert [(a.succeeded, a.error) for a in email.delivery_attempts.all()] == [(True, "")]


def test_a_change_rolled_back_leaves_no_email(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            outbox_email_queue(subject="S", body="B", to=["a@example.org"])
            raise RuntimeError("the change fails")
    assert not OutboxEmail.objects.exists()
    assert mail.outbox == []


def test_the_rendered_text_is_sent_as_it_is_even_with_template_syntax(django_capture_on_commit_callbacks):
    """What a user typed (a message to the office, a reason) reaches the e-mail unchanged: the
    outbox never renders the text again."""
    typed = "Budget {{ line }} and {% block %} stay as typed, 100% & <b>."
    with django_capture_on_commit_callbacks(execute=True):
        outbox_email_queue(subject="Re: {{ x }}", body=typed, to=["a@example.org"], html="<p>Hi</p>")
    assert mail.outbox[0].subject == "Re: {{ x }}"
    assert mail.outbox[0].body == typed
    assert mail.outbox[0].alternatives[0][0] == "<p>Hi</p>"


def test_a_refused_delivery_is_recorded_and_retried_later_then_fails(settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    with time_machine.travel(NOON, tick=False):
        email = OutboxEmail.objects.create(subject="S", body="B", to=["a@example.org"])
    with refusing_mail_server():
        email = outbox_email_deliver(email_id=email.pk, now=NOON)
        assert email.status == OutboxEmail.Status.QUEUED
        assert email.next_attempt_at == NOON + timedelta(minutes=1)
        assert "SMTPServerDisconnected: Connection unexpectedly closed" in email.last_error
        # Not due yet: the sweep leaves it.
        assert outbox_deliver_due(now=NOON + timedelta(seconds=30)) == []
        assert email.delivery_attempts.count() == 1
        email = outbox_email_deliver(email_id=email.pk, now=NOON + timedelta(minutes=1))
        assert email.next_attempt_at == NOON + timedelta(minutes=3)  # 2 minutes later
        email = outbox_email_deliver(email_id=email.pk, now=NOON + timedelta(minutes=3))
    assert email.status == OutboxEmail.Status.FAILED
    assert email.attempts == 3
    attempts = list(email.delivery_attempts.values_list("succeeded", "attempted_at"))
    assert attempts == [
        (False, NOON),
        (False, NOON + timedelta(minutes=1)),
        (False, NOON + timedelta(minutes=3)),
    ]
    assert mail.outbox == []


def test_the_sweep_delivers_what_is_due_once_the_mail_server_is_back():
    email = OutboxEmail.objects.create(subject="S", body="B", to=["a@example.org"])
    with refusing_mail_server():
        outbox_email_deliver(email_id=email.pk)
    later = timezone.now() + timedelta(minutes=2)
    with time_machine.travel(later, tick=False):
        assert outbox_deliver_due_task.delay().get() == [email.pk]
        assert outbox_deliver_due() == []  # sent once
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.SENT
    assert list(email.delivery_attempts.values_list("succeeded", flat=True)) == [False, True]
    assert len(mail.outbox) == 1


def test_an_email_delivered_twice_is_sent_once():
    email = OutboxEmail.objects.create(subject="S", body="B", to=["a@example.org"])
    outbox_email_deliver(email_id=email.pk)
    assert outbox_email_deliver(email_id=email.pk) is None
    assert len(mail.outbox) == 1
    assert DeliveryAttempt.objects.count() == 1


def test_retry_delays_grow_and_stop_at_an_hour():
    assert [retry_delay(n) for n in (1, 2, 3, 7, 20)] == [
        timedelta(minutes=1),
        timedelta(minutes=2),
        timedelta(minutes=4),
        timedelta(hours=1),
        timedelta(hours=1),
    ]


def test_the_beat_sweeps_the_outbox_every_minute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["outbox-deliver-due"]
    assert (entry["task"], entry["schedule"]) == ("outbox.deliver_due", 60.0)


def test_the_admin_shows_the_attempts_and_queues_a_failed_email_again(client, admin_user, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    email = OutboxEmail.objects.create(subject="Esito", body="B", to=["a@example.org"])
    with refusing_mail_server():
        outbox_email_deliver(email_id=email.pk)
    client.force_login(admin_user)
    listing = client.get(reverse("admin:outbox_outboxemail_changelist"))
    assert listing.status_code == 200 and "Esito" in listing.content.decode()
    page = client.get(reverse("admin:outbox_outboxemail_change", args=[email.pk])).content.decode()
    assert "SMTPServerDisconnected" in page
    assert client.get(reverse("admin:outbox_outboxemail_add")).status_code == 403

    response = client.post(
        reverse("admin:outbox_outboxemail_changelist"),
        {"action": "retry_failed", "_selected_action": [email.pk]},
    )
    assert response.status_code == 302
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.SENT  # tasks run eagerly here
    assert email.delivery_attempts.count() == 2
