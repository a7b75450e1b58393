"""Forms of the evaluation pages. They turn input into typed values; the services decide."""

from datetime import timedelta
from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from calls.forms import RomeDateTimeField
from cosviluppo.lib.idempotency import OneTimeFormMixin
from projects.steps import STEPS

from .selectors import evaluators, evaluators_for

PASSED_CHOICES = [("", _("not checked yet")), ("yes", _("passed")), ("no", _("not passed"))]
DEFAULT_CLARIFICATION_DAYS = 10


def _max(value: Decimal) -> str:
    """20 rather than 20.00 (or 2E+1); 7.5 stays 7.50."""
    whole = value == value.to_integral_value()
    return number_format(value, decimal_pos=0 if whole else 2, use_l10n=True)


def _button(name: str, label, classes: str = "btn btn-primary") -> Submit:
    button = Submit(name, label)
    button.field_classes = classes  # crispy would otherwise add btn-primary to every button
    return button


def _helper(*buttons: Submit, layout: Layout | None = None) -> FormHelper:
    helper = FormHelper()
    helper.form_method = "post"
    if layout is not None:
        helper.layout = layout
    for button in buttons:
        helper.add_input(button)
    return helper


class ChecklistForm(forms.Form):
    """The manual items of the admissibility checklist: passed / not passed / not checked, and a note."""

    def __init__(self, *args, items: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.manual_keys = []
        fieldsets = []
        for item in items:
            if item["automatic"]:
                continue
            key = item["key"]
            self.manual_keys.append(key)
            initial = {True: "yes", False: "no"}.get(item["passed"], "")
            self.fields[f"{key}-passed"] = forms.ChoiceField(
                label=_("Outcome"),
                choices=PASSED_CHOICES,
                required=False,
                initial=initial,
                widget=forms.RadioSelect,
            )
            self.fields[f"{key}-note"] = forms.CharField(
                label=_("Note"), required=False, max_length=1000, initial=item["note"]
            )
            fieldsets.append(Fieldset(item["label"], f"{key}-passed", f"{key}-note", css_class="cosv-check-item"))
        self.helper = _helper(Submit("save", _("Save the checklist")), layout=Layout(*fieldsets))

    def manual_answers(self) -> dict[str, tuple[bool | None, str]]:
        return {
            key: (
                {"yes": True, "no": False}.get(self.cleaned_data.get(f"{key}-passed") or ""),
                self.cleaned_data.get(f"{key}-note", ""),
            )
            for key in self.manual_keys
        }


class InadmissibleForm(forms.Form):
    reasons = forms.CharField(
        label=_("Reasons (the applicant reads them)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )

    def __init__(self, *args, action: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_button("inadmissible", _("Declare inadmissible"), "btn btn-danger"))
        self.helper.form_action = action


class ClarificationRequestForm(forms.Form):
    sections = forms.MultipleChoiceField(
        label=_("Sections the applicant may correct"),
        choices=STEPS,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only these sections of the submitted proposal reopen, until the deadline."),
    )
    message = forms.CharField(
        label=_("What must be corrected"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000
    )
    deadline = RomeDateTimeField(label=_("Deadline"), help_text=_("Italian time (Europe/Rome)."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            default = timezone.localtime() + timedelta(days=DEFAULT_CLARIFICATION_DAYS)
            self.initial.setdefault("deadline", default.replace(hour=12, minute=0, second=0, microsecond=0))
        self.helper = _helper(Submit("request", _("Send the request")))


class AssignForm(forms.Form):
    evaluator = forms.ModelChoiceField(label=_("Evaluator"), queryset=None)

    def __init__(self, *args, proposal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evaluator"].queryset = evaluators_for(proposal)
        self.fields["evaluator"].help_text = _(
            "Evaluators acting for the lead or a partner, and those already on this proposal, are not listed."
        )
        self.helper = _helper(Submit("assign", _("Assign")))


class BalancedAssignForm(forms.Form):
    evaluators = forms.ModelMultipleChoiceField(
        label=_("Evaluators"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    per_proposal = forms.IntegerField(label=_("Evaluators per proposal"), min_value=2, max_value=10, initial=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evaluators"].queryset = evaluators()
        if not self.is_bound:
            self.initial.setdefault("evaluators", list(self.fields["evaluators"].queryset))
        self.helper = _helper(Submit("assign", _("Assign evaluators")))


class DeclarationForm(forms.Form):
    conflict = forms.ChoiceField(
        label=_("Declaration"),
        choices=[
            ("no", _("I declare that I have no conflict of interest with this proposal or the organisations in it.")),
            ("yes", _("I have a conflict of interest: I cannot evaluate this proposal.")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("If you have a conflict, what it is"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

    def __init__(self, *args, action: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Submit("declare", _("Confirm the declaration")))
        self.helper.form_action = action

    def clean(self):
        data = super().clean()
        if data.get("conflict") == "yes" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say briefly what the conflict of interest is."))
        return data


class ReviewScoreForm(forms.Form):
    """One score (0 to the criterion's maximum) and one comment per criterion.

    `final` (the "submit" button) requires every score and comment; a draft keeps what is typed.
    """

    def __init__(self, *args, criteria, scores=None, final: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        self.final = final
        scores = scores or {}
        fieldsets = []
        for criterion in criteria:
            saved = scores.get(criterion.pk)
            self.fields[f"score-{criterion.pk}"] = forms.DecimalField(
                label=_("Score (0 to %(max)s)") % {"max": _max(criterion.max_score)},
                min_value=Decimal("0"),
                max_value=criterion.max_score,
                decimal_places=2,
                max_digits=6,
                required=False,
                initial=saved.score if saved else None,
            )
            self.fields[f"comment-{criterion.pk}"] = forms.CharField(
                label=_("Comment"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                initial=saved.comment if saved else "",
                max_length=5000,
            )
            fieldsets.append(
                Fieldset(str(criterion), f"score-{criterion.pk}", f"comment-{criterion.pk}", css_class="cosv-criterion")
            )
        self.helper = _helper(
            _button("save_draft", _("Save as draft"), "btn btn-outline-primary"),
            Submit("submit_review", _("Submit the review")),
            layout=Layout(*fieldsets),
        )

    def clean(self):
        data = super().clean()
        if self.final:
            for criterion in self.criteria:
                if data.get(f"score-{criterion.pk}") is None and f"score-{criterion.pk}" not in self.errors:
                    self.add_error(f"score-{criterion.pk}", _("Score every criterion before submitting."))
                if not (data.get(f"comment-{criterion.pk}") or "").strip():
                    self.add_error(f"comment-{criterion.pk}", _("A comment is required for every score."))
        return data

    def scores(self) -> dict[int, tuple[Decimal | None, str]]:
        return {
            criterion.pk: (
                self.cleaned_data.get(f"score-{criterion.pk}"),
                self.cleaned_data.get(f"comment-{criterion.pk}", ""),
            )
            for criterion in self.criteria
        }


class ConsensusForm(forms.Form):
    """The consensus per criterion, pre-filled with the evaluators' mean (or the score recorded)."""

    def __init__(self, *args, sheet, **kwargs):
        super().__init__(*args, **kwargs)
        self.sheet = sheet
        for line in sheet:
            pk = line.criterion.pk
            recorded = line.consensus
            self.fields[f"score-{pk}"] = forms.DecimalField(
                label=_("Consensus score (0 to %(max)s)") % {"max": _max(line.criterion.max_score)},
                min_value=Decimal("0"),
                max_value=line.criterion.max_score,
                decimal_places=2,
                max_digits=6,
                initial=recorded.score if recorded else line.mean,
            )
            self.fields[f"justification-{pk}"] = forms.CharField(
                label=_("Justification"),
                widget=forms.Textarea(attrs={"rows": 3}),
                initial=recorded.justification if recorded else "",
                max_length=5000,
            )
            self.fields[f"comment-{pk}"] = forms.CharField(
                label=_("Comment for the applicant (optional)"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=recorded.comment_for_applicant if recorded else "",
                max_length=5000,
            )

    def rows(self):
        """(consensus line, score field, justification field, comment field) per criterion, for the page."""
        return [
            (
                line,
                self[f"score-{line.criterion.pk}"],
                self[f"justification-{line.criterion.pk}"],
                self[f"comment-{line.criterion.pk}"],
            )
            for line in self.sheet
        ]

    def scores(self) -> dict[int, tuple[Decimal, str, str]]:
        return {
            line.criterion.pk: (
                self.cleaned_data[f"score-{line.criterion.pk}"],
                self.cleaned_data[f"justification-{line.criterion.pk}"],
                self.cleaned_data.get(f"comment-{line.criterion.pk}", ""),
            )
            for line in self.sheet
        }


class MessageForm(OneTimeFormMixin, forms.Form):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10_000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Submit("send", _("Send")))
