"""Organisations taking part in the programme and the people who act for them."""

import secrets
from datetime import datetime
from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from cosviluppo.lib.audit import StatusChange
from cosviluppo.lib.codicefiscale import normalise_codice_fiscale, validate_codice_fiscale


def statute_upload_to(instance, filename: str) -> str:
    return f"private/statutes/{instance.pk or 'new'}/{filename}"


ORGANISATION_KINDS = [
    "migrant_association",
    "ngo",
    "foundation",
    "bank",
    "public_body",
    "federation",
    "origin_partner",
]


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def verified(self) -> Self:
        return self.filter(verification_status=Organisation.VerificationStatus.VERIFIED)

    def migrant_associations(self) -> Self:
        return self.filter(kind=Organisation.Kind.MIGRANT_ASSOCIATION)

    def ngos(self) -> Self:
        return self.filter(kind=Organisation.Kind.NGO)

    def funders(self) -> Self:
        return self.filter(kind__in=Organisation.FUNDER_KINDS)


class Organisation(models.Model):
    """A migrant association, an NGO, a funder, a public body, a federation, or a
    partner in a country of origin (the last ones have no account and no Italian
    tax code)."""

    class Kind(models.TextChoices):
        MIGRANT_ASSOCIATION = "migrant_association", _("migrant association")
        NGO = "ngo", _("NGO")
        FOUNDATION = "foundation", _("foundation (funder)")
        BANK = "bank", _("bank (funder)")
        PUBLIC_BODY = "public_body", _("public body")
        FEDERATION = "federation", _("federation of associations")
        ORIGIN_PARTNER = "origin_partner", _("partner in the country of origin")

    FUNDER_KINDS = (Kind.FOUNDATION, Kind.BANK, Kind.PUBLIC_BODY)
    # Who can register on the portal by themselves (the others are entered by the office).
    SELF_REGISTERING_KINDS = (Kind.MIGRANT_ASSOCIATION, Kind.NGO)
    # Who may lead a proposal: the calls are addressed to migrant associations, NGOs join as partners.
    APPLICANT_KINDS = (Kind.MIGRANT_ASSOCIATION,)
    # Who is listed in the public directory and has a public page.
    DIRECTORY_KINDS = (Kind.MIGRANT_ASSOCIATION, Kind.NGO, Kind.FEDERATION)

    class LegalForm(models.TextChoices):
        APS = "aps", _("APS (social promotion association)")
        ODV = "odv", _("ODV (voluntary organisation)")
        ETS = "ets", _("ETS (other third-sector body)")
        ASSOCIATION = "association", _("unregistered association")
        COOPERATIVE = "cooperative", _("social cooperative")
        FOUNDATION = "foundation", _("foundation")
        COMPANY = "company", _("company")
        PUBLIC_BODY = "public_body", _("public body")
        FOREIGN = "foreign", _("organisation under foreign law")

    class VerificationStatus(models.TextChoices):
        PENDING = "pending", _("pending verification")
        VERIFIED = "verified", _("verified")
        REJECTED = "rejected", _("rejected")

    # Allowed verification moves (from → to). Every move goes through associations.services:
    # a rejected organisation goes back to pending when its members correct the data, and
    # a verified one can still be rejected if the office finds a problem later.
    TRANSITIONS: dict[str, set[str]] = {
        VerificationStatus.PENDING: {VerificationStatus.VERIFIED, VerificationStatus.REJECTED},
        VerificationStatus.VERIFIED: {VerificationStatus.REJECTED},
        VerificationStatus.REJECTED: {VerificationStatus.PENDING, VerificationStatus.VERIFIED},
    }

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, db_index=True)
    legal_name = models.CharField(_("legal name"), max_length=255)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    codice_fiscale = models.CharField(
        _("codice fiscale"),
        max_length=16,
        blank=True,
        validators=[validate_codice_fiscale],
        help_text=_(
            "11 digits for an organisation (16 characters for a person). "
            "Not required for partners in the country of origin."
        ),
    )
    partita_iva = models.CharField(_("partita IVA"), max_length=11, blank=True)
    legal_form = models.CharField(_("legal form"), max_length=32, choices=LegalForm.choices, blank=True)
    description = models.TextField(_("description"), blank=True)
    seat_street = models.CharField(_("street and number"), max_length=255, blank=True)
    seat_city = models.CharField(_("city"), max_length=120, blank=True, db_index=True)
    seat_province = models.CharField(_("province"), max_length=2, blank=True)
    seat_region = models.CharField(_("region"), max_length=60, blank=True)
    seat_country = CountryField(_("country of the seat"), default="IT")
    founding_year = models.PositiveSmallIntegerField(_("founding year"), null=True, blank=True)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    countries_of_origin = CountryField(_("countries of origin of the community"), multiple=True, blank=True)
    federations = models.ManyToManyField(
        "self",
        verbose_name=_("member of federations"),
        symmetrical=False,
        blank=True,
        related_name="member_organisations",
        limit_choices_to={"kind": Kind.FEDERATION},
    )
    legal_representative_name = models.CharField(_("legal representative"), max_length=150, blank=True)
    statute = models.FileField(_("statute (PDF)"), upload_to=statute_upload_to, blank=True)
    verification_status = models.CharField(
        _("verification status"),
        max_length=16,
        choices=VerificationStatus.choices,
        default=VerificationStatus.PENDING,
        db_index=True,
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["legal_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["codice_fiscale"],
                condition=~Q(codice_fiscale=""),
                name="organisation_codice_fiscale_unique",
                violation_error_message=_("An organisation with this codice fiscale is already registered."),
            ),
            models.CheckConstraint(
                condition=Q(kind="origin_partner") | ~Q(codice_fiscale=""),
                name="organisation_codice_fiscale_required_in_italy",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ORGANISATION_KINDS),
                name="organisation_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(verification_status__in=["pending", "verified", "rejected"]),
                name="organisation_verification_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(verification_status="rejected") | ~Q(rejection_reason=""),
                name="organisation_rejection_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.legal_name} ({self.acronym})" if self.acronym else self.legal_name

    def save(self, *args, **kwargs):
        self.codice_fiscale = normalise_codice_fiscale(self.codice_fiscale)
        super().save(*args, **kwargs)

    @property
    def is_verified(self) -> bool:
        return self.verification_status == self.VerificationStatus.VERIFIED

    @property
    def is_pending_verification(self) -> bool:
        return self.verification_status == self.VerificationStatus.PENDING

    @property
    def is_rejected(self) -> bool:
        return self.verification_status == self.VerificationStatus.REJECTED

    @property
    def can_apply(self) -> bool:
        """Only verified organisations of an applicant kind may lead a proposal."""
        return self.is_verified and self.kind in self.APPLICANT_KINDS

    @property
    def has_public_page(self) -> bool:
        return self.is_verified and self.kind in self.DIRECTORY_KINDS

    @property
    def is_funder(self) -> bool:
        return self.kind in self.FUNDER_KINDS

    @property
    def org_id(self) -> str:
        """The org-id.guide identifier: IT-CF-<codice fiscale> for Italian bodies."""
        if self.codice_fiscale:
            return f"IT-CF-{self.codice_fiscale}"
        return f"XI-COSV-{self.pk}"


class OrganisationStatusChange(StatusChange):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("organisation")
    )

    class Meta(StatusChange.Meta):
        verbose_name = _("organisation status change")
        verbose_name_plural = _("organisation status changes")


class Membership(models.Model):
    """A person acting for an organisation, with a role in it."""

    class Role(models.TextChoices):
        LEGAL_REPRESENTATIVE = "legal_representative", _("legal representative")
        EDITOR = "editor", _("editor")
        VIEWER = "viewer", _("viewer")

    # The role groups, named once (cosviluppo.lib.permissions asks with them).
    EDITING_ROLES = (Role.LEGAL_REPRESENTATIVE, Role.EDITOR)  # edit the organisation and its drafts
    SIGNING_ROLES = (Role.LEGAL_REPRESENTATIVE,)  # sign for it: submit, withdraw, request a review

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.EDITOR)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organisation__legal_name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique"),
            models.CheckConstraint(
                condition=Q(role__in=["legal_representative", "editor", "viewer"]),
                name="membership_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"


def invitation_token() -> str:
    return secrets.token_urlsafe(32)


class Invitation(models.Model):
    """A single-use link, sent by e-mail, to join an organisation with a role.

    Accepted by a signed-in person whose e-mail address is the invited one, before
    `expires_at`; the accepting service records who and when, so it cannot be reused.
    """

    VALIDITY_DAYS = 7

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("organisation")
    )
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=32, choices=Membership.Role.choices, default=Membership.Role.EDITOR)
    token = models.CharField(_("token"), max_length=64, unique=True, default=invitation_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=["legal_representative", "editor", "viewer"]),
                name="invitation_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation} ({self.get_role_display()})"

    @property
    def is_accepted(self) -> bool:
        return self.accepted_at is not None

    def is_expired(self, now: datetime) -> bool:
        return now >= self.expires_at

    def is_usable(self, now: datetime) -> bool:
        return not self.is_accepted and not self.is_expired(now)
