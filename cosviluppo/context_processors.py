from django.conf import settings


def programme(request):
    """Names every page shows in its header."""
    return {"PROGRAMME_OWNER_NAME": settings.PROGRAMME_OWNER_NAME}
