from django.conf import settings

from cosviluppo.lib.permissions import is_staff_officer


def programme(request):
    """What every page's header needs: the programme's owner and the menu entries this user gets."""
    user = getattr(request, "user", None)
    staff = bool(user is not None and is_staff_officer(user))
    return {
        "PROGRAMME_OWNER_NAME": settings.PROGRAMME_OWNER_NAME,
        "nav_staff": staff,
        # Called by the template only when it shows the menu to a signed-in person who is not staff:
        # one query then (none when a view already read the memberships), none for anyone else.
        "nav_funder": lambda: bool(user is not None and not staff and _is_funder_member(user)),
    }


def _is_funder_member(user) -> bool:
    from funding.permissions import is_funder_member

    return is_funder_member(user)
