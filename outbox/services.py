"""Queue e-mails in the outbox and deliver them, with retries and a record of each attempt."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from cosviluppo.lib.tasks import enqueue, enqueue_on_commit

from .models import DeliveryAttempt, OutboxEmail

logger = logging.getLogger(__name__)

# How long a failed e-mail waits before the next try: 1, 2, 4… minutes, at most an hour.
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=1)


def outbox_email_queue(*, subject: str, body: str, to: list[str], html: str = "") -> OutboxEmail:
    """Write an e-mail to the outbox in the caller's transaction; its delivery task is sent on
    commit. A broker that does not answer is logged and left to the sweep (`outbox_deliver_due`),
    so the caller's change never fails because of it."""
    from .tasks import outbox_email_deliver_task

    email = OutboxEmail.objects.create(subject=subject, body=body, html=html, to=list(to))
    enqueue_on_commit(outbox_email_deliver_task, email.pk)
    return email


def retry_delay(attempts: int) -> timedelta:
    """The wait after `attempts` failed tries (exponential, capped)."""
    delay: timedelta = min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)
    return delay


def outbox_email_deliver(*, email_id: int, now: datetime | None = None) -> OutboxEmail | None:
    """Hand one queued, due e-mail to the mail server and record the attempt.

    The row is locked (skipping a row another process is sending), so two workers never send
    the same e-mail. A failure puts it back in the queue for later, until OUTBOX_MAX_ATTEMPTS,
    then it is marked failed; nothing is raised, the outbox keeps the retries. Returns the
    e-mail, or None when it is not queued and due (sent already, being sent, not yet time).
    """
    now = now or timezone.now()
    with transaction.atomic():
        email = (
            OutboxEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=email_id, status=OutboxEmail.Status.QUEUED, next_attempt_at__lte=now)
            .first()
        )
        if email is None:
            return None
        message = EmailMultiAlternatives(subject=email.subject, body=email.body, to=email.to)
        if email.html:
            message.attach_alternative(email.html, "text/html")
        email.attempts += 1
        try:
            message.send()
        except Exception as error:
            # Any error of the mail backend (SMTP refusals, timeouts, DNS…): the outbox retries.
            logger.warning("E-mail %s, attempt %s, not delivered: %r", email.pk, email.attempts, error)
            email.last_error = f"{type(error).__name__}: {error}"
            if email.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                email.status = OutboxEmail.Status.FAILED
            else:
                email.next_attempt_at = now + retry_delay(email.attempts)
            DeliveryAttempt.objects.create(email=email, attempted_at=now, succeeded=False, error=email.last_error)
        else:
            email.status = OutboxEmail.Status.SENT
            email.sent_at = now
            DeliveryAttempt.objects.create(email=email, attempted_at=now, succeeded=True)
        email.save(update_fields=["status", "attempts", "next_attempt_at", "last_error", "sent_at"])
    return email


def outbox_deliver_due(*, now: datetime | None = None, limit: int = 500) -> list[int]:
    """Deliver the queued e-mails whose time has come (the periodic sweep): those whose task
    was lost while the broker was down, and the retries. Returns the ids it sent."""
    now = now or timezone.now()
    due = OutboxEmail.objects.filter(status=OutboxEmail.Status.QUEUED, next_attempt_at__lte=now)
    sent = []
    for email_id in due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit]:
        email = outbox_email_deliver(email_id=email_id, now=now)
        if email is not None and email.status == OutboxEmail.Status.SENT:
            sent.append(email.pk)
    return sent


def outbox_email_retry(*, email: OutboxEmail) -> OutboxEmail:
    """Queue a failed e-mail again (from the admin, once the cause is fixed), with its attempts
    counted afresh; its earlier attempts stay on record."""
    from .tasks import outbox_email_deliver_task

    OutboxEmail.objects.filter(pk=email.pk, status=OutboxEmail.Status.FAILED).update(
        status=OutboxEmail.Status.QUEUED, attempts=0, next_attempt_at=timezone.now()
    )
    enqueue(outbox_email_deliver_task, email.pk)
    email.refresh_from_db()
    return email
