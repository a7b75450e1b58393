"""One report in a fresh process: `python -m bench.report_worker KIND FORMAT PARAMETERS_JSON OUTPUT`.

Prints one JSON line: the seconds write_report() took, the process's peak resident set size
(ru_maxrss, so everything the process ever held, Python and Django included) and the resident
size before the report started.
"""

import json
import resource
import sys
import time
from pathlib import Path


def _rss_mb() -> float:
    """The current resident set size, from /proc (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main(argv: list[str]) -> None:
    kind, fmt, parameters, output = argv[1], argv[2], json.loads(argv[3]), Path(argv[4])
    from bench.environment import configure

    configure()
    import django

    django.setup()
    from reports.generation import write_report

    # A worker imports the writers' libraries once, not for every report: not part of the time.
    if fmt == "xlsx":
        import openpyxl  # noqa: F401
    elif fmt == "pdf":
        import weasyprint  # noqa: F401

    baseline = _rss_mb()
    started = time.perf_counter()
    with output.open("wb") as stream:
        write_report(kind, fmt, parameters, stream)
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_rss_mb": round(peak_kb / 1024, 1),
                "baseline_rss_mb": round(baseline, 1),
                "bytes": output.stat().st_size,
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv)
