"""Writes about calls: status changes with their audit trail."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cosviluppo.lib.exceptions import TransitionNotAllowed

from .models import Call, CallStatusChange


def call_transition(*, call: Call, to: str, by=None, reason: str = "", now: datetime | None = None) -> Call:
    """Move a call to status `to` if its lifecycle allows it; writes a CallStatusChange."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Call.objects.select_for_update().get(pk=call.pk)
        current = locked.status
        if to not in Call.TRANSITIONS.get(current, set()):
            raise TransitionNotAllowed(
                _("A call cannot go from “%(from)s” to “%(to)s”.")
                % {"from": Call.Status(current).label, "to": Call.Status(to).label}
            )
        locked.status = to
        fields = ["status", "updated_at"]
        if to == Call.Status.RESULTS_PUBLISHED:
            locked.results_published_at = now
            fields.append("results_published_at")
        locked.save(update_fields=fields)
        CallStatusChange.objects.create(
            call=locked, from_status=current, to_status=to, reason=reason, changed_by=by, changed_at=now
        )
    call.status = locked.status
    return locked
