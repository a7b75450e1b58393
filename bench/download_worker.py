"""One open-data download in a fresh process: `python -m bench.download_worker URL`.

Prints one JSON line: seconds to stream the whole response through Django's test client, bytes,
queries, and the process's peak resident set size (VmHWM, see bench.report_worker).
"""

import json
import sys
import time


def main(argv: list[str]) -> None:
    url = argv[1]
    from bench.environment import configure

    configure()
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.report_worker import _status_mb

    client = Client(raise_request_exception=False)
    baseline = _status_mb("VmRSS")
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        response = client.get(url)
        size = sum(len(chunk) for chunk in response.streaming_content) if response.streaming else len(response.content)
        seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "http_status": response.status_code,
                "seconds": seconds,
                "bytes": size,
                "queries": len(captured.captured_queries),
                "peak_rss_mb": round(_status_mb("VmHWM"), 1),
                "baseline_rss_mb": round(baseline, 1),
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv)
