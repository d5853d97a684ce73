"""A small but complete record for the ops tests: a Kazakhstan-like bill with a vote, member
votes, public and internal events, a signing rule with steps and an open window."""

from __future__ import annotations

import datetime as dt

from bills.models import (
    Bill,
    Chamber,
    Jurisdiction,
    MemberVote,
    SigningRule,
    SigningRuleStep,
    SigningWindow,
    Source,
    Subject,
    Vote,
)
from events.models import Event, Visibility

INTERNAL_TEXT = "Internal: shelter address for the campaign team"


def build_record() -> Bill:
    """Create the record; returns its bill."""
    kz = Jurisdiction.objects.create(
        code="KZ",
        name="Kazakhstan",
        name_ru="Казахстан",
        name_kk="Қазақстан",
        timezone="Asia/Almaty",
        executive_title="President",
        holiday_country="KZ",
    )
    lower = Chamber.objects.create(
        jurisdiction=kz, name="Mazhilis", classification="lower", seats=98
    )
    upper = Chamber.objects.create(jurisdiction=kz, name="Senate", classification="upper")
    subject = Subject.objects.create(slug="lgbt-rights", name="LGBT rights")
    source = Source.objects.create(
        publisher="Example News", title="Mazhilis passes bill", published_on=dt.date(2025, 11, 12)
    )
    month_source = Source.objects.create(
        publisher="Example Weekly",
        title="Month-precision piece",
        published_on=dt.date(2025, 12, 1),
        published_precision="month",
    )
    bill = Bill.objects.create(
        jurisdiction=kz,
        title="On amendments concerning 'propaganda'",
        title_ru="Закон",
        slug="kz-propaganda",
        originating_chamber=lower,
        summary="Bans “propaganda”; ünïcödé ✓",
    )
    bill.subjects.add(subject)
    bill.sources.add(source, month_source)
    vote = Vote.objects.create(
        bill=bill,
        chamber=lower,
        date=dt.date(2025, 11, 12),
        motion="Final passage",
        result="pass",
        yes_count=69,
        no_count=0,
        unanimous=True,
    )
    vote.sources.add(source)
    MemberVote.objects.create(vote=vote, member_name="A. Member", option="yes")
    passage = Event.objects.create(
        bill=bill,
        order=1,
        classification="passage",
        chamber=lower,
        description="Passed by the Mazhilis",
        date=dt.date(2025, 11, 12),
        vote=vote,
    )
    passage.sources.add(source)
    Event.objects.create(
        bill=bill,
        order=2,
        classification="other",
        description=INTERNAL_TEXT,
        date=dt.date(2025, 11, 20),
        visibility=Visibility.INTERNAL,
    )
    Event.objects.create(
        bill=bill,
        order=3,
        classification="passage",
        chamber=upper,
        description="Approved by the Senate",
        date=dt.date(2025, 12, 1),
        date_precision="month",
    )
    rule = SigningRule.objects.create(
        code="KZ",
        jurisdiction=kz,
        name="Kazakhstan: President signs within one month",
        legal_source="Constitution art. 44(2)",
        in_force_from=dt.date(1995, 8, 30),
        trigger="final-approval",
        lapse_effect="none",
        alert_days=[7, 3, 1, 0],
    )
    SigningRuleStep.objects.create(
        rule=rule,
        order=1,
        label="to the President",
        length=10,
        unit="calendar-days",
        ends_with_receipt=True,
    )
    SigningRuleStep.objects.create(
        rule=rule, order=2, label="sign or return", length=1, unit="calendar-months"
    )
    SigningWindow.objects.create(
        bill=bill,
        rule=rule,
        triggered_earliest=dt.date(2025, 12, 18),
        triggered_latest=dt.date(2025, 12, 18),
        closes_earliest=dt.date(2026, 1, 18),
        closes_latest=dt.date(2026, 1, 28),
    )
    return bill


SUBSCRIBER_EMAIL = "nurlan.secret-subscriber@example.org"
STAFF_NAMES = ("editor-zhanar", "Zhanar", "Staffmemberova")


def build_private_data(bill: Bill) -> None:
    """What must never reach a public response: a subscriber, and a staff member who edited."""
    from django.contrib.auth import get_user_model

    from events.models import Subscription

    Subscription.objects.create(email=SUBSCRIBER_EMAIL, bill=bill, status="confirmed")
    Subscription.objects.create(
        email="jurisdiction-" + SUBSCRIBER_EMAIL, jurisdiction=bill.jurisdiction
    )
    username, first, last = STAFF_NAMES
    staff = get_user_model().objects.create_user(
        username, first_name=first, last_name=last, is_staff=True, email="zhanar@staff.example"
    )
    # A history row attributing an edit to the staff member (django-simple-history).
    bill.summary += " (edited)"
    bill._history_user = staff
    bill.save()
