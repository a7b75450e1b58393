"""E-mail notifications: rendered from templates in the recipient's language, sent by a Celery task."""

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation


def absolute_url(path: str) -> str:
    """A full link for an e-mail, on the portal's public address (settings.SITE_URL)."""
    return settings.SITE_URL.rstrip("/") + path


def send_templated_email(*, template: str, context: dict, to: list[str], language: str = "it") -> None:
    """Render `<template>_subject.txt` and `<template>_body.txt` and send them after commit.

    Enqueuing on commit means no e-mail announces a change that was rolled back.
    """
    from cosviluppo.tasks import send_email_task

    recipients = [address for address in to if address]
    if not recipients:
        return
    with translation.override(language):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}_body.txt", context)
    transaction.on_commit(lambda: send_email_task.delay(subject, body, recipients))
