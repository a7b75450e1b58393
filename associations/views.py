"""Pages of organisations: public directory and page, registration, the members' area,
invitations, and the officers' verification queue.

Views resolve objects through scoped selectors (a guessed id gives 404), check a
predicate from permissions.py, and call one service; domain errors become messages.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import redirect, resolve_url
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView

from cosviluppo.lib.exceptions import DomainError
from cosviluppo.lib.permissions import PolicyRequiredMixin

from . import permissions, selectors, services
from .filters import OrganisationDirectoryFilter
from .forms import InvitationForm, MembershipRoleForm, OrganisationForm, RejectionForm
from .models import Membership, Organisation


def _site_url(request) -> str:
    """The address the user is browsing, for links in the e-mails we send on their behalf."""
    return request.build_absolute_uri("/").rstrip("/")


# --- Public ------------------------------------------------------------------------------------


class OrganisationDirectoryView(ListView):
    """Public directory of verified migrant associations, NGOs and federations."""

    template_name = "associations/organisation_directory.html"
    context_object_name = "organisations"
    paginate_by = 25

    def get_queryset(self):
        self.filterset = OrganisationDirectoryFilter(
            self.request.GET or None, queryset=selectors.organisation_directory()
        )
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filterset
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_without_page"] = query.urlencode()
        return context


class OrganisationPublicDetailView(DetailView):
    """An organisation's public page: who they are, their funded projects, who they worked with."""

    template_name = "associations/organisation_public.html"
    context_object_name = "organisation"

    def get_object(self, queryset=None):
        return selectors.organisation_public_get(pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        projects = selectors.organisation_projects(organisation=self.object)
        context["projects"] = projects
        context["partners"] = selectors.organisation_partners(organisation=self.object, projects=projects)
        return context


# --- Registration and the members' area ---------------------------------------------------------


class OrganisationRegisterView(PolicyRequiredMixin, FormView):
    policy = permissions.can_register_organisation
    template_name = "associations/organisation_form.html"
    form_class = OrganisationForm

    def get_initial(self):
        return {"legal_representative_name": self.request.user.full_name, "seat_country": "IT"}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            organisation = services.organisation_register(
                by=self.request.user,
                data=data,
                federations=data["federations"],
                statute=data["statute"],
            )
        except services.DuplicateOrganisation as error:
            form.existing_organisation = error.existing
            form.add_error("codice_fiscale", error.message)
            return self.form_invalid(form)
        except DomainError as error:
            messages.error(self.request, error.message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(name)s is registered. The programme office will verify it: you will be told by e-mail.")
            % {"name": organisation.legal_name},
        )
        return redirect("associations:mine", pk=organisation.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["registering"] = True
        return context


class MemberAreaMixin(LoginRequiredMixin):
    """Resolve the organisation among the user's own (404 otherwise), then check `member_policy`."""

    member_policy = staticmethod(permissions.can_view_organisation)

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.organisation = selectors.organisation_get_for_member(user=request.user, pk=kwargs["pk"])
        if not self.member_policy(request.user, self.organisation):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["organisation"] = self.organisation
        context["my_role"] = permissions.member_role(user, self.organisation)
        context["my_role_label"] = Membership.Role(context["my_role"]).label if context["my_role"] else ""
        context["can_edit"] = permissions.can_edit_organisation(user, self.organisation)
        context["can_view_members"] = permissions.can_view_members(user, self.organisation)
        context["can_manage_members"] = permissions.can_manage_members(user, self.organisation)
        return context


class OrganisationDetailView(MemberAreaMixin, TemplateView):
    """The organisation's own page for its members: status, data, statute."""

    template_name = "associations/organisation_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_apply"] = self.organisation.can_apply
        return context


class OrganisationEditView(MemberAreaMixin, FormView):
    member_policy = staticmethod(permissions.can_edit_organisation)
    template_name = "associations/organisation_form.html"
    form_class = OrganisationForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.organisation
        kwargs["editing"] = True
        kwargs["lock_codice_fiscale"] = not permissions.can_change_codice_fiscale(self.request.user, self.organisation)
        return kwargs

    def form_valid(self, form):
        data = form.cleaned_data
        was_rejected = self.organisation.verification_status == Organisation.VerificationStatus.REJECTED
        try:
            organisation = services.organisation_update(
                organisation=self.organisation,
                data=data,
                federations=data["federations"],
                statute=data.get("statute"),
                by=self.request.user,
            )
        except services.DuplicateOrganisation as error:
            form.existing_organisation = error.existing
            form.add_error("codice_fiscale", error.message)
            return self.form_invalid(form)
        except DomainError as error:
            messages.error(self.request, error.message)
            return self.form_invalid(form)
        if was_rejected:
            messages.success(self.request, _("Changes saved: the organisation is back in the verification queue."))
        else:
            messages.success(self.request, _("Changes saved."))
        return redirect("associations:mine", pk=organisation.pk)


class OrganisationMembersView(MemberAreaMixin, TemplateView):
    member_policy = staticmethod(permissions.can_view_members)
    template_name = "associations/membership_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["members"] = selectors.organisation_members(organisation=self.organisation)
        context["invitations"] = selectors.organisation_open_invitations(organisation=self.organisation)
        context["role_choices"] = Membership.Role.choices
        if context["can_manage_members"]:
            context["invite_form"] = kwargs.get("invite_form") or InvitationForm(
                action=reverse("associations:invite", args=[self.organisation.pk])
            )
        return context


class InvitationCreateView(MemberAreaMixin, View):
    member_policy = staticmethod(permissions.can_manage_members)

    def post(self, request, *args, **kwargs):
        form = InvitationForm(request.POST, action=reverse("associations:invite", args=[self.organisation.pk]))
        if form.is_valid():
            try:
                invitation = services.invitation_create(
                    organisation=self.organisation,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    by=request.user,
                    site_url=_site_url(request),
                )
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request, _("Invitation sent to %(email)s: the link works for 7 days.") % {"email": invitation.email}
                )
                return redirect("associations:members", pk=self.organisation.pk)
        # Show the members' page again with what the user typed and the errors.
        page = OrganisationMembersView(request=request, kwargs=kwargs, args=args, organisation=self.organisation)
        context = page.get_context_data(invite_form=form)
        return page.render_to_response(context)


class InvitationRevokeView(MemberAreaMixin, View):
    member_policy = staticmethod(permissions.can_manage_members)

    def post(self, request, *args, **kwargs):
        invitation = selectors.invitation_get_for_organisation(
            organisation=self.organisation, pk=kwargs["invitation_pk"]
        )
        try:
            services.invitation_revoke(invitation=invitation, by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The invitation to %(email)s was cancelled.") % {"email": invitation.email})
        return redirect("associations:members", pk=self.organisation.pk)


class MembershipRoleView(MemberAreaMixin, View):
    member_policy = staticmethod(permissions.can_manage_members)

    def post(self, request, *args, **kwargs):
        membership = selectors.membership_get(organisation=self.organisation, pk=kwargs["membership_pk"])
        form = MembershipRoleForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose one of the roles offered."))
            return redirect("associations:members", pk=self.organisation.pk)
        try:
            membership = services.membership_change_role(
                membership=membership, role=form.cleaned_data["role"], by=request.user
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("%(name)s is now %(role)s.")
                % {"name": membership.user.get_full_name(), "role": membership.get_role_display()},
            )
        if membership.user_id == request.user.pk:
            # Who changed their own role may no longer see the members' page.
            return redirect("associations:mine", pk=self.organisation.pk)
        return redirect("associations:members", pk=self.organisation.pk)


class MembershipRemoveView(MemberAreaMixin, View):
    member_policy = staticmethod(permissions.can_manage_members)

    def post(self, request, *args, **kwargs):
        membership = selectors.membership_get(organisation=self.organisation, pk=kwargs["membership_pk"])
        name = membership.user.get_full_name()
        try:
            services.membership_remove(membership=membership, by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("associations:members", pk=self.organisation.pk)
        if membership.user_id == request.user.pk:
            messages.success(request, _("You have left %(name)s.") % {"name": self.organisation.legal_name})
            return redirect("dashboard")
        messages.success(request, _("%(name)s is no longer a member.") % {"name": name})
        return redirect("associations:members", pk=self.organisation.pk)


class OrganisationStatuteView(LoginRequiredMixin, View):
    """The statute, streamed to members of the organisation and officers only (never a public URL)."""

    def get(self, request, *args, **kwargs):
        organisation = selectors.organisation_get_for_statute(user=request.user, pk=kwargs["pk"])
        if not permissions.can_download_statute(request.user, organisation):
            raise PermissionDenied
        handle = organisation.statute.open("rb")
        filename = f"statute-{organisation.org_id}.pdf"
        return FileResponse(handle, as_attachment=True, filename=filename, content_type="application/pdf")


# --- Invitations -------------------------------------------------------------------------------


class InvitationAcceptView(TemplateView):
    """The link in the invitation e-mail: explains it, then a signed-in invitee accepts it.

    Anyone holding the link sees which organisation it is for (the token is the secret);
    accepting needs the invited e-mail address.
    """

    template_name = "associations/invitation_detail.html"

    def dispatch(self, request, *args, **kwargs):
        self.invitation = selectors.invitation_get_by_token(token=kwargs["token"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        invitation, user = self.invitation, self.request.user
        now = timezone.now()
        context["invitation"] = invitation
        context["organisation"] = invitation.organisation
        context["is_accepted"] = invitation.is_accepted
        context["accepted_by_me"] = invitation.is_accepted and invitation.accepted_by_id == user.pk
        context["is_expired"] = invitation.is_expired(now)
        context["wrong_account"] = user.is_authenticated and user.email.lower() != invitation.email.lower()
        context["can_accept"] = user.is_authenticated and invitation.is_usable(now) and not context["wrong_account"]
        here = self.request.get_full_path()
        context["login_url"] = f"{resolve_url(settings.LOGIN_URL)}?next={here}"
        try:
            context["signup_url"] = f"{reverse('account_signup')}?next={here}"
        except NoReverseMatch:
            context["signup_url"] = ""
        return context

    def post(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(f"{resolve_url(settings.LOGIN_URL)}?next={request.path}")
        try:
            membership = services.invitation_accept(invitation=self.invitation, user=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("associations:invitation", token=self.invitation.token)
        messages.success(
            request,
            _("Welcome to %(name)s: you are %(role)s.")
            % {"name": membership.organisation.legal_name, "role": membership.get_role_display()},
        )
        return redirect("associations:mine", pk=membership.organisation_id)


# --- Officers: verification ----------------------------------------------------------------------


class VerificationQueueView(PolicyRequiredMixin, ListView):
    policy = permissions.can_verify_organisations
    template_name = "associations/verification_queue.html"
    context_object_name = "organisations"
    paginate_by = 50

    def get_queryset(self):
        return selectors.verification_queue()


class VerificationReviewView(PolicyRequiredMixin, DetailView):
    policy = permissions.can_verify_organisations
    template_name = "associations/verification_review.html"
    context_object_name = "organisation"

    def get_object(self, queryset=None):
        return selectors.organisation_get_for_review(pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        organisation = self.object
        allowed = Organisation.TRANSITIONS.get(organisation.verification_status, set())
        context["can_verify"] = Organisation.VerificationStatus.VERIFIED in allowed
        context["can_reject"] = Organisation.VerificationStatus.REJECTED in allowed
        history = selectors.organisation_status_history(organisation)
        for change in history:
            change.to_label = Organisation.VerificationStatus(change.to_status).label
        context["history"] = history
        context["rejection_form"] = kwargs.get("rejection_form") or RejectionForm(
            action=reverse("associations:reject", args=[organisation.pk])
        )
        return context


class OrganisationVerifyView(PolicyRequiredMixin, View):
    policy = permissions.can_verify_organisations

    def post(self, request, *args, **kwargs):
        organisation = selectors.organisation_get_for_review(pk=kwargs["pk"])
        try:
            services.organisation_verify(organisation=organisation, by=request.user, site_url=_site_url(request))
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("associations:verification-review", pk=organisation.pk)
        messages.success(request, _("%(name)s is verified: its members have been told.") % {"name": organisation})
        return redirect("associations:verification-queue")


class OrganisationRejectView(PolicyRequiredMixin, View):
    policy = permissions.can_verify_organisations

    def post(self, request, *args, **kwargs):
        organisation = selectors.organisation_get_for_review(pk=kwargs["pk"])
        form = RejectionForm(request.POST, action=reverse("associations:reject", args=[organisation.pk]))
        if form.is_valid():
            try:
                services.organisation_reject(
                    organisation=organisation,
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                    site_url=_site_url(request),
                )
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request, _("%(name)s is rejected: its members have been told why.") % {"name": organisation}
                )
                return redirect("associations:verification-queue")
        page = VerificationReviewView(request=request, kwargs=kwargs, args=args, object=organisation)
        return page.render_to_response(page.get_context_data(rejection_form=form))
