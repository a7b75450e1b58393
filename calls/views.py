import os
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from cosviluppo.lib.exceptions import DomainError
from cosviluppo.lib.permissions import PolicyRequiredMixin

from .filters import PublicCallFilter, StaffCallFilter
from .forms import (
    PART_TITLES,
    CallCopyForm,
    CallQuestionAnswerForm,
    CallQuestionAskForm,
    call_edition_forms,
)
from .models import Call
from .permissions import (
    call_actions,
    can_ask_call_questions,
    can_ask_question_about,
    can_manage_calls,
    can_publish_call,
)
from .selectors import (
    call_document_get_for_user,
    call_get_for_staff,
    call_public_get,
    call_public_list,
    call_question_get_for_staff,
    call_questions_waiting,
    call_staff_list,
)
from .services import (
    CallNotPublishable,
    call_copy,
    call_publication_problems,
    call_publish,
    call_question_answer,
    call_question_ask,
    call_save,
)

# --- Public pages ------------------------------------------------------------------------------


class CallListView(ListView):
    template_name = "calls/call_list.html"
    context_object_name = "calls"
    paginate_by = 20

    def get_queryset(self):
        self.filterset = PublicCallFilter(self.request.GET or None, queryset=call_public_list())
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filterset
        context["now"] = timezone.now()
        return context


class CallDetailView(DetailView):
    template_name = "calls/call_detail.html"
    context_object_name = "call"

    def get_object(self, queryset=None):
        return call_public_get(code=self.kwargs["code"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = context["now"] = timezone.now()
        call = self.object
        context["is_open"] = call.is_open_at(now)
        context["effective_status"] = call.effective_status(now)
        context["status_label"] = call.effective_status_label(now)
        actions = context["actions"] = call_actions(self.request.user, call, now)
        if actions.must_log_in_to_ask:
            context["ask_login_url"] = f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': self.request.path})}"
        if actions.can_ask_question:
            ask_url = reverse("calls:question-ask", kwargs={"code": call.code})
            context["question_form"] = kwargs.get("question_form") or CallQuestionAskForm(action=ask_url)
        return context


class CallDocumentDownloadView(View):
    """Streams a document of a published call (drafts' documents only to staff)."""

    def get(self, request, code, pk):
        document = call_document_get_for_user(user=request.user, code=code, pk=pk)
        try:
            handle = document.file.open("rb")
        except (FileNotFoundError, ValueError) as error:
            raise Http404 from error
        return FileResponse(handle, as_attachment=True, filename=os.path.basename(document.file.name))


class CallQuestionAskView(PolicyRequiredMixin, FormView):
    """A member of an association or NGO asks a question about a published call."""

    policy = can_ask_call_questions
    template_name = "calls/call_question_form.html"
    form_class = CallQuestionAskForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.call = call_public_get(code=kwargs["code"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(call=self.call, **kwargs)

    def form_valid(self, form):
        try:
            call_question_ask(
                call=self.call,
                question=form.cleaned_data["question"],
                by=self.request.user,
                form_token=form.cleaned_data["form_token"],
            )
        except DomainError as error:
            messages.error(self.request, error.message)
            return self.form_invalid(form)
        messages.success(self.request, _("Your question was sent: the answer will be published on this page."))
        return redirect(self.call.get_absolute_url() + "#faq-title")

    def get(self, request, *args, **kwargs):
        if not can_ask_question_about(request.user, self.call):
            messages.info(request, _("Questions about this call are closed."))
        return super().get(request, *args, **kwargs)


# --- Staff pages -------------------------------------------------------------------------------


class StaffMixin(PolicyRequiredMixin):
    policy = can_manage_calls


class CallManageListView(StaffMixin, ListView):
    template_name = "calls/manage/call_list.html"
    context_object_name = "calls"
    paginate_by = 25

    def get_queryset(self):
        self.filterset = StaffCallFilter(self.request.GET or None, queryset=call_staff_list())
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filterset
        now = timezone.now()
        for call in context["calls"]:
            call.status_label = call.effective_status_label(now)
            call.can_publish = can_publish_call(self.request.user, call)
        return context


class CallEditionView(StaffMixin, View):
    """Shared by create and edit: the main form and every formset, saved all at once by call_save."""

    template_name = "calls/manage/call_form.html"

    def get_call(self) -> Call:
        raise NotImplementedError

    def render_page(self, call, form, formsets, status=200):
        parts = [(PART_TITLES[name], formset) for name, formset in formsets.items()]
        return render(
            self.request,
            self.template_name,
            {"call": call, "form": form, "parts": parts, "is_new": call.pk is None},
            status=status,
        )

    def get(self, request, *args, **kwargs):
        call = self.get_call()
        form, formsets = call_edition_forms(call=call)
        return self.render_page(call, form, formsets)

    def post(self, request, *args, **kwargs):
        call = self.get_call()
        form, formsets = call_edition_forms(call=call, data=request.POST, files=request.FILES)
        valid = (form is None or form.is_valid()) & all([formset.is_valid() for formset in formsets.values()])
        if not valid:
            messages.error(request, _("Nothing was saved: please correct the errors marked below."))
            return self.render_page(call, form, formsets)
        try:
            saved = call_save(call=call, form=form, formsets=formsets, by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return self.render_page(call, form, formsets)
        messages.success(request, _("The call %(code)s was saved.") % {"code": saved.code})
        return redirect("calls:manage-edit", code=saved.code)


class CallCreateView(CallEditionView):
    def get_call(self) -> Call:
        return Call()


class CallEditView(CallEditionView):
    def get_call(self) -> Call:
        return call_get_for_staff(code=self.kwargs["code"])


class CallPublishView(StaffMixin, View):
    """GET: the checklist of what still prevents publication. POST: publish."""

    template_name = "calls/manage/call_publish.html"

    def get(self, request, code):
        call = call_get_for_staff(code=code)
        problems = call_publication_problems(call=call) if call.is_draft else []
        return render(request, self.template_name, {"call": call, "problems": problems})

    def post(self, request, code):
        call = call_get_for_staff(code=code)
        try:
            call_publish(call=call, by=request.user)
        except CallNotPublishable as error:
            messages.error(request, _("The call cannot be published yet: correct the problems listed below."))
            return render(request, self.template_name, {"call": call, "problems": error.problems})
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("calls:manage")
        messages.success(request, _("The call %(code)s is published.") % {"code": call.code})
        return redirect("calls:manage")


class CallCopyView(StaffMixin, FormView):
    template_name = "calls/manage/call_copy.html"
    form_class = CallCopyForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and can_manage_calls(request.user):
            self.source = call_get_for_staff(code=kwargs["code"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(source=self.source, **kwargs)

    def form_valid(self, form):
        try:
            copy = call_copy(source=self.source, code=form.cleaned_data["code"], by=self.request.user)
        except DomainError as error:
            messages.error(self.request, error.message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The draft %(code)s was created from %(source)s: set its dates and amounts.")
            % {"code": copy.code, "source": self.source.code},
        )
        return redirect("calls:manage-edit", code=copy.code)


class CallQuestionManageListView(StaffMixin, ListView):
    """Questions waiting for an answer or for publication, each with its own form."""

    template_name = "calls/manage/question_list.html"
    context_object_name = "questions"
    paginate_by = 20

    def get_queryset(self):
        return call_questions_waiting()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for question in context["questions"]:
            question.form = CallQuestionAnswerForm(
                initial={"question": question.question, "answer": question.answer, "publish": True},
                action=reverse("calls:manage-question-answer", kwargs={"pk": question.pk}),
                prefix=f"q{question.pk}",
            )
        return context


class CallQuestionAnswerView(StaffMixin, FormView):
    template_name = "calls/manage/question_answer.html"
    form_class = CallQuestionAnswerForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and can_manage_calls(request.user):
            self.question = call_question_get_for_staff(pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_prefix(self):
        return f"q{self.question.pk}"

    def get_initial(self):
        return {"question": self.question.question, "answer": self.question.answer, "publish": True}

    def get_context_data(self, **kwargs):
        return super().get_context_data(question=self.question, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            call_question_answer(
                question=self.question,
                question_text=data["question"],
                answer=data["answer"],
                publish=data["publish"],
                by=self.request.user,
            )
        except DomainError as error:
            messages.error(self.request, error.message)
            return self.form_invalid(form)
        if data["publish"]:
            messages.success(
                self.request, _("The answer is published on the page of %(code)s.") % {"code": self.question.call.code}
            )
        else:
            messages.success(self.request, _("The answer was saved; it is not published yet."))
        return redirect("calls:manage-questions")
