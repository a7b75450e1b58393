"""A real Celery worker regenerates the stored open-data files after a change commits.

Uses the worker of test_worker.py (its own queue on Redis, the test's PostgreSQL database).
"""

import time

import pytest
from django.db import transaction

from reports.models import OpenDataFile
from reports.opendata.services import DOCUMENTS, open_data_changed

from .opendata_support import small_programme
from .test_worker import WAIT_SECONDS, report_worker, through_broker  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_the_worker_stores_the_files_once_the_change_commits(through_broker, settings):  # noqa: F811
    small_programme(projects=2)
    with transaction.atomic():
        open_data_changed()
        open_data_changed()
        assert not OpenDataFile.objects.exists(), "nothing is enqueued before commit"
    deadline = time.monotonic() + WAIT_SECONDS
    while OpenDataFile.objects.exclude(file="").count() < len(DOCUMENTS):
        if time.monotonic() > deadline or through_broker.process.poll() is not None:
            pytest.fail(f"The worker did not store the open data. Worker log:\n{through_broker.log_tail()}")
        time.sleep(0.25)
    # The worker runs with the production settings: the documents in the portal's default language.
    settings.LANGUAGE_CODE = "it"
    for row in OpenDataFile.objects.all():
        written = (through_broker.media_root / row.file.name).read_bytes()
        assert written == b"".join(DOCUMENTS[row.kind].chunks())
        assert row.records == 2
    assert through_broker.log.read_text().count("reports.open_data_regenerate[") >= 1
