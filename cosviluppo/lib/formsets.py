"""Formsets whose size a forged form cannot blow up.

Every formset of the portal sets `max_num`, `absolute_max` (equal: Django never builds more forms
than that, whatever the posted TOTAL_FORMS claims) and `validate_max=True` (a post claiming more is
invalid, with the formset's "too_many_forms" message). The pages never offer more rows than the
limit, so only a forged form gets there; BoundedFormSetMixin then makes the answer small too: the
page shows again the forms the post held (what was typed), not `absolute_max` empty ones, with
a row count it can post again.
"""

from typing import TYPE_CHECKING, Any, cast

from django.forms.formsets import TOTAL_FORM_COUNT, ManagementForm

if TYPE_CHECKING:
    # For the type checker the mixin is a formset (it only ever runs mixed into one).
    from django.forms.formsets import BaseFormSet as _FormSet
else:
    _FormSet = object


class BoundedFormSetMixin(_FormSet):
    """Mix into a formset class (before Django's) built with max_num == absolute_max, validate_max."""

    def posted_indexes(self) -> set[int]:
        """The indexes of the forms the post holds some field of."""
        start = f"{self.prefix}-"
        indexes: set[int] = set()
        for key in [*self.data, *self.files]:
            if key.startswith(start):
                number = key[len(start) :].split("-", 1)[0]
                if number.isdigit():
                    indexes.add(int(number))
        return indexes

    @property
    def claimed_too_many(self) -> bool:
        """Whether the post claimed more forms than the formset ever builds."""
        management = self.management_form
        if not (self.is_bound and management.is_valid()):
            return False
        claimed = management.cleaned_data[TOTAL_FORM_COUNT] or 0  # required: set once valid
        return claimed > self.absolute_max

    def full_clean(self) -> None:
        too_many = self.claimed_too_many
        super().full_clean()
        if too_many:
            posted = self.posted_indexes()
            self.forms = [form for index, form in enumerate(self.forms) if index in posted]
            data = cast(Any, self.management_form.data).copy()  # a QueryDict (or a dict), both copy
            data[self.management_form.add_prefix(TOTAL_FORM_COUNT)] = str(self.absolute_max)
            self.management_form = ManagementForm(
                data,
                auto_id=self.auto_id,
                prefix=self.prefix,
                renderer=self.renderer,  # type: ignore[attr-defined]  # set by BaseFormSet.__init__, not in the stubs
            )
            self.management_form.full_clean()
