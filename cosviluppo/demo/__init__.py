"""The demo dataset: the three historical Milan calls, their funders and projects,
and the calls of the last months, for `manage.py seed_demo`.

Everything here is fictional except what history records: the calls' names,
dates, budgets and legal basis, the 20 countries of the programme, and the names
of the Comune di Milano, Fondazione Cariplo and the 13 banking institutions of
the partnership it coordinated (domain notes §1.2-1.3, §6). No amount is ever
attributed to a named bank: the banks appear only as members of the partnership.

State changes go through the services (calls.services, projects.services,
associations.services) so the audit tables read like a real history; big child
tables (budget lines, scores, installments) are written with bulk_create. The
services that announce their changes by e-mail are called with notify=False: the
people are fictional and the history is past, so nothing is written to the outbox.

The load is deterministic: one random.Random with a fixed seed, drawn from in the order
of the story (load.load_story), and the wall clock only decides the dates of the calls
of the last months (one open today, one waiting for the admissibility check, one being
evaluated).

The story, one module per part: reference and call_reference (data), people (the cast),
editions (the historical calls), current (the calls in progress), records (the rows every
call and proposal needs), summary (what seed_demo prints); context carries what they share.
"""

from .call_reference import SAMPLE_PROJECTS
from .errors import DemoDataError, DemoLoadRefused
from .load import demo_is_loaded, demo_load
from .reference import (
    APPLICANT_ASSOCIATION,
    CARIPLO,
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    FICTIONAL_FUNDER,
    FORUM,
    FORUM_MEMBERS,
    PARTNERSHIP,
    PARTNERSHIP_BANKS,
    PROGRAMME_COUNTRIES,
)
from .summary import demo_summary

__all__ = [
    "APPLICANT_ASSOCIATION",
    "CARIPLO",
    "DEMO_ACCOUNTS",
    "DEMO_PASSWORD",
    "DEMO_TOTP_SECRET",
    "FICTIONAL_FUNDER",
    "FORUM",
    "FORUM_MEMBERS",
    "PARTNERSHIP",
    "PARTNERSHIP_BANKS",
    "PROGRAMME_COUNTRIES",
    "SAMPLE_PROJECTS",
    "DemoDataError",
    "DemoLoadRefused",
    "demo_is_loaded",
    "demo_load",
    "demo_summary",
]
