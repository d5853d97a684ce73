"""Public pages: thin views over web.selectors; templates under templates/web/.

Whole pages are served from the page cache while the record is unchanged (web.page_cache).
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_safe

from web.filters import BillFilter
from web.page_cache import cached_page
from web.selectors import (
    bill_detail as bill_detail_select,
)
from web.selectors import (
    bill_get,
    bill_list_base,
    bill_list_recent,
    board_by_jurisdiction,
    window_list_open,
    window_list_recent,
)

PAGE_SIZE = 25


@require_safe
def ping(request: HttpRequest) -> HttpResponse:
    """A fixed string through the whole middleware stack, no database: the benchmark's baseline."""
    return HttpResponse("pong\n", content_type="text/plain")


@require_safe
@cached_page
def dashboard(request: HttpRequest) -> HttpResponse:
    open_windows = SimpleLazyObject(window_list_open)
    return render(
        request,
        "web/dashboard.html",
        {
            "open_windows": open_windows,
            "recent_windows": SimpleLazyObject(
                lambda: [] if open_windows else window_list_recent()
            ),
            "recent_bills": SimpleLazyObject(bill_list_recent),
            "board": SimpleLazyObject(board_by_jurisdiction),
        },
    )


@require_safe
@cached_page
def bill_list(request: HttpRequest) -> HttpResponse:
    bill_filter = BillFilter(request.GET, queryset=bill_list_base())
    page = SimpleLazyObject(
        lambda: Paginator(bill_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    )
    return render(
        request,
        "web/bill_list.html",
        {
            "filter": bill_filter,
            # The filters stay unfolded while any (other than the search box) is in use.
            "filter_open": any(v for k, v in request.GET.items() if k not in ("q", "page")),
            "page": page,
            "bills": SimpleLazyObject(lambda: page.object_list),
        },
    )


@require_safe
@cached_page
def bill_detail(request: HttpRequest, slug: str) -> HttpResponse:
    bill = bill_get(slug=slug)
    return render(
        request,
        "web/bill_detail.html",
        {
            "bill": bill,
            "detail": SimpleLazyObject(lambda: bill_detail_select(bill=bill)),
        },
    )


@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "web/privacy.html")
