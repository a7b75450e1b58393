"""Each report against its SQL floor: the bare GROUP BY queries that compute the same figures.

The report runs in a fresh Python process (bench.report_worker), so its peak memory is its own:
the peak resident set size (VmHWM) of that process, which includes Python, Django and the
libraries (the baseline after start-up is reported beside it). The time is measured in the worker
around write_report() alone, writing to a file on disk.

The floor is timed in this process on a raw cursor: the queries below run and every row is fetched
(median of FLOOR_RUNS, after one warm-up run so both sides read from a warm cache). They compute
exactly the figures the report prints, in the same scope (reports.generation.parameters: calls
whose results are published; proposals received = not draft nor withdrawn; funded = funded, in
progress or closed), with no formatting at all.
"""

import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection

from cosviluppo.lib.geography import CONTINENT_OF_COUNTRY

MAX_RATIO = 3.0
MAX_PEAK_MB = 300.0
FLOOR_RUNS = 3
REPO = Path(__file__).resolve().parent.parent

RESULTS_PUBLISHED = "('results_published', 'archived')"
FUNDED = "('funded', 'in_progress', 'closed')"
NOT_RECEIVED = "('draft', 'withdrawn')"


@dataclass(frozen=True)
class Report:
    kind: str
    fmt: str
    # Parameters by landmark: {"calls": ["latest_results_call"]} → the call's code.
    parameters: dict = field(default_factory=dict)
    note: str = ""

    @property
    def name(self) -> str:
        scope = ", ".join(f"{key}={value}" for key, value in self.parameters.items()) or "all calls"
        return f"{self.kind} {self.fmt} ({scope})"


REPORTS = [
    Report("funding", "csv"),
    Report("funding", "xlsx"),
    Report("funding", "pdf", note="the PDF lists the first 500 projects and shares; totals cover all"),
    Report("country", "csv"),
    Report("country", "xlsx"),
    Report("country", "pdf"),
    Report("funding", "pdf", {"calls": ["latest_results_call"]}),
    Report("funding", "csv", {"funder": "funder_pk"}),
    Report("country", "csv", {"funder": "funder_pk"}),
]


def resolve_parameters(parameters: dict, landmarks: dict) -> dict:
    resolved = {}
    for key, value in parameters.items():
        if isinstance(value, list):
            resolved[key] = [landmarks.get(item, item) for item in value]
        else:
            resolved[key] = landmarks.get(value, value)
    return resolved


# --- The floor ----------------------------------------------------------------------------------


def _scope_sql(parameters: dict) -> tuple[str, list]:
    """WHERE conditions on the call `c` (and the funder's calls), with their parameters."""
    conditions, values = [f"c.status IN {RESULTS_PUBLISHED}"], []
    if parameters.get("calls"):
        conditions.append("c.code = ANY(%s)")
        values.append(list(parameters["calls"]))
    if parameters.get("funder"):
        conditions.append("c.id IN (SELECT call_id FROM calls_fundercommitment WHERE funder_id = %s)")
        values.append(int(parameters["funder"]))
    return " AND ".join(conditions), values


def _funder_sql(parameters: dict, alias: str) -> tuple[str, list]:
    if parameters.get("funder"):
        return f" AND {alias}.funder_id = %s", [int(parameters["funder"])]
    return "", []


def _funded_by_funder_sql(parameters: dict) -> tuple[str, list]:
    """A funder's report holds the projects it has a share in."""
    if parameters.get("funder"):
        return (
            " AND p.id IN (SELECT a2.proposal_id FROM projects_award a2"
            " JOIN projects_fundershare s2 ON s2.award_id = a2.id"
            " JOIN calls_fundercommitment fc2 ON fc2.id = s2.commitment_id WHERE fc2.funder_id = %s)",
            [int(parameters["funder"])],
        )
    return "", []


def funding_floor(parameters: dict) -> list[tuple[str, list]]:
    scope, values = _scope_sql(parameters)
    funder, funder_values = _funder_sql(parameters, "fc")
    mine, mine_values = _funded_by_funder_sql(parameters)
    if parameters.get("country"):
        mine += " AND p.origin_country = %s"
        mine_values = mine_values + [parameters["country"]]
    funded = f"p.status IN {FUNDED} AND {scope}{mine}"
    return [
        (
            "SELECT c.code, o.legal_name, fc.amount, COALESCE(s.allocated, 0), fc.amount - COALESCE(s.allocated, 0)"
            " FROM calls_fundercommitment fc JOIN calls_call c ON c.id = fc.call_id"
            " JOIN associations_organisation o ON o.id = fc.funder_id"
            " LEFT JOIN (SELECT commitment_id, SUM(amount) AS allocated FROM projects_fundershare"
            " GROUP BY commitment_id) s ON s.commitment_id = fc.id"
            f" WHERE {scope}{funder} ORDER BY c.code, o.legal_name, fc.id",
            values + funder_values,
        ),
        (
            "SELECT c.code, p.protocol_number, p.title, o.legal_name, p.origin_country, SUM(b.total_cost),"
            " SUM(b.amount_requested), SUM(b.cofinancing_own), SUM(b.cofinancing_other), a.amount_granted"
            " FROM projects_proposal p JOIN calls_call c ON c.id = p.call_id"
            " JOIN associations_organisation o ON o.id = p.lead_id"
            " LEFT JOIN projects_award a ON a.proposal_id = p.id"
            " LEFT JOIN projects_budgetline b ON b.proposal_id = p.id"
            f" WHERE {funded} GROUP BY p.id, c.code, o.legal_name, a.amount_granted"
            " ORDER BY c.code, p.protocol_number, p.id",
            values + mine_values,
        ),
        (
            "SELECT c.code, p.protocol_number, o.legal_name, s.amount FROM projects_fundershare s"
            " JOIN projects_award a ON a.id = s.award_id JOIN projects_proposal p ON p.id = a.proposal_id"
            " JOIN calls_call c ON c.id = p.call_id JOIN calls_fundercommitment fc ON fc.id = s.commitment_id"
            " JOIN associations_organisation o ON o.id = fc.funder_id"
            f" WHERE {funded}{funder} ORDER BY c.code, p.protocol_number, o.legal_name",
            values + mine_values + funder_values,
        ),
        *[
            (
                f"SELECT b.{group}, SUM(b.total_cost), SUM(b.amount_requested), SUM(b.cofinancing_own),"
                " SUM(b.cofinancing_other) FROM projects_budgetline b"
                " JOIN projects_proposal p ON p.id = b.proposal_id JOIN calls_call c ON c.id = p.call_id"
                f" WHERE {funded} GROUP BY b.{group} ORDER BY b.{group}",
                values + mine_values,
            )
            for group in ("category", "territory")
        ],
    ]


def _continent_case(column: str) -> str:
    by_continent: dict[str, list[str]] = {}
    for code, continent in CONTINENT_OF_COUNTRY.items():
        by_continent.setdefault(continent, []).append(code)
    whens = " ".join(
        f"WHEN {column} IN ({', '.join(repr(code) for code in sorted(codes))}) THEN '{continent}'"
        for continent, codes in sorted(by_continent.items())
    )
    return f"CASE {whens} ELSE '' END"


def country_floor(parameters: dict) -> list[tuple[str, list]]:
    scope, values = _scope_sql(parameters)
    if parameters.get("country"):
        scope += " AND p.origin_country = %s"
        values = values + [parameters["country"]]
    mine, mine_values = _funded_by_funder_sql(parameters)
    funder, funder_values = _funder_sql(parameters, "fc")
    received = f"p.status NOT IN {NOT_RECEIVED} AND {scope}"
    funded = f"p.status IN {FUNDED} AND {scope}{mine}"
    queries = []
    for group in ("p.origin_country", _continent_case("p.origin_country")):
        queries.append(
            (
                f"SELECT {group} AS g, COUNT(*), COUNT(DISTINCT p.lead_id) FROM projects_proposal p"
                f" JOIN calls_call c ON c.id = p.call_id WHERE {received} GROUP BY g",
                values,
            )
        )
        if parameters.get("funder"):
            queries.append(
                (
                    f"SELECT {group} AS g, COUNT(DISTINCT a.id), SUM(s.amount) FROM projects_fundershare s"
                    " JOIN projects_award a ON a.id = s.award_id JOIN projects_proposal p ON p.id = a.proposal_id"
                    " JOIN calls_call c ON c.id = p.call_id"
                    " JOIN calls_fundercommitment fc ON fc.id = s.commitment_id"
                    f" WHERE {funded}{funder} GROUP BY g",
                    values + mine_values + funder_values,
                )
            )
        else:
            queries.append(
                (
                    f"SELECT {group} AS g, COUNT(*), SUM(a.amount_granted) FROM projects_proposal p"
                    " JOIN calls_call c ON c.id = p.call_id JOIN projects_award a ON a.proposal_id = p.id"
                    f" WHERE {funded} GROUP BY g",
                    values,
                )
            )
        queries.append(
            (
                f"SELECT {group} AS g, b.territory, SUM(b.total_cost) FROM projects_budgetline b"
                " JOIN projects_proposal p ON p.id = b.proposal_id JOIN calls_call c ON c.id = p.call_id"
                f" WHERE {funded} GROUP BY g, b.territory",
                values + mine_values,
            )
        )
    # The totals row counts each association once.
    queries.append(
        (
            "SELECT COUNT(DISTINCT p.lead_id) FROM projects_proposal p JOIN calls_call c ON c.id = p.call_id"
            f" WHERE {received}",
            values,
        )
    )
    return queries


FLOORS = {"funding": funding_floor, "country": country_floor}


def run_floor(queries: list[tuple[str, list]]) -> tuple[float, int]:
    """Seconds to run the queries and fetch every row; the number of rows."""
    rows = 0
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for sql, params in queries:
            cursor.execute(sql, params)
            rows += len(cursor.fetchall())
    return time.perf_counter() - started, rows


def time_floor(kind: str, parameters: dict, runs: int = FLOOR_RUNS) -> dict:
    queries = FLOORS[kind](parameters)
    run_floor(queries)  # warm-up
    timings = []
    rows = 0
    for _ in range(runs):
        seconds, rows = run_floor(queries)
        timings.append(seconds)
    return {"floor_s": round(statistics.median(timings), 4), "floor_rows": rows, "floor_queries": len(queries)}


def floor_sql(kind: str, parameters: dict) -> list[str]:
    """The floor's queries with their parameters inlined, for the results file (and EXPLAIN by hand)."""
    with connection.cursor() as cursor:
        return [cursor.mogrify(sql, params) for sql, params in FLOORS[kind](parameters)]


# --- The report, in its own process ------------------------------------------------------------------


def run_worker(kind: str, fmt: str, parameters: dict, output: Path, database_url: str, timeout: int = 1800) -> dict:
    env = {**os.environ, "BENCH_DATABASE_URL": database_url, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "bench.report_worker", kind, fmt, json.dumps(parameters), str(output)]
    completed = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout)
    if completed.returncode != 0:
        raise RuntimeError((completed.stderr or completed.stdout).strip()[-2000:])
    return json.loads(completed.stdout.strip().splitlines()[-1])


# Open data: whole-programme documents, generated by the worker into stored files and served as
# they are. No target in the issue; measured in their own processes, like the reports, for
# information: the regeneration (time, peak memory against the same 300 MB) and the download of
# the stored file (median of a few, gzip, and a conditional request answered 304).
DOWNLOADS = [
    ("transparency register CSV", "transparency", "reports:transparency-csv"),
    ("360Giving JSON", "360giving", "reports:opendata-360giving"),
    ("IATI XML", "iati", "reports:opendata-iati"),
]


def _download_worker(mode: str, target: str, env: dict) -> dict:
    command = [sys.executable, "-m", "bench.download_worker", mode, target]
    completed = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=1800)
    if completed.returncode != 0:
        raise RuntimeError((completed.stderr or completed.stdout).strip()[-2000:])
    return json.loads(completed.stdout.strip().splitlines()[-1])


def measure_downloads(database_url: str, *, log=print) -> list[dict]:
    import tempfile

    from django.urls import NoReverseMatch, reverse

    results = []
    with tempfile.TemporaryDirectory(prefix="cosviluppo-bench-media-") as media:
        env = {**os.environ, "BENCH_DATABASE_URL": database_url, "PYTHONPATH": str(REPO), "MEDIA_ROOT": media}
        for name, kind, url_name in DOWNLOADS:
            try:
                url = reverse(url_name)
            except NoReverseMatch as error:
                results.append({"name": name, "status": "not available", "reason": str(error)})
                continue
            try:
                generated = _download_worker("regenerate", kind, env)
                served = _download_worker("download", url, env)
            except (RuntimeError, subprocess.TimeoutExpired, ValueError) as error:
                results.append({"name": name, "url": url, "status": "error", "reason": str(error)[-2000:]})
                log(f"  {name:<40} error")
                continue
            peak = max(generated["peak_rss_mb"], served["peak_rss_mb"])
            outcome = {
                "name": name,
                "url": url,
                "status": "measured" if served["http_status"] == 200 else "error",
                **served,
                "seconds": round(served["seconds"], 4),
                "regeneration_s": round(generated["seconds"], 2),
                "regeneration_peak_rss_mb": generated["peak_rss_mb"],
                "regeneration_queries": generated["queries"],
                "records": generated["records"],
                "peak_rss_mb": peak,
                "memory_ok": peak < MAX_PEAK_MB,
            }
            results.append(outcome)
            log(
                f"  {name:<28} download {outcome['seconds'] * 1000:>8.1f} ms (median of {served['runs']}),"
                f" gzip {served['gzip_seconds'] * 1000:.1f} ms, 304 {served['not_modified_seconds'] * 1000:.1f} ms,"
                f" {served['bytes']:,} bytes ({served['gzip_bytes']:,} gzip), {served['queries']} queries;"
                f" regeneration {generated['seconds']:.2f} s, {generated['records']:,} records,"
                f" peak {generated['peak_rss_mb']:.0f} MB"
            )
    return results


def reports_available() -> tuple[bool, str]:
    try:
        from reports.generation import write_report  # noqa: F401
    except ImportError as error:
        return False, f"reports.generation.write_report is not there: {error}"
    return True, ""


def measure_report(report: Report, landmarks: dict, database_url: str, workdir: Path, log=print) -> dict:
    parameters = resolve_parameters(report.parameters, landmarks)
    result = {"name": report.name, "kind": report.kind, "format": report.fmt, "parameters": parameters}
    if report.note:
        result["note"] = report.note
    available, reason = reports_available()
    if not available:
        return {**result, "status": "not available", "reason": reason}
    try:
        floor = time_floor(report.kind, parameters)
        output = workdir / f"{report.kind}-{abs(hash(json.dumps(parameters, sort_keys=True)))}.{report.fmt}"
        worker = run_worker(report.kind, report.fmt, parameters, output, database_url)
    except Exception as error:
        return {**result, "status": "error", "reason": str(error)[-2000:]}
    ratio = worker["seconds"] / floor["floor_s"] if floor["floor_s"] else None
    return {
        **result,
        "status": "measured",
        **floor,
        "report_s": round(worker["seconds"], 3),
        "ratio": round(ratio, 2) if ratio is not None else None,
        "peak_rss_mb": worker["peak_rss_mb"],
        "baseline_rss_mb": worker["baseline_rss_mb"],
        "output_bytes": worker["bytes"],
        "ratio_ok": ratio is not None and ratio <= MAX_RATIO,
        "memory_ok": worker["peak_rss_mb"] < MAX_PEAK_MB,
        "pass": ratio is not None and ratio <= MAX_RATIO and worker["peak_rss_mb"] < MAX_PEAK_MB,
        "floor_sql": floor_sql(report.kind, parameters),
    }


def measure_reports(landmarks: dict, database_url: str, workdir: Path, *, reports=None, log=print) -> list[dict]:
    results = []
    for report in reports or REPORTS:
        outcome = measure_report(report, landmarks, database_url, workdir, log=log)
        results.append(outcome)
        if outcome["status"] == "measured":
            log(
                f"  {outcome['name']:<40} {outcome['report_s']:>8.2f} s vs floor {outcome['floor_s']:.3f} s"
                f" (×{outcome['ratio']}), peak {outcome['peak_rss_mb']:.0f} MB"
            )
        else:
            log(f"  {outcome['name']:<40} {outcome['status']}: {outcome.get('reason', '')[:300]}")
    return results
