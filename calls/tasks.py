"""Celery tasks of the calls app: thin wrappers around services, safe to run twice."""

from celery import shared_task

# Wired into CELERY_BEAT_SCHEDULE by the settings, which import this module before Django
# is set up: hence no model or service import at module level. Every five minutes: a deadline is
# recorded (and staff told) at most five minutes late, while pages follow the clock anyway.
CALLS_BEAT_SCHEDULE = {
    "calls-record-clock-changes": {
        "task": "calls.tasks.call_record_clock_changes_task",
        "schedule": 300.0,
    },
}


@shared_task(name="calls.tasks.call_record_clock_changes_task")
def call_record_clock_changes_task() -> list[str]:
    """Close open calls whose deadline has passed; returns the codes closed by this run."""
    from .services import call_record_clock_changes

    return [call.code for call in call_record_clock_changes()]
