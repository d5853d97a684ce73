"""Calendars and public ids: a title with a line break cannot break a calendar, and nothing a
reader sees numbers the events, so the gaps hidden events leave cannot show."""

from __future__ import annotations

import re

import icalendar
import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from bills import services
from bills.models import Bill, Event
from tests.record import INTERNAL_TEXT, UNKNOWN, kz_record

pytestmark = pytest.mark.django_db


def test_titles_and_names_are_one_line(kz_record):
    with pytest.raises(ValidationError, match="single line"):
        services.bill_update(bill=kz_record.bill, data={"short_title": "Ban\r\nX-Injected: 1"})
    with pytest.raises(ValidationError, match="single line"):
        services.chamber_update(chamber=kz_record.upper, data={"name": "Senate\n"})


def test_a_stored_title_with_a_line_break_does_not_break_the_calendar(kz_record):
    # A row written before titles were validated (raw, on purpose).
    Bill.objects.filter(pk=kz_record.bill.pk).update(short_title="LGBT\r\npropaganda ban")
    for url in (f"/bills/{kz_record.bill.slug}/deadlines.ics", "/feeds/KZ/deadlines.ics"):
        response = Client().get(url)
        assert response.status_code == 200, url
        calendar = icalendar.Calendar.from_ical(response.content)
        name = str(calendar.get("x-wr-calname"))
        assert "\r" not in name and "\n" not in name
    feed = Client().get(f"/bills/{kz_record.bill.slug}/changes.atom")
    assert feed.status_code == 200
    assert b"LGBT propaganda ban" in feed.content


def test_public_pages_and_feeds_show_no_event_or_vote_row_ids():
    record = kz_record(senate_approved=UNKNOWN)
    page = Client().get(f"/bills/{record.bill.slug}/").content.decode()
    feed = Client().get(f"/bills/{record.bill.slug}/changes.atom").content.decode()
    assert INTERNAL_TEXT not in page
    anchors = re.findall(r'id="(?:event|vote)-([^"]+)"', page)
    assert anchors, page[:500]
    public = {str(e.public_id) for e in Event.objects.public().filter(bill=record.bill)}
    for anchor in anchors:
        assert anchor in public and not anchor.isdigit()
    for text in (page, feed):
        for found in re.findall(r'(?:#|id=")(?:event|vote)-([0-9a-z-]+)', text):
            assert found in public, found
    # The hidden event has a public id too, but it appears nowhere.
    assert str(record.internal.public_id) not in page + feed
