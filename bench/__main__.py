"""`python -m bench` (what `make bench` runs): build the bench database, measure, write the results.

    python -m bench [--scale 0.01] [--reuse] [--only pages|reports] [--output FILE]

BENCH_DATABASE_URL names the database (default postgres://postgres@127.0.0.1:5432/cosviluppo_bench);
it is DROPPED and created again unless --reuse is given. BENCH_SCALE (or --scale) shrinks the data:
1 is the full size (30 calls, 20,000 organisations, 100,000 proposals, 1,000,000 budget lines).
"""

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from .environment import configure

REPO = Path(__file__).resolve().parent.parent


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=float(os.environ.get("BENCH_SCALE", "1")))
    parser.add_argument("--database-url", default=None, help="default: $BENCH_DATABASE_URL or the local bench database")
    parser.add_argument("--reuse", action="store_true", help="measure the existing bench database, do not rebuild it")
    parser.add_argument("--only", choices=["pages", "reports"], help="measure only the pages or only the reports")
    parser.add_argument("--runs", type=int, default=5, help="timed requests per page (after a warm-up)")
    parser.add_argument("--output", type=Path, default=REPO / "bench-results.json")
    parser.add_argument("--seed", type=int, default=2026)
    return parser.parse_args(argv)


def machine() -> dict:
    from django.db import connection

    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        memory_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    except (OSError, StopIteration):
        memory_kb = 0
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    import django

    return {
        "host": platform.node(),
        "platform": platform.platform(),
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "django": django.get_version(),
        "database": f"{connection.vendor} {server}",
        # Other work on the machine skews the times: the load average says how busy it was.
        "load_average_1_5_15": [round(value, 2) for value in os.getloadavg()],
    }


def _server_problem(url: str) -> str:
    import psycopg

    from .environment import split_database_url

    maintenance, _name = split_database_url(url)
    try:
        psycopg.connect(maintenance, connect_timeout=5).close()
    except psycopg.OperationalError as error:
        return (
            f"PostgreSQL does not answer at {maintenance.split('@')[-1]} ({str(error).strip()}).\n"
            'Start it (README, "Starting PostgreSQL and Redis") or set BENCH_DATABASE_URL.'
        )
    return ""


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    url = configure(args.database_url)
    if not url.startswith(("postgres://", "postgresql://")):
        print(f"The bench runs on PostgreSQL: BENCH_DATABASE_URL must be postgres://…, not {url!r}.", file=sys.stderr)
        return 2
    problem = _server_problem(url)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    import django

    django.setup()
    from . import pages as page_bench
    from . import reports as report_bench
    from .database import build
    from .generate import Sizes, landmarks, table_sizes
    from .output import print_tables, summarise

    started = time.perf_counter()
    results: dict = {"generated_at": datetime.now().astimezone().isoformat(timespec="seconds"), "scale": args.scale}
    safe_url = url.split("@")[-1]
    if args.reuse:
        print(f"Reusing the bench database {safe_url}")
        results["load"] = {"reused": True}
    else:
        print(f"Building the bench database {safe_url} at scale {args.scale}")
        built = build(url, Sizes.for_scale(args.scale), seed=args.seed)
        results["load"] = built["timings"]
        results["programme"] = built["programme"]
    results["machine"] = machine()
    results["sizes"] = table_sizes()
    marks = landmarks()
    results["landmarks"] = marks
    results["targets"] = {
        "page_max_queries": f"< {page_bench.MAX_QUERIES}",
        "page_max_ms": f"< {page_bench.MAX_MS:.0f}",
        "report_max_ratio_to_sql_floor": f"<= {report_bench.MAX_RATIO:g}",
        "report_max_peak_rss_mb": f"< {report_bench.MAX_PEAK_MB:.0f}",
    }
    results["method"] = {
        "pages": page_bench.__doc__.strip(),
        "reports": report_bench.__doc__.strip(),
    }
    if args.only != "reports":
        print("Pages:")
        results["pages"] = page_bench.measure_pages(marks, runs=args.runs)
    if args.only != "pages":
        print("Reports:")
        with tempfile.TemporaryDirectory(prefix="cosviluppo-bench-") as workdir:
            results["reports"] = report_bench.measure_reports(marks, url, Path(workdir))
        print("Open data, regenerated and downloaded (no target; for information):")
        results["downloads"] = report_bench.measure_downloads(url)
    results["summary"] = summarise(results)
    results["elapsed_s"] = round(time.perf_counter() - started, 1)
    args.output.write_text(json.dumps(results, indent=2, default=str) + "\n")
    print()
    print_tables(results)
    print(f"\nResults written to {args.output} ({results['elapsed_s']:.0f} s in all).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
