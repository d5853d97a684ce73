"""Public pages: thin views over bills.selectors; templates under templates/bills/."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from bills.filters import BillFilter
from bills.selectors import (
    bill_detail as bill_detail_select,
)
from bills.selectors import (
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
def dashboard(request: HttpRequest) -> HttpResponse:
    open_windows = window_list_open()
    return render(
        request,
        "bills/dashboard.html",
        {
            "open_windows": open_windows,
            "recent_windows": [] if open_windows else window_list_recent(),
            "recent_bills": bill_list_recent(),
            "board": board_by_jurisdiction(),
        },
    )


@require_safe
def bill_list(request: HttpRequest) -> HttpResponse:
    bill_filter = BillFilter(request.GET, queryset=bill_list_base())
    page = Paginator(bill_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "bills/bill_list.html",
        {"filter": bill_filter, "page": page, "bills": page.object_list},
    )


@require_safe
def bill_detail(request: HttpRequest, slug: str) -> HttpResponse:
    detail = bill_detail_select(slug=slug)
    return render(
        request,
        "bills/bill_detail.html",
        {
            "bill": detail.bill,
            "detail": detail,
        },
    )
