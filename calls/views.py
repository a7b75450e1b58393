from django.utils import timezone
from django.views.generic import DetailView, ListView

from .filters import PublicCallFilter
from .selectors import call_public_get, call_public_list


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
        context["now"] = timezone.now()
        context["is_open"] = self.object.is_open_at(context["now"])
        context["effective_status"] = self.object.effective_status(context["now"])
        return context
