"""Long tables shown a page at a time: a call's ranking can hold thousands of proposals."""

from django.core.paginator import Paginator

# Rows per page of a call's ranking tables (public results, decision, sign-off, ranking).
RANKING_ROWS_PER_PAGE = 100


def page_of(rows, request, per_page: int | None = None) -> dict:
    """The context a paginated table needs: its rows for this page, page_obj and is_paginated
    (what templates/includes/pagination.html reads). An out-of-range page number gives the last page."""
    page = Paginator(rows, per_page or RANKING_ROWS_PER_PAGE).get_page(request.GET.get("page"))
    return {"rows": page.object_list, "page_obj": page, "is_paginated": page.has_other_pages()}
