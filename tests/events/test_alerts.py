"""The deadline scan and the new-action alert: each alert once, fanned out to the outbox."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from bills import services
from bills.models import BillStatus, Classification, Jurisdiction, SigningWindow
from bills.timeline import event_record, event_update, vote_record, vote_update
from events.alerts import alert_fan_out, alert_raise_for_event, deadlines_scan
from events.models import Alert, Delivery, Subscription
from tests.bills.factories import FamilyFactory
from tests.events.fixtures import D, subscribe
from tests.record import KzRecord, act, approve, bill_at

# KZ window opened by a Senate approval on 2025-12-18: closes 2026-01-18 … 2026-01-28.
APPROVED = D(2025, 12, 18)


@pytest.fixture
def window(kz_record: KzRecord) -> SigningWindow:
    approve(kz_record, APPROVED)
    return SigningWindow.objects.get(bill=kz_record.bill)


def alerts_of(window: SigningWindow) -> list[tuple[str, int | None]]:
    return sorted((a.kind, a.threshold_days) for a in Alert.objects.filter(window=window))


def test_thresholds_raised_as_each_day_is_crossed(window):
    expected: list[tuple[str, int | None]] = []
    timeline = [
        (D(2026, 1, 10), None),  # 8 days before the earliest close
        (D(2026, 1, 11), ("window-threshold", 7)),
        (D(2026, 1, 12), None),
        (D(2026, 1, 15), ("window-threshold", 3)),
        (D(2026, 1, 17), ("window-threshold", 1)),
        (D(2026, 1, 18), ("window-threshold", 0)),
        (D(2026, 1, 28), None),  # the latest close is today: not passed yet
        (D(2026, 1, 29), ("window-overdue", None)),
        (D(2026, 3, 1), None),
    ]
    for day, raised in timeline:
        report = deadlines_scan(as_of=day)
        if raised:
            expected.append(raised)
        assert report.alerts == (1 if raised else 0), day
        assert alerts_of(window) == sorted(expected), day


def test_scan_twice_raises_nothing_new(window):
    assert deadlines_scan(as_of=D(2026, 1, 15)).alerts == 1
    assert deadlines_scan(as_of=D(2026, 1, 15)).alerts == 0
    assert Alert.objects.filter(window=window).count() == 1


def test_first_scan_raises_only_the_most_recent_threshold(window):
    """A window first scanned two days before it may close: '3 days' only, not also '7 days'."""
    deadlines_scan(as_of=D(2026, 1, 16))
    assert alerts_of(window) == [("window-threshold", 3)]


def test_first_scan_after_the_latest_close_raises_only_overdue(window):
    deadlines_scan(as_of=D(2026, 2, 1))
    assert alerts_of(window) == [("window-overdue", None)]


def test_closed_windows_raise_nothing(window, kz_record):
    act(kz_record, Classification.EXECUTIVE_SIGNATURE, D(2026, 1, 5))
    assert deadlines_scan(as_of=D(2026, 1, 18)).alerts == 0
    assert deadlines_scan(as_of=D(2026, 2, 18)).alerts == 0


def test_alert_days_are_per_rule(window):
    services.rule_update(rule=window.rule, data={"alert_days": [14, 2]})
    assert alerts_of(window) == []
    deadlines_scan(as_of=D(2026, 1, 4))
    assert alerts_of(window) == [("window-threshold", 14)]
    deadlines_scan(as_of=D(2026, 1, 11))  # 7 days: not a threshold of this rule
    assert alerts_of(window) == [("window-threshold", 14)]
    deadlines_scan(as_of=D(2026, 1, 16))
    assert alerts_of(window) == [("window-threshold", 2), ("window-threshold", 14)]


def test_default_day_is_today_in_the_jurisdiction(window):
    # The seeded window closed long before the machine's "today": only 'overdue' is due.
    report = deadlines_scan()
    assert report.overdue == 1
    assert alerts_of(window) == [("window-overdue", None)]


def test_scan_query_count_does_not_grow_with_windows(kz_record, django_assert_max_num_queries):
    """Set-based: the same few statements for 1 window or 30 (no query per window)."""
    for n in range(30):
        bill_at(kz_record, BillStatus.AWAITING_SIGNATURE, slug=f"many-{n}", acted_on=APPROVED)
    # Per rule with open windows: 1 overdue + 4 threshold inserts; plus the rule list and the
    # fan-out; the savepoint of the atomic block.
    with django_assert_max_num_queries(10):
        report = deadlines_scan(as_of=D(2026, 1, 15))
    assert report.thresholds == 30


# --- Fan-out to the outbox ---------------------------------------------------------------------


def test_fan_out_to_confirmed_subscribers_of_the_bill_its_jurisdiction_and_its_family(
    window, kz_record
):
    kz_bill, kz = kz_record.bill, kz_record.jurisdiction
    family, other_family = FamilyFactory(), FamilyFactory()
    services.bill_update(bill=kz_bill, data={"family": family})
    other_bill = bill_at(kz_record, BillStatus.PASSED_LOWER, slug="other")
    follower = subscribe("follower@example.org", bill=kz_bill)
    watcher = subscribe("watcher@example.org", jurisdiction=kz)
    kin = subscribe("kin@example.org", family=family)
    both = subscribe("both@example.org", bill=kz_bill)
    subscribe("both@example.org", jurisdiction=kz)
    # One mail per person: through the bill, else the jurisdiction, else the family.
    every = subscribe("every@example.org", bill=kz_bill)
    subscribe("every@example.org", jurisdiction=kz)
    subscribe("every@example.org", family=family)
    country = subscribe("country@example.org", jurisdiction=kz)
    subscribe("country@example.org", family=family)
    subscribe("pending@example.org", bill=kz_bill, status=Subscription.Status.PENDING)
    subscribe("gone@example.org", bill=kz_bill, status=Subscription.Status.UNSUBSCRIBED)
    subscribe("pending-kin@example.org", family=family, status=Subscription.Status.PENDING)
    subscribe("elsewhere@example.org", bill=other_bill)
    subscribe("us@example.org", jurisdiction=Jurisdiction.objects.get(code="US"))
    subscribe("cousin@example.org", family=other_family)
    report = deadlines_scan(as_of=D(2026, 1, 15))
    assert (report.alerts, report.deliveries) == (1, 6)
    alert = Alert.objects.get(window=window)
    recipients = set(alert.deliveries.values_list("subscription_id", flat=True))
    assert recipients == {follower.pk, watcher.pk, kin.pk, both.pk, every.pk, country.pk}
    # Again: no duplicate alert, no duplicate delivery.
    assert deadlines_scan(as_of=D(2026, 1, 15)).deliveries == 0
    assert alert_fan_out(alert=alert) and Delivery.objects.count() == 6


def test_deliveries_are_sent_after_commit(
    window, kz_record, eager, django_capture_on_commit_callbacks
):
    subscribe("follower@example.org", bill=kz_record.bill)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        deadlines_scan(as_of=D(2026, 1, 15))
        assert mail.outbox == []  # nothing leaves before the transaction commits
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    assert Delivery.objects.get().status == Delivery.Status.SENT
    assert mail.outbox[0].subject == (
        "LGBT propaganda ban: the signing window may close in 3 days (2026-01-18)"
    )


def test_scan_rolled_back_leaves_nothing(window, kz_record):
    from django.db import transaction

    subscribe("follower@example.org", bill=kz_record.bill)
    with pytest.raises(RuntimeError), transaction.atomic():
        deadlines_scan(as_of=D(2026, 1, 15))
        raise RuntimeError
    assert not Alert.objects.filter(window=window).exists()
    assert not Delivery.objects.exists()


# --- The command ------------------------------------------------------------------------------


def test_command_reports_and_replays(window):
    out = StringIO()
    call_command("scan_deadlines", "--as-of", "2026-01-15", stdout=out)
    assert "1 alerts raised (1 thresholds, 0 overdue)" in out.getvalue()
    out = StringIO()
    call_command("scan_deadlines", "--as-of", "2026-01-17", "--dry-run", stdout=out)
    assert "Dry run" in out.getvalue() and "1 alerts raised" in out.getvalue()
    assert alerts_of(window) == [("window-threshold", 3)]


def test_command_rejects_a_bad_date(window):
    with pytest.raises(CommandError, match="not a date"):
        call_command("scan_deadlines", "--as-of", "2026-13-01", stdout=StringIO())
    assert not Alert.objects.filter(window=window).exists()


# --- New actions ------------------------------------------------------------------------------


def test_new_public_action_alerts_its_subscribers_once(kz_record):
    follower = subscribe("follower@example.org", bill=kz_record.bill)
    event = approve(kz_record, APPROVED)
    alert = Alert.objects.get(kind=Alert.Kind.NEW_ACTION, event=event)
    assert list(alert.deliveries.values_list("subscription_id", flat=True)) == [follower.pk]
    assert alert_raise_for_event(event=event) is None
    assert Alert.objects.filter(event=event).count() == 1


def test_internal_and_advocacy_events_raise_no_alert(kz_record):
    subscribe("follower@example.org", bill=kz_record.bill)
    # Internal, but citing its source already: published later, it is a sourced public event.
    internal = act(kz_record, Classification.READING_2, D(2025, 12, 1), visibility="internal")
    event_record(
        bill=kz_record.bill,
        classification=Classification.STATEMENT,
        description="A statement.",
        actor="An NGO",
        date=D(2025, 12, 2),
        sources=[kz_record.article],
    )
    assert not Alert.objects.filter(kind=Alert.Kind.NEW_ACTION, event__in=[internal]).exists()
    assert Alert.objects.filter(kind=Alert.Kind.NEW_ACTION).count() == 2  # intro + lower passage
    # Published later: alerted then, once.
    event_update(event=internal, data={"visibility": "public"})
    event_update(event=internal, data={"description": "Second reading (corrected)."})
    assert Alert.objects.filter(kind=Alert.Kind.NEW_ACTION, event=internal).count() == 1


def test_a_vote_added_to_an_announced_action_raises_a_new_vote_alert_once(
    kz_record, eager, django_capture_on_commit_callbacks
):
    subscribe("follower@example.org", bill=kz_record.bill)
    with django_capture_on_commit_callbacks(execute=True):
        approval = approve(kz_record, D(2025, 12, 18))  # announced: its 'new action' alert
    assert not hasattr(approval, "vote") or approval.vote is None
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        vote = vote_record(
            action=approval, motion="Approve the law", result="pass", yes_count=40, no_count=0
        )
    alert = Alert.objects.get(kind=Alert.Kind.NEW_VOTE)
    assert alert.event == approval
    [message] = mail.outbox
    assert "vote recorded" in message.subject
    assert "For: 40. Against: 0." in message.body
    # Changing the vote, or recording the same change again, raises nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        vote_update(vote=vote, data={"yes_count": 41})
    assert Alert.objects.filter(kind=Alert.Kind.NEW_VOTE).count() == 1 and len(mail.outbox) == 1


def test_a_vote_recorded_with_its_act_is_in_the_acts_alert_only(kz_record):
    approval = event_record(
        bill=kz_record.bill,
        classification=Classification.PASSAGE,
        chamber=kz_record.upper,
        date=D(2025, 12, 18),
        description="The Senate approved the law.",
        sources=[kz_record.article],
        vote={"motion": "Approve the law", "result": "pass", "yes_count": 40, "no_count": 0},
    )
    assert Alert.objects.filter(kind=Alert.Kind.NEW_ACTION, event=approval).exists()
    assert not Alert.objects.filter(kind=Alert.Kind.NEW_VOTE).exists()
