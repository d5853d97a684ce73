"""The record for the ops tests: the one shared Kazakhstan record (tests.record), built through the
services, with what the ops tests need on top of it: the Senate's approval a few days ago (so the
President's signing window is open), the members' votes on the Mäjilis vote, and a
month-precision source. build_private_data adds what must never reach a public response."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from bills import services, timeline
from bills.models import Bill, DatePrecision, MemberVote
from tests.record import INTERNAL_TEXT, KzRecord, kz_record

__all__ = [
    "INTERNAL_TEXT",
    "MEMBER",
    "SLUG",
    "STAFF_NAMES",
    "SUBSCRIBER_EMAIL",
    "build_private_data",
    "build_record",
]

SLUG = "kz-propaganda"
MEMBER = "A. Member"


def build_record() -> KzRecord:
    """The Kazakhstan record: introduced, passed by the Mäjilis (a unanimous vote listing a
    member's vote), approved by the Senate five days ago (window open), an advocacy statement
    citing a month-precision source as well, and an internal note."""
    record = kz_record(slug=SLUG, senate_approved=timezone.localdate() - dt.timedelta(days=5))
    timeline.vote_update(vote=record.vote, data={}, member_votes=[(MEMBER, MemberVote.Option.YES)])
    month_source, _ = services.source_get_or_create(
        publisher="Example Weekly",
        title="Month-precision piece",
        published_on=dt.date(2025, 12, 1),
        published_precision=DatePrecision.MONTH,
    )
    services.bill_update(
        bill=record.bill,
        data={
            "sources": [record.article, month_source],
            "summary": "Bans “propaganda”; ünïcödé ✓",
        },
    )
    timeline.event_update(event=record.statement, data={"sources": [record.article, month_source]})
    record.extra["month_source"] = month_source
    return record.refresh()


SUBSCRIBER_EMAIL = "nurlan.secret-subscriber@example.org"
STAFF_NAMES = ("editor-zhanar", "Zhanar", "Staffmemberova")


def build_private_data(bill: Bill) -> None:
    """What must never reach a public response: a subscriber, and a staff member who edited."""
    from django.contrib.auth import get_user_model

    from tests.events.factories import SubscriptionFactory

    # Through the subscription services: a confirmed subscriber of the bill, and a pending one of
    # the jurisdiction.
    SubscriptionFactory(email=SUBSCRIBER_EMAIL, bill=bill)
    SubscriptionFactory(
        email="jurisdiction-" + SUBSCRIBER_EMAIL,
        bill=None,
        jurisdiction=bill.jurisdiction,
        confirmed=False,
    )
    username, first, last = STAFF_NAMES
    staff = get_user_model().objects.create_user(
        username, first_name=first, last_name=last, is_staff=True, email="zhanar@staff.example"
    )
    # A history row attributing an edit to the staff member (django-simple-history reads the
    # instance's _history_user), made through the bill service.
    bill._history_user = staff
    services.bill_update(bill=bill, data={"summary": bill.summary + " (edited)"})
