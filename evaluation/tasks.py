"""Celery tasks of the evaluation: thin wrappers around services, safe to run twice."""

from celery import shared_task

# For CELERY_BEAT_SCHEDULE (the settings import this module before Django is set up: no model
# or service import at module level). Every five minutes: pages and services follow the clock
# anyway (open_clarification_sections compares with the deadline), this records the expiry.
EVALUATION_BEAT_SCHEDULE = {
    "evaluation-expire-clarifications": {
        "task": "evaluation.tasks.clarification_expire_task",
        "schedule": 300.0,
    },
}


@shared_task(name="evaluation.tasks.clarification_expire_task")
def clarification_expire_task() -> list[int]:
    """Close the requests for clarification past their deadline; returns the ids closed by this run."""
    from .services import clarification_expire

    return [request.pk for request in clarification_expire()]
