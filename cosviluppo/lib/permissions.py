"""Who the user is in the programme, asked in one place, and how views apply the apps' checks.

The one role lookup: `membership_summary(user)` reads all the user's memberships in one query,
once per user object (that is, once per request); `roles_in`, `is_member`, `is_editor`,
`is_signatory` and `membership_kinds` answer from it. The role groups are named once, on
`associations.models.Membership` (EDITING_ROLES, SIGNING_ROLES). Every app's `permissions.py`
asks through these and nothing else.

A check is a plain function `can_<action>_<entity>(user, obj) -> bool` in the app's
`permissions.py`; a page-level object also has `<entity>_actions(user, obj, now)`, a frozen
dataclass of what the page may offer. Views pass it to templates, which read
`actions.can_…` (never a status or role string). Objects are fetched through selectors scoped
to what the user may see, so a guessed id gives 404.
"""

from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied


class PolicyRequiredMixin(LoginRequiredMixin):
    """Login required, then `policy(user)` must allow the view (403 otherwise)."""

    # Read through the class: a plain function stored on it must not be bound to the view.
    policy: ClassVar[Callable[..., bool] | None] = None

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        policy = type(self).policy
        if policy is not None and not policy(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def is_staff_officer(user: Any) -> bool:
    """Programme officers and administrators: the municipality's staff who run calls."""
    from accounts.models import User

    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.municipal_role == User.MunicipalRole.OFFICER)
    )


def membership_summary(user: Any) -> list[tuple[int, str, str, str]]:
    """(organisation id, kind, role, verification status) of each of the user's memberships.

    Read once per user object, that is once per request: the dashboard's sections, the menu and
    the role checks all ask, and each asking its own query made the officer's dashboard cost
    five queries for memberships the officer does not have."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_membership_summary", None)
    if cached is None:
        from associations.models import Membership

        cached = list(
            Membership.objects.filter(user=user).values_list(
                "organisation_id", "organisation__kind", "role", "organisation__verification_status"
            )
        )
        user._membership_summary = cached
    return cached


def membership_kinds(user: Any) -> set[str]:
    """The kinds of the organisations the user acts for (migrant association, NGO, funder kinds…)."""
    return {kind for _organisation, kind, _role, _verification in membership_summary(user)}


def roles_in(user: Any, organisation_id: int | None) -> frozenset[str]:
    """The user's roles in the organisation (Membership.Role values; empty if not a member)."""
    return frozenset(
        role for org_id, _kind, role, _verification in membership_summary(user) if org_id == organisation_id
    )


def role_in(user: Any, organisation_id: int | None) -> str | None:
    """The user's role in the organisation, or None (a person has one membership per organisation)."""
    return next(iter(sorted(roles_in(user, organisation_id))), None)


def has_role_in(user: Any, organisation_id: int | None, roles: Iterable[str]) -> bool:
    return bool(roles_in(user, organisation_id) & set(roles))


def is_member(user: Any, organisation_id: int | None) -> bool:
    """Any role in the organisation."""
    return bool(roles_in(user, organisation_id))


def is_editor(user: Any, organisation_id: int | None) -> bool:
    """Editors and legal representatives (Membership.EDITING_ROLES)."""
    from associations.models import Membership

    return has_role_in(user, organisation_id, Membership.EDITING_ROLES)


def is_signatory(user: Any, organisation_id: int | None) -> bool:
    """The legal representatives (Membership.SIGNING_ROLES): they sign for the organisation."""
    from associations.models import Membership

    return has_role_in(user, organisation_id, Membership.SIGNING_ROLES)
