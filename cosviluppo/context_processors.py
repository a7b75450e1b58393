from django.conf import settings

from cosviluppo.lib.permissions import is_staff_officer


def programme(request):
    """What every page's header needs: the programme's owner and the menu entries this user gets."""
    user = getattr(request, "user", None)
    return {
        "PROGRAMME_OWNER_NAME": settings.PROGRAMME_OWNER_NAME,
        "nav_staff": bool(user is not None and is_staff_officer(user)),
    }
