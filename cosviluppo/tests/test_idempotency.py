"""cosviluppo.lib.idempotency: one row per form token, also when two posts race."""

import uuid

import pytest

from calls.models import CallQuestion
from calls.tests.factories import CallFactory
from cosviluppo.lib.idempotency import OneTimeFormMixin, save_once

pytestmark = pytest.mark.django_db


def question(call, text="Domanda?"):
    return CallQuestion(call=call, question=text)


def test_the_first_save_writes_and_the_second_returns_the_first_row():
    call = CallFactory()
    token = uuid.uuid4()

    first, created = save_once(question(call), form_token=token)
    again, created_again = save_once(question(call, "Altro testo"), form_token=token)

    assert created and not created_again
    assert again.pk == first.pk and again.question == "Domanda?"
    assert CallQuestion.objects.count() == 1


def test_the_post_that_loses_the_race_gets_the_winners_row(monkeypatch):
    """The other post inserted between this one's look-up and its insert: the unique column refuses
    the second row, inside a savepoint, and the row written first comes back."""
    call = CallFactory()
    token = uuid.uuid4()
    winner = CallQuestion.objects.create(call=call, question="Domanda?", form_token=token)
    manager = CallQuestion._default_manager
    real_filter = manager.filter
    looked = []

    def not_yet_there_at_first(*args, **kwargs):
        found = real_filter(*args, **kwargs)
        if not looked:
            looked.append(True)
            return found.none()
        return found

    monkeypatch.setattr(manager, "filter", not_yet_there_at_first)

    row, created = save_once(question(call), form_token=token)

    assert not created and row.pk == winner.pk
    assert CallQuestion.objects.count() == 1


def test_without_a_token_every_save_writes():
    call = CallFactory()
    save_once(question(call), form_token=None)
    save_once(question(call), form_token=None)
    assert CallQuestion.objects.count() == 2


def test_the_form_carries_a_new_token_each_time_and_keeps_the_posted_one():
    class Form(OneTimeFormMixin):
        pass

    shown = [Form()["form_token"].value() for _ in range(2)]
    assert shown[0] != shown[1]
    posted = Form({"form_token": str(shown[0])})
    assert posted.is_valid() and posted.cleaned_data["form_token"] == uuid.UUID(shown[0])
