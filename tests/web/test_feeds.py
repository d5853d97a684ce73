"""Atom and iCalendar feeds: valid, public events only, deadlines as all-day events."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import icalendar
import pytest

from bills.models import Bill, Chamber, Classification, Event, SigningRule
from tests.bills.factories import (
    BillFactory,
    ChamberFactory,
    EventFactory,
    JurisdictionFactory,
    SigningRuleFactory,
)
from tests.web.conftest import INTERNAL_TEXT

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def _atom(client, url: str) -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)  # noqa: S314 (our own response)


def _calendar(client, url: str) -> icalendar.Calendar:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content)


def test_atom_feed_of_all_changes_is_valid_and_public_only(client, kz_open):
    feed = _atom(client, "/feeds/changes.atom")
    entries = feed.findall(f"{ATOM}entry")
    # The four public events (introduction, Mäjilis passage, statement, Senate approval); the
    # internal note is left out.
    assert Event.objects.count() == 5
    assert len(entries) == Event.objects.public().count() == 4
    for entry in entries:
        for tag in ("title", "id", "updated", "link"):
            assert entry.find(f"{ATOM}{tag}") is not None
    raw = client.get("/feeds/changes.atom").content.decode()
    assert INTERNAL_TEXT not in raw
    assert "The Mäjilis passed the bill unanimously." in raw
    assert "Source: CIVICUS" in raw
    assert "/bills/kz-lgbt-propaganda-ban/#event-" in raw


def test_atom_feed_per_bill(client, kz_open):
    other = BillFactory(jurisdiction=kz_open.jurisdiction, slug="other")
    EventFactory(bill=other, description="Something on the other bill")
    feed = _atom(client, "/bills/kz-lgbt-propaganda-ban/changes.atom")
    assert len(feed.findall(f"{ATOM}entry")) == 4  # the KZ bill's public events only
    assert "LGBT propaganda ban" in feed.find(f"{ATOM}title").text
    assert len(_atom(client, "/bills/other/changes.atom").findall(f"{ATOM}entry")) == 1
    assert client.get("/bills/missing/changes.atom").status_code == 404


def test_atom_feed_in_russian(client, kz_open):
    raw = client.get("/ru/feeds/changes.atom").content.decode()
    assert "Мажилис единогласно принял законопроект." in raw
    assert "/ru/bills/kz-lgbt-propaganda-ban/" in raw


def test_calendar_lists_window_bounds_as_all_day_events(client, kz_open):
    calendar = _calendar(client, "/feeds/deadlines.ics")
    events = calendar.walk("VEVENT")
    window = kz_open.window
    # The exact deadline is unknown: one event for the earliest and one for the latest close.
    starts = sorted(e.decoded("dtstart") for e in events)
    assert starts == [window.closes_earliest, window.closes_latest]
    for event in events:
        assert isinstance(event.decoded("dtstart"), dt.date)
        assert not isinstance(event.decoded("dtstart"), dt.datetime)
        assert "LGBT propaganda ban" in str(event["summary"])
        assert str(event["url"]).endswith("/bills/kz-lgbt-propaganda-ban/")
    assert len({str(e["uid"]) for e in events}) == 2


def test_calendar_per_jurisdiction_and_per_bill(client, kz_open):
    elsewhere = JurisdictionFactory(code="XX", name="Elsewhere", timezone="UTC")
    # One chamber and a rule with no transmission step: its passage opens an exact window.
    chamber = ChamberFactory(
        jurisdiction=elsewhere, classification=Chamber.Classification.UNICAMERAL
    )
    SigningRuleFactory(
        code="XX",
        jurisdiction=elsewhere,
        name="Elsewhere rule",
        legal_source="Basic law",
        in_force_from=dt.date(2000, 1, 1),
        trigger=SigningRule.Trigger.FINAL_APPROVAL,
        lapse_effect=SigningRule.Lapse.BECOMES_LAW,
        steps=[{"label": "sign", "length": 15, "unit": "calendar-days"}],
    )
    other = BillFactory(jurisdiction=elsewhere, slug="elsewhere-bill", title="Elsewhere bill")
    EventFactory(
        bill=other,
        classification=Classification.PASSAGE,
        chamber=chamber,
        date=elsewhere.today() - dt.timedelta(days=5),
    )
    window = other.windows.get()
    assert window.closes_earliest == window.closes_latest
    assert len(_calendar(client, "/feeds/deadlines.ics").walk("VEVENT")) == 3
    assert len(_calendar(client, "/feeds/KZ/deadlines.ics").walk("VEVENT")) == 2
    xx = _calendar(client, "/feeds/XX/deadlines.ics").walk("VEVENT")
    assert len(xx) == 1 and "Signing deadline: Elsewhere bill" in str(xx[0]["summary"])
    assert len(_calendar(client, "/bills/elsewhere-bill/deadlines.ics").walk("VEVENT")) == 1
    assert client.get("/feeds/NOPE/deadlines.ics").status_code == 404
    assert Bill.objects.count() == 2
