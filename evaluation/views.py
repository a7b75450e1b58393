"""Pages of the evaluation: the officers' pages (call proposals, proposal, admissibility,
clarifications, assignments, consensus, ranking), the evaluators' review pages, the
applicants' request page and the message thread.

Views resolve objects through scoped selectors (a guessed id gives 404), check a predicate
from permissions.py, and call one service; domain errors become messages.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import ListView

from cosviluppo.lib.exceptions import DomainError
from cosviluppo.lib.pagination import page_of
from cosviluppo.lib.permissions import PolicyRequiredMixin, is_staff_officer
from cosviluppo.lib.views import ServiceActionView
from projects.models import Proposal, Review

from . import selectors, services
from .filters import CallProposalFilter
from .forms import (
    AssignForm,
    BalancedAssignForm,
    ChecklistForm,
    ClarificationRequestForm,
    ConsensusForm,
    DeclarationForm,
    InadmissibleForm,
    MessageForm,
    ReviewScoreForm,
)
from .models import ClarificationRequest
from .permissions import (
    can_answer_clarification,
    can_declare_interest,
    can_manage_evaluation,
    can_read_assigned_proposal,
    can_score_review,
    evaluation_actions,
)


class StaffMixin(PolicyRequiredMixin):
    """Programme officers and administrators; everyone else signed in gets 403."""

    policy = can_manage_evaluation


def _clarifications(proposal: Proposal) -> list[ClarificationRequest]:
    requests = selectors.proposal_clarification_requests(proposal)
    for request in requests:
        request.section_list = selectors.section_labels(request.sections)
        changed = request.changes.get("changed", {})
        request.changed_list = [
            (label, {**changed[key], "fields": [_field_label(name) for name in changed[key].get("fields", [])]})
            for key, label in selectors.section_labels(list(changed))
        ]
    return requests


def _field_label(name: str) -> str:
    try:
        return str(Proposal._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def _edit_url(proposal: Proposal, step: str) -> str:
    """The projects page that edits one step of the proposal (none while projects lacks it)."""
    try:
        return reverse("projects:proposal-edit", kwargs={"pk": proposal.pk, "step": step})
    except NoReverseMatch:
        return ""


# --- Staff: a call --------------------------------------------------------------------------------


class CallEvaluationListView(StaffMixin, ListView):
    """Every published call with its proposals counted by step: where the officers start."""

    template_name = "evaluation/call_list.html"
    context_object_name = "calls"
    paginate_by = 25

    def get_queryset(self):
        return selectors.calls_for_evaluation()


class CallProposalListView(StaffMixin, ListView):
    """The proposals received by a call, filtered by status, with their review counts."""

    template_name = "evaluation/call_proposals.html"
    context_object_name = "proposals"
    paginate_by = 50

    def get_queryset(self):
        self.call = selectors.call_get_for_evaluation(code=self.kwargs["code"])
        self.filterset = CallProposalFilter(self.request.GET or None, queryset=selectors.call_proposals(self.call))
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(call=self.call, filter=self.filterset, **kwargs)


class ReviewsAssignBalancedView(StaffMixin, View):
    """Assign evaluators to every admissible proposal of a call, least loaded first."""

    template_name = "evaluation/assign_balanced.html"

    def render_page(self, call, form):
        waiting = selectors.call_admissible_count(call)
        return render(self.request, self.template_name, {"call": call, "form": form, "waiting": waiting})

    def get(self, request, code):
        call = selectors.call_get_for_evaluation(code=code)
        return self.render_page(call, BalancedAssignForm())

    def post(self, request, code):
        call = selectors.call_get_for_evaluation(code=code)
        form = BalancedAssignForm(request.POST)
        if not form.is_valid():
            return self.render_page(call, form)
        try:
            result = services.reviews_assign_balanced(
                call=call,
                evaluators=form.cleaned_data["evaluators"],
                per_proposal=form.cleaned_data["per_proposal"],
                by=request.user,
            )
        except DomainError as error:
            messages.error(request, error.message)
            return self.render_page(call, form)
        messages.success(
            request,
            ngettext("%(count)d review assigned.", "%(count)d reviews assigned.", len(result.created))
            % {"count": len(result.created)},
        )
        for proposal, missing in result.short:
            messages.warning(
                request,
                _("%(protocol)s still needs %(missing)s evaluator(s): no eligible evaluator is left.")
                % {"protocol": proposal.protocol_number, "missing": missing},
            )
        return redirect("evaluation:call-proposals", code=call.code)


class CallRankingView(StaffMixin, View):
    """The ranking as the consensus scores stand, per criterion, with the fundable flag and reasons."""

    template_name = "evaluation/ranking.html"

    def get(self, request, code):
        call = selectors.call_get_for_evaluation(code=code)
        ranking = selectors.call_ranking(call)
        criteria = selectors.call_criteria(call)
        rows = [
            {
                "line": line,
                "scores": [line.criterion_scores.get(criterion.pk) for criterion in criteria],
                "stored": line.proposal.rank == line.position and line.proposal.total_score == line.total_score,
            }
            for line in ranking
        ]
        return render(
            request,
            self.template_name,
            {
                "call": call,
                "criteria": criteria,
                **page_of(rows, request),
                "waiting": selectors.proposals_waiting_for_consensus(call),
                "weights_total": sum((criterion.weight for criterion in criteria), 0),
                "all_stored": all(row["stored"] for row in rows),
            },
        )


class CallRankView(StaffMixin, ServiceActionView):
    def get_object(self):
        return selectors.call_get_for_evaluation(code=self.kwargs["code"])

    def action(self, call):
        ranking = services.call_rank(call=call, by=self.request.user)
        return ngettext("%(count)d proposal ranked.", "%(count)d proposals ranked.", len(ranking)) % {
            "count": len(ranking)
        }

    def success_url(self, call):
        return reverse("evaluation:ranking", kwargs={"code": call.code})


# --- Staff: a proposal ------------------------------------------------------------------------------


class ProposalStaffView(StaffMixin, View):
    """The officer's view of a proposal: data, checklist, clarifications, reviews, consensus, audit trail."""

    template_name = "evaluation/proposal_staff.html"

    def get(self, request, pk):
        proposal = selectors.proposal_get_for_staff(pk=pk)
        check = selectors.admissibility_check_get(proposal=proposal)
        document_template, document_context = selectors.proposal_document(proposal)
        reviews = selectors.proposal_reviews(proposal)
        now = timezone.now()
        context = {
            **document_context,
            "proposal": proposal,
            "document_template": document_template,
            "check": check,
            "actions": evaluation_actions(request.user, proposal, now),
            "checklist": check.items if check and check.is_decided else None,
            "clarifications": _clarifications(proposal),
            "open_sections": selectors.section_labels(list(selectors.open_clarification_sections(proposal, now))),
            "reviews": reviews,
            "sheet": selectors.consensus_sheet(proposal),
            "consensus_blockers": selectors.consensus_blockers(proposal),
            "trail": selectors.proposal_audit_trail(proposal),
        }
        return render(request, self.template_name, context)


class AdmissibilityView(StaffMixin, View):
    """The checklist: automatic items from the call's rules, manual items ticked by the officer,
    and the two decisions."""

    template_name = "evaluation/admissibility.html"

    def render_page(self, proposal, check, items, form, inadmissible_form=None, status=200):
        context = {
            "proposal": proposal,
            "check": check,
            "items": items,
            "form": form,
            "inadmissible_form": inadmissible_form
            or InadmissibleForm(action=reverse("evaluation:declare-inadmissible", kwargs={"pk": proposal.pk})),
            "all_passed": all(item["passed"] is True for item in items),
            "actions": evaluation_actions(self.request.user, proposal),
            "open_sections": selectors.section_labels(list(selectors.open_clarification_sections(proposal))),
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, pk):
        proposal = selectors.proposal_get_for_staff(pk=pk)
        check = selectors.admissibility_check_get(proposal=proposal)
        if check is not None and check.is_decided:
            items = check.items
        else:
            items = selectors.admissibility_checklist(proposal, check)
        return self.render_page(proposal, check, items, ChecklistForm(items=items))

    def post(self, request, pk):
        proposal = selectors.proposal_get_for_staff(pk=pk)
        check = selectors.admissibility_check_get(proposal=proposal)
        items = selectors.admissibility_checklist(proposal, check)
        form = ChecklistForm(request.POST, items=items)
        if not form.is_valid():
            return self.render_page(proposal, check, items, form)
        try:
            check = services.admissibility_check_save(proposal=proposal, manual=form.manual_answers(), by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return self.render_page(proposal, check, items, form)
        messages.success(request, _("The checklist was saved."))
        return redirect("evaluation:admissibility", pk=proposal.pk)


class ProposalAdmitView(StaffMixin, View):
    def post(self, request, pk):
        proposal = selectors.proposal_get_for_staff(pk=pk)
        check = selectors.admissibility_check_get(proposal=proposal)
        if check is None:
            messages.error(request, _("Save the checklist first."))
            return redirect("evaluation:admissibility", pk=proposal.pk)
        try:
            services.proposal_admit(proposal=proposal, by=request.user, check=check)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("evaluation:admissibility", pk=proposal.pk)
        messages.success(request, _("The proposal is admissible: the applicant has been told."))
        return redirect("evaluation:proposal", pk=proposal.pk)


class ProposalInadmissibleView(StaffMixin, View):
    def post(self, request, pk):
        proposal = selectors.proposal_get_for_staff(pk=pk)
        form = InadmissibleForm(request.POST)
        if not form.is_valid():
            messages.error(
                request, _("Give the reasons why the proposal is inadmissible: the applicant will read them.")
            )
            return redirect("evaluation:admissibility", pk=proposal.pk)
        try:
            services.proposal_declare_inadmissible(
                proposal=proposal, by=request.user, reasons=form.cleaned_data["reasons"]
            )
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("evaluation:admissibility", pk=proposal.pk)
        messages.success(request, _("The proposal is inadmissible: the applicant has been told, with the reasons."))
        return redirect("evaluation:proposal", pk=proposal.pk)


class ClarificationRequestView(StaffMixin, View):
    template_name = "evaluation/clarification_form.html"

    def get(self, request, pk):
        proposal = selectors.proposal_get_for_staff(pk=pk)
        return render(request, self.template_name, {"proposal": proposal, "form": ClarificationRequestForm()})

    def post(self, request, pk):
        proposal = selectors.proposal_get_for_staff(pk=pk)
        form = ClarificationRequestForm(request.POST)
        if form.is_valid():
            try:
                services.clarification_request(
                    proposal=proposal,
                    sections=form.cleaned_data["sections"],
                    message=form.cleaned_data["message"],
                    deadline=form.cleaned_data["deadline"],
                    by=request.user,
                )
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("The request was sent to the applicant."))
                return redirect("evaluation:proposal", pk=proposal.pk)
        return render(request, self.template_name, {"proposal": proposal, "form": form})


class ReviewAssignView(StaffMixin, View):
    template_name = "evaluation/assign.html"

    def render_page(self, proposal, form):
        reviews = selectors.proposal_reviews(proposal)
        return render(self.request, self.template_name, {"proposal": proposal, "form": form, "reviews": reviews})

    def get(self, request, pk):
        proposal = selectors.proposal_get_for_staff(pk=pk)
        return self.render_page(proposal, AssignForm(proposal=proposal))

    def post(self, request, pk):
        proposal = selectors.proposal_get_for_staff(pk=pk)
        form = AssignForm(request.POST, proposal=proposal)
        if form.is_valid():
            try:
                services.review_assign(proposal=proposal, evaluator=form.cleaned_data["evaluator"], by=request.user)
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request, _("%(name)s is assigned to the proposal.") % {"name": form.cleaned_data["evaluator"]}
                )
                return redirect("evaluation:assign", pk=proposal.pk)
        return self.render_page(proposal, form)


class ConsensusView(StaffMixin, View):
    """The consensus sheet: per criterion the evaluators' scores, mean and spread (flagged above
    the alert gap), and the consensus score with its justification."""

    template_name = "evaluation/consensus.html"

    def render_page(self, proposal, form, blockers):
        return render(
            self.request,
            self.template_name,
            {
                "proposal": proposal,
                "form": form,
                "rows": form.rows(),
                "blockers": blockers,
                "alert_pct": selectors.spread_alert_pct(),
            },
        )

    def get(self, request, pk):
        proposal = selectors.proposal_get_for_staff(pk=pk)
        sheet = selectors.consensus_sheet(proposal)
        return self.render_page(proposal, ConsensusForm(sheet=sheet), selectors.consensus_blockers(proposal))

    def post(self, request, pk):
        proposal = selectors.proposal_get_for_staff(pk=pk)
        sheet = selectors.consensus_sheet(proposal)
        form = ConsensusForm(request.POST, sheet=sheet)
        blockers = selectors.consensus_blockers(proposal)
        if form.is_valid():
            try:
                services.consensus_record(proposal=proposal, scores=form.scores(), by=request.user)
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("The consensus was recorded."))
                return redirect("evaluation:proposal", pk=proposal.pk)
        else:
            messages.error(request, _("Nothing was recorded: please correct the errors marked below."))
        return self.render_page(proposal, form, blockers)


# --- Applicants: requests for clarification ------------------------------------------------------------


class ClarificationDetailView(LoginRequiredMixin, View):
    """A request for clarification as the applicant reads it: message, sections, deadline, and
    the button that says the corrections are done. Staff read it too; nobody else (404)."""

    template_name = "evaluation/clarification_detail.html"

    def get(self, request, pk):
        clarification = selectors.clarification_get_for_user(user=request.user, pk=pk)
        now = timezone.now()
        open_now = clarification.is_open_at(now)
        return render(
            request,
            self.template_name,
            {
                "clarification": clarification,
                "proposal": clarification.proposal,
                "sections": [
                    (key, label, _edit_url(clarification.proposal, key))
                    for key, label in selectors.section_labels(clarification.sections)
                ],
                "open_now": open_now,
                "can_answer": can_answer_clarification(request.user, clarification, now),
                "is_staff": is_staff_officer(request.user),
            },
        )


class ClarificationAnswerView(LoginRequiredMixin, View):
    def post(self, request, pk):
        clarification = selectors.clarification_get_for_user(user=request.user, pk=pk)
        if is_staff_officer(request.user) and not can_answer_clarification(request.user, clarification):
            raise PermissionDenied
        try:
            services.clarification_answer(request=clarification, by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The programme office has been told that your corrections are done."))
        return redirect("evaluation:clarification", pk=clarification.pk)


# --- Evaluators -----------------------------------------------------------------------------------------


class ReviewDetailView(LoginRequiredMixin, View):
    """An evaluator's page for a proposal assigned to them: first the declaration of interest,
    then the proposal (read-only), their scores and, once submitted, the other submitted reviews."""

    template_name = "evaluation/review_detail.html"

    def get(self, request, pk):
        review = selectors.review_get_for_evaluator(user=request.user, proposal_pk=pk)
        proposal = review.proposal
        context = {"review": review, "proposal": proposal}
        if can_declare_interest(request.user, review):
            context["declaration_form"] = DeclarationForm(
                action=reverse("evaluation:review-declare", kwargs={"pk": proposal.pk})
            )
            return render(request, self.template_name, context)
        if not can_read_assigned_proposal(request.user, review):
            raise Http404
        document_template, document_context = selectors.proposal_document(proposal)
        criteria = selectors.call_criteria(proposal.call)
        own = selectors.review_own_scores(review)
        context.update(
            {
                **document_context,
                "proposal": proposal,
                "review": review,
                "document_template": document_template,
                "own_scores": [(criterion, own.get(criterion.pk)) for criterion in criteria],
                "others": selectors.other_reviews_visible_to(review),
                "can_score": can_score_review(request.user, review),
            }
        )
        return render(request, self.template_name, context)


class ReviewDeclareView(LoginRequiredMixin, View):
    def post(self, request, pk):
        review = selectors.review_get_for_evaluator(user=request.user, proposal_pk=pk)
        if not can_declare_interest(request.user, review):
            messages.info(request, _("Your declaration for this proposal has already been made."))
            return redirect("evaluation:review", pk=pk)
        form = DeclarationForm(request.POST)
        if not form.is_valid():
            return render(
                request,
                ReviewDetailView.template_name,
                {"review": review, "proposal": review.proposal, "declaration_form": form},
            )
        conflict = form.cleaned_data["conflict"] == "yes"
        try:
            services.review_declare(
                review=review, conflict=conflict, reason=form.cleaned_data["reason"], by=request.user
            )
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("evaluation:review", pk=pk)
        if conflict:
            messages.success(
                request, _("Your conflict of interest is recorded: the programme office will assign someone else.")
            )
            return redirect("dashboard")
        messages.success(request, _("Declaration recorded: you can now read and score the proposal."))
        return redirect("evaluation:review", pk=pk)


class ReviewScoreView(LoginRequiredMixin, View):
    """The scoring form: draft saves, and the final submission (every score and comment)."""

    template_name = "evaluation/review_score.html"

    def _review(self, request, pk) -> Review:
        review = selectors.review_get_for_evaluator(user=request.user, proposal_pk=pk)
        if not can_score_review(request.user, review):
            raise Http404
        return review

    def render_page(self, review, form):
        return render(self.request, self.template_name, {"review": review, "proposal": review.proposal, "form": form})

    def get(self, request, pk):
        review = self._review(request, pk)
        criteria = selectors.call_criteria(review.proposal.call)
        return self.render_page(review, ReviewScoreForm(criteria=criteria, scores=selectors.review_own_scores(review)))

    def post(self, request, pk):
        review = self._review(request, pk)
        criteria = selectors.call_criteria(review.proposal.call)
        final = "submit_review" in request.POST
        form = ReviewScoreForm(request.POST, criteria=criteria, final=final)
        if not form.is_valid():
            messages.error(request, _("Nothing was saved: please correct the errors marked below."))
            return self.render_page(review, form)
        try:
            if final:
                services.review_submit(review=review, scores=form.scores(), by=request.user)
            else:
                services.review_save_draft(review=review, scores=form.scores(), by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return self.render_page(review, form)
        if final:
            messages.success(request, _("Your review is submitted."))
            return redirect("evaluation:review", pk=pk)
        messages.success(request, _("Draft saved: nobody else sees it."))
        return redirect("evaluation:review-score", pk=pk)


# --- The message thread -----------------------------------------------------------------------------------


class ProposalMessagesView(LoginRequiredMixin, View):
    """The thread between the programme office and the lead's members (404 for everyone else)."""

    template_name = "evaluation/messages.html"

    def render_page(self, proposal, form):
        return render(
            self.request,
            self.template_name,
            {
                "proposal": proposal,
                "thread": selectors.proposal_messages(proposal),
                "form": form,
                "is_staff": is_staff_officer(self.request.user),
            },
        )

    def get(self, request, pk):
        proposal = selectors.proposal_get_for_thread(user=request.user, pk=pk)
        return self.render_page(proposal, MessageForm())

    def post(self, request, pk):
        proposal = selectors.proposal_get_for_thread(user=request.user, pk=pk)
        form = MessageForm(request.POST)
        if form.is_valid():
            try:
                services.proposal_message_post(
                    proposal=proposal,
                    body=form.cleaned_data["body"],
                    by=request.user,
                    form_token=form.cleaned_data["form_token"],
                )
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Message sent."))
                return redirect("evaluation:messages", pk=proposal.pk)
        return self.render_page(proposal, form)
