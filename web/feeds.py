"""Feeds: an Atom feed of changes (public events only) and iCalendar feeds of signing deadlines.

Both are read by feed readers and calendar apps that poll them; both carry public data only.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.http import parse_http_date_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from bills.models import Bill, Event, Family, Jurisdiction, SigningWindow
from web.conditional import conditional_response
from web.selectors import event_list_feed, window_list_calendar
from web.template_helpers import date_precise


def stable_id(path: str) -> str:
    """An Atom id (RFC 4287 §4.2.6: it must never change) on the configured site's address, not
    the request's Host: a reader that fetched the feed as 127.0.0.1 and then as localhost, or
    over http and then https, must see the same entries, not duplicates."""
    return settings.SITE_URL + path


class TextSummaryAtom(Atom1Feed):
    """Atom whose summaries are declared plain text, which they are (RFC 4287 §3.1.1):
    Django's Atom1Feed declares them type="html", so a reader would parse "<" in a description
    as markup."""

    # An empty feed's <updated> (RFC 4287 §4.2.15 requires one): Django's is the moment it is
    # asked for, so its body, and with it its ETag, changed every second and a reader polling
    # it never got a 304. The epoch: nothing was ever published in it.
    NOTHING_PUBLISHED = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)

    def latest_post_date(self) -> dt.datetime:
        return super().latest_post_date() if self.items else self.NOTHING_PUBLISHED

    def add_item_elements(self, handler, item) -> None:
        summary = item["description"]
        super().add_item_elements(handler, {**item, "description": None})
        if summary is not None:
            handler.addQuickElement("summary", summary, {"type": "text"})


class _EventFeed(Feed):
    """Atom entries for public events (the items come from web.selectors.event_list_feed).

    The site is the author of every feed (RFC 4287 §4.1.1: a feed without entry authors needs
    one). Answers conditional requests (web.conditional) with the rate limit kept in web.urls."""

    feed_type = TextSummaryAtom
    subtitle = gettext_lazy("Public actions, votes and events on the bills we follow.")
    author_name = gettext_lazy("Bill tracker")

    def __call__(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = super().__call__(request, *args, **kwargs)
        # Django's Feed sets Last-Modified from the newest entry's dates.
        modified = parse_http_date_safe(response.get("Last-Modified", ""))
        last_modified = dt.datetime.fromtimestamp(modified, tz=dt.UTC) if modified else None
        return conditional_response(request, response, last_modified=last_modified)

    def item_guid(self, item: Event) -> str:
        return stable_id(self.item_link(item))

    def item_title(self, item: Event) -> str:
        return one_line(f"{item.bill.display_title()}: {item.get_classification_display()}")

    def item_description(self, item: Event) -> str:
        # Plain text (type="text", escaped by the feed generator); the sources follow.
        lines = [date_precise(item.date, item.date_precision), item.localized("description")]
        for source in item.sources.all():
            lines.append(_("Source: %(source)s") % {"source": str(source)})
        return "\n".join(lines)

    def item_link(self, item: Event) -> str:
        return reverse("web:bill_detail", args=[item.bill.slug]) + f"#event-{item.public_id}"

    def item_pubdate(self, item: Event) -> dt.datetime:
        return item.created_at

    def item_updateddate(self, item: Event) -> dt.datetime:
        return item.updated_at


class ChangesFeed(_EventFeed):
    """Every public action and event, newest change first."""

    title = gettext_lazy("Bill tracker: latest changes")

    def link(self) -> str:
        return reverse("web:bill_list")

    def feed_guid(self) -> str:
        return stable_id(self.link())

    def items(self) -> list[Event]:
        return event_list_feed()


class JurisdictionChangesFeed(_EventFeed):
    """One jurisdiction's public actions and events."""

    def get_object(self, request: HttpRequest, code: str) -> Jurisdiction:
        return get_object_or_404(Jurisdiction, code__iexact=code)

    def title(self, obj: Jurisdiction) -> str:
        return _("Changes in %(jurisdiction)s") % {"jurisdiction": obj.localized("name")}

    def link(self, obj: Jurisdiction) -> str:
        return reverse("web:bill_list") + f"?jurisdiction={obj.code}"

    def feed_guid(self, obj: Jurisdiction) -> str:
        return stable_id(self.link(obj))

    def items(self, obj: Jurisdiction) -> list[Event]:
        return event_list_feed(jurisdiction=obj)


class FamilyChangesFeed(_EventFeed):
    """The public actions and events of one family's bills, in every jurisdiction."""

    def get_object(self, request: HttpRequest, family: str) -> Family:
        return get_object_or_404(Family, slug=family)

    def title(self, obj: Family) -> str:
        return _("%(family)s: latest changes") % {"family": obj.localized("name")}

    def link(self, obj: Family) -> str:
        return reverse("web:family_detail", args=[obj.slug])

    def feed_guid(self, obj: Family) -> str:
        return stable_id(self.link(obj))

    def items(self, obj: Family) -> list[Event]:
        return event_list_feed(family=obj)


class BillChangesFeed(_EventFeed):
    """One bill's public actions and events."""

    def get_object(self, request: HttpRequest, slug: str) -> Bill:
        return get_object_or_404(Bill.objects.select_related("jurisdiction"), slug=slug)

    def title(self, obj: Bill) -> str:
        return _("%(bill)s: latest changes") % {"bill": obj.display_title()}

    def link(self, obj: Bill) -> str:
        return reverse("web:bill_detail", args=[obj.slug])

    def feed_guid(self, obj: Bill) -> str:
        return stable_id(self.link(obj))

    def items(self, obj: Bill) -> list[Event]:
        return event_list_feed(bill=obj)


def one_line(text: str) -> str:
    """Whitespace and control characters collapsed to single spaces: a calendar's names and
    summaries are one line (icalendar refuses a newline in X-WR-CALNAME), whatever was stored
    before titles were validated as one line."""
    return " ".join("".join(c if ord(c) >= 32 and ord(c) != 127 else " " for c in text).split())


def _window_events(request: HttpRequest, window: SigningWindow) -> list[icalendar.Event]:
    bill = window.bill
    url = request.build_absolute_uri(reverse("web:bill_detail", args=[bill.slug]))
    title = bill.display_title()
    description = "\n".join(
        [
            _("Signing window: %(status)s") % {"status": window.get_status_display()},
            _("Rule: %(rule)s") % {"rule": window.rule.name},
            _("Law: %(law)s") % {"law": window.rule.legal_source},
            url,
        ]
    )
    if window.closes_earliest == window.closes_latest:
        days = [("deadline", window.closes_earliest, _("Signing deadline: %(bill)s"))]
    else:
        days = [
            ("earliest", window.closes_earliest, _("Signing window may close: %(bill)s")),
            ("latest", window.closes_latest, _("Signing window closes at the latest: %(bill)s")),
        ]
    closed = window.status not in (SigningWindow.Status.OPEN, SigningWindow.Status.PAUSED)
    outcome = window.get_status_display()
    if closed:
        # The deadlines passed into calendars keep their UIDs and are cancelled (RFC 5545
        # §3.8.1.11), so that apps strike them rather than keep announcing a closing window;
        # SEQUENCE goes up with the change (§3.8.7.4).
        closed_summary = _("Window closed (%(outcome)s): %(bill)s")
        days = [(key, day, closed_summary) for key, day, _summary in days]
    # UIDs must stay the same whichever host name the calendar app used: the configured site's.
    host = urlsplit(settings.SITE_URL).hostname or "bill-tracker"
    events = []
    for key, day, summary in days:
        event = _all_day_event(window, day)
        event.add("uid", f"signing-window-{window.pk}-{key}@{host}")
        event.add("status", "CANCELLED" if closed else "CONFIRMED")
        event.add("sequence", 1 if closed else 0)
        event.add("summary", one_line(summary % {"bill": title, "outcome": outcome}))
        event.add("description", description)
        event.add("url", url)
        events.append(event)
    if closed and window.closed_on is not None:
        # The outcome on the day it happened, in place of the deadlines.
        event = _all_day_event(window, window.closed_on)
        event.add("uid", f"signing-window-{window.pk}-outcome@{host}")
        event.add("status", "CONFIRMED")
        event.add("summary", one_line(f"{capfirst(outcome)}: {title}"))
        event.add("description", description)
        event.add("url", url)
        events.append(event)
    return events


def _all_day_event(window: SigningWindow, day: dt.date) -> icalendar.Event:
    event = icalendar.Event()
    # DTSTAMP and LAST-MODIFIED: when the window last changed (RFC 5545 §3.8.7.2 allows the
    # time the information was last revised), so that an unchanged calendar is byte for byte
    # the same and its ETag holds.
    event.add("dtstamp", window.updated_at)
    event.add("last-modified", window.updated_at)
    # All-day: a deadline is a date in the jurisdiction's own calendar.
    event.add("dtstart", day)
    event.add("dtend", day + dt.timedelta(days=1))
    event.add("transp", "TRANSPARENT")
    return event


def _calendar_response(
    request: HttpRequest, name: str, windows: list[SigningWindow]
) -> HttpResponse:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Bill tracker//Signing deadlines//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", one_line(name))
    # Calendar apps that honour these poll hourly for changed deadlines.
    calendar.add("x-published-ttl", "PT1H")
    calendar.add("refresh-interval", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    for window in windows:
        for event in _window_events(request, window):
            calendar.add_component(event)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    # Polled hourly: an unchanged calendar is answered 304 (ETag and Last-Modified).
    last_modified = max((w.updated_at for w in windows), default=None)
    return conditional_response(request, response, last_modified=last_modified)


@require_safe
def calendar_all(request: HttpRequest) -> HttpResponse:
    return _calendar_response(request, _("Signing deadlines"), window_list_calendar())


@require_safe
def calendar_jurisdiction(request: HttpRequest, code: str) -> HttpResponse:
    jurisdiction = get_object_or_404(Jurisdiction, code__iexact=code)
    name = _("Signing deadlines: %(jurisdiction)s") % {
        "jurisdiction": jurisdiction.localized("name")
    }
    return _calendar_response(request, name, window_list_calendar(jurisdiction=jurisdiction))


@require_safe
def calendar_family(request: HttpRequest, family: str) -> HttpResponse:
    found = get_object_or_404(Family, slug=family)
    name = _("Signing deadlines: %(family)s") % {"family": found.localized("name")}
    return _calendar_response(request, name, window_list_calendar(family=found))


@require_safe
def calendar_bill(request: HttpRequest, slug: str) -> HttpResponse:
    bill = get_object_or_404(Bill.objects.select_related("jurisdiction"), slug=slug)
    name = _("Signing deadlines: %(bill)s") % {"bill": bill.display_title()}
    return _calendar_response(request, name, window_list_calendar(bill=bill))
