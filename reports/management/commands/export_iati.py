"""`manage.py export_iati --output FILE`: the same bytes as the open-data download."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from reports.opendata.formats import write_export
from reports.opendata.iati import iati_bytes
from reports.opendata.selectors import PublisherMissing


class Command(BaseCommand):
    help = "Write the funded projects as an IATI 2.03 activity file (the bytes /opendata/iati.xml serves)."

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="File to write, or - for standard output.")

    def handle(self, *args, output: str, **options):
        try:
            chunks = iati_bytes()
        except PublisherMissing as error:
            raise CommandError(error.message) from None
        written = write_export(output, chunks)
        if output != "-":
            self.stdout.write(_("%(bytes)s bytes written to %(path)s.") % {"bytes": written, "path": output})
