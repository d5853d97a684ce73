"""Records for the fault tests, written through the real services inside a stack's process.

Run as `stack.python("from tests.faults.scenario import ...; ...")`: bills are recorded with the
record services, so that the derivation opens their windows exactly as in production. Every public
act cites a source, as the record requires. Only the subscribers (the alerting app's table, not
the record) are bulk-created, for a quick load set-up.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from bills.models import Bill, Classification, Jurisdiction, Source
from bills.seeds import rules_load
from bills.services import bill_upsert, chamber_upsert, source_get_or_create
from bills.timeline import event_record
from events.models import Subscription, Webhook
from events.tokens import unsubscribe_assign

INTRODUCED = datetime.date(2025, 10, 1)
LOWER_PASSED = datetime.date(2025, 11, 12)


def _chambers(jurisdiction: Jurisdiction):
    lower, _ = chamber_upsert(jurisdiction=jurisdiction, classification="lower", name="Mazhilis")
    upper, _ = chamber_upsert(jurisdiction=jurisdiction, classification="upper", name="Senate")
    return lower, upper


def _source(title: str, published_on: datetime.date) -> Source:
    source, _ = source_get_or_create(
        publisher="Fault-test wire", title=title, published_on=published_on
    )
    return source


def bills_create(count: int) -> list[int]:
    """`count` Kazakh bills, introduced and passed by the lower house (no window yet)."""
    rules_load()
    kz = Jurisdiction.objects.get(code="KZ")
    lower, _upper = _chambers(kz)
    source = _source("The Mazhilis passes the bills", LOWER_PASSED)
    ids = []
    for number in range(count):
        with transaction.atomic():
            bill, _ = bill_upsert(
                slug=f"fault-bill-{number}", jurisdiction=kz, title=f"Bill {number}"
            )
            for classification, date in (
                (Classification.INTRODUCTION, INTRODUCED),
                (Classification.PASSAGE, LOWER_PASSED),
            ):
                event_record(
                    bill=bill,
                    classification=classification,
                    description=f"{classification}",
                    date=date,
                    chamber=lower,
                    sources=[source],
                )
        ids.append(bill.pk)
    return ids


def bills_approve(*, days_ago: int) -> int:
    """The Senate's final approval of every bill `days_ago` days ago: each opens a window (KZ:
    closes no earlier than a month later) and raises a 'new action' alert."""
    kz = Jurisdiction.objects.get(code="KZ")
    _lower, upper = _chambers(kz)
    approved_on = timezone.localdate() - datetime.timedelta(days=days_ago)
    source = _source(f"The Senate approves the bills ({approved_on})", approved_on)
    count = 0
    for bill in Bill.objects.filter(slug__startswith="fault-bill-").order_by("pk"):
        event_record(
            bill=bill,
            classification=Classification.PASSAGE,
            description="Approved by the Senate",
            date=approved_on,
            chamber=upper,
            sources=[source],
        )
        count += 1
    return count


def subscribers_create(*, per_bill: int, per_jurisdiction: int = 0) -> int:
    """Confirmed subscribers (created after the bills, so older alerts do not reach them)."""
    now = timezone.now()
    rows = [
        Subscription(
            email=f"reader{n}.bill{bill_id}@example.org",
            bill_id=bill_id,
            status=Subscription.Status.CONFIRMED,
            confirmed_at=now,
            language=("en", "ru", "kk")[n % 3],
        )
        for bill_id in Bill.objects.filter(slug__startswith="fault-bill-").values_list(
            "pk", flat=True
        )
        for n in range(per_bill)
    ]
    kz = Jurisdiction.objects.get(code="KZ")
    rows += [
        Subscription(
            email=f"follower{n}@example.org",
            jurisdiction=kz,
            status=Subscription.Status.CONFIRMED,
            confirmed_at=now,
        )
        for n in range(per_jurisdiction)
    ]
    created = Subscription.objects.bulk_create(rows)
    # As subscription_request_process does: each subscription's unsubscribe link exists from
    # the start (otherwise its first mail would issue it).
    for subscription in created:
        unsubscribe_assign(subscription)
    Subscription.objects.bulk_update(
        created, ["unsubscribe_nonce", "unsubscribe_token_hash"], batch_size=1000
    )
    return len(rows)


def webhooks_create(*, url: str, count: int, secret: str) -> int:
    """Active webhooks following the fault bills' jurisdiction, as if each had answered its
    challenge (bulk-created for a quick set-up; the challenge has its own tests), each at its
    own path of one receiver and all under one secret the receiver checks."""
    now = timezone.now()
    kz = Jurisdiction.objects.get(code="KZ")
    rows = [
        Webhook(
            owner_email=f"hooks{n}@example.org",
            target_url=f"{url}/{n}",
            jurisdiction=kz,
            secret=secret,
            status=Webhook.Status.ACTIVE,
            confirmed_at=now,
        )
        for n in range(count)
    ]
    return len(Webhook.objects.bulk_create(rows))
