"""Who may do what with an organisation.

Roles inside an organisation (Membership.Role):
- legal representative: everything, including inviting people, changing roles and removing members;
- editor: edits the organisation's data and sees the members and the pending invitations;
- viewer: sees the organisation's page and its statute.
Programme officers (cosviluppo.lib.permissions.is_staff_officer) verify or reject
registrations and may download any statute; they do not act inside an organisation's area.
"""

from typing import Any

from cosviluppo.lib.permissions import is_editor, is_member, is_signatory, is_staff_officer, membership_summary, role_in

from .models import Membership, Organisation


def member_role(user: Any, organisation: Organisation) -> str | None:
    """The user's role in the organisation, or None (from the one per-request role lookup)."""
    if not user.is_authenticated or organisation.pk is None:
        return None
    return role_in(user, organisation.pk)


def can_register_organisation(user: Any, obj: object = None) -> bool:
    return bool(user.is_authenticated and user.is_active)


def can_view_organisation(user: Any, organisation: Organisation) -> bool:
    """The organisation's own area: any member."""
    return is_member(user, organisation.pk)


def can_edit_organisation(user: Any, organisation: Organisation) -> bool:
    return is_editor(user, organisation.pk)


def can_view_members(user: Any, organisation: Organisation) -> bool:
    return is_editor(user, organisation.pk)


def can_manage_members(user: Any, organisation: Organisation) -> bool:
    """Invite, change roles, remove: the legal representatives answer for who acts for the organisation."""
    return is_signatory(user, organisation.pk)


def can_download_statute(user: Any, organisation: Organisation) -> bool:
    return is_staff_officer(user) or is_member(user, organisation.pk)


def can_verify_organisations(user: Any, obj: object = None) -> bool:
    return is_staff_officer(user)


def can_change_codice_fiscale(user: Any, organisation: Organisation) -> bool:
    """Once verified, the codice fiscale is what the office checked: it stays."""
    return can_edit_organisation(user, organisation) and not organisation.is_verified


def can_apply_to_calls(user: Any, obj: object = None) -> bool:
    """The user edits at least one organisation that may lead a proposal (verified, of an applicant kind)."""
    return any(
        role in Membership.EDITING_ROLES
        and kind in Organisation.APPLICANT_KINDS
        and verification == Organisation.VerificationStatus.VERIFIED
        for _organisation, kind, role, verification in membership_summary(user)
    )
