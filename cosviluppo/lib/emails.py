"""E-mail notifications: rendered from templates in the recipient's language, sent through the outbox."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation


def absolute_url(path: str) -> str:
    """A full link for an e-mail, on the portal's public address (settings.SITE_URL)."""
    return str(settings.SITE_URL).rstrip("/") + path


def send_templated_email(*, template: str, context: dict, to: list[str], language: str = "it") -> None:
    """Render `<template>_subject.txt` and `<template>_body.txt` and write them to the outbox.

    The outbox row is written in the caller's transaction and delivered after the commit, so no
    e-mail announces a change that was rolled back and none is lost when the broker is down.
    """
    from outbox import services as outbox

    recipients = [address for address in to if address]
    if not recipients:
        return
    with translation.override(language):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}_body.txt", context)
    # Looked up on the module at each call: the demo loader swaps it to hold e-mails back.
    outbox.outbox_email_queue(subject=subject, body=body, to=recipients)
