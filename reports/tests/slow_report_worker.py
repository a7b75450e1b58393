"""Starts a real Celery worker whose reports are slow, so a test can kill it in the middle of one.

    python -m reports.tests.slow_report_worker <celery worker arguments…>

While the file named by SLOW_REPORT_FLAG exists, each report first reports progress for
SLOW_REPORT_SECONDS (a step every 0.2 s) and writes the pid of the process producing it into
that file, so the test knows which process to kill; once the test removes the file, reports
are written at normal speed. Only the test starts this module: production code has no hook.
"""

import os
import sys
import time
from pathlib import Path

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cosviluppo.settings.base")
    django.setup()
    from reports import services

    real_write_report = services.write_report
    flag = Path(os.environ["SLOW_REPORT_FLAG"])
    seconds = float(os.environ.get("SLOW_REPORT_SECONDS", "30"))

    def slow_write_report(kind, fmt, parameters, stream, *, progress=None):
        if flag.exists():
            flag.write_text(str(os.getpid()))
            steps = int(seconds / 0.2)
            for step in range(steps):
                if progress is not None:
                    progress(1 + 90 * step // steps)
                time.sleep(0.2)
        real_write_report(kind, fmt, parameters, stream, progress=progress)

    # The pool's processes are forked from this one, so they inherit the slow writer.
    services.write_report = slow_write_report

    from celery.bin.celery import main as celery_main

    sys.argv = ["celery", "-A", "cosviluppo", *sys.argv[1:]]
    celery_main()


if __name__ == "__main__":
    main()
