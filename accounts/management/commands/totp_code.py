import binascii
import re

from allauth.mfa.adapter import get_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.core.management.base import BaseCommand, CommandError

from accounts.demo_secret import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = (
        "Print the current six-digit TOTP code of an account (by e-mail) or of a base32 secret "
        "(by default the demo accounts' one)."
    )

    def add_arguments(self, parser):
        parser.add_argument("who", nargs="?", default=DEMO_TOTP_SECRET, help="an e-mail address or a base32 secret")

    def handle(self, *args, who, **options):
        secret = self.secret_of(who.strip())
        counter = next(iter(yield_hotp_counters_from_time()))
        try:
            code = hotp_value(secret, counter)
        except (binascii.Error, ValueError) as error:
            raise CommandError(f"“{who}” is neither an account's e-mail address nor a base32 secret.") from error
        self.stdout.write(format_hotp_value(code))

    def secret_of(self, who: str) -> str:
        if "@" not in who:
            return re.sub(r"\s+", "", who).upper()
        authenticator = Authenticator.objects.filter(user__email__iexact=who, type=Authenticator.Type.TOTP).first()
        if authenticator is None:
            raise CommandError(f"{who} has no authenticator app set up (or no such account).")
        return get_adapter().decrypt(authenticator.data["secret"])
