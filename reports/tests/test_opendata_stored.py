"""The stored open-data files: generated when published data change, served as they are.

A download reads one row and streams a file: no generation, validators for conditional GET,
a gzip copy. A change to published data regenerates the files after commit; so does the nightly
beat. A new file replaces the old one only once its row is committed.
"""

import gzip
import logging
from datetime import date, timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from associations.services import organisation_update
from associations.tests.factories import OrganisationFactory
from cosviluppo.testing import CLOSED_BROKER_URL, send_tasks_to
from funding.services import funding_propose, grant_agreement_record, installment_pay, results_publish
from funding.tests.factories import approve_all, ranked_call
from projects.models import Installment
from reports.models import OpenDataFile
from reports.opendata import services
from reports.opendata.services import open_data_changed, open_data_file_generate, open_data_regenerate
from reports.tasks import open_data_regenerate_task

from .opendata_support import (
    MAX_SERVE_QUERIES,
    body,
    comune_di_milano,
    giving360_codelist_problems,
    giving360_schema_errors,
    iati_codelist_problems,
    iati_schema_errors,
    parse_360,
    parse_iati,
    small_programme,
    standards_dir,
)

pytestmark = pytest.mark.django_db

Kind = OpenDataFile.Kind
URLS = {
    Kind.GIVING360: "reports:opendata-360giving",
    Kind.IATI: "reports:opendata-iati",
    Kind.TRANSPARENCY: "reports:transparency-csv",
}


@pytest.fixture
def programme():
    programme = small_programme(projects=2)
    open_data_regenerate()
    return programme


def stored(kind) -> OpenDataFile:
    return OpenDataFile.objects.get(kind=kind)


def stored_bytes(kind) -> bytes:
    with stored(kind).file.open("rb") as stream:
        return stream.read()


def grant_titles(content: bytes) -> set[str]:
    return {grant["title"] for grant in parse_360(content)["grants"]}


# --- Generation -------------------------------------------------------------------------------------


def test_the_stored_files_are_valid_against_the_official_schemas(programme):
    folder = standards_dir()
    package = parse_360(stored_bytes(Kind.GIVING360))
    assert len(package["grants"]) == 2
    assert giving360_schema_errors(folder, package) == []
    assert giving360_codelist_problems(folder, package) == []
    document = parse_iati(stored_bytes(Kind.IATI))
    assert len(document.findall("iati-activity")) == 2
    assert iati_schema_errors(folder, document) == []
    assert iati_codelist_problems(folder, document) == []


def test_a_stored_file_records_its_size_hash_gzip_copy_and_time(programme):
    import hashlib

    row = stored(Kind.GIVING360)
    content = stored_bytes(Kind.GIVING360)
    assert row.size == len(content) and row.sha256 == hashlib.sha256(content).hexdigest()
    assert row.records == 2
    with row.gzip_file.open("rb") as stream:
        compressed = stream.read()
    assert row.gzip_size == len(compressed) < row.size
    assert gzip.decompress(compressed) == content
    assert row.generated_at and row.changed_at and row.file.name.startswith("private/opendata/360giving-")


def test_the_same_data_keep_the_same_file_and_validators(programme):
    before = stored(Kind.IATI)
    open_data_regenerate(kind=Kind.IATI)
    after = stored(Kind.IATI)
    assert (after.file.name, after.sha256, after.changed_at) == (before.file.name, before.sha256, before.changed_at)
    assert after.generated_at > before.generated_at


def test_an_older_generation_never_replaces_a_newer_one(programme):
    """Two runs at once: the one that read the data first must not win by finishing last."""
    newer = stored(Kind.GIVING360)
    Installment.objects.filter(status=Installment.Status.PLANNED).update(
        status=Installment.Status.PAID, paid_on=date(2013, 6, 3)
    )
    open_data_file_generate(kind=Kind.GIVING360, now=newer.source_read_at - timedelta(seconds=1))
    assert stored(Kind.GIVING360).sha256 == newer.sha256
    assert default_storage.listdir("private/opendata")[1].count(newer.file.name.rsplit("/", 1)[1]) == 1
    assert len(default_storage.listdir("private/opendata")[1]) == 6, "the loser's files are not kept"


def test_a_swap_keeps_the_old_file_readable_until_the_new_row_commits(programme, django_capture_on_commit_callbacks):
    old = stored(Kind.GIVING360)
    Installment.objects.filter(status=Installment.Status.PLANNED).update(
        status=Installment.Status.PAID, paid_on=date(2013, 6, 3)
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        new = open_data_file_generate(kind=Kind.GIVING360)
        assert new.file.name != old.file.name
        # Not committed yet: whoever still holds the old row can read the old file.
        assert default_storage.exists(old.file.name) and default_storage.exists(old.gzip_file.name)
    for callback in callbacks:
        callback()
    assert not default_storage.exists(old.file.name) and not default_storage.exists(old.gzip_file.name)
    assert default_storage.exists(new.file.name) and default_storage.exists(new.gzip_file.name)


def test_a_failed_generation_keeps_the_file_served(programme):
    old = stored(Kind.IATI)

    def broken():
        yield b"<iati-activities"
        raise RuntimeError("database gone")

    with (
        mock.patch.dict(
            services.DOCUMENTS,
            {
                Kind.IATI: services.DOCUMENTS[Kind.IATI].__class__(
                    chunks=broken, count=lambda: 0, filename="iati.xml", content_type="application/xml"
                )
            },
        ),
        pytest.raises(RuntimeError),
    ):
        open_data_file_generate(kind=Kind.IATI)
    assert stored(Kind.IATI).file.name == old.file.name
    assert sorted(default_storage.listdir("private/opendata")[1]) == sorted(
        name.rsplit("/", 1)[1] for row in OpenDataFile.objects.all() for name in (row.file.name, row.gzip_file.name)
    )


# --- Serving ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(URLS))
def test_a_download_serves_the_stored_file_with_validators(client, programme, kind):
    row = stored(kind)
    response = client.get(reverse(URLS[kind]))
    assert response.status_code == 200
    assert body(response) == stored_bytes(kind)
    assert response["ETag"] == f'"{row.sha256}"'
    assert response["Last-Modified"] == http_date(row.changed_at.timestamp())
    assert response["Cache-Control"] == "public, max-age=300, must-revalidate"
    assert "Accept-Encoding" in response["Vary"]
    assert response["Content-Length"] == str(row.size)
    assert response["Content-Disposition"] == f'inline; filename="{services.DOCUMENTS[kind].filename}"'
    assert "Content-Encoding" not in response


@pytest.mark.parametrize("kind", list(URLS))
def test_a_download_reads_one_row_and_never_generates(client, programme, kind, django_assert_max_num_queries):
    def refuse():
        raise AssertionError("a download must not generate the document")

    patched = {
        each: document.__class__(refuse, refuse, document.filename, document.content_type)
        for each, document in services.DOCUMENTS.items()
    }
    with (
        mock.patch.dict(services.DOCUMENTS, patched),
        mock.patch("reports.opendata.giving360.giving360_chunks", side_effect=AssertionError),
        mock.patch("reports.opendata.iati.iati_chunks", side_effect=AssertionError),
        django_assert_max_num_queries(MAX_SERVE_QUERIES),
    ):
        response = client.get(reverse(URLS[kind]), HTTP_ACCEPT_ENCODING="gzip")
        assert response.status_code == 200 and body(response)


def test_if_none_match_answers_304_without_a_body(client, programme):
    url = reverse(URLS[Kind.GIVING360])
    etag = client.get(url)["ETag"]
    response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert response["Cache-Control"] == "public, max-age=300, must-revalidate"
    assert client.get(url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


def test_if_modified_since_answers_304_until_the_content_changes(client, programme):
    url = reverse(URLS[Kind.IATI])
    last_modified = client.get(url)["Last-Modified"]
    response = client.get(url, HTTP_IF_MODIFIED_SINCE=last_modified)
    assert response.status_code == 304 and response.content == b""
    earlier = http_date(stored(Kind.IATI).changed_at.timestamp() - 3600)
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=earlier).status_code == 200


def test_gzip_is_served_to_clients_that_accept_it(client, programme):
    url = reverse(URLS[Kind.GIVING360])
    row = stored(Kind.GIVING360)
    response = client.get(url, HTTP_ACCEPT_ENCODING="br, gzip, deflate")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["ETag"] == f'"{row.sha256}-gzip"'
    assert response["Content-Length"] == str(row.gzip_size)
    assert "Accept-Encoding" in response["Vary"]
    assert gzip.decompress(body(response)) == stored_bytes(Kind.GIVING360)
    assert client.get(url, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    refused = client.get(url, HTTP_ACCEPT_ENCODING="gzip;q=0, identity")
    assert "Content-Encoding" not in refused and body(refused) == stored_bytes(Kind.GIVING360)


def test_before_any_generation_the_first_download_generates_the_file(client, db):
    comune_di_milano()
    assert not OpenDataFile.objects.exists()
    response = client.get(reverse(URLS[Kind.GIVING360]))
    assert response.status_code == 200
    assert parse_360(body(response))["grants"] == []
    assert stored(Kind.GIVING360).is_stored()


def test_a_file_lost_from_storage_is_generated_again(client, programme):
    row = stored(Kind.IATI)
    default_storage.delete(row.file.name)
    default_storage.delete(row.gzip_file.name)
    response = client.get(reverse(URLS[Kind.IATI]))
    assert response.status_code == 200
    assert body(response) == stored_bytes(Kind.IATI)


# --- When the files are generated ------------------------------------------------------------------


def test_publishing_results_regenerates_the_files_after_commit(client, officer, django_capture_on_commit_callbacks):
    comune_di_milano()
    open_data_regenerate()
    assert grant_titles(stored_bytes(Kind.GIVING360)) == set()
    ranked = ranked_call([(Decimal("90"), Decimal("20000.00")), (Decimal("80"), Decimal("15000.00"))])
    funding_propose(call=ranked.call, by=officer)
    approve_all(ranked)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        results_publish(call=ranked.call, by=officer)
    assert grant_titles(stored_bytes(Kind.GIVING360)) == set(), "nothing changes before commit"
    assert sum(isinstance(callback, services._RegenerationAfterCommit) for callback in callbacks) == 1
    for callback in callbacks:
        callback()
    served = body(client.get(reverse(URLS[Kind.GIVING360])))
    assert grant_titles(served) == {proposal.title for proposal in ranked.proposals}


def test_an_installment_paid_regenerates_the_files(client, officer, django_capture_on_commit_callbacks):
    comune_di_milano()
    ranked = ranked_call([(Decimal("90"), Decimal("30000.00"))], [Decimal("100000.00")])
    funding_propose(call=ranked.call, by=officer)
    approve_all(ranked)
    proposal = ranked.proposals[0]
    with django_capture_on_commit_callbacks(execute=True):
        results_publish(call=ranked.call, by=officer)
    with django_capture_on_commit_callbacks(execute=True):
        grant_agreement_record(
            proposal=proposal,
            signed_on=timezone.localdate() - timedelta(days=10),
            cup="C11G06000000001",
            start_date=timezone.localdate() - timedelta(days=5),
            plan=[("Anticipo", Decimal("40"), None), ("Saldo", Decimal("60"), None)],
            by=officer,
        )
    assert "disbursementTransaction" not in parse_360(stored_bytes(Kind.GIVING360))["grants"][0]
    first = Installment.objects.get(award__proposal=proposal, sequence=1)
    with django_capture_on_commit_callbacks(execute=True):
        installment_pay(installment=first, paid_on=timezone.localdate(), by=officer)
    grant = parse_360(body(client.get(reverse(URLS[Kind.GIVING360]))))["grants"][0]
    assert grant["amountDisbursed"] == Decimal("12000.00")
    assert b'<transaction-type code="3"/>' in body(client.get(reverse(URLS[Kind.IATI])))


def test_correcting_a_recipients_data_regenerates_the_files(client, programme, django_capture_on_commit_callbacks):
    lead = programme.projects[0].lead
    with django_capture_on_commit_callbacks(execute=True):
        organisation_update(organisation=lead, data={"legal_name": "Associazione Rinominata Thiès"}, by=None)
    assert "Associazione Rinominata Thiès".encode() in body(client.get(reverse(URLS[Kind.IATI])))
    stranger = OrganisationFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        organisation_update(organisation=stranger, data={"legal_name": "Nessun contributo"}, by=None)
    assert not [callback for callback in callbacks if isinstance(callback, services._RegenerationAfterCommit)]


def test_changes_of_unpublished_calls_enqueue_nothing(officer, django_capture_on_commit_callbacks):
    ranked = ranked_call([(Decimal("90"), Decimal("20000.00"))])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        funding_propose(call=ranked.call, by=officer)
    assert not [callback for callback in callbacks if isinstance(callback, services._RegenerationAfterCommit)]


def test_many_changes_in_one_transaction_enqueue_one_regeneration(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        for _ in range(50):
            open_data_changed()
    assert len(callbacks) == 1 and isinstance(callbacks[0], services._RegenerationAfterCommit)


def test_a_broker_that_does_not_answer_does_not_break_publishing(
    officer, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    comune_di_milano()
    ranked = ranked_call([(Decimal("90"), Decimal("20000.00"))])
    funding_propose(call=ranked.call, by=officer)
    approve_all(ranked)
    send_tasks_to(monkeypatch, CLOSED_BROKER_URL)
    with (
        caplog.at_level(logging.WARNING, logger="cosviluppo.lib.tasks"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        published = results_publish(call=ranked.call, by=officer)
    assert published.status == "results_published"
    assert f"did not take {open_data_regenerate_task.name}" in caplog.text


def test_the_task_skips_files_generated_after_the_change(programme):
    before = stored(Kind.IATI).generated_at
    assert open_data_regenerate_task(changed_at=(timezone.now() - timedelta(hours=1)).isoformat()) == []
    assert stored(Kind.IATI).generated_at == before
    assert sorted(open_data_regenerate_task(changed_at=timezone.now().isoformat())) == sorted(Kind.values)


def test_the_nightly_beat_regenerates_every_file(programme):
    entry = settings.CELERY_BEAT_SCHEDULE["reports-open-data-nightly"]
    assert entry["task"] == open_data_regenerate_task.name
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({3}, {15})
    Installment.objects.filter(status=Installment.Status.PLANNED).update(
        status=Installment.Status.PAID, paid_on=date(2013, 6, 3)
    )
    assert sorted(open_data_regenerate_task()) == sorted(Kind.values)
    running = parse_360(stored_bytes(Kind.GIVING360))["grants"][1]
    assert [payment["transactionDate"] for payment in running["disbursementTransaction"]] == [
        "2012-02-20",
        "2013-06-03",
    ]


# --- The page ---------------------------------------------------------------------------------------


def test_the_page_says_when_the_data_were_generated_and_how_big_the_files_are(client, programme):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    OpenDataFile.objects.update(generated_at=datetime(2026, 12, 7, 3, 15, tzinfo=ZoneInfo("Europe/Rome")))
    html = client.get(reverse("reports:opendata"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert html.count("Data generated on 7 December 2026 at 03:15") == 3
    italian = client.get(reverse("reports:opendata"), HTTP_ACCEPT_LANGUAGE="it").content.decode()
    # Month names as Django's Italian locale writes them.
    assert "Dati generati il 7 Dicembre 2026 alle 03:15" in italian
    assert "I file vengono generati di nuovo a ogni modifica dei dati pubblicati" in italian
