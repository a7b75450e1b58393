"""The open data in a fresh process, one JSON line on standard output.

`python -m bench.download_worker regenerate KIND`: generate the stored file of KIND as the worker
does (reports.opendata.services.open_data_file_generate); seconds, bytes (plain and gzip), records,
queries and the process's peak resident set size (VmHWM, see bench.report_worker).

`python -m bench.download_worker download URL`: download the stored file through Django's test
client as the public does: RUNS plain downloads (median and slowest, whole body read), one with
Accept-Encoding: gzip, and one conditional request with the ETag of the first (304), after one
request to warm the process up; queries of one download and the peak resident set size.

Both read and write the stored files under MEDIA_ROOT, which the bench points at a folder of its own.
"""

import json
import statistics
import sys
import time

RUNS = 5


def _read(response) -> int:
    return sum(len(chunk) for chunk in response.streaming_content) if response.streaming else len(response.content)


class QueryCounter:
    """Counts the queries run through the connection. (CaptureQueriesContext cannot count inside a
    test-client request: request_started empties the log it reads.)"""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def regenerate(kind: str) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reports.opendata.services import open_data_file_generate

    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        stored = open_data_file_generate(kind=kind)
        seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "bytes": stored.size,
        "gzip_bytes": stored.gzip_size,
        "records": stored.records,
        "queries": len(captured.captured_queries),
    }


def download(url: str) -> dict:
    from django.db import connection
    from django.test import Client

    client = Client(raise_request_exception=False)
    # The first request of a process imports the URLconf and the views: not what a download costs.
    _read(client.get(url, HTTP_IF_NONE_MATCH='"warm-up"'))
    timings = []
    size = status = etag = None
    for _run in range(RUNS):
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            started = time.perf_counter()
            response = client.get(url)
            size = _read(response)
            timings.append(time.perf_counter() - started)
        status, etag = response.status_code, response.get("ETag")
    started = time.perf_counter()
    zipped = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    gzip_size = _read(zipped)
    gzip_seconds = time.perf_counter() - started
    started = time.perf_counter()
    conditional = client.get(url, HTTP_IF_NONE_MATCH=etag or '""')
    _read(conditional)
    not_modified_seconds = time.perf_counter() - started
    return {
        "http_status": status,
        "seconds": statistics.median(timings),
        "slowest_s": max(timings),
        "runs": RUNS,
        "bytes": size,
        "queries": counter.count,
        "gzip_seconds": gzip_seconds,
        "gzip_bytes": gzip_size,
        "gzip_encoded": zipped.get("Content-Encoding") == "gzip",
        "not_modified_status": conditional.status_code,
        "not_modified_seconds": not_modified_seconds,
    }


def main(argv: list[str]) -> None:
    mode, target = argv[1], argv[2]
    from bench.environment import configure

    configure()
    import django

    django.setup()
    from bench.report_worker import _status_mb

    baseline = _status_mb("VmRSS")
    measured = regenerate(target) if mode == "regenerate" else download(target)
    measured.update(peak_rss_mb=round(_status_mb("VmHWM"), 1), baseline_rss_mb=round(baseline, 1))
    print(json.dumps(measured))


if __name__ == "__main__":
    main(sys.argv)
