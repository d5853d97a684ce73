"""The feeds as validators and readers see them (issue 11): Atom that feedparser reads cleanly
and that has RFC 4287's required elements, ids that do not follow the Host header, calendars
that cancel a closed window's deadlines, 304s for both, and bill pages with no <time> lacking a
valid datetime."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import feedparser
import icalendar
import pytest
from django.conf import settings
from django.test import Client

from bills import timeline
from bills.models import Classification, SigningWindow, Visibility
from tests.bills.factories import BillFactory, EventFactory, JurisdictionFactory
from tests.record import UNKNOWN, act, kz_record
from web.template_helpers import date_iso

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
BILL = "kz-lgbt-propaganda-ban"
ATOM_URLS = [
    "/feeds/changes.atom",
    "/feeds/KZ/changes.atom",
    f"/bills/{BILL}/changes.atom",
    "/ru/feeds/changes.atom",
]
CALENDAR_URLS = ["/feeds/deadlines.ics", "/feeds/KZ/deadlines.ics", f"/bills/{BILL}/deadlines.ics"]


def _get(client: Client, url: str, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, url
    return response


@pytest.mark.parametrize("url", ATOM_URLS)
def test_feedparser_reads_each_feed_without_errors(client, kz_open, url):
    parsed = feedparser.parse(_get(client, url).content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.entries
    for entry in parsed.entries:
        # Plain text declared as such, not as HTML.
        assert entry.summary_detail.type == "text/plain"


@pytest.mark.parametrize("url", ATOM_URLS)
def test_atom_has_the_elements_rfc_4287_requires(client, kz_open, url):
    feed = ET.fromstring(_get(client, url).content)  # noqa: S314 (our own response)
    # §4.1.1: atom:feed has exactly one id, title and updated, and an author unless every
    # entry has one.
    for tag in ("id", "title", "updated"):
        assert len(feed.findall(f"{ATOM}{tag}")) == 1, tag
    entries = feed.findall(f"{ATOM}entry")
    assert entries
    feed_author = feed.find(f"{ATOM}author/{ATOM}name")
    assert (feed_author is not None and feed_author.text) or all(
        e.find(f"{ATOM}author/{ATOM}name") is not None for e in entries
    )
    for entry in entries:
        # §4.1.2: id, title and updated once each; an alternate link where there is no content.
        for tag in ("id", "title", "updated"):
            assert len(entry.findall(f"{ATOM}{tag}")) == 1, tag
        if entry.find(f"{ATOM}content") is None:
            links = entry.findall(f"{ATOM}link")
            assert any(link.get("rel", "alternate") == "alternate" for link in links)
        summary = entry.find(f"{ATOM}summary")
        assert summary is not None and summary.get("type") == "text"


def test_feed_author_is_the_site(client, kz_open):
    parsed = feedparser.parse(_get(client, "/feeds/changes.atom").content)
    assert parsed.feed.author == "Bill tracker"


def test_atom_ids_are_the_same_across_hosts_and_schemes(client, kz_open):
    hosts = [h for h in settings.ALLOWED_HOSTS if h not in ("*", "testserver")][:2]
    assert len(hosts) == 2, settings.ALLOWED_HOSTS
    seen = []
    for host, secure in ((hosts[0], False), (hosts[1], True)):
        response = _get(client, "/feeds/changes.atom", HTTP_HOST=f"{host}:8000", secure=secure)
        parsed = feedparser.parse(response.content)
        seen.append((parsed.feed.id, [e.id for e in parsed.entries]))
        # The links do follow the request; the ids do not.
        assert parsed.entries[0].link.startswith(("https://" if secure else "http://") + host)
    assert seen[0] == seen[1]
    feed_id, entry_ids = seen[0]
    assert feed_id.startswith(settings.SITE_URL + "/")
    assert all(i.startswith(settings.SITE_URL + "/bills/") for i in entry_ids)


def test_jurisdiction_feed_holds_that_jurisdiction_only(client, kz_open):
    elsewhere = JurisdictionFactory(code="XX", name="Elsewhere", timezone="UTC")
    other = BillFactory(jurisdiction=elsewhere, slug="elsewhere-bill", title="Elsewhere bill")
    EventFactory(bill=other, description="Something elsewhere")
    kz = feedparser.parse(_get(client, "/feeds/KZ/changes.atom").content)
    xx = feedparser.parse(_get(client, "/feeds/xx/changes.atom").content)
    assert len(kz.entries) == 4  # the four public events, the Senate's approval among them
    assert all(BILL in e.link for e in kz.entries)
    assert [e.link.split("#")[0].rstrip("/").rsplit("/", 1)[-1] for e in xx.entries] == [
        "elsewhere-bill"
    ]
    assert "Elsewhere" in xx.feed.title
    assert client.get("/feeds/NOPE/changes.atom").status_code == 404
    # Linked from the jurisdiction's page (the bill list filtered to it).
    page = client.get("/bills/?jurisdiction=KZ").content.decode()
    assert 'href="/feeds/KZ/changes.atom"' in page
    # And from the dashboard's row for it.
    assert 'href="/feeds/KZ/changes.atom"' in client.get("/").content.decode()


def _active_deadlines(calendar: icalendar.Calendar) -> list[icalendar.Event]:
    return [
        e
        for e in calendar.walk("VEVENT")
        if str(e.get("status", "CONFIRMED")) != "CANCELLED" and "outcome@" not in str(e["uid"])
    ]


def test_after_the_signature_the_calendar_has_no_active_deadline(client, kz_open):
    before = icalendar.Calendar.from_ical(_get(client, "/feeds/deadlines.ics").content)
    uids = {str(e["uid"]) for e in _active_deadlines(before)}
    assert len(uids) == 2
    signed_on = kz_open.jurisdiction.today()
    act(kz_open, Classification.EXECUTIVE_SIGNATURE, signed_on)
    window = SigningWindow.objects.get(bill=kz_open.bill)
    assert window.status == SigningWindow.Status.SIGNED
    for url in CALENDAR_URLS:
        calendar = icalendar.Calendar.from_ical(_get(client, url).content)
        assert _active_deadlines(calendar) == [], url
        events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
        # The same UIDs, cancelled, so that apps strike what they had.
        for uid in uids:
            assert str(events[uid]["status"]) == "CANCELLED"
            assert int(events[uid]["sequence"]) == 1
            summary = str(events[uid]["summary"])
            assert "may close" not in summary and "at the latest" not in summary
        outcome = [e for uid, e in events.items() if "outcome@" in uid]
        assert len(outcome) == 1
        assert outcome[0].decoded("dtstart") == signed_on
        assert str(outcome[0]["summary"]).startswith("Signed: ")


def test_calendar_dtstamp_is_the_windows_last_change(client, kz_open):
    calendar = icalendar.Calendar.from_ical(_get(client, "/feeds/deadlines.ics").content)
    window = kz_open.window
    for event in calendar.walk("VEVENT"):
        stamp = event.decoded("dtstamp")
        assert stamp.utcoffset() is not None and stamp.utcoffset().total_seconds() == 0
        assert stamp == window.updated_at.replace(microsecond=0) or stamp == window.updated_at


@pytest.mark.parametrize("url", ATOM_URLS + CALENDAR_URLS)
def test_repeated_request_gets_304(client, kz_open, url):
    first = _get(client, url)
    assert first["ETag"].startswith('"') and first["Last-Modified"]
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again["ETag"] == first["ETag"] and not again.content
    since = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304
    # A change to the public record is a new body, a new ETag and a 200.
    act(kz_open, Classification.EXECUTIVE_RECEIPT, kz_open.approval.date)
    changed = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]


def test_an_empty_feed_is_the_same_until_something_is_published_in_it(client, kz_open):
    JurisdictionFactory(code="AM", name="Armenia")
    first = _get(client, "/feeds/AM/changes.atom")
    assert "<entry>" not in first.content.decode()
    # Its <updated> is a fixed instant, not the moment it was asked for: a reader polling it
    # gets 304s (the ETag is the body's), and no Last-Modified claims a change.
    [updated] = ET.fromstring(first.content).findall(f"{ATOM}updated")  # noqa: S314 (our own response)
    assert updated.text == "1970-01-01T00:00:00+00:00"
    assert "Last-Modified" not in first
    again = client.get("/feeds/AM/changes.atom", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_an_internal_note_changes_no_feed_etag(client, kz_open):
    urls = [f"/bills/{BILL}/changes.atom", f"/bills/{BILL}/deadlines.ics"]
    etags = {url: _get(client, url)["ETag"] for url in urls}
    timeline.event_record(
        bill=kz_open.bill,
        classification=Classification.OTHER,
        description="INTERNAL-ONLY another staff note",
        visibility=Visibility.INTERNAL,
    )
    for url in urls:
        assert client.get(url, HTTP_IF_NONE_MATCH=etags[url]).status_code == 304, url


# HTML's valid date and month strings (the forms a date at our precisions takes), and a global
# date and time (web/data.html's build times).
VALID_DATETIME = re.compile(
    r"\d{4}-\d{2}(-\d{2})?"
    r"|\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})"
)


class _TimeElements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.datetimes: list[str | None] = []

    def handle_starttag(self, tag, attrs) -> None:
        if tag == "time":
            self.datetimes.append(dict(attrs).get("datetime"))


def _times(html: str) -> list[str | None]:
    parser = _TimeElements()
    parser.feed(html)
    return parser.datetimes


def test_bill_page_has_no_time_without_a_valid_datetime(client):
    # An undated approval, an undated statement, and an act known only to the month.
    record = kz_record(senate_approved=UNKNOWN)
    act(record, Classification.OTHER, record.introduction.date, date_precision="month")
    html = _get(client, f"/bills/{record.bill.slug}/").content.decode()
    assert "date not given" in html
    times = _times(html)
    assert times
    for value in times:
        assert value is not None and VALID_DATETIME.fullmatch(value), value
    assert "2025-06" in times  # the month-precision act, without an invented day
    assert re.search(r"<span>date not given</span>", html)


def test_date_element_renders_each_precision():
    assert date_iso(dt.date(2025, 12, 1), "month") == "2025-12"
    assert date_iso(dt.date(2025, 12, 3), "day") == "2025-12-03"
    assert date_iso(None, "unknown") == ""
    assert date_iso(dt.date(2025, 12, 1), "unknown") == ""
