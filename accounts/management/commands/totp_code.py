from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.core.management.base import BaseCommand

from cosviluppo.demo import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "Print the current six-digit code of a TOTP secret (by default the demo accounts' one)."

    def add_arguments(self, parser):
        parser.add_argument("secret", nargs="?", default=DEMO_TOTP_SECRET)

    def handle(self, *args, secret, **options):
        counter = next(iter(yield_hotp_counters_from_time()))
        self.stdout.write(format_hotp_value(hotp_value(secret, counter)))
