"""Every URL of the portal × every role → the expected answer.

A new URL that is not in MATRIX fails `test_every_url_is_in_the_matrix`: whoever adds
a page decides here who may see it.
"""

import pytest
from django.contrib.admin.sites import site as admin_site
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from calls.tests.factories import CallFactory

ROLES = ["anonymous", "applicant", "ngo_member", "funder_viewer", "officer", "evaluator", "admin_user"]
LOGIN = "login"  # a redirect to the login page


def everyone(code):
    return dict.fromkeys(ROLES, code)


# url name → (kwargs builder, method, {role: expected})
MATRIX = {
    "home": (None, "get", everyone(200)),
    "accessibility": (None, "get", everyone(200)),
    "healthz": (None, "get", everyone(200)),
    "login": (None, "get", everyone(200)),
    "logout": (None, "post", everyone(302)),
    "set_language": (None, "post", everyone(302)),
    "calls:list": (None, "get", everyone(200)),
    "calls:detail": (lambda data: {"code": data["call"].code}, "get", everyone(200)),
    "admin:index": (None, "get", {**everyone(LOGIN), "admin_user": 200}),
}


def named_urls(resolver=None, namespace=""):
    """Names of every URL pattern, with namespaces; the admin's own pages are covered by test_admin."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            if pattern.namespace == "admin":
                continue
            yield from named_urls(pattern, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_url_is_in_the_matrix():
    missing = sorted(set(named_urls()) - set(MATRIX))
    assert not missing, f"URLs without a row in the permission matrix: {missing}"
    assert admin_site.name == "admin"


@pytest.fixture
def data(db):
    return {"call": CallFactory()}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_permission_matrix(client, request, data, name, role):
    kwargs_builder, method, expected_by_role = MATRIX[name]
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    url = reverse(name, kwargs=kwargs_builder(data) if kwargs_builder else None)
    response = getattr(client, method)(url)
    expected = expected_by_role[role]
    if expected == LOGIN:
        assert response.status_code == 302 and "login" in response["Location"], response
    else:
        assert response.status_code == expected, f"{name} as {role}: {response.status_code}"
