"""The one pattern for pages that change state (README, "Design decisions", views).

Pages that only read are Django's generic class-based views (TemplateView, ListView, DetailView,
FormView for a search form). Pages that change something about one object share two shapes:

- ServiceActionView: a POST-only button. Fetch the object, call one service, say what happened
  (the service's message, or the DomainError's), go back to the object's page.
- ServiceFormView: a form about one object. GET shows it; a valid POST calls one service and
  redirects; an invalid form or a refused change (DomainError) shows the page again with what was
  typed and the error.

The view stays thin: the subclass names the object (get_object), the form (make_form), the service
call (perform/action, returning the success message) and where to go next (success_url).
"""

from typing import Any

from django.contrib import messages
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views import View

from .exceptions import DomainError


class ServiceActionView(View):
    """POST an action on one object: one service call, a message, a redirect (GET: 405)."""

    def get_object(self) -> Any:
        raise NotImplementedError

    def action(self, obj: Any) -> str:
        """Call the service; return the message to show. A DomainError is shown as an error."""
        raise NotImplementedError

    def success_url(self, obj: Any) -> str:
        raise NotImplementedError

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.get_object()
        try:
            message = self.action(obj)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, message)
        return redirect(self.success_url(obj))


class ServiceFormView(View):
    """A form about one object: GET shows it, a valid POST calls one service and goes back."""

    template_name = ""
    title: Any = ""

    def get_object(self) -> Any:
        raise NotImplementedError

    def make_form(self, data: Any = None) -> BaseForm:
        raise NotImplementedError

    def context(self, obj: Any) -> dict[str, Any]:
        return {}

    def perform(self, obj: Any, form: Any) -> str:
        """Call the service with the cleaned data; return the message to show."""
        raise NotImplementedError

    def success_url(self, obj: Any) -> str:
        raise NotImplementedError

    def render_page(self, obj: Any, form: BaseForm, status: int = 200) -> HttpResponse:
        return render(
            self.request,
            self.template_name,
            {"object": obj, "form": form, "title": self.title, **self.context(obj)},
            status=status,
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.get_object()
        return self.render_page(self.object, self.make_form())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.get_object()
        form = self.make_form(request.POST)
        if form.is_valid():
            try:
                message = self.perform(self.object, form)
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, message)
                return redirect(self.success_url(self.object))
        return self.render_page(self.object, form)
