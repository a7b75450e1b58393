"""The same message form posted several times at the same moment, on PostgreSQL: one message is
stored, every post gets it back. Each thread has its own connection, as separate web processes
would; SQLite serialises writers, so this needs PostgreSQL."""

import uuid

import pytest
from django.conf import settings

from cosviluppo.testing import skip_unless_available
from evaluation.models import ProposalMessage
from evaluation.services import proposal_message_post
from projects.tests.test_editing_concurrency import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        skip_unless_available("Concurrency tests need PostgreSQL: set DATABASE_URL=postgres://…")


def test_simultaneous_posts_of_one_form_store_one_message(proposal, officer):
    token = uuid.uuid4()

    def post():
        return proposal_message_post(proposal=proposal, body="Serve la firma.", by=officer, form_token=token).pk

    outcomes = run_together([post] * 5)

    assert [kind for kind, _result in outcomes] == ["ok"] * 5, outcomes
    assert len({pk for _kind, pk in outcomes}) == 1
    assert ProposalMessage.objects.count() == 1
