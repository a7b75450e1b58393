"""Drop, create, migrate and fill the bench database; ANALYZE it."""

import time

import psycopg
from django.core.management import call_command
from django.db import connection

from .environment import split_database_url
from .generate import Programme, Sizes


def recreate(url: str) -> None:
    """Drop the bench database (closing its sessions) and create it empty."""
    maintenance, name = split_database_url(url)
    if not name.replace("_", "").isalnum():
        raise ValueError(f"Refusing an unusual database name: {name!r}")
    with psycopg.connect(maintenance, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


def build(url: str, sizes: Sizes, *, seed: int = 2026, log=print) -> dict:
    """The whole preparation, timed step by step."""
    timings = {}
    started = time.perf_counter()
    connection.close()
    recreate(url)
    timings["create_database_s"] = round(time.perf_counter() - started, 2)

    step = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    timings["migrate_s"] = round(time.perf_counter() - step, 2)
    log(f"  database created and migrated in {timings['create_database_s'] + timings['migrate_s']:.1f} s")

    step = time.perf_counter()
    programme = Programme(sizes, seed=seed)
    counts = programme.load()
    timings["load_s"] = round(time.perf_counter() - step, 2)
    log(f"  {sum(counts.values()):,} rows loaded in {timings['load_s']:.1f} s")

    step = time.perf_counter()
    with connection.cursor() as cursor:
        # VACUUM too: it sets the visibility map, so index-only scans work as on a settled database.
        cursor.execute("VACUUM ANALYZE")
    timings["analyze_s"] = round(time.perf_counter() - step, 2)
    timings["total_s"] = round(time.perf_counter() - started, 2)
    log(f"  VACUUM ANALYZE in {timings['analyze_s']:.1f} s; preparation {timings['total_s']:.1f} s in all")
    return {"timings": timings, "counts": counts, "programme": programme.describe()}
