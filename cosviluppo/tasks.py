import smtplib

from celery import shared_task
from django.core.mail import EmailMultiAlternatives


@shared_task(
    name="cosviluppo.send_email",
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=5,
)
def send_email_task(subject: str, body: str, to: list[str], html: str = "") -> int:
    """Send one e-mail already rendered in the recipient's language.

    The portal now writes e-mails to the outbox (outbox.services); this task stays so that
    messages queued by the previous release are still delivered after an upgrade.

    The message travels as text rather than as ids because it must say exactly what
    the user was told at the moment of the event, even if the rows change later.
    """
    message = EmailMultiAlternatives(subject=subject, body=body, to=to)
    if html:
        message.attach_alternative(html, "text/html")
    return message.send()
