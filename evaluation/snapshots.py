"""Snapshots of a proposal's sections, to record what a request for clarification changed.

A snapshot is plain JSON (strings, numbers, lists): the fields of each section of the form
(projects.steps keys) and, for the sections made of lines (activities, partners, budget,
indicators, attachments), one entry per line. Taken when the request is made and again
when it closes; `snapshot_differences` names what differs, section by section.
"""

from __future__ import annotations

from typing import Any

from projects.models import Proposal
from projects.steps import STEP_KEYS

# Fields of the proposal row shown in each step of the form.
SECTION_FIELDS: dict[str, tuple[str, ...]] = {
    "summary": ("title", "acronym", "summary", "theme", "duration_months"),
    "territories": (
        "origin_country",
        "origin_region",
        "origin_city",
        "origin_context",
        "residence_municipality",
        "residence_region",
        "residence_context",
    ),
    "objectives": ("objectives", "expected_results"),
    "beneficiaries": (
        "beneficiaries_origin",
        "beneficiaries_origin_description",
        "beneficiaries_residence",
        "beneficiaries_residence_description",
    ),
    "sustainability": ("sustainability",),
}

# Sections made of lines: the related name and the fields of each line.
SECTION_LINES: dict[str, tuple[str, tuple[str, ...]]] = {
    "activities": ("activities", ("territory", "title", "description", "start_month", "end_month")),
    "partners": ("partners", ("organisation_id", "role", "response", "contribution")),
    "budget": (
        "budget_lines",
        (
            "category",
            "territory",
            "description",
            "total_cost",
            "amount_requested",
            "cofinancing_own",
            "cofinancing_other",
        ),
    ),
    "indicators": ("indicators", ("name", "territory", "baseline", "target")),
    "attachments": ("attachments", ("title", "file", "size", "required_attachment_id")),
}


def _plain(value: Any) -> Any:
    """A JSON-friendly value: numbers and text stay, everything else becomes its text."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if hasattr(value, "name") and hasattr(value, "storage"):  # a FieldFile
        return value.name or ""
    if hasattr(value, "code"):  # a django-countries Country
        return value.code or ""
    return str(value)


def proposal_snapshot(proposal: Proposal, sections: list[str]) -> dict[str, Any]:
    """The current content of `sections` of the proposal (one query per section made of lines)."""
    snapshot: dict[str, Any] = {}
    for section in sections:
        if section in SECTION_FIELDS:
            snapshot[section] = {name: _plain(getattr(proposal, name, None)) for name in SECTION_FIELDS[section]}
        elif section in SECTION_LINES:
            related, fields = SECTION_LINES[section]
            rows = getattr(proposal, related).order_by("pk")
            snapshot[section] = [
                {"id": row.pk, **{name: _plain(getattr(row, name, None)) for name in fields}} for row in rows
            ]
    return snapshot


def snapshot_differences(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, list]]:
    """Per section that changed: the fields that differ, and the ids of the lines added, removed, changed."""
    changed: dict[str, dict[str, list]] = {}
    for section in [key for key in STEP_KEYS if key in before or key in after]:
        old, new = before.get(section), after.get(section)
        if old == new:
            continue
        if isinstance(old, dict) and isinstance(new, dict):
            changed[section] = {"fields": [name for name in new if old.get(name) != new.get(name)]}
            continue
        old_rows = {row["id"]: row for row in old or []}
        new_rows = {row["id"]: row for row in new or []}
        changed[section] = {
            "added": sorted(set(new_rows) - set(old_rows)),
            "removed": sorted(set(old_rows) - set(new_rows)),
            "changed": sorted(pk for pk in set(old_rows) & set(new_rows) if old_rows[pk] != new_rows[pk]),
        }
    return changed
