"""The roles of the permission matrix (fixtures in the root conftest.py) and its helpers."""

ROLES = ["anonymous", "applicant", "ngo_member", "funder_viewer", "officer", "evaluator", "admin_user"]
# The expected answer "redirect to the login page".
LOGIN = "login"


def everyone(code):
    return dict.fromkeys(ROLES, code)


def signed_in(code, anonymous=LOGIN):
    """`code` for every signed-in role, a login redirect for anonymous visitors."""
    return {**everyone(code), "anonymous": anonymous}
