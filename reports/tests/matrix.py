"""The open-data URLs × roles: all public, the same answer for everyone.

`build` registers the programme owner (the Comune, whose org-id the machine-readable exports are
published under; without it they answer 503). Grants are left out: the matrix checks who may
download, test_opendata_*.py check what is in the documents.
"""

from cosviluppo.tests.matrix_roles import everyone


def build(data):
    from reports.tests.opendata_support import comune_di_milano

    data["reports_comune"] = comune_di_milano()


ROWS = {
    "reports:opendata": (None, "get", everyone(200)),
    "reports:opendata_360giving": (None, "get", everyone(200)),
    "reports:opendata_iati": (None, "get", everyone(200)),
    "reports:transparency": (None, "get", everyone(200)),
    "reports:transparency_csv": (None, "get", everyone(200)),
}
