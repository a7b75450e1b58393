"""The form to ask for a report: it turns input into the parameters stored on the run."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from associations.models import Organisation

from .generation.parameters import report_scope, reportable_calls
from .models import ReportRun


class CallChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, call):
        return f"{call.code} – {call.title}"


class ReportRunForm(forms.Form):
    """Staff choose any funder (or none: the whole programme); a funder member's report is
    always about one of their own funders."""

    kind = forms.ChoiceField(
        label=_("Report"),
        choices=[(ReportRun.Kind.FUNDING, _("Funding report")), (ReportRun.Kind.COUNTRY, _("Country report"))],
        help_text=_("Funding: commitments, awards, projects and budgets. Country: figures by country and continent."),
    )
    format = forms.ChoiceField(label=_("Format"), choices=ReportRun.Format.choices, initial=ReportRun.Format.XLSX)
    calls = CallChoiceField(
        label=_("Call editions"),
        queryset=None,
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every call whose results are published."),
    )
    date_from = forms.DateField(
        label=_("Proposals submitted from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Optional: counts only the proposals submitted on or after this day."),
    )
    date_to = forms.DateField(
        label=_("Proposals submitted until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Optional: counts only the proposals submitted on or before this day."),
    )
    funder = forms.ModelChoiceField(label=_("Funder"), queryset=None, required=False)
    country = forms.ChoiceField(label=_("Country of origin"), required=False)

    def __init__(self, *args, staff: bool, funders: list[Organisation], **kwargs):
        super().__init__(*args, **kwargs)
        self.staff = staff
        calls = reportable_calls().order_by("-year", "code")
        if staff:
            self.fields["funder"].queryset = Organisation.objects.funders().order_by("legal_name")
            self.fields["funder"].empty_label = _("All funders (the whole programme)")
        else:
            calls = calls.filter(commitments__funder__in=funders).distinct()
            self.fields["funder"].queryset = Organisation.objects.filter(pk__in=[f.pk for f in funders]).order_by(
                "legal_name"
            )
            self.fields["funder"].required = True
            self.fields["funder"].empty_label = None
            self.fields["funder"].help_text = _("Your report holds this funder's own data.")
            if len(funders) == 1:
                self.fields["funder"].initial = funders[0].pk
                self.fields["funder"].disabled = True
        self.fields["calls"].queryset = calls
        self.fields["country"].choices = [("", _("All countries")), *countries]
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Ask for the report")))

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            report_scope(self.parameters())
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(None if field == "__all__" else field, messages)
        return cleaned

    def parameters(self) -> dict:
        """The run's JSON parameters (the funder is added by the service, from the row)."""
        data = self.cleaned_data
        parameters: dict = {}
        if data.get("calls"):
            parameters["calls"] = sorted(call.code for call in data["calls"])
        for key in ("date_from", "date_to"):
            if data.get(key):
                parameters[key] = data[key].isoformat()
        if data.get("funder"):
            parameters["funder"] = data["funder"].pk
        if data.get("country"):
            parameters["country"] = data["country"]
        return parameters
