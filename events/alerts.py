"""Alerts: raised once per (window, threshold), per overdue window, or per new action, and fanned
out to the outbox (one Delivery per confirmed subscriber of the bill, its jurisdiction or its
family of laws, one per address) in the same transaction.

Exactly-once is the database's job: the partial unique constraints on Alert and on Delivery, with
INSERT … SELECT … ON CONFLICT DO NOTHING, make a repeated or concurrent scan a no-op, whatever the
number of workers or beats. The scan is set-based: a handful of statements per signing rule, never
a query per window.

Which thresholds a scan raises: for each open window, only the most recent state it has reached
(overdue; else the smallest threshold already crossed). Thresholds crossed earlier and never raised
(the window was recorded late, or the scanner was down for days) are skipped, so that nobody gets
a burst of stale 'seven days left' mails about a window that closes tomorrow.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from bills.models import Bill, Event, SigningRule, SigningWindow, Vote
from events.enqueue import deliveries_enqueue
from events.models import Alert, Delivery, Subscription, Webhook


@dataclass
class ScanReport:
    as_of: datetime.date | None
    thresholds: int = 0
    overdue: int = 0
    deliveries: int = 0
    # When this scan's alerts were raised (all share it): what the command lists them by.
    stamp: datetime.datetime | None = None

    @property
    def alerts(self) -> int:
        return self.thresholds + self.overdue

    def __str__(self) -> str:
        day = self.as_of.isoformat() if self.as_of else "today in each jurisdiction"
        return (
            f"Deadline scan as of {day}: {self.alerts} alerts raised "
            f"({self.thresholds} thresholds, {self.overdue} overdue), "
            f"{self.deliveries} deliveries queued."
        )


def _tables() -> dict[str, str]:
    return {
        "alert": Alert._meta.db_table,
        "window": SigningWindow._meta.db_table,
        "bill": Bill._meta.db_table,
        "sub": Subscription._meta.db_table,
        "delivery": Delivery._meta.db_table,
        "webhook": Webhook._meta.db_table,
    }


def _d(value: datetime.date) -> Any:
    return connection.ops.adapt_datefield_value(value)


def _insert_window_alerts(
    *, rule_id: int, kind: str, threshold: int | None, where: str, params: list, stamp: Any
) -> int:
    # `WHERE true` before ON CONFLICT: SQLite needs it to parse INSERT … SELECT … ON CONFLICT.
    # ORDER BY id: concurrent scans take row locks in the same order, so they do not deadlock.
    sql = (
        "INSERT INTO {alert} (kind, bill_id, window_id, threshold_days, event_id, created_at) "  # noqa: S608
        "SELECT %s, w.bill_id, w.id, %s, NULL, %s FROM {window} w "
        "WHERE w.status = %s AND w.rule_id = %s AND " + where + " ORDER BY w.id "
        "ON CONFLICT DO NOTHING"
    ).format(**_tables())
    with connection.cursor() as cursor:
        cursor.execute(
            sql, [str(kind), threshold, stamp, str(SigningWindow.Status.OPEN), rule_id, *params]
        )
        return max(cursor.rowcount, 0)


def _fan_out(*, where: str, params: list, stamp: Any) -> int:
    """One Delivery per alert (selected by `where` on `a`) and confirmed subscriber: to the bill;
    to its jurisdiction unless the same address also follows the bill; to its family of laws
    unless the same address also follows the bill or its jurisdiction (one mail per person, not
    two or three; the mail names the closest thing they follow). And one per active webhook of
    the bill, its jurisdiction, or everything. A 'record changed' alert goes to webhooks only."""
    tables = _tables()
    select_bill = (
        "SELECT a.id AS alert_id, s.id AS subscription_id, 'pending' AS status, 0 AS attempts, "  # noqa: S608
        "'' AS last_error, '' AS message_id, {stamp} AS created_at FROM {alert} a "
        "JOIN {sub} s ON s.bill_id = a.bill_id "
        "WHERE s.status = 'confirmed' AND a.kind <> 'record-changed' AND " + where
    )
    select_jurisdiction = (
        "SELECT a.id AS alert_id, s.id AS subscription_id, 'pending' AS status, 0 AS attempts, "  # noqa: S608
        "'' AS last_error, '' AS message_id, {stamp} AS created_at FROM {alert} a "
        "JOIN {bill} b ON b.id = a.bill_id "
        "JOIN {sub} s ON s.jurisdiction_id = b.jurisdiction_id "
        "WHERE s.status = 'confirmed' AND a.kind <> 'record-changed' AND " + where + " AND "
        "NOT EXISTS ("
        "SELECT 1 FROM {sub} s2 WHERE s2.bill_id = a.bill_id AND s2.email = s.email "
        "AND s2.status = 'confirmed')"
    )
    # A bill outside any family (family_id NULL) joins no family subscriber.
    select_family = (
        "SELECT a.id AS alert_id, s.id AS subscription_id, 'pending' AS status, 0 AS attempts, "  # noqa: S608
        "'' AS last_error, '' AS message_id, {stamp} AS created_at FROM {alert} a "
        "JOIN {bill} b ON b.id = a.bill_id "
        "JOIN {sub} s ON s.family_id = b.family_id "
        "WHERE s.status = 'confirmed' AND a.kind <> 'record-changed' AND " + where + " AND "
        "NOT EXISTS ("
        "SELECT 1 FROM {sub} s2 WHERE (s2.bill_id = a.bill_id "
        "OR s2.jurisdiction_id = b.jurisdiction_id) AND s2.email = s.email "
        "AND s2.status = 'confirmed')"
    )
    sql = (
        "INSERT INTO {delivery} (alert_id, subscription_id, status, attempts, last_error, "  # noqa: S608
        "message_id, created_at) SELECT * FROM ("
        + select_bill
        + " UNION ALL "
        + select_jurisdiction
        + " UNION ALL "
        + select_family
        + ") AS fan WHERE true ON CONFLICT DO NOTHING"
    ).format(stamp="%s", **tables)
    hooks = (
        "INSERT INTO {delivery} (alert_id, webhook_id, status, attempts, last_error, "  # noqa: S608
        "message_id, created_at) SELECT a.id, h.id, 'pending', 0, '', '', %s FROM {alert} a "
        "JOIN {bill} b ON b.id = a.bill_id "
        "JOIN {webhook} h ON (h.bill_id = a.bill_id OR h.jurisdiction_id = b.jurisdiction_id "
        "OR (h.bill_id IS NULL AND h.jurisdiction_id IS NULL)) "
        "WHERE h.status = 'active' AND " + where + " ORDER BY a.id, h.id ON CONFLICT DO NOTHING"
    ).format(**tables)
    with connection.cursor() as cursor:
        cursor.execute(sql, [stamp, *params, stamp, *params, stamp, *params])
        count = max(cursor.rowcount, 0)
        cursor.execute(hooks, [stamp, *params])
        return count + max(cursor.rowcount, 0)


@transaction.atomic
def deadlines_scan(*, as_of: datetime.date | None = None) -> ScanReport:
    """Raise the threshold and overdue alerts due for every open window, each exactly once.

    `as_of`: the day to scan as (a replay of a past day raises what that day would have);
    default: today in each jurisdiction's time zone.
    """
    report = ScanReport(as_of=as_of)
    stamp_time = timezone.now()
    stamp = connection.ops.adapt_datetimefield_value(stamp_time)
    # Rules with at least one open window (a semi-join: no DISTINCT over all the windows).
    open_windows = SigningWindow.objects.filter(
        rule=OuterRef("pk"), status=SigningWindow.Status.OPEN
    )
    rules = (
        SigningRule.objects.filter(Exists(open_windows))
        .select_related("jurisdiction")
        .order_by("id")
    )
    for rule in rules:
        today = as_of or rule.jurisdiction.today(now=stamp_time)
        # Overdue: the latest possible deadline has passed and nothing closed the window.
        report.overdue += _insert_window_alerts(
            rule_id=rule.pk,
            kind=Alert.Kind.WINDOW_OVERDUE,
            threshold=None,
            where="w.closes_latest < %s",
            params=[_d(today)],
            stamp=stamp,
        )
        thresholds = sorted({int(d) for d in rule.alert_days if int(d) >= 0})
        for position, days in enumerate(thresholds):
            # Crossed `days` (closes_earliest <= today + days) but not the next smaller threshold,
            # and not overdue.
            where = "w.closes_earliest <= %s AND w.closes_latest >= %s"
            params = [_d(today + datetime.timedelta(days=days)), _d(today)]
            if position > 0:
                smaller = thresholds[position - 1]
                where += " AND w.closes_earliest > %s"
                params.append(_d(today + datetime.timedelta(days=smaller)))
            report.thresholds += _insert_window_alerts(
                rule_id=rule.pk,
                kind=Alert.Kind.WINDOW_THRESHOLD,
                threshold=days,
                where=where,
                params=params,
                stamp=stamp,
            )
    if report.alerts:
        report.stamp = stamp_time
        report.deliveries = _fan_out(where="a.created_at = %s", params=[stamp], stamp=stamp)
        if report.deliveries:
            ids = list(
                Delivery.objects.filter(
                    alert__created_at=stamp_time, status=Delivery.Status.PENDING
                ).values_list("id", flat=True)
            )
            deliveries_enqueue(ids)
    return report


def scan_raised_lines(*, report: ScanReport) -> list[str]:
    """One line per alert the scan raised: the bill, what was crossed and the day concerned."""
    if report.stamp is None:
        return []
    alerts = (
        Alert.objects.filter(
            created_at=report.stamp,
            kind__in=(Alert.Kind.WINDOW_THRESHOLD, Alert.Kind.WINDOW_OVERDUE),
        )
        .select_related("bill", "window")
        .order_by("bill__slug", "-threshold_days")
    )
    lines = []
    for alert in alerts:
        window = alert.window
        if window is None:  # window alerts always have one (a CHECK constraint)
            continue
        if alert.kind == Alert.Kind.WINDOW_OVERDUE:
            what = f"overdue: the latest close, {window.closes_latest}, has passed"
        elif alert.threshold_days:
            days = alert.threshold_days
            what = f"{days} days before the earliest close, {window.closes_earliest}"
        else:
            what = f"the earliest close is today, {window.closes_earliest}"
        lines.append(f"{alert.bill.slug}: {what}")
    return lines


@transaction.atomic
def alert_raise_for_event(*, event: Event) -> Alert | None:
    """Raise the 'new action or vote' alert for a public legislative event, once.

    Called by the service that records the event, in the same transaction; the mails are
    enqueued only after that transaction commits. Returns None for events that alert nobody
    (internal or advocacy events) and when the alert was already raised.
    """
    if not event.is_legislative or not event.is_public:
        return None
    return _raise_once_for_event(kind=Alert.Kind.NEW_ACTION, event=event)


@transaction.atomic
def alert_raise_for_vote(*, vote: Vote) -> Alert | None:
    """Raise the 'new vote' alert once, for a vote added to a public action that was announced
    before it (a vote recorded with its act goes out in that act's alert). Returns None when
    nobody is to hear of it, or it was raised before."""
    action = vote.action
    if not action.is_legislative or not action.is_public:
        return None
    if not Alert.objects.filter(kind=Alert.Kind.NEW_ACTION, event=action).exists():
        return None  # the act's own alert, raised after this in the same change, carries it
    return _raise_once_for_event(kind=Alert.Kind.NEW_VOTE, event=action)


def _raise_once_for_event(*, kind: str, event: Event) -> Alert | None:
    stamp = connection.ops.adapt_datetimefield_value(timezone.now())
    sql = (  # noqa: S608
        "INSERT INTO {alert} (kind, bill_id, window_id, threshold_days, event_id, created_at) "
        "VALUES (%s, %s, NULL, NULL, %s, %s) ON CONFLICT DO NOTHING"
    ).format(**_tables())
    with connection.cursor() as cursor:
        cursor.execute(sql, [str(kind), event.bill_id, event.pk, stamp])
        if cursor.rowcount != 1:
            return None  # raised before
    alert = Alert.objects.get(kind=kind, event=event)
    if _fan_out(where="a.id = %s", params=[alert.pk], stamp=stamp):
        deliveries_enqueue(list(alert.deliveries.values_list("id", flat=True)))
    return alert


@transaction.atomic
def alert_raise_for_record_change(*, bill: Bill) -> Alert | None:
    """Raise a 'record changed' alert for the bill's webhooks: its derived status, dates or
    windows moved. Called by the record's signal in the transaction of the change (so a change
    rolled back raises nothing); webhooks only, and only if an active one follows the bill (the
    row exists to carry their deliveries). Returns None when none does."""
    followers = Webhook.objects.filter(status=Webhook.Status.ACTIVE).filter(
        Q(bill=bill) | Q(jurisdiction_id=bill.jurisdiction_id) | Q(bill=None, jurisdiction=None)
    )
    if not followers.exists():
        return None
    alert = Alert.objects.create(kind=Alert.Kind.RECORD_CHANGED, bill=bill)
    stamp = connection.ops.adapt_datetimefield_value(timezone.now())
    if _fan_out(where="a.id = %s", params=[alert.pk], stamp=stamp):
        deliveries_enqueue(list(alert.deliveries.values_list("id", flat=True)))
    return alert


@transaction.atomic
def alert_fan_out(*, alert: Alert) -> list[int]:
    """Create any missing deliveries of an alert for its current confirmed subscribers.

    Idempotent (unique delivery per alert and subscription). Used by tests and the admin to
    repair; the scan and alert_raise_for_event fan out in their own transaction.
    """
    stamp = connection.ops.adapt_datetimefield_value(timezone.now())
    _fan_out(where="a.id = %s", params=[alert.pk], stamp=stamp)
    ids = list(alert.deliveries.filter(status=Delivery.Status.PENDING).values_list("id", flat=True))
    deliveries_enqueue(ids)
    return ids
