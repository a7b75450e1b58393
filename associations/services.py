"""Writes about organisations: verification and its audit trail."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cosviluppo.lib.exceptions import DomainError

from .models import Organisation, OrganisationStatusChange


def _organisation_set_status(*, organisation, to, by, reason, now) -> Organisation:
    with transaction.atomic():
        locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
        current = locked.verification_status
        if current == to:
            return locked
        locked.verification_status = to
        locked.rejection_reason = reason if to == Organisation.VerificationStatus.REJECTED else ""
        locked.verified_at = now if to == Organisation.VerificationStatus.VERIFIED else None
        locked.save(update_fields=["verification_status", "rejection_reason", "verified_at", "updated_at"])
        OrganisationStatusChange.objects.create(
            organisation=locked, from_status=current, to_status=to, reason=reason, changed_by=by, changed_at=now
        )
    return locked


def organisation_verify(*, organisation: Organisation, by=None, now: datetime | None = None) -> Organisation:
    """Mark an organisation verified (it may then apply to calls); idempotent."""
    return _organisation_set_status(
        organisation=organisation,
        to=Organisation.VerificationStatus.VERIFIED,
        by=by,
        reason="",
        now=now or timezone.now(),
    )


def organisation_reject(
    *, organisation: Organisation, reason: str, by=None, now: datetime | None = None
) -> Organisation:
    """Reject an organisation's registration; a reason is required."""
    if not reason.strip():
        raise DomainError(_("Give the reason for rejecting the organisation."))
    return _organisation_set_status(
        organisation=organisation,
        to=Organisation.VerificationStatus.REJECTED,
        by=by,
        reason=reason.strip(),
        now=now or timezone.now(),
    )
