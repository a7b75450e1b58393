"""Fixtures of the calls tests: a draft that passes every publication check, and form-data helpers."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.utils import translation

from calls.tests.factories import make_publishable_call

ROME = ZoneInfo("Europe/Rome")


@pytest.fixture(autouse=True)
def _english():
    """Messages compared by the tests are the English source text, whatever the catalogue says."""
    with translation.override("en"):
        yield


@pytest.fixture
def client(client):
    """Pages in English, so the tests can compare the English source text."""
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def publishable_call(db):
    """A complete draft: weights add up to 100, commitments to the announced budget, dates ahead."""
    return make_publishable_call()


def page_data(context) -> dict:
    """What a browser would post back from the edit page as rendered: every field's current value."""
    data: dict = {}
    page_forms = [context["form"]] if context["form"] is not None else []
    for _title, formset in context["parts"]:
        page_forms.append(formset.management_form)
        page_forms.extend(formset)
    for form in page_forms:
        for field in form:
            if isinstance(field.field.widget, forms.FileInput):
                continue
            value = field.value()
            if value is None or value is False or value == "":
                continue
            if value is True:
                value = "on"
            elif isinstance(value, datetime):
                value = value.strftime("%Y-%m-%dT%H:%M")
            elif isinstance(value, list | tuple):
                value = [str(item) for item in value]
            else:
                value = str(value)
            data[field.html_name] = value
    return data
