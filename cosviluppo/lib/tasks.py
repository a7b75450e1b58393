"""Handing tasks to the broker without letting a broker outage fail the user's request.

Every task sent from a web request goes through `enqueue_on_commit`: the change is already
committed when the message is published, so a broker that does not answer must not turn a
success into a 500. The failure is logged and the caller may record it (a report run shows a
note); the periodic sweeps (outbox delivery, report-run recovery) send what was left behind.
"""

import logging
from collections.abc import Callable
from typing import Any

from celery import Task
from django.db import transaction
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# What a publish raises when the broker is down, refuses or is unreachable.
BROKER_ERRORS = (KombuOperationalError, RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError, OSError)


def enqueue(task: Task, *args: Any, **kwargs: Any) -> bool:
    """Send `task` to the broker; False (and a log line) when the broker does not take it.

    When tasks run eagerly (no broker) the task runs here and its own errors propagate:
    they are not the broker's, and swallowing them would hide bugs.
    """
    if task.app.conf.task_always_eager:
        task.delay(*args, **kwargs)
        return True
    try:
        task.delay(*args, **kwargs)
    except BROKER_ERRORS as error:
        logger.warning("The task queue did not take %s%r: %s", task.name, args, error)
        return False
    return True


def enqueue_on_commit(task: Task, *args: Any, on_broker_down: Callable[[], None] | None = None, **kwargs: Any) -> None:
    """Send `task` once the current transaction commits (nothing is sent if it rolls back).

    `on_broker_down` runs (after the commit) when the broker did not take the message, so the
    caller can record it for the user; the caller's periodic sweep must send it later.
    """

    def send() -> None:
        if not enqueue(task, *args, **kwargs) and on_broker_down is not None:
            on_broker_down()

    transaction.on_commit(send)
