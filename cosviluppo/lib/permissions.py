"""How views apply the apps' permission predicates (`<app>/permissions.py`).

A predicate is a plain function `can_<action>_<entity>(user, obj=None) -> bool`. Views
declare it; templates receive what it answered (never re-derive the rule). Objects are
fetched through selectors scoped to what the user may see, so a guessed id gives 404.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied


class PolicyRequiredMixin(LoginRequiredMixin):
    """Login required, then `policy(user)` must allow the view (403 otherwise)."""

    policy = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if self.policy is not None and not type(self).policy(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def is_staff_officer(user) -> bool:
    """Programme officers and administrators: the municipality's staff who run calls."""
    return bool(user.is_authenticated and user.is_active and (user.is_superuser or user.municipal_role == "officer"))


def membership_summary(user) -> list[tuple[int, str, str, str]]:
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


def membership_kinds(user) -> set[str]:
    """The kinds of the organisations the user acts for (migrant association, NGO, funder kinds…)."""
    return {kind for _organisation, kind, _role, _verification in membership_summary(user)}
