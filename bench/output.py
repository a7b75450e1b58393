"""The summary of a bench run and the table it prints."""


def summarise(results: dict) -> dict:
    summary = {}
    for key in ("pages", "reports"):
        rows = results.get(key)
        if rows is None:
            continue
        measured = [row for row in rows if row.get("status") == "measured"]
        summary[key] = {
            "measured": len(measured),
            "passed": sum(1 for row in measured if row["pass"]),
            "missed": [row["name"] for row in measured if not row["pass"]],
            "not_available": [row["name"] for row in rows if row.get("status") == "not available"],
            "errors": [row["name"] for row in rows if row.get("status") == "error"],
        }
    return summary


def _mark(ok: bool) -> str:
    return "ok" if ok else "MISS"


def table(headers: list[str], rows: list[list[str]], right: set[int]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]

    def line(cells):
        return "  ".join(
            str(cell).rjust(width) if i in right else str(cell).ljust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return "\n".join([line(headers), line(["-" * width for width in widths]), *(line(row) for row in rows)])


def print_tables(results: dict, out=print) -> None:
    sizes = results.get("sizes", {})
    load = results.get("load", {})
    out(
        "Data: "
        + ", ".join(f"{count:,} {label.split('.')[-1]}" for label, count in sizes.items())
        + (
            f"\nPreparation: {load['total_s']:.1f} s (rows loaded in {load['load_s']:.1f} s)"
            if "total_s" in load
            else ""
        )
    )
    if results.get("pages") is not None:
        rows = []
        for row in results["pages"]:
            if row["status"] == "measured":
                rows.append(
                    [
                        row["name"],
                        row["role"],
                        row["queries"],
                        f"{row['median_ms']:.1f}",
                        _mark(row["queries_ok"]),
                        _mark(row["time_ok"]),
                    ]
                )
            else:
                rows.append([row["name"], row["role"], "-", "-", row["status"], ""])
        out("\nPages (target: < 20 queries, < 200 ms median server time)")
        out(table(["page", "as", "queries", "median ms", "queries ok", "time ok"], rows, right={2, 3}))
    if results.get("reports") is not None:
        rows = []
        for row in results["reports"]:
            if row["status"] == "measured":
                rows.append(
                    [
                        row["name"],
                        f"{row['report_s']:.2f}",
                        f"{row['floor_s']:.3f}",
                        f"{row['ratio']:.1f}",
                        f"{row['peak_rss_mb']:.0f}",
                        _mark(row["ratio_ok"]),
                        _mark(row["memory_ok"]),
                    ]
                )
            else:
                rows.append([row["name"], "-", "-", "-", "-", row["status"], ""])
        out("\nReports (target: within 3x the SQL floor, peak RSS < 300 MB)")
        out(
            table(
                ["report", "report s", "floor s", "ratio", "peak MB", "ratio ok", "memory ok"], rows, right={1, 2, 3, 4}
            )
        )
    if results.get("downloads"):
        rows = [
            [
                row["name"],
                f"{row['seconds'] * 1000:.1f}",
                f"{row['gzip_seconds'] * 1000:.1f}",
                f"{row['not_modified_seconds'] * 1000:.1f}",
                f"{row['bytes']:,}",
                f"{row['gzip_bytes']:,}",
                row["queries"],
                f"{row['regeneration_s']:.2f}",
                f"{row['regeneration_peak_rss_mb']:.0f}",
            ]
            if row["status"] == "measured"
            else [row["name"], "-", "-", "-", "-", "-", "-", "-", row["status"]]
            for row in results["downloads"]
        ]
        out("\nOpen data: stored files served, and their regeneration (no target in the issue; for information)")
        out(
            table(
                [
                    "file",
                    "download ms",
                    "gzip ms",
                    "304 ms",
                    "bytes",
                    "gzip bytes",
                    "queries",
                    "regeneration s",
                    "regen. peak MB",
                ],
                rows,
                right={1, 2, 3, 4, 5, 6, 7, 8},
            )
        )
    summary = results.get("summary", {})
    for key, info in summary.items():
        out(
            f"\n{key}: {info['passed']}/{info['measured']} within target"
            + (f"; missed: {', '.join(info['missed'])}" if info["missed"] else "")
            + (f"; not available: {', '.join(info['not_available'])}" if info["not_available"] else "")
            + (f"; errors: {', '.join(info['errors'])}" if info["errors"] else "")
        )
