"""One row per form: posting the same form twice stores what it says once.

A form that creates a row from typed text (a message of a proposal's thread, a question about a
call) carries a random token, new each time the page shows the form empty (OneTimeFormMixin).
The service stores it with the row, in a unique column (form_token_field): the same form posted
again (a double click, a second request 0.3 s later, a browser resending after a timeout) finds
the row already written and gets it back instead of writing a second one (save_once), and the
view answers as for the first post. The database's unique constraint decides between two posts
that arrive together. A post without a token (a page built before the token existed) is stored
as before.

Proposal submission needs no token: it changes the proposal's status under a row lock, so a
second submission finds it already submitted (projects.services.submission).
"""

import uuid
from typing import TypeVar

from django import forms
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext_lazy as _

_Row = TypeVar("_Row", bound=models.Model)


def form_token_field() -> models.UUIDField:
    """The column that keeps the token of the form that created the row."""
    return models.UUIDField(_("form token"), null=True, blank=True, unique=True, editable=False)


class OneTimeFormMixin(forms.Form):
    """A hidden, new token each time the form is shown empty; the form posted back keeps its own."""

    form_token = forms.UUIDField(widget=forms.HiddenInput, required=False, initial=uuid.uuid4)


def save_once(row: _Row, *, form_token: uuid.UUID | None) -> tuple[_Row, bool]:
    """Save the new `row` with the form's token, unless that form already saved one: returns the
    row saved and True, or the row saved before and False (nothing written)."""
    manager = type(row)._default_manager
    if form_token is not None:
        earlier = manager.filter(form_token=form_token).first()
        if earlier is not None:
            return earlier, False
        row.form_token = form_token  # type: ignore[attr-defined]  # the rows that use this have the field
    try:
        # A savepoint: if the same form's other post inserts first, only this insert is undone.
        with transaction.atomic():
            row.save()
    except IntegrityError:
        earlier = manager.filter(form_token=form_token).first() if form_token is not None else None
        if earlier is None:
            raise
        return earlier, False
    return row, True
