"""The public pages: dashboard, bill list with filters, bill page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from bills import services, timeline
from bills.models import (
    Bill,
    BillStatus,
    Chamber,
    Classification,
    Family,
    Jurisdiction,
    SigningWindow,
    Subject,
)
from tests.bills.factories import BillFactory
from tests.record import act, bill_at, internal_vote_citing, kz_record, source
from tests.web.conftest import INTERNAL_TEXT, make_bills
from web.filters import _BUILT_OPTIONS, BillFilter, DashboardFilter
from web.selectors import window_progress

pytestmark = pytest.mark.django_db

DETAIL = "/bills/kz-lgbt-propaganda-ban/"


def text(response) -> str:
    return response.content.decode()


def test_ping_returns_a_fixed_string(client):
    response = client.get("/ping")
    assert response.status_code == 200
    assert response.content == b"pong\n"


def test_dashboard_shows_soonest_window_with_countdown_and_bar(client, kz_open):
    response = client.get("/")
    assert response.status_code == 200
    body = text(response)
    assert "LGBT propaganda ban" in body
    assert f"{kz_open.extra['days_left']} days left" in body
    assert 'class="wb-elapsed"' in body
    # Bounds shown while the exact deadline is unknown.
    assert "The exact deadline is not known yet" in body
    assert "Recently changed bills" in body
    assert "Bills by stage" in body
    assert "?jurisdiction=KZ&amp;status=awaiting-signature" in body


def test_dashboard_orders_windows_by_soonest_close(client, kz_record):
    # Both houses passed them: the later bill's window opened 10 days ago, the sooner one's 28.
    today = kz_record.jurisdiction.today()
    for slug, title, days_ago in (("later", "Later bill", 10), ("sooner", "Sooner bill", 28)):
        bill_at(
            kz_record,
            BillStatus.AWAITING_SIGNATURE,
            slug=slug,
            title=title,
            acted_on=today - dt.timedelta(days=days_ago),
        )
    body = text(client.get("/"))
    assert body.index("Sooner bill") < body.index("Later bill")


def test_dashboard_without_open_window_says_so_and_shows_recent(client, kz_open):
    # The President signed today: the window is closed.
    act(kz_open, Classification.EXECUTIVE_SIGNATURE, kz_open.jurisdiction.today())
    assert kz_open.window.status == SigningWindow.Status.SIGNED
    body = text(client.get("/"))
    assert "No signing window is open right now." in body
    assert "Most recent signing windows" in body
    assert "LGBT propaganda ban" in body


def test_countdown_uses_the_jurisdictions_time_zone(kz_open):
    window = SigningWindow.objects.select_related("bill__jurisdiction").get(pk=kz_open.window.pk)
    # 20:00 UTC is already the next day in Almaty (UTC+5): one day fewer is left there.
    late_utc = timezone.now().replace(hour=20, minute=0)
    early_utc = late_utc.replace(hour=1)
    late = window_progress(window, now=late_utc)
    early = window_progress(window, now=early_utc)
    assert late.today == early.today + dt.timedelta(days=1)
    assert late.days_to_earliest == early.days_to_earliest - 1


def test_bill_page_shows_status_vote_window_and_public_timeline_only(client, kz_open):
    response = client.get(DETAIL)
    assert response.status_code == 200
    body = text(response)
    assert "Awaiting signature" in body
    assert "Mäjilis" in body
    assert "Unanimous" in body
    assert "the source does not give the counts" in body
    assert "The Mäjilis passed the bill unanimously." in body
    assert "The Senate approved the bill." in body
    assert "date not given" in body  # Amnesty's statement has no date in the sources
    assert "CIVICUS" in body and kz_open.article.url in body
    assert f"{kz_open.extra['days_left']} days left" in body
    assert INTERNAL_TEXT not in body


def test_bill_page_draws_counts_when_reported(client, kz_open):
    timeline.vote_update(
        vote=kz_open.vote,
        data={"unanimous": False, "yes_count": 70, "no_count": 20, "abstain_count": 3},
    )
    body = text(client.get(DETAIL))
    assert re.search(r'<rect class="vc-yes" x="0.00" y="0" width="[\d.]+"', body)
    assert "<dd>70</dd>" in body and "<dd>20</dd>" in body and "<dd>3</dd>" in body
    assert "not reported" in body  # absent / not voting are NULL: shown as unknown, not zero


def test_unknown_bill_is_404(client, kz_record):
    assert client.get("/bills/no-such-bill/").status_code == 404


def test_list_filters_by_status_and_jurisdiction(client, kz_open):
    BillFactory(jurisdiction=kz_open.jurisdiction, title="An introduced bill")
    body = text(client.get("/bills/?status=awaiting-signature&jurisdiction=KZ"))
    assert "LGBT propaganda ban" in body
    assert "An introduced bill" not in body
    assert "1 bill" in body


def test_the_filter_form_shows_the_chosen_values_in_the_active_language(client, kz_open):
    body = client.get(
        f"/ru/bills/?jurisdiction=KZ&chamber={kz_open.lower.pk}&status=awaiting-signature"
    ).content.decode()
    assert re.search(r'<option value="KZ" selected>[^<]+</option>', body)
    assert f'<option value="{kz_open.lower.pk}" selected>Мажилис (KZ)</option>' in body
    assert '<option value="awaiting-signature" selected>' in body
    assert re.search(r'<option value="" selected>[^<]+</option>', body)  # no subject chosen
    assert body.count(" selected>") == 5  # the family's empty option too; the sort has no ""


def test_the_lists_reference_selects_are_read_in_one_query_each_in_its_own_order(
    family_record, django_assert_num_queries
):
    """Jurisdictions, chambers, subjects and families: one query for the four selects (web.
    filters.ListedOptions), each select's options in its model's order, with its labels."""
    form = BillFilter({}, queryset=Bill.objects.none()).form
    names = ("jurisdiction", "chamber", "subject", "family")
    with django_assert_num_queries(1):
        options = {name: list(form.fields[name].choices) for name in names}
    assert [v for v, _label in options["jurisdiction"]] == [
        "",
        *Jurisdiction.objects.values_list("code", flat=True),
    ]
    assert len(options["jurisdiction"]) > 3  # several arms with several rows each
    chambers = Chamber.objects.select_related("jurisdiction")
    assert options["chamber"][1:] == [
        (str(c.pk), f"{c.name} ({c.jurisdiction.code})") for c in chambers
    ]
    assert [v for v, _label in options["subject"][1:]] == list(
        Subject.objects.values_list("slug", flat=True)
    )
    assert options["family"][1:] == [("lgbt-propaganda", '"LGBT propaganda" bans')]


def test_the_selects_query_is_built_once_but_its_rows_are_read_on_every_form(family_record):
    """ListedOptions compiles its UNION once per process (web.filters._BUILT_OPTIONS), never its
    rows: a subject added after a form was rendered is an option of the next form; and a form
    whose select is given another queryset gets a query of its own."""

    def subjects() -> list[str]:
        form = BillFilter({}, queryset=Bill.objects.none()).form
        return [value for value, _label in form.fields["subject"].choices]

    before = subjects()
    built = len(_BUILT_OPTIONS)
    services.subject_create(slug="added-later", name="Added later")
    after = subjects()
    assert "added-later" not in before
    assert sorted(after) == sorted([*before, "added-later"])
    assert len(_BUILT_OPTIONS) == built  # the same query, built once

    def families(form) -> list[str]:
        return [value for value, _label in form.fields["family"].choices]

    assert families(DashboardFilter({})) == ["", "lgbt-propaganda"]
    narrowed = DashboardFilter({})
    narrowed.fields["family"].queryset = Family.objects.none()
    assert families(narrowed) == [""]
    assert families(DashboardFilter({})) == ["", "lgbt-propaganda"]


def test_only_the_public_records_sources_are_shown_each_where_it_is_cited(client, kz_open):
    """The sources of the bill, its events and its votes come from one query (web.selectors.
    bill_record_sources): each still under what cites it, and none cited by an internal event
    or by the vote on one."""
    memo = source("Coalition strategy memo", publisher="Coalition")
    internal_vote_citing(kz_open, memo)
    bill_source = source("The bill on the parliament site", publisher="Parliament")
    services.bill_update(bill=kz_open.bill, data={"sources": [kz_open.article, bill_source]})
    body = text(client.get(DETAIL))
    assert "Coalition strategy memo" not in body
    timeline_part = body[body.index('id="timeline-heading"') : body.index('id="sources-heading"')]
    assert timeline_part.count(kz_open.article.title) == 3  # introduction, passage, statement
    assert "The bill on the parliament site" not in timeline_part
    assert "The bill on the parliament site" in body[body.index('id="sources-heading"') :]
    detail = client.get(f"/api/v1/bills/{kz_open.bill.slug}/").json()
    assert "Coalition strategy memo" not in str(detail)
    assert [s["title"] for s in detail["timeline"][1]["sources"]] == [kz_open.article.title]
    assert detail["timeline"][1]["vote"]["sources"] == []
    cited = {s["title"] for s in detail["sources"]}
    assert cited == {kz_open.article.title, "The bill on the parliament site"}


def test_each_filter_set_filters_with_its_own_copies(kz_open):
    BillFactory(jurisdiction=kz_open.jurisdiction, title="Water management reform")
    first, second = BillFilter({"q": "propaganda"}), BillFilter({"q": "water"})
    assert first.filters["q"] is not second.filters["q"]
    assert first.filters["q"].parent is first and second.filters["q"].parent is second
    assert first.filters["jurisdiction"].extra is not BillFilter.base_filters["jurisdiction"].extra
    assert [b.slug for b in first.qs] == [kz_open.bill.slug]
    assert [b.title for b in second.qs] == ["Water management reform"]


def test_list_free_text_search(client, kz_open):
    BillFactory(jurisdiction=kz_open.jurisdiction, title="Water management reform")
    body = text(client.get("/bills/?q=propaganda"))
    assert "LGBT propaganda ban" in body
    assert "Water management reform" not in body
    body = text(client.get("/bills/?q=water"))
    assert "Water management reform" in body
    assert "LGBT propaganda ban" not in body


def test_list_filters_by_subject_chamber_dates_and_closing_window(client, kz_open):
    other = BillFactory(jurisdiction=kz_open.jurisdiction, title="Other bill")
    for query in (
        "subject=lgbtqi-rights",
        f"chamber={kz_open.lower.pk}",
        "introduced_after=2025-05-01&introduced_before=2025-07-01",
        "action_after=2025-11-01",
        "closing_within=7",
    ):
        body = text(client.get(f"/bills/?{query}"))
        assert "LGBT propaganda ban" in body, query
        assert "Other bill" not in body, query
    assert "LGBT propaganda ban" not in text(client.get("/bills/?closing_within=2"))
    assert other.title in text(client.get("/bills/?status=introduced"))


@pytest.mark.parametrize(
    "query",
    [
        "status=bogus",
        "jurisdiction=ZZ",
        "chamber=abc",
        "subject=nope",
        "closing_within=-3",
        "closing_within=soon",
        "introduced_after=2025-13-45",
        "action_before=yesterday",
        "sort=sideways",
        "page=999",
        "page=abc",
        "q=" + "x" * 500,
        "q=%27%22%3B--%20%26%20%7C%20!",
    ],
)
def test_invalid_filter_shows_a_message_never_500(client, kz_open, query):
    response = client.get(f"/bills/?{query}")
    assert response.status_code == 200
    body = text(response)
    if not query.startswith(("page=", "q=%27")):
        assert "Some filters could not be applied" in body, query
        assert 'role="alert"' in body


def test_list_is_paginated_and_keeps_filters_in_links(client, kz_record):
    make_bills(kz_record, 30)
    body = text(client.get("/bills/?status=introduced"))
    # 30 bills over 8 statuses: 4 are introduced; all statuses: two pages.
    assert "4 bills" in body
    body = text(client.get("/bills/?q=transparency"))
    assert "30 bills" in body
    assert "Page 1 of 2" in body
    assert "?q=transparency&amp;page=2" in body
    body = text(client.get("/bills/?q=transparency&page=2"))
    assert "Page 2 of 2" in body
    # Each page shows its own slice of the sorted bills (the list slices their ids apart).
    shown = []
    for number in (1, 2):
        body = text(client.get(f"/bills/?sort=title&page={number}"))
        shown += re.findall(r'<article class="bill-card">\s*<h3><a href="/bills/([^/]+)/"', body)
    assert shown == list(Bill.objects.order_by("title", "id").values_list("slug", flat=True))
    assert len(shown) == 31


def test_list_sorts(client, kz_record):
    # Three bills awaiting signature, bulk-0 introduced and approved first.
    today = kz_record.jurisdiction.today()
    for i in range(3):
        bill_at(
            kz_record,
            BillStatus.AWAITING_SIGNATURE,
            slug=f"bulk-{i}",
            title=f"Bulk bill {i} on transparency",
            introduced_on=dt.date(2025, 1, 1) + dt.timedelta(days=i),
            # Six days apart: a month later they still close in that order (never on one day).
            acted_on=today - dt.timedelta(days=27 - 6 * i),
        )
    titles = re.findall(r"Bulk bill (\d+)", text(client.get("/bills/?sort=title")))
    assert titles == ["0", "1", "2"]
    titles = re.findall(r"Bulk bill (\d+)", text(client.get("/bills/?sort=-introduced")))
    assert titles == ["2", "1", "0"]
    titles = re.findall(r"Bulk bill (\d+)", text(client.get("/bills/?sort=closing")))
    assert titles == ["0", "1", "2"]


def test_board_counts_bills_by_status(client, kz_record):
    # Two of each status, the record's own bill (passed by the Mäjilis) included.
    statuses = [s for s in BillStatus for _ in range(2)]
    statuses.remove(kz_record.bill.status)
    make_bills(kz_record, len(statuses), statuses=statuses)
    body = text(client.get("/"))
    for status in BillStatus:
        assert f"?jurisdiction=KZ&amp;status={status.value}" in body
    assert body.count("<strong>2</strong>") == len(BillStatus)


def test_feed_links_on_pages(client, kz_open):
    body = text(client.get("/"))
    assert 'rel="alternate" type="application/atom+xml"' in body
    assert 'href="/feeds/changes.atom"' in body and 'href="/feeds/deadlines.ics"' in body
    body = text(client.get(DETAIL))
    assert 'href="/bills/kz-lgbt-propaganda-ban/changes.atom"' in body
    assert 'href="/bills/kz-lgbt-propaganda-ban/deadlines.ics"' in body
    assert body.count('rel="alternate"') == 4


def test_closed_window_shows_its_outcome(client, kz_open):
    act(
        kz_open,
        Classification.EXECUTIVE_SIGNATURE,
        kz_open.jurisdiction.today() - dt.timedelta(days=1),
    )
    body = text(client.get(DETAIL))
    assert "Signed" in body
    assert "Window closed on" in body


def test_list_filtered_by_jurisdiction_offers_its_calendar_and_alerts(client, kz_open):
    body = text(client.get("/bills/?jurisdiction=KZ"))
    assert "Follow every bill in Kazakhstan" in body
    assert 'href="/feeds/KZ/deadlines.ics"' in body
    assert 'name="jurisdiction" value="KZ"' in body
    assert "Follow every bill in" not in text(client.get("/bills/"))
    assert "Follow every bill in" not in text(client.get("/bills/?jurisdiction=ZZ"))


def test_search_finds_titles_entered_in_russian(client, kz_open):
    BillFactory(jurisdiction=kz_open.jurisdiction, title="Water management reform")
    body = text(client.get("/ru/bills/?q=пропаганды"))
    assert "kz-lgbt-propaganda-ban" in body
    assert "Water management reform" not in body


# Every filter the list offers, and the paginator's key: a new filter is covered by itself.
FILTER_KEYS = [*BillFilter.base_filters, "page"]


@pytest.mark.parametrize("key", FILTER_KEYS)
def test_nul_bytes_in_filters_are_rejected_not_500(client, kz_open, key):
    # PostgreSQL refuses NUL in text: a value carrying one must never reach a query.
    for prefix in ("", "/ru"):
        assert client.get(f"{prefix}/bills/?{key}=a%00b").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/bills/a%00b/",
        "/bills/a%00b/changes.atom",
        "/bills/a%00b/deadlines.ics",
        "/feeds/K%00Z/deadlines.ics",
    ],
)
def test_nul_bytes_in_paths_are_404(client, kz_open, url):
    assert client.get(url).status_code == 404


def test_the_bill_page_lists_members_votes_grouped_and_folded(client):
    record = kz_record()
    timeline.vote_update(
        vote=record.vote,
        data={"unanimous": False, "yes_count": 2, "no_count": 1},
        member_votes=[("Deputy B", "yes"), ("Deputy C", "no"), ("Deputy A", "yes")],
    )
    page = client.get(f"/bills/{record.bill.slug}/").content.decode()
    folded = page.split('<details class="member-votes">', 1)[1].split("</details>", 1)[0]
    assert "<summary>How each member voted</summary>" in folded
    yes, no = folded.split("<h4>Yes (2)</h4>", 1)[1].split("<h4>No (1)</h4>", 1)
    assert yes.index("Deputy A") < yes.index("Deputy B") and "Deputy C" in no
    ru = client.get(f"/ru/bills/{record.bill.slug}/").content.decode()
    assert "Как голосовал каждый депутат" in ru
