"""`manage.py generate_report KIND --format FORMAT --output FILE [filters]`: the report the worker
writes for a run with the same parameters (reports.generation.write_report), without a run."""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from associations.models import Organisation
from reports.generation import FORMATS, KINDS, write_report


class Command(BaseCommand):
    help = "Write a funding or country report as CSV, XLSX or PDF (the same figures as a report run)."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("--format", required=True, choices=FORMATS, dest="fmt")
        parser.add_argument("--output", required=True, help="File to write.")
        parser.add_argument("--call", action="append", default=[], dest="calls", help="Call code (repeatable).")
        parser.add_argument("--from", dest="date_from", help="Proposals submitted on or after (YYYY-MM-DD).")
        parser.add_argument("--to", dest="date_to", help="Proposals submitted on or before (YYYY-MM-DD).")
        parser.add_argument("--funder", help="Funder: organisation id or codice fiscale (its own data only).")
        parser.add_argument("--country", help="Country of origin, ISO 3166-1 alpha-2.")
        parser.add_argument("--language", default=settings.LANGUAGE_CODE, choices=[c for c, _n in settings.LANGUAGES])

    def handle(self, *args, kind, fmt, output, calls, date_from, date_to, funder, country, language, **options):
        parameters: dict = {}
        if calls:
            parameters["calls"] = calls
        if date_from:
            parameters["date_from"] = date_from
        if date_to:
            parameters["date_to"] = date_to
        if funder:
            parameters["funder"] = self._funder_pk(funder)
        if country:
            parameters["country"] = country.upper()
        path = Path(output)
        partial = path.with_name(path.name + ".partial")
        try:
            with translation.override(language), partial.open("wb") as stream:
                write_report(kind, fmt, parameters, stream)
        except ValidationError as error:
            partial.unlink(missing_ok=True)
            raise CommandError(" ".join(error.messages)) from None
        # Never leave half a report under the requested name.
        partial.replace(path)
        self.stdout.write(f"{path.stat().st_size} bytes written to {path}.")

    def _funder_pk(self, value: str) -> int:
        funders = Organisation.objects.funders()
        found = funders.filter(pk=int(value)) if value.isdigit() else funders.none()
        found = found or funders.filter(codice_fiscale=value.upper())
        first = found.first()
        if first is None:
            raise CommandError(f"No funder with id or codice fiscale {value}.")
        return first.pk
