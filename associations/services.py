"""Writes about organisations: registration, verification, members and invitations.

Every write that matters goes through here, inside a transaction, with its audit row
(OrganisationStatusChange) and with the e-mails it causes sent after commit.
"""

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from cosviluppo.lib.codicefiscale import normalise_codice_fiscale
from cosviluppo.lib.emails import send_templated_email
from cosviluppo.lib.exceptions import DomainError, TransitionNotAllowed
from cosviluppo.templatetags.formatting import rome_date
from reports.opendata.services import open_data_organisation_changed

from .models import Invitation, Membership, Organisation, OrganisationStatusChange


class DuplicateOrganisation(DomainError):
    """The codice fiscale belongs to an organisation already registered (`existing`)."""

    def __init__(self, message: str, existing: Organisation):
        super().__init__(message)
        self.existing = existing


class InvitationNotUsable(DomainError):
    """The invitation link expired, was used, or was sent to someone else."""


class LastLegalRepresentative(DomainError):
    """An organisation must keep at least one legal representative on the portal."""


# Fields a member may write on the registration and edit forms (the rest belongs to the office).
ORGANISATION_DATA_FIELDS = (
    "kind",
    "legal_name",
    "acronym",
    "codice_fiscale",
    "partita_iva",
    "legal_form",
    "founding_year",
    "description",
    "seat_street",
    "seat_city",
    "seat_province",
    "seat_region",
    "seat_country",
    "legal_representative_name",
    "email",
    "phone",
    "website",
    "countries_of_origin",
)


def _absolute(path: str, site_url: str = "") -> str:
    """A link for an e-mail: the site's address (from the request, or settings.SITE_URL) and the path."""
    base = (site_url or settings.SITE_URL).rstrip("/")
    return f"{base}{path}"


def _notify_members(*, organisation: Organisation, template: str, context: dict) -> None:
    """One e-mail per member, each in their own language, so addresses are not shared."""
    for membership in organisation.memberships.select_related("user"):
        user = membership.user
        if not user.is_active:
            continue
        send_templated_email(
            template=template,
            context={**context, "organisation": organisation, "recipient": user},
            to=[user.email],
            language=user.preferred_language,
        )


def duplicate_message(existing: Organisation) -> str:
    """How to join an organisation already registered, without revealing what is not public."""
    if existing.has_public_page:
        return _(
            "%(name)s is already registered with this codice fiscale. To act for it on the portal, ask its "
            "legal representative to invite you: you will receive a link by e-mail."
        ) % {"name": existing.legal_name}
    return _(
        "An organisation with this codice fiscale is already registered and is being verified by the "
        "programme office. To act for it, ask the person who registered it to invite you, or write to the "
        "programme office."
    )


def _check_codice_fiscale_free(codice_fiscale: str, *, exclude_pk: int | None = None) -> None:
    clash = Organisation.objects.filter(codice_fiscale=codice_fiscale).exclude(pk=exclude_pk).first()  # type: ignore[misc]  # pk=None excludes nothing
    if codice_fiscale and clash is not None:
        raise DuplicateOrganisation(duplicate_message(clash), existing=clash)


def _store_statute(organisation: Organisation, statute: UploadedFile) -> None:
    # The path uses the primary key, so the row must exist first; update_fields keeps
    # the second save from touching anything else.
    organisation.statute.save(statute.name, statute, save=False)  # type: ignore[arg-type]  # an upload has a name
    organisation.save(update_fields=["statute", "updated_at"])


def _delete_file(storage: Storage, name: str | None) -> None:
    if name and storage.exists(name):
        storage.delete(name)


def organisation_register(
    *,
    by: User,
    data: Mapping,
    federations: Iterable[Organisation] = (),
    statute: UploadedFile | None = None,
    now: datetime | None = None,
) -> Organisation:
    """Register an organisation for its applicant: pending, with them as legal representative.

    Organisation, membership, audit row and statute are saved together or not at all; a
    statute file already written when something fails is removed, so no orphan stays on disk.
    """
    now = now or timezone.now()
    values = {field: data[field] for field in ORGANISATION_DATA_FIELDS if field in data}
    if values.get("kind") not in Organisation.SELF_REGISTERING_KINDS:
        raise DomainError(_("Only migrant associations and NGOs can register on the portal."))
    organisation = Organisation(**values, verification_status=Organisation.VerificationStatus.PENDING)
    organisation.codice_fiscale = normalise_codice_fiscale(organisation.codice_fiscale)
    _check_codice_fiscale_free(organisation.codice_fiscale)
    organisation.full_clean(exclude=["statute"])
    try:
        with transaction.atomic():
            organisation.save()
            organisation.federations.set(federations)
            Membership.objects.create(user=by, organisation=organisation, role=Membership.Role.LEGAL_REPRESENTATIVE)
            OrganisationStatusChange.objects.create(
                organisation=organisation,
                from_status="",
                to_status=Organisation.VerificationStatus.PENDING,
                changed_by=by,
                changed_at=now,
            )
            if statute is not None:
                _store_statute(organisation, statute)
    except IntegrityError:
        # Someone registered the same codice fiscale between our check and our insert.
        _delete_file(organisation.statute.storage, organisation.statute.name)
        clash = Organisation.objects.filter(codice_fiscale=organisation.codice_fiscale).first()
        if clash is None:
            raise
        raise DuplicateOrganisation(duplicate_message(clash), existing=clash) from None
    except BaseException:
        _delete_file(organisation.statute.storage, organisation.statute.name)
        raise
    return organisation


def organisation_update(
    *,
    organisation: Organisation,
    data: Mapping,
    by: User,
    federations: Iterable[Organisation] | None = None,
    statute: UploadedFile | None = None,
    now: datetime | None = None,
) -> Organisation:
    """Save the members' corrections to their organisation's data.

    The codice fiscale of a verified organisation is what the office checked: it cannot
    change. A rejected organisation goes back to the verification queue once corrected.
    A replaced statute's old file is deleted after commit; the new one if anything fails.
    """
    now = now or timezone.now()
    values = {field: data[field] for field in ORGANISATION_DATA_FIELDS if field in data and field != "kind"}
    old_statute = organisation.statute.name
    new_statute_name: str | None = ""
    try:
        with transaction.atomic():
            locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
            if "codice_fiscale" in values:
                values["codice_fiscale"] = normalise_codice_fiscale(values["codice_fiscale"])
                if values["codice_fiscale"] != locked.codice_fiscale:
                    if locked.is_verified:
                        raise DomainError(
                            _(
                                "The codice fiscale of a verified organisation cannot be changed. "
                                "Write to the programme office if it is wrong."
                            )
                        )
                    _check_codice_fiscale_free(values["codice_fiscale"], exclude_pk=locked.pk)
            for field, value in values.items():
                setattr(locked, field, value)
            locked.full_clean(exclude=["statute"])
            locked.save()
            if federations is not None:
                locked.federations.set(federations)
            if statute is not None:
                _store_statute(locked, statute)
                new_statute_name = locked.statute.name
            if locked.verification_status == Organisation.VerificationStatus.REJECTED:
                locked, _changed = _organisation_set_status(
                    organisation=locked, to=Organisation.VerificationStatus.PENDING, by=by, reason="", now=now
                )
    except BaseException:
        _delete_file(organisation.statute.storage, new_statute_name)
        raise
    if new_statute_name and old_statute and old_statute != new_statute_name:
        storage = organisation.statute.storage
        transaction.on_commit(lambda: _delete_file(storage, old_statute))
    # Names and seats are published with the grants the organisation leads, funds or partners.
    open_data_organisation_changed(organisation=locked)
    return locked


def _organisation_set_status(
    *, organisation: Organisation, to: str, by: User | None, reason: str, now: datetime
) -> tuple[Organisation, bool]:
    """Move the verification status if the table allows it; (organisation, whether it changed)."""
    with transaction.atomic():
        locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
        current = locked.verification_status
        if current == to:
            return locked, False
        if to not in Organisation.TRANSITIONS.get(current, set()):
            raise TransitionNotAllowed(
                _("An organisation cannot go from “%(from)s” to “%(to)s”.")
                % {
                    "from": Organisation.VerificationStatus(current).label,
                    "to": Organisation.VerificationStatus(to).label,
                }
            )
        locked.verification_status = to
        locked.rejection_reason = reason if to == Organisation.VerificationStatus.REJECTED else ""
        locked.verified_at = now if to == Organisation.VerificationStatus.VERIFIED else None
        locked.save(update_fields=["verification_status", "rejection_reason", "verified_at", "updated_at"])
        OrganisationStatusChange.objects.create(
            organisation=locked, from_status=current, to_status=to, reason=reason, changed_by=by, changed_at=now
        )
    organisation.verification_status = locked.verification_status
    organisation.rejection_reason = locked.rejection_reason
    organisation.verified_at = locked.verified_at
    return locked, True


def organisation_verify(
    *,
    organisation: Organisation,
    by: User | None = None,
    now: datetime | None = None,
    site_url: str = "",
    notify: bool = True,
) -> Organisation:
    """Mark an organisation verified (it may then apply to calls) and tell its members; idempotent.

    `notify=False` is for data loads (the demo), where nobody waits for the news.
    """
    with transaction.atomic():
        locked, changed = _organisation_set_status(
            organisation=organisation,
            to=Organisation.VerificationStatus.VERIFIED,
            by=by,
            reason="",
            now=now or timezone.now(),
        )
        if changed and notify:
            _notify_members(
                organisation=locked,
                template="associations/emails/organisation_verified",
                context={"link": _absolute(reverse("associations:mine", args=[locked.pk]), site_url)},
            )
    return locked


def organisation_reject(
    *,
    organisation: Organisation,
    reason: str,
    by: User | None = None,
    now: datetime | None = None,
    site_url: str = "",
    notify: bool = True,
) -> Organisation:
    """Reject an organisation's registration with a reason, and tell its members why."""
    if not reason.strip():
        raise DomainError(_("Give the reason for rejecting the organisation."))
    with transaction.atomic():
        locked, changed = _organisation_set_status(
            organisation=organisation,
            to=Organisation.VerificationStatus.REJECTED,
            by=by,
            reason=reason.strip(),
            now=now or timezone.now(),
        )
        if changed and notify:
            _notify_members(
                organisation=locked,
                template="associations/emails/organisation_rejected",
                context={
                    "reason": locked.rejection_reason,
                    "link": _absolute(reverse("associations:edit", args=[locked.pk]), site_url),
                },
            )
    return locked


# --- Members and invitations ------------------------------------------------------------


def invitation_create(
    *,
    organisation: Organisation,
    email: str,
    role: str,
    by: User,
    site_url: str = "",
    now: datetime | None = None,
) -> Invitation:
    """Invite someone by e-mail to join the organisation with `role`; the link works once, for 7 days."""
    from accounts.models import User

    now = now or timezone.now()
    email = email.strip().lower()
    if role not in Membership.Role.values:
        raise DomainError(_("Choose one of the roles offered."))
    with transaction.atomic():
        # One invitation at a time per organisation: the lock orders concurrent invites.
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        if organisation.memberships.filter(user__email__iexact=email).exists():
            raise DomainError(_("%(email)s is already a member of this organisation.") % {"email": email})
        waiting = (
            organisation.invitations.filter(email__iexact=email, accepted_at__isnull=True, expires_at__gt=now)
            .order_by("-expires_at")
            .first()
        )
        if waiting is not None:
            raise DomainError(
                _(
                    "An invitation to %(email)s is already waiting (it expires on %(date)s). "
                    "Cancel it first if you want to send a new one."
                )
                % {"email": email, "date": rome_date(waiting.expires_at)}
            )
        invitation = Invitation.objects.create(
            organisation=organisation,
            email=email,
            role=role,
            invited_by=by,
            expires_at=now + timedelta(days=Invitation.VALIDITY_DAYS),
        )
        invitee = User.objects.filter(email__iexact=email).only("preferred_language").first()
        language = invitee.preferred_language if invitee else (translation.get_language() or "it")
        send_templated_email(
            template="associations/emails/invitation",
            context={
                "invitation": invitation,
                "organisation": organisation,
                "invited_by": by,
                "link": _absolute(reverse("associations:invitation", args=[invitation.token]), site_url),
            },
            to=[email],
            language=language,
        )
    return invitation


def invitation_revoke(*, invitation: Invitation, by: User) -> None:
    """Withdraw an invitation not yet accepted (its link stops working)."""
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.is_accepted:
            raise InvitationNotUsable(_("This invitation has already been accepted: remove the member instead."))
        locked.delete()


def invitation_accept(*, invitation: Invitation, user: User, now: datetime | None = None) -> Membership:
    """Join the organisation with the invitation's role; the link cannot be used again."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
        if locked.is_accepted:
            raise InvitationNotUsable(
                _(
                    "This invitation has already been used. If you need access, ask the organisation's "
                    "legal representative for a new invitation."
                )
            )
        if locked.is_expired(now):
            raise InvitationNotUsable(
                _(
                    "This invitation expired on %(date)s. Ask the organisation's legal representative to "
                    "invite you again."
                )
                % {"date": rome_date(locked.expires_at)}
            )
        if user.email.lower() != locked.email.lower():
            raise InvitationNotUsable(
                _(
                    "This invitation was sent to another e-mail address. Log in with the address that "
                    "received it, or ask for an invitation to %(email)s."
                )
                % {"email": user.email}
            )
        if Membership.objects.filter(user=user, organisation=locked.organisation).exists():
            raise DomainError(_("You are already a member of %(name)s.") % {"name": locked.organisation.legal_name})
        membership = Membership.objects.create(user=user, organisation=locked.organisation, role=locked.role)
        locked.accepted_at = now
        locked.accepted_by = user
        locked.save(update_fields=["accepted_at", "accepted_by"])
    invitation.accepted_at, invitation.accepted_by = locked.accepted_at, locked.accepted_by
    return membership


def _check_keeps_a_legal_representative(membership: Membership, *, new_role: str | None) -> None:
    """Refuse to leave the organisation without a legal representative (new_role None = removal)."""
    if membership.role != Membership.Role.LEGAL_REPRESENTATIVE or new_role == Membership.Role.LEGAL_REPRESENTATIVE:
        return
    others = (
        Membership.objects.filter(organisation_id=membership.organisation_id, role=Membership.Role.LEGAL_REPRESENTATIVE)
        .exclude(pk=membership.pk)
        .exists()
    )
    if not others:
        raise LastLegalRepresentative(
            _("%(name)s is the only legal representative of the organisation: give another member that role first.")
            % {"name": membership.user.get_full_name()}
        )


def _lock_membership(membership: Membership) -> Membership:
    # Locking the organisation row serialises every change to its members, so two legal
    # representatives demoting each other at once cannot leave it without one.
    Organisation.objects.select_for_update().filter(pk=membership.organisation_id).first()
    return Membership.objects.select_related("user").get(pk=membership.pk)


def membership_change_role(*, membership: Membership, role: str, by: User) -> Membership:
    """Give a member another role; the last legal representative keeps theirs."""
    if role not in Membership.Role.values:
        raise DomainError(_("Choose one of the roles offered."))
    with transaction.atomic():
        locked = _lock_membership(membership)
        if locked.role == role:
            return locked
        _check_keeps_a_legal_representative(locked, new_role=role)
        locked.role = role
        locked.save(update_fields=["role"])
    return locked


def membership_remove(*, membership: Membership, by: User) -> None:
    """Take a person out of the organisation; the last legal representative stays."""
    with transaction.atomic():
        locked = _lock_membership(membership)
        _check_keeps_a_legal_representative(locked, new_role=None)
        locked.delete()
