"""The e-mail outbox: every e-mail the portal sends is first a row here.

The row is written in the same transaction as the change it announces, so an e-mail is never
lost (the change and its e-mail commit together) and never sent for a change that was rolled
back. A task delivers it after the commit; a periodic sweep delivers what is still queued (the
broker was down, the mail server refused it), with a record of every attempt.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxEmail(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    # Already rendered in the recipient's language: the e-mail says what the user was told at
    # the moment of the event, even if the rows change before it leaves.
    subject = models.CharField(_("subject"), max_length=998)
    body = models.TextField(_("body"))
    html = models.TextField(_("HTML body"), blank=True)
    to = models.JSONField(_("recipients"), default=list)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(
        _("next attempt at"), default=timezone.now, help_text=_("A queued e-mail is not sent before this time.")
    )
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbox e-mail")
        verbose_name_plural = _("outbox e-mails")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_email_due")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "sent", "failed"]), name="outbox_email_status_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)}"


class DeliveryAttempt(models.Model):
    """One try at handing an e-mail to the mail server, and how it went."""

    email = models.ForeignKey(
        OutboxEmail, on_delete=models.CASCADE, related_name="delivery_attempts", verbose_name=_("e-mail")
    )
    attempted_at = models.DateTimeField(_("attempted at"), default=timezone.now)
    succeeded = models.BooleanField(_("succeeded"))
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["attempted_at", "pk"]

    def __str__(self) -> str:
        return f"#{self.email_id} {self.attempted_at:%Y-%m-%d %H:%M:%S}"
