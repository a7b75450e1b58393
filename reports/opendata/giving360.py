"""The grants as a 360Giving Data Standard 1.4 package (JSON).

One grant record per award, as the Comune decided it: the Comune runs the call, signs the grant
agreement and pays the installments, so it is the grant maker of record and comes first in
`fundingOrganization`. The co-funders whose commitments the award draws on follow it, and the
split is kept exactly: one `commitmentTransaction` per funder share, with the funder's org-id as
`provider`, so the commitments add up to `amountAwarded` and each funder's total can be read back.
(USAGE.md's alternative, one record per funder, would have to invent a per-funder split of every
installment paid; a single record keeps the paid installments as they are.)
"""

from collections.abc import Iterator

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_countries import countries

from cosviluppo.lib.emails import absolute_url
from cosviluppo.lib.money import ZERO

from . import CHUNK_SIZE, CURRENCY, SECTOR_CODE, SECTOR_TITLE, SECTOR_VOCABULARY_360, document_language, license_url
from .formats import buffered, iso_date, iso_datetime, to_json
from .identifiers import giving360_org_id, grant_identifier
from .selectors import Publisher, grant_last_modified, opendata_grants, opendata_last_modified, opendata_publisher

SCHEMA_VERSION = "1.4"
# locationScope codelist (closed): the projects act in a locality abroad and in Milan.
LOCAL_AREA = "GLS060"
UNDEFINED_SCOPE = "GLS099"


def organisation_page(organisation) -> str:
    """The organisation's public page, when it has one."""
    if organisation.has_public_page:
        return absolute_url(reverse("associations:organisation", kwargs={"pk": organisation.pk}))
    return ""


def recipient(organisation) -> dict:
    record = {"id": giving360_org_id(organisation), "name": organisation.legal_name}
    if organisation.seat_city:
        record["addressLocality"] = organisation.seat_city
    if organisation.seat_region:
        record["addressRegion"] = organisation.seat_region
    if organisation.seat_country:
        record["addressCountry"] = countries.name(organisation.seat_country.code)
    url = organisation_page(organisation)
    if url:
        record["url"] = url
    return record


def funding_organisations(proposal, publisher: Publisher) -> list[dict]:
    """The Comune (grant maker of record, with the office that ran the call), then the co-funders."""
    owner = {"id": publisher.identifier, "name": publisher.name}
    if proposal.call.responsible_office:
        owner["department"] = proposal.call.responsible_office
    funders = [owner]
    seen = {publisher.organisation.pk}
    for share in proposal.award.funder_shares:
        funder = share.commitment.funder
        if funder.pk not in seen:
            seen.add(funder.pk)
            funders.append({"id": giving360_org_id(funder), "name": funder.legal_name})
    return funders


def beneficiary_locations(proposal) -> list[dict]:
    """Both territories: the place in the country of origin and the one in Italy."""
    locations = []
    if proposal.origin_country:
        place = ", ".join(part for part in (proposal.origin_city, proposal.origin_region) if part)
        locations.append(
            {
                "name": place or countries.name(proposal.origin_country.code),
                "countryCode": proposal.origin_country.code,
            }
        )
    italian_place = proposal.residence_municipality or proposal.residence_region
    if italian_place:
        locations.append({"name": italian_place, "countryCode": "IT"})
    return locations


def description(proposal) -> str:
    if proposal.summary.strip():
        return proposal.summary
    where = ", ".join(
        part
        for part in (
            countries.name(proposal.origin_country.code) if proposal.origin_country else "",
            proposal.residence_municipality,
        )
        if part
    )
    return _("Co-development project led by %(association)s (%(where)s).") % {
        "association": proposal.lead.legal_name,
        "where": where,
    }


def grant_record(proposal, publisher: Publisher) -> dict:
    award = proposal.award
    grant_id = grant_identifier(proposal)
    recipient_id = giving360_org_id(proposal.lead)
    award_date = iso_date(award.decided_at)
    paid = award.paid_installments
    record = {
        "id": grant_id,
        "title": proposal.title,
        "description": description(proposal),
        "currency": CURRENCY,
    }
    if proposal.amount_requested is not None:
        record["amountAppliedFor"] = proposal.amount_requested
    record["amountAwarded"] = award.amount_granted
    record["amountDisbursed"] = sum((installment.amount for installment in paid), ZERO)
    record["awardDate"] = award_date
    if proposal.start_date or proposal.duration_months:
        planned = {}
        if proposal.start_date:
            planned["startDate"] = iso_date(proposal.start_date)
        if proposal.end_date:
            planned["endDate"] = iso_date(proposal.end_date)
        if proposal.duration_months:
            planned["duration"] = proposal.duration_months
        record["plannedDates"] = [planned]
    record["recipientOrganization"] = [recipient(proposal.lead)]
    locations = beneficiary_locations(proposal)
    if locations:
        record["beneficiaryLocation"] = locations
    record["locationScope"] = LOCAL_AREA if proposal.origin_city else UNDEFINED_SCOPE
    record["fundingOrganization"] = funding_organisations(proposal, publisher)
    record["grantProgramme"] = [
        {
            "code": proposal.call.code,
            "title": proposal.call.title_it,
            "url": absolute_url(proposal.call.get_absolute_url()),
        }
    ]
    record["fromOpenCall"] = "Yes"
    record["classifications"] = [{"vocabulary": SECTOR_VOCABULARY_360, "code": SECTOR_CODE, "title": SECTOR_TITLE}]
    record["commitmentTransaction"] = [
        {
            "id": f"{grant_id}-C{share.commitment_id}",
            "transactionDate": award_date,
            "currency": CURRENCY,
            "value": share.amount,
            "provider": giving360_org_id(share.commitment.funder),
            "recipient": recipient_id,
        }
        for share in award.funder_shares
    ]
    if paid:
        record["disbursementTransaction"] = [
            {
                "id": f"{grant_id}-D{installment.sequence}",
                "transactionDate": iso_date(installment.paid_on),
                "currency": CURRENCY,
                "value": installment.amount,
                "description": installment.label,
                "recipient": recipient_id,
            }
            for installment in paid
        ]
    record["dateModified"] = iso_datetime(grant_last_modified(proposal))
    record["dataSource"] = absolute_url(reverse("reports:opendata"))
    return record


def package_metadata(publisher: Publisher) -> dict:
    metadata = {
        "version": SCHEMA_VERSION,
        "title": _("Co-development grants of %(publisher)s") % {"publisher": publisher.name},
        "publisher": {
            "name": publisher.name,
            "identifier": publisher.identifier,
            "website": absolute_url("/"),
        },
        "license": license_url(),
        "downloadURL": absolute_url(reverse("reports:opendata-360giving")),
        "accessURL": absolute_url(reverse("reports:opendata")),
    }
    modified = opendata_last_modified()
    if modified is not None:
        metadata["modified"] = iso_datetime(modified)
    return metadata


def giving360_chunks(publisher: Publisher) -> Iterator[str]:
    """The package as text pieces: the metadata, then the grants one per line."""
    with translation.override(document_language()):
        head = to_json(package_metadata(publisher))
    yield head[:-1] + ',"grants":[\n'
    separator = ""
    for proposal in opendata_grants().iterator(chunk_size=CHUNK_SIZE):
        # The language is set per grant, not across the yield: the caller's language is back
        # whenever control returns to it.
        with translation.override(document_language()):
            line = to_json(grant_record(proposal, publisher))
        yield separator + line
        separator = ",\n"
    yield "\n]}\n"


def giving360_bytes(publisher: Publisher | None = None) -> Iterator[bytes]:
    """The UTF-8 bytes of the package, for a streaming response or a file.

    Raises PublisherMissing (before anything is produced) when the Comune is not registered.
    """
    publisher = publisher or opendata_publisher()
    return buffered(giving360_chunks(publisher))
