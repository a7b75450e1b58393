"""Continents of the world, as the UN statistics division groups countries (M49 regions).

Reports and the open-data page group projects by continent; the grouping is data, so it
lives here once. Codes are ISO 3166-1 alpha-2, as django-countries stores them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Continent(models.TextChoices):
    AFRICA = "africa", _("Africa")
    AMERICAS = "americas", _("Americas")
    ASIA = "asia", _("Asia")
    EUROPE = "europe", _("Europe")
    OCEANIA = "oceania", _("Oceania")


_MEMBERS = {
    Continent.AFRICA: """
        DZ EG LY MA SD TN EH IO BI KM DJ ER ET KE MG MW MU YT MZ RE RW SC SO SS TF UG TZ ZM ZW
        AO CM CF TD CG CD GQ GA ST BW SZ LS NA ZA BJ BF CV CI GM GH GN GW LR ML MR NE NG SH SN SL TG
    """,
    Continent.AMERICAS: """
        AI AG AW BS BB BQ VG KY CU CW DM DO GD GP HT JM MQ MS PR BL KN LC MF VC SX TT TC VI
        BZ CR SV GT HN MX NI PA AR BO BV BR CL CO EC FK GF GY PY PE GS SR UY VE BM CA GL PM US
    """,
    Continent.ASIA: """
        KZ KG TJ TM UZ CN HK MO KP JP MN KR TW BN KH ID LA MY MM PH SG TH TL VN
        AF BD BT IN IR MV NP PK LK AM AZ BH CY GE IQ IL JO KW LB OM QA SA PS SY TR AE YE
    """,
    Continent.EUROPE: """
        BY BG CZ HU PL MD RO RU SK UA AX DK EE FO FI GG IS IE IM IT JE LV LT NO SJ SE GB
        AL AD BA HR GI GR VA ME MK MT PT SM RS SI ES AT BE FR DE LI LU MC NL CH
    """,
    Continent.OCEANIA: """
        AU CX CC HM NZ NF FJ NC PG SB VU GU KI MH FM NR MP PW UM AS CK PF NU PN WS TK TO TV WF
    """,
}

CONTINENT_OF_COUNTRY: dict[str, str] = {
    code: str(continent.value) for continent, codes in _MEMBERS.items() for code in codes.split()
}


def continent_of(country_code: str) -> str:
    """The continent key of an ISO alpha-2 code; '' for Antarctica and unknown codes."""
    return CONTINENT_OF_COUNTRY.get((country_code or "").upper(), "")


def countries_in(continent: str) -> list[str]:
    """The ISO alpha-2 codes of a continent, for filtering querysets (`origin_country__in`)."""
    return sorted(code for code, key in CONTINENT_OF_COUNTRY.items() if key == continent)
