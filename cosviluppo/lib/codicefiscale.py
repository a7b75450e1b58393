"""Italian tax codes (codice fiscale) and CUP codes: validation with python-stdnum."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import luhn
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.it import codicefiscale, iva

# Codice Unico di Progetto: a letter, two digits, a letter, eleven digits.
CUP_RE = re.compile(r"^[A-Z][0-9]{2}[A-Z][0-9]{11}$")


def normalise_codice_fiscale(value: str) -> str:
    return codicefiscale.compact(value or "")


def validate_codice_fiscale(value: str) -> None:
    """Accept the 11-digit code of a body or the 16-character code of a person."""
    compact = normalise_codice_fiscale(value)
    try:
        if len(compact) == 11:
            iva.validate(compact)
        else:
            codicefiscale.validate(compact)
    except StdnumError:
        raise ValidationError(
            _(
                "“%(value)s” is not a valid codice fiscale: it must be the 11 digits of an "
                "organisation or the 16 characters of a person, with a correct check character."
            ),
            code="invalid_codice_fiscale",
            params={"value": value},
        ) from None


def validate_cup(value: str) -> None:
    if not CUP_RE.match(value or ""):
        raise ValidationError(
            _("“%(value)s” is not a valid CUP: 15 characters, e.g. C11G06000000001."),
            code="invalid_cup",
            params={"value": value},
        )


def entity_codice_fiscale(number: int, office: int = 15) -> str:
    """A valid 11-digit codice fiscale of a body, for demo and test data.

    Seven digits of serial number, three of the issuing office (1-100), a Luhn check digit.
    """
    base = f"{number % 10_000_000:07d}{office:03d}"
    return base + luhn.calc_check_digit(base)
