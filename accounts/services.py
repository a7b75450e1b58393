"""Writes about accounts: two-factor enrolment."""

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP

from accounts.models import User


def user_requires_two_factor(user: User) -> bool:
    """Municipal staff, evaluators and administrators must use a second factor."""
    return bool(
        user.is_superuser
        or user.is_staff
        or user.municipal_role in (User.MunicipalRole.OFFICER, User.MunicipalRole.EVALUATOR)
    )


def user_has_two_factor(user: User) -> bool:
    return bool(Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists())


def user_enrol_totp(*, user: User, secret: str) -> None:
    """Enrol a TOTP authenticator with a known secret (demo accounts only); idempotent."""
    if not user_has_two_factor(user):
        TOTP.activate(user, secret)
