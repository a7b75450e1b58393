from cosviluppo.tests.matrix_roles import everyone

ROWS = {
    "associations:directory": (None, "get", everyone(200)),
}
