"""Public pages: thin views over web.selectors; Jinja2 templates under web/jinja2/web/.

Whole pages are served from the page cache while the record is unchanged (web.page_cache).
"""

from __future__ import annotations

from collections.abc import Callable

from csp.decorators import csp_replace
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from web.conditional import conditional_page
from web.families import family_get, family_list
from web.families import family_page as family_page_select
from web.filters import BillFilter, DashboardFilter
from web.middleware import language_from_url
from web.page_cache import cached_page, revalidated_page
from web.selectors import (
    bill_cards,
    bill_executive,
    bill_get,
    bill_list_recent,
    bill_open_window,
    bills_for_cards,
    board_by_jurisdiction,
    window_list_open,
    window_list_recent,
)
from web.selectors import (
    bill_detail as bill_detail_select,
)
from web.selectors import (
    bill_embed as bill_embed_select,
)

PAGE_SIZE = 25
# How long browsers and other sites' caches may keep an embedded card or badge: the page cache's
# default life, which also bounds how late a countdown turns over at local midnight.
EMBED_MAX_AGE = 300


@require_safe
def ping(request: HttpRequest) -> HttpResponse:
    """A fixed string through the whole middleware stack, no database: the benchmark's baseline."""
    return HttpResponse("pong\n", content_type="text/plain")


@require_safe
@revalidated_page
def dashboard(request: HttpRequest) -> HttpResponse:
    scope = DashboardFilter(request.GET)
    family = scope.family_or_none()
    open_windows = SimpleLazyObject(lambda: window_list_open(family=family))
    return render(
        request,
        "web/dashboard.html",
        {
            "scope": scope,
            "family": family,
            "open_windows": open_windows,
            "recent_windows": SimpleLazyObject(
                lambda: [] if open_windows else window_list_recent(family=family)
            ),
            "recent_bills": SimpleLazyObject(lambda: bill_list_recent(family=family)),
            "board": SimpleLazyObject(lambda: board_by_jurisdiction(family=family)),
        },
    )


@require_safe
@revalidated_page
def bill_list(request: HttpRequest) -> HttpResponse:
    bill_filter = BillFilter(request.GET, queryset=bills_for_cards())
    # The page is sliced from the bills' ids alone, and only its rows are read with their joins
    # (web.selectors.bill_cards): sorted by a search's rank, PostgreSQL joined every match first.
    page = SimpleLazyObject(
        lambda: Paginator(bill_filter.qs.values("pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    )
    return render(
        request,
        "web/bill_list.html",
        {
            "filter": bill_filter,
            # The filters stay unfolded while any (other than the search box) is in use.
            "filter_open": any(v for k, v in request.GET.items() if k not in ("q", "page")),
            "page": page,
            "bills": SimpleLazyObject(
                lambda: bill_cards(bills=bill_filter.qs.filter(pk__in=page.object_list))
            ),
        },
    )


@require_safe
@revalidated_page
def bill_detail(request: HttpRequest, slug: str) -> HttpResponse:
    bill = bill_get(slug=slug)
    detail = SimpleLazyObject(lambda: bill_detail_select(bill=bill))
    return render(
        request,
        "web/bill_detail.html",
        {
            "bill": bill,
            "detail": detail,
            "executive": SimpleLazyObject(
                lambda: bill_executive(bill=bill, window=detail.open_window)
            ),
        },
    )


@require_safe
@cached_page
def family_index(request: HttpRequest) -> HttpResponse:
    return render(request, "web/family_list.html", {"families": SimpleLazyObject(family_list)})


@require_safe
@cached_page
def family_detail(request: HttpRequest, family: str) -> HttpResponse:
    # The URL names its parameter `family` (not `slug`, which is a bill's on every other page).
    found = family_get(slug=family)
    return render(
        request,
        "web/family_detail.html",
        {"family": found, "page": SimpleLazyObject(lambda: family_page_select(family=found))},
    )


@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "web/privacy.html")


def embeddable(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponseBase]:
    """Let any site frame this view (CSP frame-ancestors *, no X-Frame-Options), in its URL's
    language, with Cache-Control and an ETag. Only for views that show public data, hold no
    form and set no cookie: framing is what clickjacking needs, and these have nothing to click
    but links."""
    conditional = conditional_page(max_age=EMBED_MAX_AGE)(view)
    framed = csp_replace({"frame-ancestors": ["*"]})(conditional)
    return language_from_url(require_safe(xframe_options_exempt(framed)))


@embeddable
@cached_page
def bill_embed(request: HttpRequest, slug: str) -> HttpResponse:
    """The status card other sites embed in an <iframe>: no script, no form, no cookie."""
    bill = bill_get(slug=slug)
    return render(request, "web/embed.html", {"bill": bill, "card": bill_embed_select(bill=bill)})


@embeddable
@cached_page
def bill_badge(request: HttpRequest, slug: str) -> HttpResponse:
    """The status badge (SVG) other sites show in an <img>: the status, and the days left while
    the signing window is open."""
    bill = bill_get(slug=slug)
    return render(
        request,
        "web/badge.svg",
        {"bill": bill, "p": bill_open_window(bill=bill)},
        content_type="image/svg+xml; charset=utf-8",
    )
