"""Pages of the funding decision: thin views that fetch through scoped selectors, check the
predicates of funding.permissions and call one service; and, at the end, the funder dashboard and
the programme dashboard (thin views over funding.dashboards: the charts and the map are built here
from the selectors' figures, presentation only; every chart has its table beside it)."""

from django.contrib import messages
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView

from calls.models import Call
from cosviluppo.lib.charts import bar_chart
from cosviluppo.lib.exceptions import DomainError
from cosviluppo.lib.money import ZERO
from cosviluppo.lib.pagination import RANKING_ROWS_PER_PAGE, page_of
from cosviluppo.lib.permissions import PolicyRequiredMixin, is_staff_officer
from cosviluppo.lib.views import ServiceActionView, ServiceFormView
from cosviluppo.lib.worldmap import world_map
from projects.models import Installment, Proposal
from projects.services import commitments_available

from . import exports, selectors
from .dashboards import FunderDashboard, ProgrammeDashboard, funder_dashboard, funder_for_user, programme_dashboard
from .forms import (
    DEFAULT_PLAN,
    AmountForm,
    GrantAgreementForm,
    InstallmentPlanFormSet,
    PaymentForm,
    ReasonForm,
    ReviewAnswerForm,
    ReviewRequestForm,
    SharesForm,
    SignOffForm,
)
from .models import ReviewRequest
from .permissions import (
    call_decision_actions,
    can_manage_funding,
    can_request_review,
    is_funder_member,
    project_actions,
)
from .selectors import (
    call_for_funder,
    call_for_funding,
    call_results_get,
    decision_records,
    decision_table,
    funding_call_list,
    outcome_get_for_user,
    project_money,
    proposal_outcome,
    published_results_page,
    review_request_list,
    sign_off_states,
)
from .services import (
    ResultsNotPublishable,
    award_withdraw,
    call_evaluation_start,
    funder_sign_off,
    funding_allocation_set,
    funding_award_change,
    funding_decision_reopen,
    funding_fill_from_reserve,
    funding_grant,
    funding_propose,
    grant_agreement_record,
    installment_pay,
    requested_amounts,
    results_publication_problems,
    results_publish,
    review_request_answer,
    review_request_file,
)


class StaffMixin(PolicyRequiredMixin):
    policy = can_manage_funding


def _decision_url(call: Call) -> str:
    return reverse("funding:decision", kwargs={"code": call.code})


# --- Staff: calls and the decision page ------------------------------------------------------------


class FundingCallListView(StaffMixin, ListView):
    template_name = "funding/call_list.html"
    context_object_name = "calls"
    paginate_by = 25

    def get_queryset(self):
        return funding_call_list()


class CallDecisionView(StaffMixin, TemplateView):
    """The proposed decision of a call: ranking with money, split per funder, sign-offs, audit trail."""

    template_name = "funding/decision.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        call = call_for_funding(code=self.kwargs["code"])
        table = decision_table(call)
        states = sign_off_states([call])[call.pk]
        actions = call_decision_actions(self.request.user, call)
        context.update(
            call=call,
            actions=actions,
            table=table,
            sign_offs=states,
            missing=[state.funder for state in states if not state.approved],
            records=decision_records(call=call, limit=200),
            problems=results_publication_problems(call=call) if actions.can_publish_results else [],
            has_ranked=table.status_counts.get(Proposal.Status.RANKED, 0) > 0,
            has_reserve=table.status_counts.get(Proposal.Status.RESERVE, 0) > 0,
            **page_of(table.rows, self.request),
        )
        return context


class CallActionView(StaffMixin, ServiceActionView):
    """POST-only buttons of the decision page; each calls one service and comes back to the page."""

    def get_object(self) -> Call:
        return call_for_funding(code=self.kwargs["code"])

    def success_url(self, call: Call) -> str:
        return _decision_url(call)


class EvaluationStartView(CallActionView):
    def action(self, call):
        call_evaluation_start(call=call, by=self.request.user)
        return _("The evaluation of %(code)s has started.") % {"code": call.code}


class ProposeView(CallActionView):
    def action(self, call):
        outcome = funding_propose(call=call, by=self.request.user)
        for problem in outcome.problems:
            messages.warning(self.request, problem)
        return _(
            "Decision proposed: %(funded)s funded, %(reserve)s on the reserve list, %(not_funded)s not funded."
        ) % {
            "funded": len(outcome.funded),
            "reserve": len(outcome.reserve),
            "not_funded": len(outcome.not_funded),
        }


class FillFromReserveView(CallActionView):
    def action(self, call):
        outcome = funding_fill_from_reserve(call=call, by=self.request.user)
        return _("%(count)s proposals funded from the reserve list.") % {"count": len(outcome.funded)}


class PublishView(CallActionView):
    def post(self, request, code):
        call = call_for_funding(code=code)
        try:
            results_publish(call=call, by=request.user)
        except ResultsNotPublishable as error:
            for problem in error.problems:
                messages.error(request, problem)
            return redirect(_decision_url(call))
        except DomainError as error:
            messages.error(request, error.message)
            return redirect(_decision_url(call))
        messages.success(request, _("The results of %(code)s are published.") % {"code": call.code})
        return redirect(_decision_url(call))


class RankingExportView(StaffMixin, View):
    """The ranking table as ?format=csv (streamed UTF-8) or ?format=xlsx."""

    def get(self, request, code):
        call = call_for_funding(code=code)
        table = decision_table(call)
        export_format = request.GET.get("format", "csv")
        filename = f"ranking-{call.code}"
        if export_format == "xlsx":
            response = HttpResponse(
                exports.xlsx_bytes(table),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
            return response
        if export_format != "csv":
            raise Http404
        response = StreamingHttpResponse(exports.csv_lines(table), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response


# --- Staff: one proposal's money ------------------------------------------------------------------


def _staff_proposal(pk: int) -> Proposal:
    return selectors.proposal_get_for_money(pk=pk)


class ProjectMoneyView(StaffMixin, TemplateView):
    """A proposal's award, split per funder, installments and decision trail, with the actions open to staff."""

    template_name = "funding/project.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        proposal = _staff_proposal(self.kwargs["pk"])
        money = project_money(proposal)
        context.update(money)
        paid_next = next((i for i in money["installments"] if i.status == Installment.Status.PLANNED), None)
        actions = project_actions(self.request.user, proposal)
        context.update(
            proposal=proposal,
            actions=actions,
            call=proposal.call,
            requested=requested_amounts([proposal.pk]).get(proposal.pk),
            records=decision_records(call=proposal.call, proposal=proposal),
            next_installment=paid_next if actions.can_record_payment else None,
        )
        return context


class FormPageView(StaffMixin, ServiceFormView):
    """A staff form about one object: GET shows it, POST calls the service and goes back."""

    template_name = "funding/form_page.html"


class ProposalFormMixin:
    def get_object(self):
        return _staff_proposal(self.kwargs["pk"])

    def success_url(self, proposal):
        return reverse("funding:project", kwargs={"pk": proposal.pk})

    def context(self, proposal):
        return {
            "proposal": proposal,
            "call": proposal.call,
            "requested": requested_amounts([proposal.pk]).get(proposal.pk),
        }


class GrantView(ProposalFormMixin, FormPageView):
    """Fund the proposal next in line with an amount the officer chooses (a reduced grant needs a reason)."""

    @property
    def title(self):
        return _("Fund %(protocol)s") % {"protocol": self.object.protocol_number}

    def make_form(self, data=None):
        return AmountForm(
            data,
            initial={"amount": requested_amounts([self.object.pk]).get(self.object.pk)},
            submit_label=_("Fund the proposal"),
        )

    def perform(self, proposal, form):
        award = funding_grant(
            proposal=proposal,
            amount=form.cleaned_data["amount"],
            reason=form.cleaned_data["reason"],
            by=self.request.user,
        )
        return _("%(protocol)s is funded with € %(amount)s.") % {
            "protocol": proposal.protocol_number,
            "amount": award.amount_granted,
        }


class WithdrawView(ProposalFormMixin, FormPageView):
    """A funded project withdraws: its money goes back to the pool and to the reserve list."""

    @property
    def title(self):
        return _("Withdrawal of %(protocol)s") % {"protocol": self.object.protocol_number}

    def make_form(self, data=None):
        return ReasonForm(data, submit_label=_("Record the withdrawal"))

    def perform(self, proposal, form):
        outcome = award_withdraw(proposal=proposal, reason=form.cleaned_data["reason"], by=self.request.user)
        return _("%(protocol)s withdrew; %(count)s proposals funded from the reserve list.") % {
            "protocol": proposal.protocol_number,
            "count": len(outcome.funded),
        }


class AwardMixin:
    def get_object(self):
        return selectors.award_get(pk=self.kwargs["pk"])

    def success_url(self, award):
        return reverse("funding:project", kwargs={"pk": award.proposal_id})

    def context(self, award):
        return {
            "award": award,
            "proposal": award.proposal,
            "call": award.proposal.call,
            "requested": requested_amounts([award.proposal_id]).get(award.proposal_id),
        }


class AwardAmountView(AwardMixin, FormPageView):
    @property
    def title(self):
        return _("Amount granted to %(protocol)s") % {"protocol": self.object.proposal.protocol_number}

    def make_form(self, data=None):
        return AmountForm(data, initial={"amount": self.object.amount_granted, "reason": self.object.reduction_reason})

    def perform(self, award, form):
        funding_award_change(
            award=award, amount=form.cleaned_data["amount"], reason=form.cleaned_data["reason"], by=self.request.user
        )
        return _("The amount granted is now € %(amount)s.") % {"amount": form.cleaned_data["amount"]}


class AwardSharesView(AwardMixin, FormPageView):
    """The manual split of one award across the call's funder commitments."""

    @property
    def title(self):
        return _("Split of the award to %(protocol)s") % {"protocol": self.object.proposal.protocol_number}

    def make_form(self, data=None):
        award = self.object
        return SharesForm(
            data,
            commitments=selectors.commitment_list_for_call(call_id=award.proposal.call_id),
            available=commitments_available(award.proposal.call, exclude_award=award),
            current=selectors.award_share_amounts(award),
        )

    def perform(self, award, form):
        funding_allocation_set(
            award=award, shares=form.shares(), reason=form.cleaned_data["reason"], by=self.request.user
        )
        return _("The split of the award was saved.")


class InstallmentPayView(FormPageView):
    def get_object(self):
        return selectors.installment_get(pk=self.kwargs["pk"])

    @property
    def title(self):
        return _("Payment of “%(label)s”") % {"label": self.object.label}

    def context(self, installment):
        return {
            "installment": installment,
            "proposal": installment.award.proposal,
            "call": installment.award.proposal.call,
        }

    def make_form(self, data=None):
        return PaymentForm(data, initial={"paid_on": timezone.localdate()})

    def perform(self, installment, form):
        installment_pay(installment=installment, paid_on=form.cleaned_data["paid_on"], by=self.request.user)
        return _("The payment of € %(amount)s is recorded.") % {"amount": installment.amount}

    def success_url(self, installment):
        return reverse("funding:project", kwargs={"pk": installment.award.proposal_id})


class GrantAgreementView(StaffMixin, View):
    """The signed agreement: CUP, dates and the installment plan; the proposal becomes a project in progress."""

    template_name = "funding/agreement_form.html"

    def render_page(self, proposal, form, plan, status=200):
        award = selectors.award_get_for_proposal(proposal=proposal)
        return render(
            self.request,
            self.template_name,
            {"proposal": proposal, "call": proposal.call, "award": award, "form": form, "plan": plan},
            status=status,
        )

    def get(self, request, pk):
        proposal = _staff_proposal(pk)
        plan = InstallmentPlanFormSet(
            prefix="plan", initial=[{"label": str(label), "percentage": pct} for label, pct in DEFAULT_PLAN]
        )
        return self.render_page(proposal, GrantAgreementForm(), plan)

    def post(self, request, pk):
        proposal = _staff_proposal(pk)
        form = GrantAgreementForm(request.POST)
        plan = InstallmentPlanFormSet(request.POST, prefix="plan")
        if form.is_valid() and plan.is_valid():
            try:
                grant_agreement_record(
                    proposal=proposal,
                    signed_on=form.cleaned_data["signed_on"],
                    cup=form.cleaned_data["cup"],
                    start_date=form.cleaned_data["start_date"],
                    plan=plan.plan(),
                    by=request.user,
                )
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("The grant agreement is recorded: the project is in progress."))
                return redirect("funding:project", pk=proposal.pk)
        return self.render_page(proposal, form, plan)


# --- Funders' sign-off ------------------------------------------------------------------------------


class SignOffView(PolicyRequiredMixin, View):
    """A funder's view of the proposed decision, its own shares marked, and its answer."""

    policy = is_funder_member
    template_name = "funding/signoff.html"

    def page(self, request, call, funders, form):
        table = decision_table(call)
        states = sign_off_states([call])[call.pk]
        own_ids = {f.pk for f in funders}
        ready = call.is_in_evaluation and table.undecided == 0 and bool(table.rows)
        return render(
            request,
            self.template_name,
            {
                "call": call,
                "table": table,
                "funders": funders,
                "own_commitment_ids": {line.commitment.pk for line in table.commitments if line.funder.pk in own_ids},
                "own_states": [state for state in states if state.funder.pk in own_ids],
                "own_history": sorted(
                    (answer for state in states if state.funder.pk in own_ids for answer in state.history),
                    key=lambda answer: (answer.at, answer.pk),
                    reverse=True,
                ),
                "form": form if ready else None,
                "ready": ready,
                **page_of(table.rows, request),
            },
        )

    def make_form(self, funders, data=None):
        return SignOffForm(data, funders=selectors.funders_as_queryset(funders))

    def get(self, request, code):
        call, funders = call_for_funder(user=request.user, code=code)
        return self.page(request, call, funders, self.make_form(funders))

    def post(self, request, code):
        call, funders = call_for_funder(user=request.user, code=code)
        form = self.make_form(funders, request.POST)
        if form.is_valid():
            funder = form.cleaned_data.get("funder") or funders[0]
            try:
                funder_sign_off(
                    call=call,
                    funder=funder,
                    decision=form.cleaned_data["decision"],
                    remarks=form.cleaned_data["remarks"],
                    by=request.user,
                )
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Your answer for %(funder)s is recorded.") % {"funder": funder.legal_name})
                return redirect("funding:signoff", code=call.code)
        return self.page(request, call, funders, form)


# --- Public results, applicants' outcome and requests for review -----------------------------------


class ResultsView(TemplateView):
    """The public results of a call: ranking with scores, amounts granted and the co-funders of each project."""

    template_name = "funding/results.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        call = call_results_get(code=self.kwargs["code"])
        # A large call ranks thousands of proposals: the table is shown a page at a time (totals cover all).
        table = published_results_page(call, page=self.request.GET.get("page"), per_page=RANKING_ROWS_PER_PAGE)
        context.update(
            call=call,
            table=table,
            rows=table.rows,
            page_obj=table.page_obj,
            is_paginated=table.page_obj.has_other_pages(),
            inadmissible=table.status_counts.get(Proposal.Status.INADMISSIBLE, 0),
        )
        return context


class OutcomeView(PolicyRequiredMixin, TemplateView):
    template_name = "funding/outcome.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        proposal = outcome_get_for_user(user=self.request.user, pk=self.kwargs["pk"])
        outcome = proposal_outcome(proposal)
        context.update(
            proposal=proposal,
            call=proposal.call,
            outcome=outcome,
            can_request_review=can_request_review(self.request.user, proposal)
            and not any(r.is_open for r in outcome.review_requests),
        )
        return context


class ReviewRequestView(PolicyRequiredMixin, View):
    template_name = "funding/review_request_form.html"

    def get_proposal(self, request, pk):
        proposal = outcome_get_for_user(user=request.user, pk=pk)
        if not can_request_review(request.user, proposal):
            raise Http404
        return proposal

    def render_page(self, request, proposal, form):
        outcome = proposal_outcome(proposal)
        return render(request, self.template_name, {"proposal": proposal, "outcome": outcome, "form": form})

    def get(self, request, pk):
        proposal = self.get_proposal(request, pk)
        return self.render_page(request, proposal, ReviewRequestForm())

    def post(self, request, pk):
        proposal = self.get_proposal(request, pk)
        form = ReviewRequestForm(request.POST)
        if form.is_valid():
            try:
                review_request_file(proposal=proposal, text=form.cleaned_data["text"], by=request.user)
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Your request for review was filed: the office will answer by e-mail."))
                return redirect("funding:outcome", pk=proposal.pk)
        return self.render_page(request, proposal, form)


class ReviewRequestListView(StaffMixin, ListView):
    template_name = "funding/review_request_list.html"
    context_object_name = "review_requests"
    paginate_by = 25

    def get_queryset(self):
        status = self.request.GET.get("status")
        return review_request_list(status=status if status in ReviewRequest.Status.values else None)

    def get_context_data(self, **kwargs):
        return super().get_context_data(statuses=ReviewRequest.Status.choices, **kwargs)


class ReviewAnswerView(StaffMixin, View):
    template_name = "funding/review_answer.html"

    def get_object(self, pk):
        return selectors.review_request_get(pk=pk)

    def render_page(self, review_request, form):
        outcome = proposal_outcome(review_request.proposal)
        return render(
            self.request,
            self.template_name,
            {
                "review_request": review_request,
                "proposal": review_request.proposal,
                "outcome": outcome,
                "form": form if review_request.is_open else None,
                "can_reopen": review_request.is_reopenable,
            },
        )

    def get(self, request, pk):
        return self.render_page(self.get_object(pk), ReviewAnswerForm())

    def post(self, request, pk):
        review_request = self.get_object(pk)
        form = ReviewAnswerForm(request.POST)
        if form.is_valid():
            try:
                review_request_answer(
                    review_request=review_request,
                    accepted=form.cleaned_data["outcome"] == "accepted",
                    answer=form.cleaned_data["answer"],
                    by=request.user,
                )
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("The answer is recorded and sent to the applicant."))
                return redirect("funding:review-answer", pk=review_request.pk)
        return self.render_page(review_request, form)


class ReopenView(StaffMixin, View):
    def post(self, request, pk):
        review_request = selectors.review_request_get(pk=pk)
        try:
            proposal = funding_decision_reopen(review_request=review_request, by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("funding:review-answer", pk=review_request.pk)
        messages.success(
            request,
            _("The decision on %(protocol)s is re-opened (now %(status)s).")
            % {"protocol": proposal.protocol_number, "status": proposal.get_status_display()},
        )
        return redirect("funding:decision", code=proposal.call.code)


# --- Funder and programme dashboards ---------------------------------------------------------------


class FunderDashboardView(PolicyRequiredMixin, TemplateView):
    """A funder's commitments, co-funded projects and shares by country; ?funder=<pk> chooses
    among the user's funders (another funder's pk is a 404)."""

    policy = is_funder_member
    template_name = "funding/dashboards/funder.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        funder, funders = funder_for_user(user=self.request.user, funder_pk=self.request.GET.get("funder"))
        board = funder_dashboard(funder)
        context.update(
            {
                "funder": funder,
                "funders": funders,
                "board": board,
                "country_chart": funder_country_chart(board),
                "other_countries": other_countries(board),
                "country_map": world_map(
                    {line.country.code: line.amount for line in board.countries if line.country.code},
                    title=_("Shares of %(funder)s by country of origin") % {"funder": funder.legal_name},
                    value_label=_("Share"),
                    money=True,
                    secondary={line.country.code: line.projects for line in board.countries if line.country.code},
                    secondary_label=_("Projects"),
                    secondary_money=False,
                    map_id="funder-map",
                ),
            }
        )
        return context


# Bars in the country chart: the largest shares. The map's table lists every country, and the page
# says how much the others add up to (one bar summing them would dwarf the rest).
CHART_COUNTRIES = 10


def funder_country_chart(board: FunderDashboard) -> dict:
    lines = board.countries[:CHART_COUNTRIES]  # largest share first
    cut = len(board.countries) > CHART_COUNTRIES
    return bar_chart(
        chart_id="funder-by-country",
        title=_("The %(count)s countries with your largest shares") % {"count": len(lines)}
        if cut
        else _("Shares by country of origin"),
        labels=[str(line.country.name or _("country not stated")) for line in lines],
        datasets=[{"label": _("Share"), "values": [line.amount for line in lines]}],
        money=True,
        horizontal=True,
        category_label=_("Country"),
    )


def other_countries(board: FunderDashboard) -> dict | None:
    """The countries left out of the chart: how many, and their shares together."""
    rest = board.countries[CHART_COUNTRIES:]
    if not rest:
        return None
    return {"count": len(rest), "amount": sum((line.amount for line in rest), ZERO)}


class ProgrammeDashboardView(PolicyRequiredMixin, TemplateView):
    """The programme officers' overview: pipeline, evaluation progress, money and report runs per call."""

    policy = is_staff_officer
    template_name = "funding/dashboards/programme.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        board = programme_dashboard()
        context.update(
            {
                "board": board,
                "pipeline_chart": pipeline_chart(board),
                "budget_chart": budget_chart(board),
            }
        )
        return context


def pipeline_chart(board: ProgrammeDashboard) -> dict:
    return bar_chart(
        chart_id="programme-pipeline",
        title=_("Proposals by status, per call"),
        labels=[line.call.code for line in board.calls],
        datasets=[
            {"label": label, "values": [line.pipeline[index] for line in board.calls]}
            for index, (_status, label) in enumerate(board.statuses)
        ],
        stacked=True,
        category_label=_("Call"),
    )


def budget_chart(board: ProgrammeDashboard) -> dict:
    return bar_chart(
        chart_id="programme-budget",
        title=_("Money committed, allocated and left, per call"),
        labels=[line.call.code for line in board.calls],
        datasets=[
            {"label": _("Committed"), "values": [line.committed for line in board.calls]},
            {"label": _("Allocated"), "values": [line.allocated for line in board.calls]},
            {"label": _("Left"), "values": [line.left for line in board.calls]},
        ],
        money=True,
        category_label=_("Call"),
    )
