"""Who may ask for reports. Staff ask for any report; members of a funder for their funder's data.

Which runs a user sees is a read (reports.selectors.report_runs_for), scoped by the same rule.
"""

from typing import Any

from cosviluppo.lib.permissions import is_staff_officer
from funding.permissions import is_funder_member


def can_ask_for_reports(user: Any, obj: object = None) -> bool:
    """Staff ask for any report; funder members for their own funder's data."""
    return is_staff_officer(user) or is_funder_member(user)
