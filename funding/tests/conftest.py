"""Fixtures of the funding tests: English pages and messages, and a demo-like ranked call."""

import pytest
from django.utils import translation

from funding.tests.factories import ranked_call


@pytest.fixture(autouse=True)
def _english():
    """Messages compared by the tests are the English source text, whatever the catalogue says."""
    with translation.override("en"):
        yield


@pytest.fixture
def client(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def demo(db):
    """A call under evaluation: criteria A-C, three funders (€ 250,000), eight ranked proposals, two not fundable."""
    return ranked_call()
