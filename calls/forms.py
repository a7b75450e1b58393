"""Forms of the call pages: the edition (main form + inline formsets), copy, questions and answers."""

from zoneinfo import ZoneInfo

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Fieldset, Layout, Row, Submit
from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from associations.models import Organisation
from cosviluppo.lib.formsets import BoundedFormSetMixin
from cosviluppo.lib.idempotency import OneTimeFormMixin
from cosviluppo.lib.uploads import validate_pdf, validate_upload_size

from .models import (
    CALL_PART_LIMITS,
    Call,
    CallDocument,
    CallQuestion,
    EligibleCostCategory,
    EvaluationCriterion,
    FunderCommitment,
    RequiredAttachment,
)
from .services import RESERVED_CALL_CODES

ROME = ZoneInfo("Europe/Rome")


class RomeDateTimeField(forms.DateTimeField):
    """A date and time typed and shown on the Italian clock (Europe/Rome), whatever zone is active.

    "2026-12-01 12:00" means noon in Milan: stored as 11:00 UTC in winter, 10:00 in summer.
    """

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def to_python(self, value):
        with timezone.override(ROME):
            return super().to_python(value)

    def prepare_value(self, value):
        with timezone.override(ROME):
            return super().prepare_value(value)


def _no_form_tag_helper(layout=None) -> FormHelper:
    # One <form> holds the main form and every formset of the page.
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.render_hidden_fields = True
    if layout is not None:
        helper.layout = layout
    return helper


class CallForm(forms.ModelForm):
    """Texts, dates and rules of a draft call."""

    opens_at = RomeDateTimeField(label=_("Opens at"), help_text=_("Italian time (Europe/Rome)."))
    closes_at = RomeDateTimeField(label=_("Closes at (deadline)"), help_text=_("Italian time (Europe/Rome)."))

    class Meta:
        model = Call
        fields = [
            "code",
            "year",
            "title_it",
            "title_en",
            "description_it",
            "description_en",
            "themes",
            "opens_at",
            "closes_at",
            "announced_budget",
            "max_grant",
            "min_cofinancing_pct",
            "max_duration_months",
            "ngo_partner_required",
            "eligible_countries",
            "min_origin_share_pct",
            "max_origin_share_pct",
            "min_residence_share_pct",
            "max_residence_share_pct",
            "overall_threshold",
            "review_request_days",
            "legal_basis",
            "responsible_office",
            "responsible_official",
        ]
        widgets = {
            "description_it": forms.Textarea(attrs={"rows": 6}),
            "description_en": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["eligible_countries"].widget.attrs["size"] = 12
        self.fields["eligible_countries"].help_text = _("Hold Ctrl (⌘ on a Mac) to select several countries.")
        self.helper = _no_form_tag_helper(
            Layout(
                Fieldset(
                    _("Call"),
                    Row(Column("code", css_class="col-md-6"), Column("year", css_class="col-md-6")),
                    Row(Column("title_it", css_class="col-md-6"), Column("title_en", css_class="col-md-6")),
                    Row(Column("description_it", css_class="col-md-6"), Column("description_en", css_class="col-md-6")),
                    "themes",
                    css_class="cosv-call-fieldset",
                ),
                Fieldset(
                    _("Dates"),
                    Row(Column("opens_at", css_class="col-md-6"), Column("closes_at", css_class="col-md-6")),
                    css_class="cosv-call-fieldset",
                ),
                Fieldset(
                    _("Rules"),
                    Row(Column("announced_budget", css_class="col-md-6"), Column("max_grant", css_class="col-md-6")),
                    Row(
                        Column("min_cofinancing_pct", css_class="col-md-6"),
                        Column("max_duration_months", css_class="col-md-6"),
                    ),
                    "ngo_partner_required",
                    "eligible_countries",
                    Row(
                        Column("min_origin_share_pct", css_class="col-md-3"),
                        Column("max_origin_share_pct", css_class="col-md-3"),
                        Column("min_residence_share_pct", css_class="col-md-3"),
                        Column("max_residence_share_pct", css_class="col-md-3"),
                    ),
                    Row(
                        Column("overall_threshold", css_class="col-md-6"),
                        Column("review_request_days", css_class="col-md-6"),
                    ),
                    css_class="cosv-call-fieldset",
                ),
                Fieldset(
                    _("Transparency"),
                    "legal_basis",
                    Row(
                        Column("responsible_office", css_class="col-md-6"),
                        Column("responsible_official", css_class="col-md-6"),
                    ),
                    css_class="cosv-call-fieldset",
                ),
            )
        )

    def clean_code(self):
        code = self.cleaned_data["code"]
        if code.lower() in RESERVED_CALL_CODES:
            raise forms.ValidationError(_("“%(code)s” cannot be used as a call code."), params={"code": code})
        return code

    def clean(self):
        cleaned = super().clean()
        opens_at, closes_at = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens_at and closes_at and closes_at <= opens_at:
            self.add_error("closes_at", _("The deadline must come after the opening."))
        for territory in ("origin", "residence"):
            low, high = cleaned.get(f"min_{territory}_share_pct"), cleaned.get(f"max_{territory}_share_pct")
            if low is not None and high is not None and low > high:
                self.add_error(f"max_{territory}_share_pct", _("The maximum share cannot be below the minimum share."))
        return cleaned


# --- Inline formsets -----------------------------------------------------------------------------


class OptionalOrderMixin:
    """The display order may be left empty: it then counts as 0."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order"].required = False

    def clean_order(self):
        return self.cleaned_data.get("order") or 0


class CallPartFormSet(BoundedFormSetMixin, BaseInlineFormSet):
    """Each form lays itself out with labels; the delete box joins its layout when deleting is allowed.
    At most CALL_PART_LIMITS forms, whatever the post claims (see cosviluppo.lib.formsets)."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove")
            form.helper.layout.append(Field("DELETE"))


class CriterionForm(OptionalOrderMixin, forms.ModelForm):
    class Meta:
        model = EvaluationCriterion
        fields = [
            "code",
            "name_it",
            "name_en",
            "description_it",
            "description_en",
            "max_score",
            "weight",
            "min_threshold",
            "order",
        ]
        widgets = {
            "description_it": forms.Textarea(attrs={"rows": 2}),
            "description_en": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _no_form_tag_helper(
            Layout(
                Row(
                    Column("code", css_class="col-md-2"),
                    Column("name_it", css_class="col-md-5"),
                    Column("name_en", css_class="col-md-5"),
                ),
                Row(Column("description_it", css_class="col-md-6"), Column("description_en", css_class="col-md-6")),
                Row(
                    Column("max_score", css_class="col-md-3"),
                    Column("weight", css_class="col-md-3"),
                    Column("min_threshold", css_class="col-md-3"),
                    Column("order", css_class="col-md-3"),
                ),
            )
        )

    def clean(self):
        cleaned = super().clean()
        max_score, threshold = cleaned.get("max_score"), cleaned.get("min_threshold")
        if max_score is not None and threshold is not None and threshold > max_score:
            self.add_error("min_threshold", _("The minimum score cannot be above the maximum score."))
        return cleaned


class CommitmentForm(forms.ModelForm):
    class Meta:
        model = FunderCommitment
        fields = ["funder", "amount", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funder"].queryset = Organisation.objects.funders().order_by("legal_name")
        self.helper = _no_form_tag_helper(
            Layout(
                Row(
                    Column("funder", css_class="col-md-5"),
                    Column("amount", css_class="col-md-3"),
                    Column("note", css_class="col-md-4"),
                )
            )
        )


class CostCategoryForm(forms.ModelForm):
    class Meta:
        model = EligibleCostCategory
        fields = ["category", "cap_pct"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _no_form_tag_helper(
            Layout(Row(Column("category", css_class="col-md-8"), Column("cap_pct", css_class="col-md-4")))
        )


class RequiredAttachmentForm(OptionalOrderMixin, forms.ModelForm):
    class Meta:
        model = RequiredAttachment
        fields = ["name_it", "name_en", "accepts_office_documents", "order"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _no_form_tag_helper(
            Layout(
                Row(Column("name_it", css_class="col-md-6"), Column("name_en", css_class="col-md-6")),
                Row(Column("accepts_office_documents", css_class="col-md-8"), Column("order", css_class="col-md-4")),
            )
        )


class DocumentForm(OptionalOrderMixin, forms.ModelForm):
    """A PDF of the call. After publication, the file of an existing document is locked."""

    class Meta:
        model = CallDocument
        fields = ["title_it", "title_en", "file", "order"]
        widgets = {"file": forms.FileInput(attrs={"accept": "application/pdf"})}
        help_texts = {"file": _("PDF only.")}

    def __init__(self, *args, lock_existing_files=False, **kwargs):
        super().__init__(*args, **kwargs)
        if lock_existing_files and self.instance.pk:
            self.fields["file"].disabled = True
            self.fields["file"].help_text = _("The file of a published call cannot be replaced: add a new document.")
        self.helper = _no_form_tag_helper(
            Layout(
                Row(Column("title_it", css_class="col-md-6"), Column("title_en", css_class="col-md-6")),
                Row(Column("file", css_class="col-md-8"), Column("order", css_class="col-md-4")),
            )
        )

    def clean_file(self):
        file = self.cleaned_data.get("file")
        if isinstance(file, UploadedFile):
            validate_upload_size(file)
            validate_pdf(file)
        return file


class FaqForm(forms.ModelForm):
    """A question and answer staff write directly for the call page."""

    class Meta:
        model = CallQuestion
        fields = ["question", "answer", "is_published"]
        widgets = {"question": forms.Textarea(attrs={"rows": 2}), "answer": forms.Textarea(attrs={"rows": 3})}
        labels = {"is_published": _("Published on the call page")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answer"].required = True
        if not self.instance.pk:
            self.fields["is_published"].initial = True
        self.helper = _no_form_tag_helper(Layout("question", "answer", "is_published"))


# Said when a post claims more entries than CALL_PART_LIMITS allows (only a forged form can).
TOO_MANY_ENTRIES = {
    "criteria": _("A call has at most %(num)d evaluation criteria."),
    "commitments": _("A call has at most %(num)d funder commitments."),
    "cost_categories": _("A call has at most %(num)d eligible cost categories."),
    "attachments": _("A call asks for at most %(num)d documents."),
    "documents": _("A call has at most %(num)d documents."),
    "faq": _("A call has at most %(num)d questions and answers."),
}

_PART_MODELS = {
    "criteria": (EvaluationCriterion, CriterionForm, 2),
    "commitments": (FunderCommitment, CommitmentForm, 2),
    "cost_categories": (EligibleCostCategory, CostCategoryForm, 2),
    "attachments": (RequiredAttachment, RequiredAttachmentForm, 1),
    "documents": (CallDocument, DocumentForm, 1),
    "faq": (CallQuestion, FaqForm, 1),
}


def _parts(*, can_delete: bool) -> dict:
    factories = {}
    for name, (model, form, extra) in _PART_MODELS.items():
        limit = CALL_PART_LIMITS[name]
        factory = inlineformset_factory(
            Call,
            model,
            form=form,
            formset=CallPartFormSet,
            extra=extra,
            can_delete=can_delete,
            can_delete_extra=False,
            max_num=limit,
            absolute_max=limit,
            validate_max=True,
        )
        factory.default_error_messages = {"too_many_forms": TOO_MANY_ENTRIES[name]}
        factories[name] = factory
    return factories


PART_TITLES = {
    "criteria": _("Evaluation criteria"),
    "commitments": _("Funder commitments"),
    "cost_categories": _("Eligible cost categories"),
    "attachments": _("Documents every proposal must attach"),
    "documents": _("Call documents"),
    "faq": _("Questions and answers (FAQ)"),
}


def call_edition_forms(*, call: Call, data=None, files=None):
    """The main form and the formsets a call's edit page shows: everything for a draft (or a new
    call), only documents and FAQ once published (see calls.services)."""
    draft = call.pk is None or call.is_draft
    factories = _parts(can_delete=draft)
    form = CallForm(data, files, instance=call, prefix="call") if draft else None
    names = list(factories) if draft else ["documents", "faq"]
    formsets = {}
    for name in names:
        kwargs = {"data": data, "files": files, "instance": call, "prefix": name}
        if name == "faq" and call.pk:
            # Waiting applicant questions are answered on the questions page, not here.
            kwargs["queryset"] = CallQuestion.objects.filter(call=call, is_published=True)
        if name == "faq" and not call.pk:
            kwargs["queryset"] = CallQuestion.objects.none()
        if name == "documents":
            kwargs["form_kwargs"] = {"lock_existing_files": not draft}
        formsets[name] = factories[name](**kwargs)
    return form, formsets


# --- Copy, questions ----------------------------------------------------------------------------


class CallCopyForm(forms.Form):
    code = forms.SlugField(label=_("Code of the new edition"), max_length=32, help_text=_("E.g. COSV-2027."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Create the new edition")))

    def clean_code(self):
        code = self.cleaned_data["code"]
        if code.lower() in RESERVED_CALL_CODES:
            raise forms.ValidationError(_("“%(code)s” cannot be used as a call code."), params={"code": code})
        if Call.objects.filter(code=code).exists():
            raise forms.ValidationError(_("A call with this code already exists."))
        return code


class CallQuestionAskForm(OneTimeFormMixin, forms.Form):
    question = forms.CharField(
        label=_("Your question"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Staff publish the answer on this page, for everyone; your name is not shown."),
    )

    def __init__(self, *args, action=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        if action:
            self.helper.form_action = action
        self.helper.add_input(Submit("submit", _("Send the question")))


class CallQuestionAnswerForm(forms.Form):
    question = forms.CharField(
        label=_("Question"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("You may edit the wording before publishing it (for example to remove personal details)."),
    )
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    publish = forms.BooleanField(label=_("Publish on the call page"), required=False, initial=True)

    def __init__(self, *args, action=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        if action:
            self.helper.form_action = action
        self.helper.add_input(Submit("submit", _("Save")))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("publish") and not (cleaned.get("answer") or "").strip():
            self.add_error("answer", _("Write the answer before publishing it."))
        return cleaned
