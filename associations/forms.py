"""Forms of the organisations' area: registration and edit, invitations, roles, verification."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext_lazy as _

from cosviluppo.lib.codicefiscale import normalise_codice_fiscale
from cosviluppo.lib.uploads import PDF_VALIDATORS

from .models import Membership, Organisation
from .services import duplicate_message

STATUTE_HELP = _("The statute in force, as a PDF document (at most %(limit)s MB).")


class OrganisationForm(forms.ModelForm):
    """Registration data of an organisation; the view passes cleaned_data to a service.

    Used for registration (`kind` chosen) and for corrections (`kind` fixed; the codice
    fiscale locked once the organisation is verified).
    """

    statute = forms.FileField(
        label=_("Statute (PDF)"),
        required=True,
        validators=[FileExtensionValidator(["pdf"]), *PDF_VALIDATORS],
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    federations = forms.ModelMultipleChoiceField(
        label=_("Member of federations"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The federations or networks of associations your organisation belongs to."),
    )

    class Meta:
        model = Organisation
        fields = [
            "kind",
            "legal_name",
            "acronym",
            "legal_form",
            "codice_fiscale",
            "partita_iva",
            "founding_year",
            "description",
            "seat_street",
            "seat_city",
            "seat_province",
            "seat_region",
            "seat_country",
            "legal_representative_name",
            "email",
            "phone",
            "website",
            "countries_of_origin",
        ]
        labels = {
            "kind": _("Kind of organisation"),
            "legal_name": _("Legal name"),
            "acronym": _("Acronym"),
            "legal_form": _("Legal form"),
            "codice_fiscale": _("Codice fiscale"),
            "partita_iva": _("Partita IVA (if any)"),
            "founding_year": _("Year of foundation"),
            "description": _("What the organisation does"),
            "seat_street": _("Street and number"),
            "seat_city": _("Municipality"),
            "seat_province": _("Province (two letters, e.g. MI)"),
            "seat_region": _("Region"),
            "seat_country": _("Country"),
            "legal_representative_name": _("Full name of the legal representative"),
            "email": _("E-mail of the organisation"),
            "phone": _("Phone"),
            "countries_of_origin": _("Countries of origin of the community"),
        }
        help_texts = {
            "codice_fiscale": _("The 11 digits on the organisation's certificate of attribution."),
            "countries_of_origin": _(
                "For a migrant association: the countries its members come from. "
                "Hold Ctrl (Cmd on a Mac) to choose more than one."
            ),
            "email": _("Shown on the public page once the organisation is verified."),
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, editing: bool = False, lock_codice_fiscale: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        from django.conf import settings

        self.existing_organisation = None
        self.fields["federations"].queryset = Organisation.objects.verified().filter(kind=Organisation.Kind.FEDERATION)
        if self.instance.pk:
            self.fields["federations"].initial = list(self.instance.federations.all())
        self.fields["statute"].help_text = STATUTE_HELP % {"limit": settings.MAX_UPLOAD_MB}
        for name in ("legal_name", "seat_street", "seat_city", "legal_representative_name", "codice_fiscale"):
            self.fields[name].required = True
        self.fields["countries_of_origin"].widget.attrs["size"] = 8
        if editing:
            del self.fields["kind"]
            self.fields["statute"].required = False
            self.fields["statute"].help_text = _(
                "Upload a new PDF only to replace the statute on file (at most %(limit)s MB)."
            ) % {"limit": settings.MAX_UPLOAD_MB}
            self.fields["statute"].widget = forms.FileInput(attrs={"accept": "application/pdf,.pdf"})
        else:
            self.fields["kind"].choices = [
                (kind.value, kind.label) for kind in Organisation.Kind if kind in Organisation.SELF_REGISTERING_KINDS
            ]
        if lock_codice_fiscale:
            self.fields["codice_fiscale"].disabled = True
            self.fields["codice_fiscale"].help_text = _(
                "The codice fiscale of a verified organisation cannot be changed: write to the programme "
                "office if it is wrong."
            )
        self.helper = FormHelper()
        self.helper.form_tag = True
        self.helper.attrs = {"novalidate": ""}
        identity = ["legal_name", "acronym", "legal_form", "codice_fiscale", "partita_iva", "founding_year"]
        if not editing:
            identity.insert(0, "kind")
        self.helper.layout = Layout(
            Fieldset(_("Identity"), *identity, "description"),
            Fieldset(_("Registered seat"), "seat_street", "seat_city", "seat_province", "seat_region", "seat_country"),
            Fieldset(_("Legal representative and contacts"), "legal_representative_name", "email", "phone", "website"),
            Fieldset(_("Community and networks"), "countries_of_origin", "federations"),
            Fieldset(_("Documents"), "statute"),
        )
        self.helper.add_input(Submit("submit", _("Save changes") if editing else _("Register the organisation")))

    def clean_codice_fiscale(self):
        value = normalise_codice_fiscale(self.cleaned_data.get("codice_fiscale", ""))
        clash = Organisation.objects.filter(codice_fiscale=value).exclude(pk=self.instance.pk).first()
        if value and clash is not None:
            self.existing_organisation = clash
            raise forms.ValidationError(duplicate_message(clash), code="duplicate")
        return value

    def clean_seat_province(self):
        return (self.cleaned_data.get("seat_province") or "").strip().upper()

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind", getattr(self.instance, "kind", ""))
        if kind == Organisation.Kind.MIGRANT_ASSOCIATION and not cleaned.get("countries_of_origin"):
            self.add_error("countries_of_origin", _("A migrant association must name at least one country of origin."))
        return cleaned


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of the person to invite"))
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Membership.Role.choices,
        initial=Membership.Role.EDITOR,
        help_text=_("Legal representatives manage members; editors edit the data and proposals; viewers only read."),
    )

    def __init__(self, *args, action: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_action = action
        self.helper.add_input(Submit("submit", _("Send the invitation")))


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class RejectionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for rejection"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Sent to the organisation's members: say what is missing or wrong and how to correct it."),
    )

    def __init__(self, *args, action: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_action = action
        self.helper.add_input(Submit("reject", _("Reject the registration"), css_class="btn-danger"))

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Give the reason for rejecting the organisation."))
        return reason
