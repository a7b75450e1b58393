"""The links of templates/includes/pagination.html, the one pagination bar of the portal."""

from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def page_url(context: dict[str, Any], number: int) -> str:
    """The link to page `number` of the list on screen, keeping its filters (every value of
    every parameter but the page): "?country=SN&page=2", or "?page=2" without filters."""
    query = context["request"].GET.copy()
    query.pop("page", None)
    others = query.urlencode()
    return f"?{others}&page={number}" if others else f"?page={number}"
