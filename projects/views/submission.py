"""Submitting, withdrawing and the PDF receipt (URL names proposal-submit, proposal-withdraw, proposal-receipt).

Every proposal is fetched through proposal_get_for_user (404 when the user may not see it);
what the user may do with a visible proposal is the permission predicates' answer (403).
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.views import View

from cosviluppo.lib.exceptions import DomainError
from cosviluppo.templatetags.formatting import rome_datetime

from .. import permissions
from ..forms import ProposalWithdrawForm
from ..models import Proposal
from ..receipts import proposal_receipt_pdf, receipt_filename
from ..selectors import proposal_get_for_user
from ..services import ProposalNotEligible, proposal_submit, proposal_withdraw


def _detail(proposal: Proposal):
    return redirect("projects:proposal-detail", pk=proposal.pk)


class ProposalSubmitView(LoginRequiredMixin, View):
    """POST only: the submit button of the review page."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        proposal = proposal_get_for_user(user=request.user, pk=kwargs["pk"])
        if proposal.status == Proposal.Status.SUBMITTED and permissions.is_lead_member(request.user, proposal):
            # The second click of a double click, or a second tab: already done, say so.
            messages.info(
                request,
                _("The proposal was already submitted, with protocol number %(protocol)s.")
                % {"protocol": proposal.protocol_number},
            )
            return _detail(proposal)
        if not permissions.can_submit_proposal(request.user, proposal):
            raise PermissionDenied
        try:
            submitted = proposal_submit(proposal=proposal, by=request.user)
        except ProposalNotEligible as refusal:
            messages.error(
                request,
                format_html(
                    '{}<ul class="mb-0">{}</ul>',
                    refusal.message,
                    format_html_join("", "<li>{}</li>", ((problem.message,) for problem in refusal.problems)),
                ),
            )
            return _detail(proposal)
        except DomainError as error:
            messages.error(request, error.message)
            return _detail(proposal)
        messages.success(
            request,
            _(
                "Proposal submitted on %(when)s (Italian time) with protocol number %(protocol)s. The members of "
                "your association and of its partners are told by e-mail; the receipt (PDF) is on this page."
            )
            % {
                "protocol": submitted.protocol_number,
                "when": rome_datetime(submitted.submitted_at),
            },
        )
        return _detail(submitted)


class ProposalWithdrawView(LoginRequiredMixin, View):
    """GET: the confirmation page with the reason; POST: withdraw."""

    template_name = "projects/proposal_withdraw.html"

    def _proposal(self, request, pk) -> Proposal:
        proposal = proposal_get_for_user(user=request.user, pk=pk)
        if not permissions.can_withdraw_proposal(request.user, proposal):
            raise PermissionDenied
        return proposal

    def _render(self, request, proposal, form, status=200):
        deadline_passed = timezone.now() >= proposal.call.closes_at
        return render(
            request,
            self.template_name,
            {"proposal": proposal, "form": form, "deadline_passed": deadline_passed},
            status=status,
        )

    def get(self, request, *args, **kwargs):
        proposal = self._proposal(request, kwargs["pk"])
        action = reverse("projects:proposal-withdraw", args=[proposal.pk])
        return self._render(request, proposal, ProposalWithdrawForm(action=action))

    def post(self, request, *args, **kwargs):
        proposal = self._proposal(request, kwargs["pk"])
        form = ProposalWithdrawForm(request.POST, action=reverse("projects:proposal-withdraw", args=[proposal.pk]))
        if not form.is_valid():
            return self._render(request, proposal, form)
        try:
            proposal_withdraw(proposal=proposal, by=request.user, reason=form.cleaned_data["reason"])
        except DomainError as error:
            messages.error(request, error.message)
            return _detail(proposal)
        messages.success(request, _("The proposal “%(title)s” is withdrawn.") % {"title": proposal.title})
        return _detail(proposal)


class ProposalReceiptView(LoginRequiredMixin, View):
    """The PDF receipt, generated on each request (the proposal is frozen, so it never changes)."""

    def get(self, request, *args, **kwargs):
        proposal = proposal_get_for_user(user=request.user, pk=kwargs["pk"])
        if not permissions.can_download_receipt(request.user, proposal):
            raise Http404
        pdf = proposal_receipt_pdf(proposal)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{receipt_filename(proposal)}"'
        response["Cache-Control"] = "private, no-store"
        return response
