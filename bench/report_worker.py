"""One report in a fresh process: `python -m bench.report_worker KIND FORMAT PARAMETERS_JSON OUTPUT`.

Prints one JSON line: the seconds write_report() took, the process's peak resident set size
(VmHWM, so everything the process ever held, Python and Django included) and the resident
size before the report started.

Why VmHWM and not getrusage's ru_maxrss: Linux carries ru_maxrss over fork and execve, so a
worker started by a big parent would report the parent's peak. VmHWM belongs to the address
space the execve created, so it is this program's own peak.
"""

import json
import sys
import time
from pathlib import Path


def _status_mb(key: str) -> float:
    """A memory figure of this process from /proc/self/status (Linux), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{key}:"):
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

    baseline = _status_mb("VmRSS")
    started = time.perf_counter()
    with output.open("wb") as stream:
        write_report(kind, fmt, parameters, stream)
    seconds = time.perf_counter() - started
    peak = _status_mb("VmHWM")
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_rss_mb": round(peak, 1),
                "baseline_rss_mb": round(baseline, 1),
                "bytes": output.stat().st_size,
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv)
