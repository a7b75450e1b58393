from celery import shared_task
from django.db import OperationalError

from .services import report_run_execute


@shared_task(
    name="reports.report_run_execute",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def report_run_execute_task(run_id: int) -> str:
    """Produce a report run's output (ids in; safe to run twice)."""
    return report_run_execute(run_id=run_id).status
