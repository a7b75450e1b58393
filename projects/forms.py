"""Forms of the proposal pages: starting a draft, its steps, partners, attachments, the partner's answer.

Forms turn what was typed into values and check one row at a time; saving goes through
projects.services.editing (the views pass cleaned data). Each step form carries the version of
the proposal it was built from (hidden), which the service checks before writing.
"""

import re
from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Fieldset, Layout, Row, Submit
from django import forms
from django.conf import settings
from django.forms import BaseFormSet, formset_factory
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from calls.models import CostCategory, Territory
from cosviluppo.lib.formsets import BoundedFormSetMixin
from cosviluppo.lib.money import ZERO
from cosviluppo.lib.uploads import is_pdf, validate_office_document, validate_pdf, validate_upload_size

from .models import PROPOSAL_ROW_LIMITS, Proposal


def _helper(layout=None) -> FormHelper:
    # The page writes the <form> tag (it carries the autosave attributes) and the CSRF token.
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.render_hidden_fields = True
    if layout is not None:
        helper.layout = layout
    return helper


# --- Amounts in euro ---------------------------------------------------------------------------------

_GROUPED = {".": re.compile(r"\d{1,3}(\.\d{3})+"), ",": re.compile(r"\d{1,3}(,\d{3})+")}


def _ungroup(text: str, separator: str) -> str:
    if separator not in text:
        return text
    if not _GROUPED[separator].fullmatch(text):
        raise ValueError(text)
    return text.replace(separator, "")


def parse_eur(text: str) -> Decimal:
    """An amount typed the Italian way ("1.234,56") or the English way ("1234.56", "1,234.56").

    With both separators, the last one separates the cents. With only one, it separates the
    cents unless it is repeated or followed by exactly three digits ("1.234" is one thousand
    two hundred and thirty-four euro: an amount in euro never has three decimals). Spaces and
    the euro sign are ignored. Raises ValueError for anything else.
    """
    value = re.sub(r"[\s\u00a0\u202f€]", "", text or "")
    if not value or not re.fullmatch(r"[\d.,]+", value):
        raise ValueError(text)
    last = max(value.rfind("."), value.rfind(","))
    if last == -1:
        integer, fraction = value, ""
    else:
        separator = value[last]
        other = "," if separator == "." else "."
        head, tail = value[:last], value[last + 1 :]
        thousands_only = other not in head and (separator in head or (len(tail) == 3 and head.strip("0") != ""))
        if thousands_only:
            integer, fraction = _ungroup(value, separator), ""
        else:
            if separator in head or not tail:
                raise ValueError(text)
            integer, fraction = _ungroup(head, other) if head else "0", tail
    if not integer.isdigit() or (fraction and not fraction.isdigit()):
        raise ValueError(text)
    return Decimal(f"{integer}.{fraction}" if fraction else integer)


class EuroField(forms.Field):
    """An amount in euro and cents, typed in the Italian or the English format; never negative."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
    default_error_messages = {
        "invalid": _("Write an amount in euro, such as 1.234,56 or 1234.56."),
        "cents": _("Use at most two decimal places (cents)."),
        "too_large": _("The amount is too large."),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        try:
            amount = parse_eur(str(value))
        except (ValueError, ArithmeticError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if amount.as_tuple().exponent < -2 and amount != amount.quantize(Decimal("0.01")):
            raise forms.ValidationError(self.error_messages["cents"], code="cents")
        if amount >= Decimal("1e12"):
            raise forms.ValidationError(self.error_messages["too_large"], code="too_large")
        return amount.quantize(Decimal("0.01"))

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)
        return value


# --- Starting a proposal -------------------------------------------------------------------------------


class ProposalStartForm(forms.Form):
    lead = forms.ModelChoiceField(
        label=_("Lead association"),
        queryset=None,
        empty_label=None,
        help_text=_("The verified migrant association that presents the proposal and answers for it."),
    )
    title = forms.CharField(
        label=_("Title of the proposal"),
        max_length=255,
        help_text=_("You can change it later."),
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = organisations
        self.single_lead = organisations[0] if len(organisations) == 1 else None
        if self.single_lead is not None:
            # Nothing to choose: the page names the association instead.
            self.fields["lead"].widget = forms.HiddenInput()
            self.fields["lead"].initial = self.single_lead.pk
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


# --- The text steps ------------------------------------------------------------------------------------


class StepForm(forms.ModelForm):
    """One text step of the proposal; `version` is the proposal's version when the page was built."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta:
        model = Proposal
        fields: list[str] = []

    def __init__(self, *args, call=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.call = call
        self.helper = _helper(self.layout())

    def layout(self):
        return Layout(*self.Meta.fields)


class SummaryForm(StepForm):
    class Meta(StepForm.Meta):
        fields = ["title", "acronym", "theme", "summary", "duration_months"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 8})}
        help_texts = {
            "summary": _("What the project does, where and for whom, in a few paragraphs."),
            "acronym": _("A short name for the project, if you use one."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["duration_months"].min_value = 1
        self.fields["duration_months"].widget.attrs["min"] = 1
        if self.call is not None:
            self.fields["duration_months"].help_text = _("This call allows at most %(months)s months.") % {
                "months": self.call.max_duration_months
            }
            themes = [theme.strip() for theme in self.call.themes.split(";") if theme.strip()]
            if themes:
                self.fields["theme"].help_text = _("The themes of this call: %(themes)s.") % {
                    "themes": "; ".join(themes)
                }

    def layout(self):
        return Layout(
            "title",
            Row(Column("acronym", css_class="col-md-4"), Column("theme", css_class="col-md-8")),
            "summary",
            Row(Column("duration_months", css_class="col-md-4")),
        )


class TerritoriesForm(StepForm):
    class Meta(StepForm.Meta):
        fields = [
            "origin_country",
            "origin_region",
            "origin_city",
            "origin_context",
            "residence_municipality",
            "residence_region",
            "residence_context",
        ]
        widgets = {
            "origin_context": forms.Textarea(attrs={"rows": 5}),
            "residence_context": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "origin_context": _("The place, the people and the needs the project answers in the country of origin."),
            "residence_context": _(
                "The community in Italy, the neighbourhood and the networks the project works with."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        eligible = list(self.call.eligible_countries) if self.call is not None else []
        if eligible:
            self.fields["origin_country"].help_text = _("This call accepts projects in: %(countries)s.") % {
                "countries": ", ".join(country.name for country in eligible)
            }

    def layout(self):
        return Layout(
            Fieldset(
                _("The country of origin"),
                "origin_country",
                Row(Column("origin_region", css_class="col-md-6"), Column("origin_city", css_class="col-md-6")),
                "origin_context",
            ),
            Fieldset(
                _("Italy"),
                Row(
                    Column("residence_municipality", css_class="col-md-6"),
                    Column("residence_region", css_class="col-md-6"),
                ),
                "residence_context",
            ),
        )


class ObjectivesForm(StepForm):
    class Meta(StepForm.Meta):
        fields = ["objectives", "expected_results"]
        widgets = {
            "objectives": forms.Textarea(attrs={"rows": 6}),
            "expected_results": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "objectives": _("The general objective and the specific objectives, in both territories."),
            "expected_results": _("What will have changed at the end of the project, and how you will see it."),
        }


class BeneficiariesForm(StepForm):
    class Meta(StepForm.Meta):
        fields = [
            "beneficiaries_origin",
            "beneficiaries_origin_description",
            "beneficiaries_residence",
            "beneficiaries_residence_description",
        ]
        widgets = {
            "beneficiaries_origin_description": forms.Textarea(attrs={"rows": 4}),
            "beneficiaries_residence_description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("beneficiaries_origin", "beneficiaries_residence"):
            self.fields[name].required = False
            self.fields[name].help_text = _("How many people take part directly.")

    def layout(self):
        return Layout(
            Fieldset(_("In the country of origin"), "beneficiaries_origin", "beneficiaries_origin_description"),
            Fieldset(_("In Italy"), "beneficiaries_residence", "beneficiaries_residence_description"),
        )


class SustainabilityForm(StepForm):
    class Meta(StepForm.Meta):
        fields = ["sustainability"]
        widgets = {"sustainability": forms.Textarea(attrs={"rows": 8})}
        help_texts = {
            "sustainability": _(
                "How the results last after the grant ends: who carries on the activities, with what resources."
            )
        }


STEP_FORMS = {
    "summary": SummaryForm,
    "territories": TerritoriesForm,
    "objectives": ObjectivesForm,
    "beneficiaries": BeneficiariesForm,
    "sustainability": SustainabilityForm,
}


# --- The list steps: activities, budget, indicators -------------------------------------------------


class VersionForm(forms.Form):
    """The version of the proposal a list step was built from (the rows are a formset beside it)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


TERRITORY_CHOICES = [("", _("Choose the territory")), *Territory.choices]


class RowForm(forms.Form):
    """A row of a list step; `row_id` is the saved row it edits (empty for a new one)."""

    row_id = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(self.layout())

    def layout(self):
        raise NotImplementedError

    def has_changed(self):
        """A row "changes" when something is typed in it: a row left or made empty is not validated
        (and is removed when saved), even one saved before."""
        if not self.is_bound:
            return False
        for name, bound in self._bound_items():
            if name in ("row_id", "DELETE"):
                continue
            value = bound.data
            if value not in (None, "", [], ()) and str(value).strip():
                return True
        return False


class RowFormSet(BoundedFormSetMixin, BaseFormSet):
    """The rows of a list step. Empty rows are ignored (emptying a row removes it); ticked rows are removed."""

    def _construct_form(self, i, **kwargs):
        kwargs["empty_permitted"] = True
        return super()._construct_form(i, **kwargs)

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove this row")
            form.helper.layout.append(Field("DELETE"))

    def kept_forms(self) -> list:
        """The forms of the rows to keep: neither ticked for removal nor empty (after is_valid())."""
        return [
            form
            for form in self.forms
            if form.has_changed() and not (self.can_delete and self._should_delete_form(form))
        ]

    def rows(self) -> list[dict]:
        """The rows to keep, as the service takes them ("id" for a saved row), in the page's order."""
        rows = []
        for form in self.kept_forms():
            row = {name: value for name, value in form.cleaned_data.items() if name not in ("row_id", "DELETE")}
            row["id"] = form.cleaned_data.get("row_id")
            rows.append(row)
        return rows


class ActivityRowForm(RowForm):
    territory = forms.ChoiceField(label=_("Territory"), choices=TERRITORY_CHOICES)
    title = forms.CharField(label=_("Activity"), max_length=255)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    start_month = forms.IntegerField(label=_("Start month"), min_value=1, max_value=120)
    end_month = forms.IntegerField(label=_("End month"), min_value=1, max_value=120)

    def layout(self):
        return Layout(
            "row_id",
            Row(Column("title", css_class="col-md-8"), Column("territory", css_class="col-md-4")),
            "description",
            Row(Column("start_month", css_class="col-md-3"), Column("end_month", css_class="col-md-3")),
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_month"), cleaned.get("end_month")
        if start is not None and end is not None and end < start:
            self.add_error("end_month", _("The end month cannot come before the start month."))
        return cleaned


class BudgetLineRowForm(RowForm):
    category = forms.ChoiceField(label=_("Cost category"))
    territory = forms.ChoiceField(label=_("Territory"), choices=TERRITORY_CHOICES)
    description = forms.CharField(label=_("Description"), max_length=255, required=False)
    amount_requested = EuroField(label=_("Amount requested (EUR)"))
    cofinancing_own = EuroField(label=_("Co-financing: own resources (EUR)"), required=False)
    cofinancing_other = EuroField(label=_("Co-financing: other sources (EUR)"), required=False)

    def __init__(self, *args, categories=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("Choose the category")), *(categories or CostCategory.choices)]

    def layout(self):
        return Layout(
            "row_id",
            Row(
                Column("category", css_class="col-md-5"),
                Column("territory", css_class="col-md-3"),
                Column("description", css_class="col-md-4"),
            ),
            Row(
                Column("amount_requested", css_class="col-md-4"),
                Column("cofinancing_own", css_class="col-md-4"),
                Column("cofinancing_other", css_class="col-md-4"),
            ),
        )

    def clean(self):
        cleaned = super().clean()
        for name in ("cofinancing_own", "cofinancing_other"):
            if name in cleaned and cleaned[name] is None:
                cleaned[name] = ZERO
        return cleaned


class IndicatorRowForm(RowForm):
    name = forms.CharField(label=_("Indicator"), max_length=255)
    territory = forms.ChoiceField(label=_("Territory"), choices=TERRITORY_CHOICES)
    baseline = forms.CharField(label=_("Baseline"), max_length=120, required=False)
    target = forms.CharField(label=_("Target"), max_length=120)

    def layout(self):
        return Layout(
            "row_id",
            Row(Column("name", css_class="col-md-8"), Column("territory", css_class="col-md-4")),
            Row(Column("baseline", css_class="col-md-6"), Column("target", css_class="col-md-6")),
        )


ROW_FORMS = {"activities": ActivityRowForm, "budget": BudgetLineRowForm, "indicators": IndicatorRowForm}
ROW_INITIAL_FIELDS = {
    "activities": ["territory", "title", "description", "start_month", "end_month"],
    "budget": ["category", "territory", "description", "amount_requested", "cofinancing_own", "cofinancing_other"],
    "indicators": ["name", "territory", "baseline", "target"],
}


# Said when a posted step has more rows than PROPOSAL_ROW_LIMITS allows (only a forged form can).
TOO_MANY_ROWS = {
    "activities": _("A proposal has at most %(num)d activities: remove some and save again."),
    "budget": _("A proposal has at most %(num)d budget lines: remove some and save again."),
    "indicators": _("A proposal has at most %(num)d indicators: remove some and save again."),
}


def row_formset(step: str, *, rows=(), data=None, categories=None):
    """The formset of a list step, from saved rows (model objects) or from posted data.

    It never builds more than PROPOSAL_ROW_LIMITS[step] forms, whatever the posted TOTAL_FORMS
    says (absolute_max), and a post claiming more is invalid with TOO_MANY_ROWS (validate_max):
    the page shows the message with the rows as typed, and nothing is saved. The two empty rows
    offered after each save stop at the limit.
    """
    limit = PROPOSAL_ROW_LIMITS[step]
    factory = formset_factory(
        ROW_FORMS[step],
        formset=RowFormSet,
        extra=2,
        can_delete=True,
        can_delete_extra=False,
        max_num=limit,
        absolute_max=limit,
        validate_max=True,
    )
    initial = [{"row_id": row.pk, **{name: getattr(row, name) for name in ROW_INITIAL_FIELDS[step]}} for row in rows]
    form_kwargs = {"categories": categories} if step == "budget" else {}
    return factory(
        data=data,
        initial=initial or None,
        prefix=step,
        form_kwargs=form_kwargs,
        error_messages={"too_many_forms": TOO_MANY_ROWS[step]},
    )


# --- Partners ------------------------------------------------------------------------------------------


class PartnerInviteForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Italian NGO"),
        queryset=None,
        empty_label=_("Choose an NGO"),
        help_text=_("Only NGOs registered on the portal and verified by the programme office are listed."),
    )
    contribution = forms.CharField(
        label=_("Its role and contribution"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, prefix="invite", **kwargs)
        self.fields["organisation"].queryset = organisations
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class OriginPartnerForm(forms.Form):
    legal_name = forms.CharField(label=_("Name of the organisation"), max_length=255)
    country = forms.ChoiceField(label=_("Country"))
    region = forms.CharField(label=_("Region or province"), max_length=60, required=False)
    city = forms.CharField(label=_("City or locality"), max_length=120, required=False)
    contribution = forms.CharField(
        label=_("Its role and contribution"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="origin", **kwargs)
        self.fields["country"].choices = [("", _("Choose the country")), *countries]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "legal_name",
            Row(
                Column("country", css_class="col-md-4"),
                Column("region", css_class="col-md-4"),
                Column("city", css_class="col-md-4"),
            ),
            "contribution",
        )


class PartnerResponseForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Your answer"),
        choices=[("confirm", _("confirm")), ("decline", _("decline"))],
    )


# --- Attachments ---------------------------------------------------------------------------------------


class AttachmentForm(forms.Form):
    """A file for one of the call's required documents (`required_attachment`) or another one.

    The content decides: a PDF, or an ODT or DOCX text document where the call accepts them.
    After validation `kind` is "pdf", "odt" or "docx".
    """

    title = forms.CharField(label=_("Title"), max_length=255, required=False)
    file = forms.FileField(label=_("File"))

    def __init__(self, *args, required_attachment=None, **kwargs):
        self.required_attachment = required_attachment
        prefix = f"slot{required_attachment.pk}" if required_attachment is not None else "other"
        super().__init__(*args, prefix=prefix, **kwargs)
        self.kind = None
        self.accepts_office = bool(required_attachment and required_attachment.accepts_office_documents)
        accept = "application/pdf,.pdf"
        if self.accepts_office:
            accept += ",.odt,.docx,application/vnd.oasis.opendocument.text"
            help_text = _("PDF, ODT or DOCX, at most %(limit)s MB.")
        else:
            help_text = _("PDF only, at most %(limit)s MB.")
        self.fields["file"].help_text = help_text % {"limit": settings.MAX_UPLOAD_MB}
        self.fields["file"].widget.attrs["accept"] = accept
        if required_attachment is not None:
            del self.fields["title"]
        else:
            self.fields["title"].required = True
            self.fields["title"].help_text = _("What the document is, e.g. “Budget details”.")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_file(self):
        file = self.cleaned_data["file"]
        validate_upload_size(file)
        if is_pdf(file):
            validate_pdf(file)
            self.kind = "pdf"
            return file
        if not self.accepts_office:
            raise forms.ValidationError(
                _("“%(name)s” is not a PDF document. Save or export the file as PDF and upload it again."),
                code="not_pdf",
                params={"name": file.name},
            )
        try:
            self.kind = validate_office_document(file)
        except forms.ValidationError as refused:
            if refused.code != "not_office_document":
                raise
            raise forms.ValidationError(
                _("“%(name)s” is not a PDF, ODT or DOCX document."), code="bad_type", params={"name": file.name}
            ) from None
        return file


class ProposalWithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you withdraw the proposal?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_("Kept in the proposal's history; the programme office reads it."),
    )

    def __init__(self, *args, action: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_action = action
        self.helper.add_input(Submit("withdraw", _("Withdraw the proposal"), css_class="btn-danger"))

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Say why the proposal is withdrawn."))
        return reason
