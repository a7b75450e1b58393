"""Long tables shown a page at a time: a call's ranking can hold thousands of proposals."""

from collections.abc import Sequence
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

# Rows per page of a call's ranking tables (public results, decision, sign-off, ranking).
RANKING_ROWS_PER_PAGE = 100


def page_of(rows: QuerySet[Any] | Sequence[Any], request: HttpRequest, per_page: int | None = None) -> dict[str, Any]:
    """The context a paginated table needs: its rows for this page, page_obj and is_paginated
    (what templates/includes/pagination.html reads). An out-of-range page number gives the last page."""
    page = Paginator(rows, per_page or RANKING_ROWS_PER_PAGE).get_page(request.GET.get("page"))
    return {"rows": page.object_list, "page_obj": page, "is_paginated": page.has_other_pages()}
