"""Open data: the programme's grants published in three forms.

- `giving360`: a 360Giving Data Standard 1.4 package (JSON), one grant per award;
- `iati`: an IATI 2.03 activity file (XML), one activity per funded project;
- `transparency`: the grants that D.Lgs. 33/2013 art. 26-27 makes a public body publish
  ("Atti di concessione"), as CSV and as a public page.

All three read the same rows (`selectors.opendata_grants`) a chunk at a time, so a large
programme is streamed with bounded memory and a fixed number of queries per chunk. The
documents depend on the data only (timestamps come from the rows, never from the clock, and
every text is rendered in the portal's default language), so the HTTP response and the
management command give the same bytes for the same data.

Identifier and role decisions are explained where they are made: `identifiers.py` (org-ids,
grant and activity identifiers) and `iati.py` (participating-org roles, transactions).
"""

from django.conf import settings

# Rows fetched (and prefetched) per round trip while streaming: memory stays bounded by one chunk,
# and up to this many grants the whole export costs a fixed number of queries.
CHUNK_SIZE = 500

# The published data are under CC BY 4.0, the default licence of Italian public bodies' open data
# (AgID guidelines); a deployment may name another one with the OPEN_DATA_LICENSE setting.
DEFAULT_LICENSE = "https://creativecommons.org/licenses/by/4.0/"

# 360Giving assigns each publisher a prefix starting with "360G-"; until the programme owner
# registers one, this placeholder keeps the identifiers well formed (OPEN_DATA_360G_PREFIX).
DEFAULT_360G_PREFIX = "360G-cosviluppo"

# OECD DAC CRS purpose code of every co-development project: "Facilitation of orderly, safe,
# regular and responsible migration and mobility" (IATI Sector codelist, vocabulary 1).
SECTOR_CODE = "15190"
SECTOR_TITLE = "Facilitation of orderly, safe, regular and responsible migration and mobility"
SECTOR_VOCABULARY_360 = "OECD DAC CRS purpose codes"

CURRENCY = "EUR"


def license_url() -> str:
    return getattr(settings, "OPEN_DATA_LICENSE", "") or DEFAULT_LICENSE


def grant_id_prefix() -> str:
    return getattr(settings, "OPEN_DATA_360G_PREFIX", "") or DEFAULT_360G_PREFIX


def document_language() -> str:
    """Texts inside the documents (country names, generated descriptions) use one language,
    whoever asks for them: the portal's default one."""
    return settings.LANGUAGE_CODE
