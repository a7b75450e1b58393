from cosviluppo.tests.matrix_roles import LOGIN, everyone, signed_in

ROWS = {
    "home": (None, "get", everyone(200)),
    "accessibility": (None, "get", everyone(200)),
    "healthz": (None, "get", everyone(200)),
    "set_language": (None, "post", everyone(302)),
    "dashboard": (None, "get", signed_in(200)),
    "admin:index": (None, "get", {**everyone(LOGIN), "admin_user": 200}),
}
