"""Celery tasks of the outbox: deliver one e-mail after its commit, and sweep the queue."""

from celery import shared_task

# Wired into CELERY_BEAT_SCHEDULE by the settings, which import this module before Django is set
# up: no model or service import at module level.
OUTBOX_BEAT_SCHEDULE = {
    "outbox-deliver-due": {
        "task": "outbox.deliver_due",
        # Every minute: e-mails whose task was lost while the broker was down, and the retries.
        "schedule": 60.0,
    },
}


@shared_task(name="outbox.email_deliver")
def outbox_email_deliver_task(email_id: int) -> str:
    """Deliver one outbox e-mail (safe to run twice: a sent e-mail is left alone)."""
    from .services import outbox_email_deliver

    email = outbox_email_deliver(email_id=email_id)
    return email.status if email else "skipped"


@shared_task(name="outbox.deliver_due")
def outbox_deliver_due_task() -> list[int]:
    """Deliver every queued e-mail whose time has come."""
    from .services import outbox_deliver_due

    return outbox_deliver_due()
