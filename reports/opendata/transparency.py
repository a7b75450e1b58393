"""The grants a public body must publish under D.Lgs. 33/2013, art. 26-27 ("Atti di concessione").

Art. 27 c.1 asks, for each grant: the beneficiary's name and tax data, the amount, the legal
basis, the responsible office and official, the method used to select the beneficiary and a link
to the selected project; art. 27 c.2 asks for an open, tabular format. We add the CUP, the
decision date, the call and the protocol number.

The beneficiary is always the lead association (a body): its own codice fiscale is published,
never a person's (a 16-character code is left out, as the Garante's guidelines on transparency
require of personal data, delib. 243/2014).
"""

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cosviluppo.lib.emails import absolute_url
from cosviluppo.lib.spreadsheets import csv_row
from projects.models import Proposal

from . import CHUNK_SIZE, document_language
from .formats import buffered, iso_date, money
from .identifiers import body_codice_fiscale, local_grant_id
from .selectors import published_grants

# The CSV's columns: stable, language-neutral names (the public page shows translated headings),
# so a program reading the file does not break when the portal's language changes.
CSV_HEADER = [
    "beneficiary",
    "beneficiary_tax_code",
    "amount_eur",
    "legal_basis",
    "responsible_office",
    "responsible_official",
    "selection_method",
    "project_url",
    "project_title",
    "cup",
    "decision_date",
    "call_code",
    "protocol_number",
]


@dataclass(frozen=True)
class TransparencyRow:
    beneficiary: str
    beneficiary_tax_code: str
    amount_eur: Decimal
    legal_basis: str
    responsible_office: str
    responsible_official: str
    selection_method: str
    project_url: str
    project_title: str
    cup: str
    decision_date: date
    call_code: str
    protocol_number: str

    def csv_values(self) -> list[str]:
        """Money to the cent, ISO dates; names and titles that would start a formula neutralised."""
        return csv_row((getattr(self, name) for name in CSV_HEADER), figure=_csv_figure)


def _csv_figure(value: Decimal | date | None) -> str:
    if value is None:
        return ""
    return money(value) if isinstance(value, Decimal) else iso_date(value)


def transparency_grants() -> QuerySet:
    """The funded projects with their award, the latest decisions first: the awards of calls whose
    results are published (the act granting them is final once the funders signed it off)."""
    return (
        published_grants()
        .select_related("call", "lead", "award")
        .only(
            "pk",
            "title",
            "cup",
            "rank",
            "protocol_number",
            "protocol_sequence",
            "call__code",
            "call__title_it",
            "call__title_en",
            "call__legal_basis",
            "call__responsible_office",
            "call__responsible_official",
            "lead__legal_name",
            "lead__codice_fiscale",
            "lead__kind",
            "lead__verification_status",
            "award__amount_granted",
            "award__decided_at",
            "award__proposal",
        )
        .order_by("-award__decided_at", "call__code", "protocol_sequence", "pk")
    )


def project_url(proposal: Proposal) -> str:
    """The association's public page (there is no public project page); the call's page for an
    association not listed in the directory."""
    lead = proposal.lead
    if lead.has_public_page:
        return absolute_url(reverse("associations:organisation", kwargs={"pk": lead.pk}))
    return absolute_url(proposal.call.get_absolute_url())


def selection_method(proposal: Proposal) -> str:
    """E.g. "Public call COSV-2011 “Milano per il co-sviluppo”, ranking approved on 21/10/2011"."""
    values = {
        "code": proposal.call.code,
        "title": proposal.call.title,
        "date": timezone.localdate(proposal.award.decided_at).strftime("%d/%m/%Y"),
        "rank": proposal.rank,
    }
    if proposal.rank:
        return _("Public call %(code)s “%(title)s”, ranking approved on %(date)s (position %(rank)s)") % values
    return _("Public call %(code)s “%(title)s”, ranking approved on %(date)s") % values


def transparency_row(proposal: Proposal) -> TransparencyRow:
    call, award = proposal.call, proposal.award
    return TransparencyRow(
        beneficiary=proposal.lead.legal_name,
        beneficiary_tax_code=body_codice_fiscale(proposal.lead),
        amount_eur=award.amount_granted,
        legal_basis=call.legal_basis,
        responsible_office=call.responsible_office,
        responsible_official=call.responsible_official,
        selection_method=selection_method(proposal),
        project_url=project_url(proposal),
        project_title=proposal.title,
        cup=proposal.cup,
        decision_date=timezone.localdate(award.decided_at),
        call_code=call.code,
        protocol_number=local_grant_id(proposal),
    )


def transparency_rows(proposals: Iterable[Proposal]) -> list[TransparencyRow]:
    return [transparency_row(proposal) for proposal in proposals]


class _Line:
    """A file-like object for csv.writer that hands back what is written instead of storing it."""

    def write(self, text: str) -> str:
        return text


def transparency_csv_chunks() -> Iterator[str]:
    writer = csv.writer(_Line())
    # The byte order mark lets spreadsheet programs recognise UTF-8 (accented names).
    yield "\ufeff" + writer.writerow(CSV_HEADER)
    for proposal in transparency_grants().iterator(chunk_size=CHUNK_SIZE):
        with translation.override(document_language()):
            row = transparency_row(proposal)
        yield writer.writerow(row.csv_values())


def transparency_csv_bytes() -> Iterator[bytes]:
    return buffered(transparency_csv_chunks())
