"""manage.py totp_code: the code an authenticator app would show, for a secret or an account."""

import base64
from io import StringIO

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.demo_secret import DEMO_TOTP_SECRET
from accounts.tests.factories import UserFactory
from conftest import TEST_TOTP_SECRET, with_two_factor

pytestmark = pytest.mark.django_db


def expected(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, next(iter(yield_hotp_counters_from_time()))))


def run(*args) -> str:
    out = StringIO()
    call_command("totp_code", *args, stdout=out)
    return out.getvalue().strip()


def test_without_argument_it_prints_the_demo_secrets_code():
    assert run() == expected(DEMO_TOTP_SECRET)


def test_the_demo_secret_is_160_bits_long():
    """RFC 4226 asks for 160 bits; current OTP libraries refuse secrets under 128 (the old one had 80)."""
    assert len(base64.b32decode(DEMO_TOTP_SECRET)) * 8 >= 160
    assert len(base64.b32decode(TEST_TOTP_SECRET)) * 8 >= 160


def test_an_accounts_email_reads_its_own_secret():
    user = with_two_factor(UserFactory(email="officer@example.org"))
    assert run(user.email.upper()) == expected(TEST_TOTP_SECRET)


def test_an_account_without_an_authenticator_is_refused_in_words():
    UserFactory(email="someone@example.org")
    with pytest.raises(CommandError, match="no authenticator app"):
        run("someone@example.org")


def test_a_string_that_is_no_secret_is_refused_in_words():
    with pytest.raises(CommandError, match="neither an account's e-mail address nor a base32 secret"):
        run("not!base32")
