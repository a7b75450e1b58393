"""`manage.py export_360giving --output FILE`: generate the stored open-data file now (the one the
download serves) and write a copy of it: the same bytes as the download."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from reports.models import OpenDataFile
from reports.opendata.formats import write_export
from reports.opendata.selectors import PublisherMissing
from reports.opendata.services import open_data_file_bytes, open_data_file_generate


class Command(BaseCommand):
    help = (
        "Generate the stored 360Giving Data Standard package of every awarded grant now and write a copy "
        "(the bytes /opendata/360giving.json serves)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="File to write, or - for standard output.")

    def handle(self, *args, output: str, **options):
        try:
            stored = open_data_file_generate(kind=OpenDataFile.Kind.GIVING360)
        except PublisherMissing as error:
            raise CommandError(error.message) from None
        written = write_export(output, open_data_file_bytes(stored))
        if output != "-":
            self.stdout.write(_("%(bytes)s bytes written to %(path)s.") % {"bytes": written, "path": output})
