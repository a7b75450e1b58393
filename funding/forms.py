"""Forms of the funding pages: they turn input into typed values; the services decide."""

from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.validators import MinValueValidator
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from cosviluppo.lib.formsets import BoundedFormSetMixin
from cosviluppo.templatetags.formatting import eur

from .models import FunderSignOff
from .services.agreement import MAX_INSTALLMENTS

MONEY_FIELD = {"max_digits": 14, "decimal_places": 2}


def _helper(submit_label, *, form_tag=True) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = form_tag
    if submit_label:
        helper.add_input(Submit("submit", submit_label))
    return helper


class AmountForm(forms.Form):
    """An amount granted and, when lower than requested, why."""

    amount = forms.DecimalField(
        label=_("Amount granted (EUR)"), validators=[MinValueValidator(Decimal("0.01"))], **MONEY_FIELD
    )
    reason = forms.CharField(
        label=_("Reason for granting less than requested"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Required when the amount is lower than the amount requested; the applicant reads it."),
    )

    def __init__(self, *args, submit_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(submit_label or _("Save"))


class SharesForm(forms.Form):
    """One amount per funder commitment of the call, plus the reason for the manual split."""

    reason = forms.CharField(label=_("Why this split"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, commitments, available, current, **kwargs):
        super().__init__(*args, **kwargs)
        self.commitments = list(commitments)
        for commitment in self.commitments:
            self.fields[f"share_{commitment.pk}"] = forms.DecimalField(
                label=_("%(funder)s (EUR)") % {"funder": commitment.funder.legal_name},
                help_text=_("Has %(left)s available for this award, of %(committed)s committed.")
                % {"left": eur(available.get(commitment.pk, Decimal("0"))), "committed": eur(commitment.amount)},
                min_value=Decimal("0"),
                initial=current.get(commitment.pk, Decimal("0.00")),
                **MONEY_FIELD,
            )
        self.order_fields([f"share_{c.pk}" for c in self.commitments] + ["reason"])
        self.helper = _helper(_("Save the split"))

    def shares(self) -> dict[int, Decimal]:
        return {c.pk: self.cleaned_data[f"share_{c.pk}"] for c in self.commitments}


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, submit_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(submit_label or _("Confirm"))


class SignOffForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Your answer"), choices=FunderSignOff.Decision.choices, widget=forms.RadioSelect
    )
    remarks = forms.CharField(
        label=_("Remarks"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("Required with remarks; optional with an approval."),
    )

    def __init__(self, *args, funders, **kwargs):
        super().__init__(*args, **kwargs)
        if len(funders) > 1:
            self.fields["funder"] = forms.ModelChoiceField(
                label=_("Answer on behalf of"), queryset=funders, empty_label=None
            )
            self.order_fields(["funder", "decision", "remarks"])
        self.helper = _helper(_("Send my answer"))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == FunderSignOff.Decision.REMARKS and not (cleaned.get("remarks") or "").strip():
            self.add_error("remarks", _("Write your remarks."))
        return cleaned


class ReviewRequestForm(forms.Form):
    text = forms.CharField(
        label=_("Grounds of your request"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Say which part of the evaluation or decision you ask to review, and why."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("File the request"))


class ReviewAnswerForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[("accepted", _("accepted")), ("rejected", _("rejected"))],
        widget=forms.RadioSelect,
    )
    answer = forms.CharField(
        label=_("Answer to the applicant"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Sent by e-mail and shown on the applicant's outcome page."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Record the answer"))


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class GrantAgreementForm(forms.Form):
    signed_on = forms.DateField(label=_("Agreement signed on"), widget=DateInput())
    cup = forms.CharField(
        label=_("CUP"), max_length=15, help_text=_("Codice Unico di Progetto: 15 characters, e.g. C11G06000000001.")
    )
    start_date = forms.DateField(label=_("Project start date"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(None, form_tag=False)

    def clean_cup(self):
        return self.cleaned_data["cup"].strip().upper()


class InstallmentPlanForm(forms.Form):
    label = forms.CharField(label=_("Installment"), max_length=120)
    percentage = forms.DecimalField(
        label=_("Share of the award (%)"),
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal("100"),
    )
    due_date = forms.DateField(label=_("Due date"), widget=DateInput(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(None, form_tag=False)


class BaseInstallmentPlanFormSet(BoundedFormSetMixin, forms.BaseFormSet):
    default_error_messages = {"too_many_forms": _("An agreement has at most %(num)d installments.")}

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        rows = [f.cleaned_data for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        if not rows:
            raise forms.ValidationError(_("The agreement needs at least one installment."))
        total = sum((row["percentage"] for row in rows), Decimal("0"))
        if total != 100:
            raise forms.ValidationError(_("The installments add up to %(total)s%%, not 100%%.") % {"total": total})

    def plan(self):
        return [
            (f.cleaned_data["label"], f.cleaned_data["percentage"], f.cleaned_data.get("due_date"))
            for f in self.forms
            if f.cleaned_data
        ]


InstallmentPlanFormSet = formset_factory(
    InstallmentPlanForm,
    formset=BaseInstallmentPlanFormSet,
    extra=2,
    max_num=MAX_INSTALLMENTS,
    absolute_max=MAX_INSTALLMENTS,
    validate_max=True,
)

# The usual plan of the programme's agreements: advance, mid-term, balance.
DEFAULT_PLAN = [
    (_("Advance"), Decimal("40")),
    (_("Mid-term installment"), Decimal("40")),
    (_("Balance"), Decimal("20")),
]


class PaymentForm(forms.Form):
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Record the payment"))
