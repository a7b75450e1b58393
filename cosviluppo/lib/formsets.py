"""Formsets whose size a forged form cannot blow up.

Every formset of the portal sets `max_num`, `absolute_max` (equal: Django never builds more forms
than that, whatever the posted TOTAL_FORMS claims) and `validate_max=True` (a post claiming more is
invalid, with the formset's "too_many_forms" message). The pages never offer more rows than the
limit, so only a forged form gets there; BoundedFormSetMixin then makes the answer small too: the
page shows the rows that hold something (what was typed, and the saved rows), not `absolute_max`
empty ones, with a row count it can post again.
"""

from django.forms.formsets import TOTAL_FORM_COUNT, ManagementForm


class BoundedFormSetMixin:
    """Mix into a formset class (before Django's) built with max_num == absolute_max, validate_max."""

    def holds_something(self, form) -> bool:
        """Whether the page must show `form` again: typed into, or an existing row."""
        instance = getattr(form, "instance", None)
        return form.has_changed() or getattr(instance, "pk", None) is not None

    @property
    def claimed_too_many(self) -> bool:
        """Whether the post claimed more forms than the formset ever builds."""
        management = self.management_form
        return self.is_bound and management.is_valid() and management.cleaned_data[TOTAL_FORM_COUNT] > self.absolute_max

    def full_clean(self):
        too_many = self.claimed_too_many
        super().full_clean()
        if too_many:
            self.forms = [form for form in self.forms if self.holds_something(form)]
            data = self.management_form.data.copy()
            data[self.management_form.add_prefix(TOTAL_FORM_COUNT)] = str(self.absolute_max)
            self.management_form = ManagementForm(
                data, auto_id=self.auto_id, prefix=self.prefix, renderer=self.renderer
            )
            self.management_form.full_clean()
