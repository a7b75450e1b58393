from django.shortcuts import redirect
from django.urls import reverse

from .services import user_has_two_factor, user_requires_two_factor

SESSION_FLAG = "cosviluppo_two_factor_enrolled"


class RequireTwoFactorMiddleware:
    """Staff and evaluators without a TOTP authenticator can only set one up (or log out).

    The check runs once per session: after enrolment a flag in the session skips the query.
    """

    ALLOWED_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/healthz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.session.get(SESSION_FLAG)
            and user_requires_two_factor(user)
        ):
            if user_has_two_factor(user):
                request.session[SESSION_FLAG] = True
            elif not request.path.startswith(self.ALLOWED_PREFIXES):
                return redirect(f"{reverse('mfa_activate_totp')}?next={request.path}")
        return self.get_response(request)
