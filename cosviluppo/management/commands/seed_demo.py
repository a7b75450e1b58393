"""`manage.py seed_demo`: load the demo dataset (see cosviluppo.demo)."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cosviluppo.demo import DemoDataError, DemoLoadRefused, demo_load, demo_summary


class Command(BaseCommand):
    help = (
        "Load the demo dataset: the three historical Milan co-development calls with their funders, "
        "associations and 66 funded projects, a call open today, and demo accounts. Needs DEBUG=true "
        "and a database without non-demo data (or --force). Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load the demo even though the database already holds non-demo data.",
        )

    def handle(self, *args, force: bool = False, **options):
        started = time.monotonic()
        try:
            loaded = demo_load(force=force)
        except DemoLoadRefused as refusal:
            raise CommandError(refusal.message) from None
        except DemoDataError as error:
            # A mistake in the demo's own data: nothing was written (one transaction).
            raise CommandError(str(error)) from error
        if loaded:
            self.stdout.write(
                self.style.SUCCESS(_("Demo data loaded in %(seconds).1f s.") % {"seconds": time.monotonic() - started})
            )
        else:
            self.stdout.write(_("The demo data is already loaded: nothing changed."))
        for line in demo_summary():
            self.stdout.write(line)
