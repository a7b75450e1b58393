"""Drafting pages: start a proposal, fill in its steps (saved as drafts, and autosaved while
typing), invite partners, attach documents, review it; an invited NGO answers on its own page.

Every page resolves the proposal through projects.selectors.proposal_get_for_user (a proposal
the user may not see answers 404, whatever the URL). Editing pages then need
can_edit_proposal_step for the step they edit (partners and attachments are steps too): the
lead's editors on a draft, or on the sections of a submitted proposal that a request for
clarification reopened, until its deadline. Otherwise those editors are sent to the read-only
page with a message (they may well have a stale tab open); anybody else who may see the
proposal but never edit it (a partner, a viewer, an officer) is refused with 403.
"""

import copy
import os
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView

from associations.selectors import organisations_that_can_apply
from calls.models import Call, CostCategory
from calls.selectors import call_cost_categories, call_get_published, call_required_attachment_get
from cosviluppo.lib.exceptions import DomainError
from cosviluppo.lib.money import ZERO

from ..eligibility import eligibility_problems
from ..forms import (
    STEP_FORMS,
    AttachmentForm,
    OriginPartnerForm,
    PartnerInviteForm,
    PartnerResponseForm,
    ProposalStartForm,
    VersionForm,
    row_formset,
)
from ..models import Proposal
from ..permissions import (
    ProposalActions,
    can_answer_partnership,
    can_edit_proposal_step,
    can_start_proposal,
    can_view_proposal,
    editable_proposal_steps,
    is_lead_editor,
    proposal_actions,
)
from ..selectors import (
    budget_summary,
    ngos_to_invite,
    partner_get_for_member,
    proposal_attachment_get,
    proposal_document_context,
    proposal_drafts_for_call,
    proposal_get_for_documents,
    proposal_get_for_user,
    proposal_get_fresh,
    proposal_partner_get,
    proposal_partner_list,
    proposal_partnership_of_user,
    proposal_step_progress,
    proposal_step_rows,
)
from ..services.editing import (
    FIELD_STEPS,
    ROW_STEPS,
    EditConflict,
    ProposalFrozen,
    partner_respond,
    proposal_attachment_delete,
    proposal_attachment_upload,
    proposal_partner_add_origin,
    proposal_partner_invite,
    proposal_partner_remove,
    proposal_save_step,
    proposal_start,
)
from ..steps import STEP_KEYS, STEP_LABELS, STEPS


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def frozen_message(proposal: Proposal, reopened=()) -> str:
    if proposal.status == Proposal.Status.WITHDRAWN:
        return _("This proposal was withdrawn: it can no longer be changed.")
    if reopened:
        return _(
            "The request for clarification reopened only these sections: %(sections)s. "
            "The others can no longer be changed."
        ) % {"sections": ", ".join(str(STEP_LABELS[key]) for key in STEP_KEYS if key in reopened)}
    return _("This proposal was submitted: it can no longer be changed. This is its read-only version.")


# --- Starting a proposal --------------------------------------------------------------------------


class ProposalStartView(LoginRequiredMixin, FormView):
    """A member of a verified migrant association starts a draft for an open call."""

    template_name = "projects/proposal_start.html"
    form_class = ProposalStartForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.call = call_get_published(code=kwargs["code"])
        if not can_start_proposal(request.user):
            raise PermissionDenied
        if not self.call.is_open_at(timezone.now()):
            messages.error(
                request,
                _("The call %(code)s is not open: proposals can be started only while it is open.")
                % {"code": self.call.code},
            )
            return redirect(self.call.get_absolute_url())
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["organisations"] = organisations_that_can_apply(user=self.request.user).order_by("legal_name", "pk")
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["call"] = self.call
        context["existing_drafts"] = proposal_drafts_for_call(user=self.request.user, call=self.call)
        return context

    def form_valid(self, form):
        try:
            proposal = proposal_start(
                call=self.call, lead=form.cleaned_data["lead"], title=form.cleaned_data["title"], by=self.request.user
            )
        except DomainError as error:
            messages.error(self.request, error.message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The draft is ready. Fill in the steps in any order: what you type is saved as you go."),
        )
        return redirect("projects:proposal-edit", pk=proposal.pk, step=STEP_KEYS[0])


# --- Editing a draft ---------------------------------------------------------------------------------


class ProposalEditMixin(LoginRequiredMixin):
    """The proposal among those the user may see (404), whose step the user may edit (403): a
    draft, or a section of a submitted proposal reopened by a request for clarification
    (otherwise its editors go to the read-only page)."""

    # The step of the form the view changes; the step pages read it from the URL.
    edit_step: str | None = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            if is_htmx(request):
                # An autosave after the session expired: the whole page goes to the login, not the status line.
                response = HttpResponse(status=204)
                page = urlsplit(request.headers.get("HX-Current-URL", "")).path or request.path
                response["HX-Redirect"] = redirect_to_login(page, self.get_login_url())["Location"]
                return response
            return self.handle_no_permission()
        self.proposal = proposal_get_for_user(user=request.user, pk=kwargs["pk"])
        self.now = timezone.now()
        step = kwargs.get("step") or self.edit_step
        if not can_edit_proposal_step(request.user, self.proposal, step, self.now):
            if is_lead_editor(request.user, self.proposal):
                return self.frozen_response()
            raise PermissionDenied
        self.editable_steps = editable_proposal_steps(request.user, self.proposal, self.now)
        return super().dispatch(request, *args, **kwargs)

    def frozen_response(self, proposal=None):
        proposal = proposal or self.proposal
        messages.warning(self.request, frozen_message(proposal, editable_proposal_steps(self.request.user, proposal)))
        url = reverse("projects:proposal-detail", args=[proposal.pk])
        if is_htmx(self.request):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return redirect(url)


def steps_nav(proposal: Proposal, current: str | None, editable=None) -> list[dict]:
    """The steps of the form with their progress; only the `editable` ones (all, when not given)
    link to their page: of a submitted proposal, those a request for clarification reopened."""
    progress = proposal_step_progress(proposal)
    editable = set(STEP_KEYS) if editable is None else set(editable)
    return [
        {
            "key": key,
            "label": label,
            "url": reverse("projects:proposal-edit", args=[proposal.pk, key]),
            "has_content": progress.get(key, False),
            "current": key == current,
            "editable": key in editable,
        }
        for key, label in STEPS
    ]


def _open_clarifications(proposal: Proposal, now, editable) -> list:
    """The open requests for clarification of a submitted proposal (none for a draft: no query),
    each with `section_links`: (label, the step's page if the user may edit it, else "")."""
    if proposal.status != Proposal.Status.SUBMITTED:
        return []
    # Imported here: evaluation builds on projects, not the other way round.
    from evaluation.selectors import open_clarifications

    requests = open_clarifications(proposal, now)
    for request in requests:
        request.section_links = [
            (label, reverse("projects:proposal-edit", args=[proposal.pk, key]) if key in editable else "")
            for key, label in request.section_list
        ]
    return requests


def _neighbours(step: str, editable=None) -> tuple[str | None, str | None]:
    """The previous and next step among those the member may edit (all of a draft's)."""
    keys = [key for key in STEP_KEYS if editable is None or key in editable or key == step]
    index = keys.index(step)
    previous = keys[index - 1] if index > 0 else None
    following = keys[index + 1] if index + 1 < len(keys) else None
    return previous, following


def _categories(call: Call) -> list[tuple[str, str]]:
    """The cost categories a budget line may use: the call's, or all when it lists none."""
    eligible = call_cost_categories(call)
    return [(value, label) for value, label in CostCategory.choices if not eligible or value in eligible]


def _preview_lines(formset) -> list[dict]:
    """What each row of a posted budget formset adds up to, as far as it can be read."""
    formset.is_valid()
    lines = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", {}) or {}
        deleted = bool(data.get("DELETE"))
        amounts = {
            name: data.get(name) or ZERO for name in ("amount_requested", "cofinancing_own", "cofinancing_other")
        }
        lines.append({"territory": data.get("territory"), "deleted": deleted, **amounts})
    return lines


class StepPageMixin(ProposalEditMixin):
    """The forms and the page of a step."""

    def step_forms(self, step: str, data=None):
        proposal = self.proposal
        if step in FIELD_STEPS:
            # A copy: validating a model form writes the typed values onto its instance, and the page
            # around the form (title, progress) must show what is saved.
            form = STEP_FORMS[step](
                data, instance=copy.copy(proposal), call=proposal.call, initial={"version": proposal.version}
            )
            return {"form": form}
        model = ROW_STEPS[step][0]
        rows = [] if data is not None else proposal_step_rows(proposal=proposal, model=model)
        categories = _categories(proposal.call) if step == "budget" else None
        return {
            "version_form": VersionForm(data, initial={"version": proposal.version}),
            "formset": row_formset(step, rows=rows, data=data, categories=categories),
        }

    @staticmethod
    def forms_valid(forms: dict) -> bool:
        return all([form.is_valid() for form in forms.values()])

    @staticmethod
    def step_data(step: str, forms: dict):
        if step in FIELD_STEPS:
            return forms["form"].cleaned_data
        return forms["formset"].rows()

    @staticmethod
    def posted_version(forms: dict) -> int:
        return (forms.get("form") or forms.get("version_form")).cleaned_data["version"]

    def page_context(self, step: str, **extra) -> dict:
        proposal = self.proposal
        previous, following = _neighbours(step, self.editable_steps)
        context = {
            "proposal": proposal,
            "step": step,
            "step_label": STEP_LABELS[step],
            "step_number": STEP_KEYS.index(step) + 1,
            "step_count": len(STEP_KEYS),
            "steps": steps_nav(proposal, step, self.editable_steps),
            # A submitted proposal is edited only to answer a request for clarification: the page says so.
            "clarifications": _open_clarifications(proposal, self.now, self.editable_steps),
            "previous_step": previous,
            "next_step": following,
            "autosave": step in FIELD_STEPS or step in ROW_STEPS,
        }
        context.update(extra)
        formset = context.get("formset")
        if step == "budget" and formset is not None:
            if formset.is_bound:
                lines = _preview_lines(formset)
            else:
                lines = [form.initial for form in formset.forms if form.initial]
            totals = [
                (line.get("amount_requested") or ZERO)
                + (line.get("cofinancing_own") or ZERO)
                + (line.get("cofinancing_other") or ZERO)
                for line in lines
            ]
            context["rows"] = list(
                zip(formset.forms, totals + [ZERO] * (len(formset.forms) - len(totals)), strict=True)
            )
            context["budget"] = budget_summary([line for line in lines if not line.get("deleted")])
        return context

    # Partners and attachments are lists of actions, each posted to its own URL; on an error the
    # action's view shows the step's page again with its form.

    def render_partners(self, invite_form=None, origin_form=None, status=200):
        proposal = self.proposal
        partners = proposal_partner_list(proposal)
        context = self.page_context(
            "partners",
            partners=partners,
            invite_form=invite_form or PartnerInviteForm(organisations=ngos_to_invite(proposal)),
            origin_form=origin_form or OriginPartnerForm(initial={"country": proposal.origin_country.code or ""}),
            ngo_partner_required=proposal.call.ngo_partner_required,
        )
        return render(self.request, "projects/proposal_partners.html", context, status=status)

    def render_attachments(self, bound_form=None, status=200):
        proposal = self.proposal
        document = proposal_document_context(proposal)
        slots = []
        for required, attachment in document["required_documents"]:
            form = AttachmentForm(required_attachment=required)
            if bound_form is not None and bound_form.required_attachment == required:
                form = bound_form
            slots.append({"required": required, "attachment": attachment, "form": form})
        other_form = AttachmentForm()
        if bound_form is not None and bound_form.required_attachment is None:
            other_form = bound_form
        context = self.page_context(
            "attachments", slots=slots, other_attachments=document["other_attachments"], other_form=other_form
        )
        return render(self.request, "projects/proposal_attachments.html", context, status=status)


class ProposalStepView(StepPageMixin, View):
    """One step of the form: GET shows it, POST saves it (checking the version) and comes back
    (or goes on to the next step)."""

    def dispatch(self, request, *args, **kwargs):
        if kwargs["step"] not in STEP_KEYS:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk, step):
        if step == "partners":
            return self.render_partners()
        if step == "attachments":
            return self.render_attachments()
        return self.render_step(step, self.step_forms(step))

    def render_step(self, step, forms, status=200, **extra):
        return render(
            self.request, "projects/proposal_step.html", self.page_context(step, **forms, **extra), status=status
        )

    def post(self, request, pk, step):
        if step not in FIELD_STEPS and step not in ROW_STEPS:
            return HttpResponseNotAllowed(["GET"])
        forms = self.step_forms(step, request.POST)
        if not self.forms_valid(forms):
            messages.error(request, _("Not saved: correct the marked fields."))
            return self.render_step(step, forms)
        try:
            proposal_save_step(
                proposal=self.proposal,
                step=step,
                data=self.step_data(step, forms),
                version=self.posted_version(forms),
                by=request.user,
            )
        except ProposalFrozen:
            return self.frozen_response(proposal_get_fresh(pk=self.proposal.pk))
        except EditConflict as conflict:
            return self.render_conflict(step, forms, conflict)
        except DomainError as error:
            messages.error(request, error.message)
            return self.render_step(step, forms)
        # Also when autosave had already stored the same text: the member pressed Save and wants to know.
        messages.success(request, _("“%(step)s” saved.") % {"step": STEP_LABELS[step]})
        following = _neighbours(step, self.editable_steps)[1]
        if "continue" in request.POST:
            if following:
                return redirect("projects:proposal-edit", pk=pk, step=following)
            return redirect("projects:proposal-detail", pk=pk)
        return redirect("projects:proposal-edit", pk=pk, step=step)

    def render_conflict(self, step, forms, conflict):
        """The member's input, untouched, beside the version saved by someone else; the form now
        carries the current version, so saving again (knowingly) keeps the member's text."""
        current = conflict.current
        self.proposal = proposal_get_for_user(user=self.request.user, pk=current.pk)
        for form in forms.values():
            if "version" in getattr(form, "fields", {}):
                data = form.data.copy()
                data["version"] = self.proposal.version
                form.data = data
        messages.error(self.request, conflict.message)
        saved = proposal_document_context(self.proposal)
        return self.render_step(step, forms, conflict=True, saved=saved)


class ProposalAutosaveView(StepPageMixin, View):
    """htmx posts the step's form here while the member types; the answer is the status line
    (and, out of band, the new version and the ids of rows just created)."""

    def post(self, request, pk, step):
        if step not in FIELD_STEPS and step not in ROW_STEPS:
            raise Http404
        forms = self.step_forms(step, request.POST)
        context = {"proposal": self.proposal, "step": step}
        if not self.forms_valid(forms):
            return render(request, "projects/partials/autosave_status.html", {**context, "state": "invalid"})
        try:
            saved = proposal_save_step(
                proposal=self.proposal,
                step=step,
                data=self.step_data(step, forms),
                version=self.posted_version(forms),
                by=request.user,
            )
        except ProposalFrozen:
            return self.frozen_response(proposal_get_fresh(pk=self.proposal.pk))
        except EditConflict as conflict:
            return render(
                request,
                "projects/partials/autosave_status.html",
                {
                    **context,
                    "state": "conflict",
                    "editor": conflict.current.last_edited_by.get_full_name()
                    if conflict.current.last_edited_by
                    else "",
                    "saved_at": timezone.localtime(conflict.current.updated_at),
                },
            )
        except DomainError:
            return render(request, "projects/partials/autosave_status.html", {**context, "state": "invalid"})
        new_rows = []
        if step in ROW_STEPS:
            for form, row_id in zip(forms["formset"].kept_forms(), saved.row_ids, strict=False):
                if row_id and form.cleaned_data.get("row_id") != row_id:
                    new_rows.append({"name": form["row_id"].html_name, "id": row_id})
        return render(
            request,
            "projects/partials/autosave_status.html",
            {
                **context,
                "state": "saved" if saved.changed else "unchanged",
                "step_filled": proposal_step_progress(saved.proposal).get(step, False),
                "version": saved.proposal.version,
                "saved_at": timezone.localtime(),
                "new_rows": new_rows,
            },
        )


class BudgetTotalsView(StepPageMixin, View):
    """The budget's totals from the amounts being typed (nothing is saved): htmx re-renders them
    on every change, per line, per territory and overall."""

    edit_step = "budget"

    def post(self, request, pk):
        formset = row_formset("budget", data=request.POST, categories=_categories(self.proposal.call))
        lines = _preview_lines(formset)
        rows = [
            {
                "id": f"budget-line-total-{index}",
                "total": line["amount_requested"] + line["cofinancing_own"] + line["cofinancing_other"],
            }
            for index, line in enumerate(lines)
        ]
        return render(
            request,
            "projects/partials/budget_totals.html",
            {
                "proposal": self.proposal,
                "budget": budget_summary([line for line in lines if not line["deleted"]]),
                "row_totals": rows,
                "call": self.proposal.call,
            },
        )


# --- Partners --------------------------------------------------------------------------------------


class PartnerInviteView(StepPageMixin, View):
    edit_step = "partners"

    def post(self, request, pk):
        form = PartnerInviteForm(request.POST, organisations=ngos_to_invite(self.proposal))
        if form.is_valid():
            try:
                partner = proposal_partner_invite(
                    proposal=self.proposal,
                    organisation=form.cleaned_data["organisation"],
                    contribution=form.cleaned_data["contribution"],
                    by=request.user,
                )
            except ProposalFrozen:
                return self.frozen_response(proposal_get_fresh(pk=self.proposal.pk))
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request,
                    _("%(name)s is invited: its members were told by e-mail and will answer on the portal.")
                    % {"name": partner.organisation.legal_name},
                )
                return redirect("projects:proposal-edit", pk=pk, step="partners")
        return self.render_partners(invite_form=form)


class OriginPartnerAddView(StepPageMixin, View):
    edit_step = "partners"

    def post(self, request, pk):
        form = OriginPartnerForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                partner = proposal_partner_add_origin(
                    proposal=self.proposal,
                    legal_name=data["legal_name"],
                    country=data["country"],
                    city=data["city"],
                    region=data["region"],
                    contribution=data["contribution"],
                    by=request.user,
                )
            except ProposalFrozen:
                return self.frozen_response(proposal_get_fresh(pk=self.proposal.pk))
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request, _("%(name)s is added as partner.") % {"name": partner.organisation.legal_name}
                )
                return redirect("projects:proposal-edit", pk=pk, step="partners")
        return self.render_partners(origin_form=form)


class PartnerRemoveView(ProposalEditMixin, View):
    edit_step = "partners"

    def post(self, request, pk, partner_pk):
        partner = proposal_partner_get(proposal=self.proposal, pk=partner_pk)
        name = partner.organisation.legal_name
        try:
            proposal_partner_remove(partner=partner, by=request.user)
        except ProposalFrozen:
            return self.frozen_response(proposal_get_fresh(pk=self.proposal.pk))
        messages.success(request, _("%(name)s is no longer a partner of this proposal.") % {"name": name})
        return redirect("projects:proposal-edit", pk=pk, step="partners")


class PartnerRespondView(LoginRequiredMixin, View):
    """A member of an invited NGO reads what it is invited to and confirms or declines."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.partner = partner_get_for_member(user=request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def render_page(self, form=None, status=200):
        partner, user = self.partner, self.request.user
        proposal = partner.proposal
        context = {
            "partner": partner,
            "proposal": proposal,
            "can_answer": can_answer_partnership(user, partner),
            "can_view_proposal": can_view_proposal(user, proposal),
            "form": form,
        }
        return render(self.request, "projects/partner_respond.html", context, status=status)

    def get(self, request, pk):
        return self.render_page()

    def post(self, request, pk):
        if not can_answer_partnership(request.user, self.partner):
            raise PermissionDenied
        form = PartnerResponseForm(request.POST)
        if not form.is_valid():
            return self.render_page(form=form)
        accept = form.cleaned_data["decision"] == "confirm"
        try:
            partner_respond(partner=self.partner, accept=accept, by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("projects:partner-respond", pk=pk)
        if accept:
            messages.success(
                request,
                _("You confirmed that %(ngo)s takes part in “%(title)s”. The lead association was told.")
                % {"ngo": self.partner.organisation.legal_name, "title": self.partner.proposal.title},
            )
        else:
            messages.success(
                request,
                _("You declined to take part in “%(title)s”. The lead association was told.")
                % {"title": self.partner.proposal.title},
            )
        return redirect("projects:partner-respond", pk=pk)


# --- Attachments -----------------------------------------------------------------------------------


class AttachmentUploadView(StepPageMixin, View):
    edit_step = "attachments"

    def post(self, request, pk):
        slot = request.POST.get("slot", "other")
        required = None
        if slot != "other":
            if not slot.isdigit():
                raise Http404
            required = call_required_attachment_get(call=self.proposal.call, pk=int(slot))
        form = AttachmentForm(request.POST, request.FILES, required_attachment=required)
        if form.is_valid():
            try:
                attachment = proposal_attachment_upload(
                    proposal=self.proposal,
                    file=form.cleaned_data["file"],
                    kind=form.kind,
                    title=form.cleaned_data.get("title", ""),
                    required_attachment=required,
                    by=request.user,
                )
            except ProposalFrozen:
                return self.frozen_response(proposal_get_fresh(pk=self.proposal.pk))
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("“%(title)s” is attached.") % {"title": attachment.title})
                return redirect("projects:proposal-edit", pk=pk, step="attachments")
        else:
            messages.error(request, _("The file was not attached: see the message next to it."))
        return self.render_attachments(bound_form=form)


class AttachmentDeleteView(ProposalEditMixin, View):
    edit_step = "attachments"

    def post(self, request, pk, attachment_pk):
        attachment = proposal_attachment_get(proposal=self.proposal, pk=attachment_pk)
        title = attachment.title
        try:
            proposal_attachment_delete(attachment=attachment, by=request.user)
        except ProposalFrozen:
            return self.frozen_response(proposal_get_fresh(pk=self.proposal.pk))
        messages.success(request, _("“%(title)s” is removed.") % {"title": title})
        return redirect("projects:proposal-edit", pk=pk, step="attachments")


class AttachmentDownloadView(LoginRequiredMixin, View):
    """Streams an attachment to the proposal's organisations, to staff (who may see it) and to the
    evaluators reviewing it (once they declared no conflict of interest); 404 to others."""

    def get(self, request, pk, attachment_pk):
        proposal = proposal_get_for_documents(user=request.user, pk=pk)
        attachment = proposal_attachment_get(proposal=proposal, pk=attachment_pk)
        try:
            handle = attachment.file.open("rb")
        except (FileNotFoundError, ValueError) as error:
            raise Http404 from error
        return FileResponse(
            handle,
            as_attachment=True,
            filename=os.path.basename(attachment.file.name),
            content_type=attachment.content_type or "application/octet-stream",
        )


# --- Review ----------------------------------------------------------------------------------------


class ProposalDetailView(LoginRequiredMixin, View):
    """The whole proposal. For a draft, the lead's members see whether it can be submitted (the
    eligibility panel, each problem linking to the step that fixes it) and the submit button;
    after submission it is the read-only record, with the receipt."""

    def get(self, request, pk):
        user = request.user
        now = timezone.now()
        proposal = proposal_get_for_user(user=user, pk=pk)
        context = proposal_document_context(proposal)
        actions = proposal_actions(user, proposal, now)
        problems = [
            {
                "message": problem.message,
                "step_label": STEP_LABELS.get(problem.step, problem.step),
                "url": reverse("projects:proposal-edit", args=[proposal.pk, problem.step]),
            }
            for problem in (eligibility_problems(proposal) if actions.can_check_eligibility else [])
        ]
        context.update(
            {
                "actions": actions,
                "problems": problems,
                "submit_enabled": actions.can_submit and not problems,
                "link_attachments": True,
                "steps": steps_nav(proposal, None, actions.editable_steps) if actions.editable_steps else [],
                "my_partnership": (
                    proposal_partnership_of_user(proposal=proposal, user=user)
                    if actions.can_answer_as_partner
                    else None
                ),
            }
        )
        context.update(_follow_up_links(proposal, actions, now=now))
        return render(request, "projects/proposal_detail.html", context)


def _follow_up_links(proposal: Proposal, actions: ProposalActions, *, now) -> dict:
    """What comes after submission, on the read-only page. The lead's members: the open requests
    for clarification (their sections linking to the reopened steps, for the editors), the
    message thread with the office and, once the call's results are published, the outcome.
    Staff: the proposal's evaluation page and, for a funded project, its money."""
    links = {"clarifications": [], "messages_url": "", "outcome_url": "", "staff_url": "", "project_url": ""}
    if actions.can_follow_up:
        links["clarifications"] = _open_clarifications(proposal, now, actions.editable_steps)
        links["messages_url"] = reverse("evaluation:messages", kwargs={"pk": proposal.pk})
    if actions.can_read_outcome:
        links["outcome_url"] = reverse("funding:outcome", kwargs={"pk": proposal.pk})
    if actions.can_open_evaluation:
        links["staff_url"] = reverse("evaluation:proposal", kwargs={"pk": proposal.pk})
    if actions.can_open_project:
        links["project_url"] = reverse("funding:project", kwargs={"pk": proposal.pk})
    # Staff read the proposal's actual status; applicants see the outcome once it is published.
    links["show_internal_status"] = actions.can_see_internal_status
    return links
