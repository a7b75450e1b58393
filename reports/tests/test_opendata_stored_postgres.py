"""The stored open-data files under real contention (PostgreSQL: each thread its own connection).

A crowd of first downloads generates the file once; concurrent regenerations leave one file and
its gzip copy, the row pointing at them.
"""

from unittest import mock

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from cosviluppo.testing import skip_unless_available
from funding.tests.test_concurrency_postgres import run_together
from reports.models import OpenDataFile
from reports.opendata import services
from reports.opendata.services import open_data_file_generate

from .opendata_support import body, small_programme

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 6
Kind = OpenDataFile.Kind


@pytest.fixture(autouse=True)
def _postgres_only():
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        skip_unless_available("Concurrency tests need PostgreSQL: set DATABASE_URL=postgres://…")


def counting(kind):
    """The document of `kind`, counting how many times it is generated."""
    document = services.DOCUMENTS[kind]
    calls = []

    def chunks():
        calls.append(1)
        return document.chunks()

    return mock.patch.dict(
        services.DOCUMENTS, {kind: document.__class__(chunks, document.count, document.filename, document.content_type)}
    ), calls


def test_a_crowd_of_first_downloads_generates_the_file_once():
    small_programme(projects=2)
    patch, calls = counting(Kind.IATI)
    url = reverse("reports:opendata-iati")
    with patch:
        outcomes = run_together([lambda: body(Client().get(url)) for _ in range(THREADS)])
    assert [kind for kind, _result in outcomes] == ["ok"] * THREADS, outcomes
    assert len({result for _kind, result in outcomes}) == 1
    assert len(calls) == 1


def test_concurrent_regenerations_leave_one_file_and_its_copy():
    small_programme(projects=2)
    outcomes = run_together([lambda: open_data_file_generate(kind=Kind.GIVING360) for _ in range(THREADS)])
    assert [kind for kind, _result in outcomes] == ["ok"] * THREADS, outcomes
    row = OpenDataFile.objects.get(kind=Kind.GIVING360)
    names = sorted(default_storage.listdir("private/opendata")[1])
    assert names == sorted(name.rsplit("/", 1)[1] for name in (row.file.name, row.gzip_file.name))
    assert row.is_stored()
