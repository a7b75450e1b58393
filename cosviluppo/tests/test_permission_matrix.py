"""Every URL of the portal × every role → the expected answer.

Each app lists its own URLs in `<app>/tests/matrix.py` (ROWS and a `build(data)` function
that creates the objects its URLs need); this test merges them. A new URL that is not in
any table fails `test_every_url_is_in_the_matrix`: whoever adds a page decides here who
may see it.
"""

import importlib
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conftest import ROLE_MAKERS
from cosviluppo.tests.matrix_roles import LOGIN, ROLES

MATRIX_MODULES = [
    "cosviluppo.tests.matrix",
    "accounts.tests.matrix",
    "associations.tests.matrix",
    "calls.tests.matrix",
    "projects.tests.matrix",
    "evaluation.tests.matrix",
    "funding.tests.matrix",
    "reports.tests.matrix",
]


def _modules():
    found = []
    for name in MATRIX_MODULES:
        try:
            found.append(importlib.import_module(name))
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
    return found


def matrix():
    rows = {}
    for module in _modules():
        overlap = set(rows) & set(module.ROWS)
        assert not overlap, f"URLs listed twice in the permission matrix: {overlap}"
        rows.update(module.ROWS)
    return rows


MATRIX = matrix()


def named_urls(resolver=None, namespace=""):
    """Names of every URL pattern, with namespaces; the admin's own pages are covered by test_admin."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from named_urls(pattern, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_url_is_in_the_matrix():
    missing = sorted(set(named_urls()) - set(MATRIX))
    assert not missing, f"URLs without a row in the permission matrix: {missing}"
    for name, (_kwargs, _method, expected) in MATRIX.items():
        assert set(expected) == set(ROLES), f"{name}: every role needs an expected answer"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The objects every app's URLs need and one user per role, built once for the whole matrix
    (about 850 requests) inside a transaction rolled back at the end. Each test still runs in a
    savepoint of its own (the `db` fixture), so what one request changes the next never sees."""
    media = tmp_path_factory.mktemp("matrix-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        built = {}
        for module in _modules():
            build = getattr(module, "build", None)
            if build:
                build(built)
        users = {role: make() for role, make in ROLE_MAKERS.items()}
        yield SimpleNamespace(data=built, users=users, media=media)
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _private_media(settings, world):
    """The uploads the world was built with, instead of an empty folder per test."""
    settings.MEDIA_ROOT = world.media


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_permission_matrix(client, db, world, name, role):
    kwargs_builder, method, expected_by_role = MATRIX[name]
    if role != "anonymous":
        client.force_login(world.users[role])
    url = reverse(name, kwargs=kwargs_builder(world.data) if kwargs_builder else None)
    response = getattr(client, method)(url)
    expected = expected_by_role[role]
    if expected == LOGIN:
        assert response.status_code == 302, f"{name} as {role}: {response.status_code}, expected a login redirect"
        assert "login" in response["Location"], f"{name} as {role}: redirected to {response['Location']}"
    else:
        assert response.status_code == expected, f"{name} as {role}: {response.status_code}, expected {expected}"
