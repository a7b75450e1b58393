"""Who may do what with an organisation.

Roles inside an organisation (Membership.Role):
- legal representative: everything, including inviting people, changing roles and removing members;
- editor: edits the organisation's data and sees the members and the pending invitations;
- viewer: sees the organisation's page and its statute.
Programme officers (cosviluppo.lib.permissions.is_staff_officer) verify or reject
registrations and may download any statute; they do not act inside an organisation's area.
"""

from cosviluppo.lib.permissions import is_staff_officer

from .models import Membership, Organisation

EDITOR_ROLES = (Membership.Role.LEGAL_REPRESENTATIVE, Membership.Role.EDITOR)


def member_role(user, organisation: Organisation) -> str | None:
    """The user's role in the organisation, or None; asked once per user and organisation object."""
    if not user.is_authenticated or organisation.pk is None:
        return None
    cache = organisation.__dict__.setdefault("_member_roles", {})
    if user.pk not in cache:
        cache[user.pk] = (
            Membership.objects.filter(user=user, organisation=organisation).values_list("role", flat=True).first()
        )
    return cache[user.pk]


def remember_member_role(user, organisation: Organisation, role: str | None) -> None:
    """Selectors that already read the membership store it here, saving the query."""
    organisation.__dict__.setdefault("_member_roles", {})[user.pk] = role


def can_register_organisation(user, obj=None) -> bool:
    return bool(user.is_authenticated and user.is_active)


def can_view_organisation(user, organisation: Organisation) -> bool:
    """The organisation's own area: any member."""
    return member_role(user, organisation) is not None


def can_edit_organisation(user, organisation: Organisation) -> bool:
    return member_role(user, organisation) in EDITOR_ROLES


def can_view_members(user, organisation: Organisation) -> bool:
    return member_role(user, organisation) in EDITOR_ROLES


def can_manage_members(user, organisation: Organisation) -> bool:
    """Invite, change roles, remove: the legal representatives answer for who acts for the organisation."""
    return member_role(user, organisation) == Membership.Role.LEGAL_REPRESENTATIVE


def can_download_statute(user, organisation: Organisation) -> bool:
    return is_staff_officer(user) or member_role(user, organisation) is not None


def can_verify_organisations(user, obj=None) -> bool:
    return is_staff_officer(user)


def can_change_codice_fiscale(user, organisation: Organisation) -> bool:
    """Once verified, the codice fiscale is what the office checked: it stays."""
    return can_edit_organisation(user, organisation) and not organisation.is_verified


def can_apply_to_calls(user, obj=None) -> bool:
    """The user edits at least one organisation that may lead a proposal (verified, of an applicant kind)."""
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(
        user=user,
        role__in=EDITOR_ROLES,
        organisation__verification_status=Organisation.VerificationStatus.VERIFIED,
        organisation__kind__in=Organisation.APPLICANT_KINDS,
    ).exists()
