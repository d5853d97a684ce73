"""Query budgets and page weight: constant queries (at most 10) with 1 bill and with many.

"Many" is 40 bills built through the services: more than a page of the list (25), more than a
dashboard's cells show (3 per status) and than its lists of recent bills and windows, so every
bounded part of a page is full; if a page's queries grew with the rows, they would differ.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from bills import services
from bills.models import BillStatus
from tests.web.conftest import make_bills

pytestmark = pytest.mark.django_db

BILLS = 40  # the record's own bill and 39 more

MAX_QUERIES = 10
MAX_PAGE_BYTES = 100 * 1024
PAGES = [
    "/",
    "/bills/",
    "/bills/?q=bill&status=awaiting-signature",
    "/bills/?closing_within=10&sort=closing",
    "/bills/?jurisdiction=KZ&subject=lgbtqi-rights&action_after=2025-01-01",
    "/bills/kz-lgbt-propaganda-ban/",
    "/ru/bills/kz-lgbt-propaganda-ban/",
    "/feeds/changes.atom",
    "/bills/kz-lgbt-propaganda-ban/changes.atom",
    "/feeds/deadlines.ics",
    "/feeds/KZ/deadlines.ics",
    "/bills/kz-lgbt-propaganda-ban/deadlines.ics",
    "/bills/kz-lgbt-propaganda-ban/embed/",
    "/kk/bills/kz-lgbt-propaganda-ban/embed/",
    "/bills/kz-lgbt-propaganda-ban/badge.svg",
]
# The embeddable card and badge are framed and fetched by other sites' visitors: a tighter
# budget (the bill, its open window, its last public action) and a few kilobytes each.
EMBEDS = {
    "/bills/kz-lgbt-propaganda-ban/embed/": 3,
    "/kk/bills/kz-lgbt-propaganda-ban/embed/": 3,
    "/bills/kz-lgbt-propaganda-ban/badge.svg": 2,
}
MAX_EMBED_BYTES = 4 * 1024
# Calendars list every window by design (a calendar app needs them all): their size grows
# with the record, so they have a query budget but no page-weight limit.
NOT_WEIGHED = {"/feeds/deadlines.ics", "/feeds/KZ/deadlines.ics"}


def _queries(client, django_assert_max_num_queries, url: str) -> int:
    with django_assert_max_num_queries(MAX_QUERIES) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


def test_every_page_makes_the_same_few_queries_with_1_and_many_bills(
    client, kz_open, django_assert_max_num_queries
):
    with_one = {url: _queries(client, django_assert_max_num_queries, url) for url in PAGES}
    make_bills(kz_open, BILLS - 1)
    with_many = {url: _queries(client, django_assert_max_num_queries, url) for url in PAGES}
    assert with_many == with_one


def test_pages_weigh_under_100_kb_with_many_bills(client, kz_open):
    make_bills(kz_open, BILLS - 1)
    for url in PAGES:
        if url in NOT_WEIGHED:
            continue
        size = len(client.get(url).content)
        assert size < MAX_PAGE_BYTES, f"{url} is {size} bytes"
    # The one stylesheet every page loads (served by whitenoise, found here as staticfiles would).
    css = finders.find("css/site.css")
    assert css and Path(css).stat().st_size < 20 * 1024


def test_the_card_and_badge_make_few_queries_and_weigh_little(
    client, kz_open, django_assert_num_queries
):
    make_bills(kz_open, BILLS - 1)
    for url, queries in EMBEDS.items():
        with django_assert_num_queries(queries):
            response = client.get(url)
        assert response.status_code == 200, url
        assert len(response.content) < MAX_EMBED_BYTES, url
    css = finders.find("css/embed.css")
    assert css and Path(css).stat().st_size < 4 * 1024


# Exact budgets with many bills. The bill list: its count, its page of bills and the options of
# its selects over reference tables (jurisdictions, chambers, subjects, families) read together
# (web.filters.ListedOptions), and a query for each reference chosen in the filters (the form
# looks the jurisdiction up). A bill page: the bill, its subjects, its public events (with their
# votes), the sources of the bill, its lineage, events and votes together (web.selectors.
# bill_record_sources), the members' votes, its windows, and beside an open window the head of
# state's record.
EXACT_BUDGETS = {  # url: (queries, what the page must still show)
    "/bills/": (3, '<option value="KZ">'),
    "/ru/bills/?q=bill&status=awaiting-signature&jurisdiction=KZ": (
        4,
        '<option value="KZ" selected>',
    ),
    "/bills/kz-lgbt-propaganda-ban/": (7, '<ul class="sources">'),
    "/ru/bills/kz-lgbt-propaganda-ban/": (7, '<ul class="sources">'),
}


def test_the_list_and_bill_pages_read_their_reference_options_and_sources_in_one_query_each(
    client, kz_open, django_assert_num_queries
):
    make_bills(kz_open, BILLS - 1)
    for url, (queries, shown) in EXACT_BUDGETS.items():
        with django_assert_num_queries(queries):
            response = client.get(url)
        assert response.status_code == 200, url
        assert shown in response.content.decode(), url


FAMILY_PAGES = [
    "/families/",
    "/families/lgbt-propaganda/",
    "/kk/families/lgbt-propaganda/",
    "/?family=lgbt-propaganda",
    "/bills/?family=lgbt-propaganda",
    "/families/lgbt-propaganda/changes.atom",
    "/families/lgbt-propaganda/deadlines.ics",
]


def test_the_family_pages_make_the_same_few_queries_with_4_and_many_members(
    client, family_record, django_assert_max_num_queries
):
    """The family page's queries do not grow with its members: 4 members (two countries, a
    state) and one awaiting signature (so the dashboard shows open windows both times, not its
    list of recent ones), then 40 more Kazakh ones at every status; and it stays under 100 KB."""
    (awaiting,) = make_bills(
        family_record.kz, 1, start=BILLS, statuses=[BillStatus.AWAITING_SIGNATURE]
    )
    services.bill_update(bill=awaiting, data={"family": family_record.family})
    with_few = {url: _queries(client, django_assert_max_num_queries, url) for url in FAMILY_PAGES}
    for bill in make_bills(family_record.kz, BILLS):
        services.bill_update(bill=bill, data={"family": family_record.family})
    body = client.get("/families/lgbt-propaganda/").content.decode()
    # Those approved (awaiting signature, enacted, vetoed: a third of them) get a row.
    assert body.count('class="timeline-row"') > 10
    with_many = {url: _queries(client, django_assert_max_num_queries, url) for url in FAMILY_PAGES}
    assert with_many == with_few
    size = len(body.encode())
    assert size < MAX_PAGE_BYTES, f"the family page is {size} bytes"


# The API's answers: constant with one bill and with many, within their own budget (a bill's
# detail reads its whole public record and the history of its votes for Last-Modified).
API_BUDGETS = {
    "/api/v1/bills/": 4,
    "/api/v1/bills/?status=awaiting-signature&q=bill": 4,
    "/api/v1/bills/kz-lgbt-propaganda-ban/": 8,
    "/api/v1/windows/open/": 3,
    "/api/v1/jurisdictions/": 4,
}


def test_api_answers_make_the_same_few_queries_with_1_and_many_bills(
    client, kz_open, django_assert_max_num_queries
):
    def counts() -> dict[str, int]:
        found = {}
        for url, budget in API_BUDGETS.items():
            with django_assert_max_num_queries(budget) as captured:
                response = client.get(url)
            assert response.status_code == 200, url
            found[url] = len(captured.captured_queries)
        return found

    with_one = counts()
    make_bills(kz_open, BILLS - 1)
    assert counts() == with_one
