"""allauth's pages: sign-up, login, e-mail, password and two-factor management."""

from cosviluppo.tests.matrix_roles import LOGIN, ROLES, everyone, signed_in

PEOPLE = [role for role in ROLES if role != "anonymous"]
STAFF = ["officer", "evaluator", "admin_user"]  # enrolled in two-factor authentication


def per_role(anonymous, people, staff=None):
    """`anonymous` for visitors, `people` for signed-in roles, `staff` (default `people`) for staff."""
    answers = {role: people for role in PEOPLE}
    answers.update(dict.fromkeys(STAFF, people if staff is None else staff))
    answers["anonymous"] = anonymous
    return answers


ROWS = {
    # Open to visitors; a signed-in person is sent on to the dashboard.
    "account_login": (None, "get", per_role(200, 302)),
    "account_signup": (None, "get", per_role(200, 302)),
    "account_logout": (None, "post", everyone(302)),
    "account_inactive": (None, "get", everyone(200)),
    "account_email_verification_sent": (None, "get", everyone(200)),
    "account_confirm_email": (lambda data: {"key": "unknown-key"}, "get", everyone(200)),
    "account_reset_password": (None, "get", everyone(200)),
    "account_reset_password_done": (None, "get", everyone(200)),
    "account_reset_password_from_key": (lambda data: {"uidb36": "1", "key": "bad-key"}, "get", everyone(200)),
    "account_reset_password_from_key_done": (None, "get", everyone(200)),
    # Login by code is not enabled: the page sends everyone away.
    "account_confirm_login_code": (None, "get", per_role(302, 302)),
    # A signed-in person's own account pages.
    "account_email": (None, "get", signed_in(200)),
    "account_change_password": (None, "get", signed_in(200)),
    "account_set_password": (None, "get", signed_in(302)),
    "account_reauthenticate": (None, "get", signed_in(200)),
    "mfa_index": (None, "get", signed_in(200)),
    "mfa_authenticate": (None, "get", per_role(302, 302)),
    "mfa_activate_totp": (None, "get", signed_in(302)),
    "mfa_reauthenticate": (None, "get", per_role(LOGIN, 302, staff=200)),
    "mfa_deactivate_totp": (None, "get", per_role(LOGIN, 404, staff=302)),
    "mfa_generate_recovery_codes": (None, "get", signed_in(302)),
    "mfa_view_recovery_codes": (None, "get", signed_in(404)),
    "mfa_download_recovery_codes": (None, "get", signed_in(404)),
}
