"""Identifiers in the open data, following each standard's rules.

Organisations (both standards use the org-id.guide list of registration agencies):
- a body with an Italian codice fiscale is `IT-CF-<11 digits>`: IT-CF is the primary org-id.guide
  list for Italy (companies, associations, foundations, public bodies) and is on IATI's
  OrganisationRegistrationAgency codelist;
- a 16-character codice fiscale belongs to a natural person: it is never published, so such an
  organisation (and a partner abroad, which has no Italian code) gets no registry identifier.
  360Giving then takes the publisher's own `360G-<prefix>-ORG-<id>`, as its identifier guidance
  says; IATI gets a name only (a participating or receiving organisation may have a narrative
  instead of a ref, rule 6.10.1).

Grants and activities are named after the proposal's protocol number (`COSV-2011-0007`), which
carries the call edition, is unique across calls and never changes after submission:
- 360Giving grant: `<360G prefix>-<protocol>`, e.g. `360G-cosviluppo-COSV-2011-0007`;
- IATI activity: `<reporting-org ref>-<protocol>`, e.g. `IT-CF-<the Comune's codice fiscale>-COSV-2011-0007`
  (rule 1.1.21: the reporting organisation's identifier, a hyphen, our own id).
"""

import re

from . import grant_id_prefix

ORG_ID_PREFIX = "IT-CF"
# The codice fiscale of a body: 11 digits. A person's has 16 characters and is never published.
BODY_CODICE_FISCALE = re.compile(r"^[0-9]{11}$")


def body_codice_fiscale(organisation) -> str:
    """The organisation's codice fiscale if it is a body's; empty for a person's or none."""
    code = organisation.codice_fiscale or ""
    return code if BODY_CODICE_FISCALE.match(code) else ""


def registry_org_id(organisation) -> str | None:
    """`IT-CF-<codice fiscale>`, or None when the organisation has no body's tax code."""
    code = body_codice_fiscale(organisation)
    return f"{ORG_ID_PREFIX}-{code}" if code else None


def giving360_org_id(organisation) -> str:
    """A registry org-id, or else one under the publisher's own 360G prefix."""
    return registry_org_id(organisation) or f"{grant_id_prefix()}-ORG-{organisation.pk}"


def local_grant_id(proposal) -> str:
    """The proposal's protocol number: the call code, a hyphen, a 4-digit sequence."""
    if proposal.protocol_number:
        return proposal.protocol_number
    return f"{proposal.call.code}-P{proposal.pk}"


def grant_identifier(proposal) -> str:
    return f"{grant_id_prefix()}-{local_grant_id(proposal)}"


def activity_identifier(reporting_org_ref: str, proposal) -> str:
    return f"{reporting_org_ref}-{local_grant_id(proposal)}"
