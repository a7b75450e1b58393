"""Two members saving the same draft at the same moment, on PostgreSQL: of saves started from the
same version exactly one is written, the others are refused as conflicts, and a list step ends
with one member's rows, never a mix.

Each thread has its own database connection, so these are separate transactions racing for the
same row, as several web processes would. SQLite serialises every writer: these need PostgreSQL.
"""

import threading
from collections.abc import Callable

import pytest
from django.conf import settings
from django.db import connection, connections

from associations.models import Membership
from associations.tests.factories import MembershipFactory
from cosviluppo.testing import skip_unless_available
from projects.models import Activity, Proposal
from projects.services import EditConflict, proposal_save_step
from projects.tests.factories import ProposalFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 6


@pytest.fixture(autouse=True)
def _postgres_only():
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        skip_unless_available("Concurrency tests need PostgreSQL: set DATABASE_URL=postgres://…")


def run_together(jobs: list[Callable[[], object]]) -> list[tuple[str, object]]:
    """Each job in its own thread, all released at once; ("ok", result) or ("error", exception)."""
    barrier = threading.Barrier(len(jobs), timeout=30)
    outcomes: list[tuple[str, object]] = [("error", RuntimeError("thread did not run"))] * len(jobs)

    def run(index: int, job: Callable[[], object]) -> None:
        try:
            connection.ensure_connection()
            barrier.wait()
            outcomes[index] = ("ok", job())
        except Exception as exc:  # reported to the test, which checks the kind
            outcomes[index] = ("error", exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index, job)) for index, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck (deadlock?)"
    return outcomes


def editors_of(proposal, count):
    return [MembershipFactory(organisation=proposal.lead, role=Membership.Role.EDITOR).user for _ in range(count)]


def test_of_simultaneous_saves_from_one_version_exactly_one_is_written():
    proposal = ProposalFactory(objectives="")
    editors = editors_of(proposal, THREADS)

    def save(index):
        return proposal_save_step(
            proposal=Proposal(pk=proposal.pk),
            step="objectives",
            data={"objectives": f"Versione {index}", "expected_results": ""},
            version=1,
            by=editors[index],
        )

    outcomes = run_together([lambda index=index: save(index) for index in range(THREADS)])

    written = [result for kind, result in outcomes if kind == "ok"]
    refused = [error for kind, error in outcomes if kind == "error"]
    assert len(written) == 1, outcomes
    assert all(isinstance(error, EditConflict) for error in refused), refused
    proposal.refresh_from_db()
    assert proposal.version == 2
    assert proposal.objectives == written[0].proposal.objectives
    assert proposal.last_edited_by == written[0].proposal.last_edited_by


def test_simultaneous_saves_of_rows_leave_one_members_rows():
    proposal = ProposalFactory()
    editors = editors_of(proposal, THREADS)

    def save(index):
        rows = [
            {
                "territory": "origin",
                "title": f"Attività {index}.{n}",
                "description": "",
                "start_month": 1,
                "end_month": 2,
            }
            for n in range(3)
        ]
        return proposal_save_step(
            proposal=Proposal(pk=proposal.pk), step="activities", data=rows, version=1, by=editors[index]
        )

    outcomes = run_together([lambda index=index: save(index) for index in range(THREADS)])

    written = [result for kind, result in outcomes if kind == "ok"]
    assert len(written) == 1, outcomes
    titles = sorted(Activity.objects.filter(proposal=proposal).values_list("title", flat=True))
    prefixes = {title.split(".")[0] for title in titles}
    assert len(titles) == 3 and len(prefixes) == 1
