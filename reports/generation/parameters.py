"""What a report covers: the parameters stored on a ReportRun, checked and turned into querysets.

The parameters are a JSON-serialisable dict (ReportRun.parameters):

- ``calls``: call codes; empty means every call whose results are published;
- ``date_from`` / ``date_to``: ISO dates, inclusive, on the proposals' **submission date**
  (Europe/Rome); they narrow the proposals, their budget lines, awards and funder shares, never
  the commitments (a commitment belongs to the whole call);
- ``funder``: an Organisation pk; the report then holds that funder's own data only: its
  commitments, the projects it co-funds and its shares of them;
- ``country``: ISO 3166-1 alpha-2 code of the proposals' country of origin.

Only calls whose results are published (results published or archived) are ever counted:
before, a decision may still change and the funders have not signed it off.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from associations.models import Organisation
from calls.models import Call, FunderCommitment
from projects.models import BudgetLine, FunderShare, Proposal

KINDS = ("funding", "country")
FORMATS = ("csv", "xlsx", "pdf")
PARAMETER_KEYS = ("calls", "date_from", "date_to", "funder", "country")


def reportable_calls() -> QuerySet[Call]:
    """The calls a report may cover: their results are published."""
    return Call.objects.results_published()


@dataclass(frozen=True)
class ReportScope:
    """Checked parameters, and the rows they select."""

    call_ids: tuple[int, ...]
    call_codes: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    funder: Organisation | None = None
    country: str = ""
    raw: dict = field(default_factory=dict)

    # --- querysets (each one aggregate or streamed by the sections) ---------------------------

    def commitments(self) -> QuerySet[FunderCommitment]:
        found = FunderCommitment.objects.filter(call_id__in=self.call_ids)
        if self.funder is not None:
            found = found.filter(funder=self.funder)
        return found

    def proposals_received(self) -> QuerySet[Proposal]:
        """Submitted proposals (not drafts nor withdrawn) in the calls and dates covered."""
        found = Proposal.objects.submitted().filter(call_id__in=self.call_ids)
        if self.date_from is not None:
            found = found.filter(submitted_at__gte=_start_of(self.date_from))
        if self.date_to is not None:
            found = found.filter(submitted_at__lt=_start_of(self.date_to + timedelta(days=1)))
        if self.country:
            found = found.filter(origin_country=self.country)
        return found

    def funded(self) -> QuerySet[Proposal]:
        """Funded projects covered; for a funder, the ones it has a share in (at most one each)."""
        found = self.proposals_received().funded()
        if self.funder is not None:
            found = found.filter(award__shares__commitment__funder=self.funder)
        return found

    def budget_lines(self) -> QuerySet[BudgetLine]:
        return BudgetLine.objects.filter(proposal__in=self.funded().values("pk"))

    def shares(self) -> QuerySet[FunderShare]:
        found = FunderShare.objects.filter(award__proposal__in=self.funded().values("pk"))
        if self.funder is not None:
            found = found.filter(commitment__funder=self.funder)
        return found

    def describe(self) -> list[tuple[str, str]]:
        """The parameters as (label, value) lines, for the report's first section."""
        every = _("all")
        return [
            (_("Call editions"), ", ".join(self.call_codes) or _("none")),
            (_("Proposals submitted from"), self.date_from.isoformat() if self.date_from else every),
            (_("Proposals submitted until"), self.date_to.isoformat() if self.date_to else every),
            (_("Funder"), self.funder.legal_name if self.funder else every),
            (_("Country of origin"), f"{self.country} – {countries.name(self.country)}" if self.country else every),
        ]


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def _date(value, key: str, errors: dict) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        errors.setdefault(key, []).append(_("Enter a date as YYYY-MM-DD."))
        return None


def check_kind_and_format(kind: str, fmt: str) -> None:
    errors = {}
    if kind not in KINDS:
        errors["kind"] = [_("There is no report of the kind “%(kind)s”.") % {"kind": kind}]
    if fmt not in FORMATS:
        errors["format"] = [_("Reports are written as CSV, XLSX or PDF, not “%(format)s”.") % {"format": fmt}]
    if errors:
        raise ValidationError(errors)


def report_scope(parameters: dict) -> ReportScope:
    """Check `parameters` and resolve them; ValidationError (by parameter) with plain, translated
    messages otherwise."""
    errors: dict[str, list[str]] = {}
    if not isinstance(parameters, dict):
        raise ValidationError(_("The report parameters are not readable."))
    unknown = sorted(set(parameters) - set(PARAMETER_KEYS))
    if unknown:
        errors["__all__"] = [_("Unknown report parameters: %(names)s.") % {"names": ", ".join(unknown)}]

    codes = parameters.get("calls") or []
    if isinstance(codes, str) or not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
        errors["calls"] = [_("Give the call editions as a list of codes.")]
        codes = []
    calls = reportable_calls()
    if codes:
        found = dict(calls.filter(code__in=codes).values_list("code", "pk"))
        missing = [code for code in codes if code not in found]
        if missing:
            errors["calls"] = [
                _("These call editions do not exist or their results are not published yet: %(codes)s.")
                % {"codes": ", ".join(missing)}
            ]
        selected = sorted(found.items())
    else:
        selected = sorted(calls.values_list("code", "pk"))

    date_from = _date(parameters.get("date_from"), "date_from", errors)
    date_to = _date(parameters.get("date_to"), "date_to", errors)
    if date_from and date_to and date_from > date_to:
        errors.setdefault("date_to", []).append(_("The end of the period comes before its start."))

    funder = None
    funder_pk = parameters.get("funder")
    if funder_pk not in (None, ""):
        try:
            funder = Organisation.objects.funders().get(pk=int(funder_pk))
        except (TypeError, ValueError, Organisation.DoesNotExist):
            errors["funder"] = [_("This organisation is not a funder of the programme.")]

    country = str(parameters.get("country") or "").upper()
    if country and country not in dict(countries):
        errors["country"] = [_("“%(code)s” is not a country code (ISO 3166-1, two letters).") % {"code": country}]

    if errors:
        raise ValidationError(errors)
    if funder is not None:
        # A funder's own data: only the calls it put money into.
        funded_calls = set(FunderCommitment.objects.filter(funder=funder).values_list("call_id", flat=True))
        selected = [(code, pk) for code, pk in selected if pk in funded_calls]
    return ReportScope(
        call_ids=tuple(pk for _code, pk in selected),
        call_codes=tuple(code for code, _pk in selected),
        date_from=date_from,
        date_to=date_to,
        funder=funder,
        country=country,
        raw=dict(parameters),
    )
