"""Thin fixtures over the shared record (tests.record) for the alerting tests (import the ones a
module needs). The record itself, its approvals and acts come from tests.record; subscriptions
are asked for and confirmed through events.subscriptions (tests.events.factories)."""

from __future__ import annotations

import datetime

import pytest

from bills.models import Bill, Family, Jurisdiction, SigningRule
from events.models import Subscription
from events.subscriptions import subscription_unsubscribe
from events.tokens import unsubscribe_token
from tests.events.factories import SubscriptionFactory
from tests.record import KzRecord, kazakhstan

D = datetime.date


@pytest.fixture
def rules(db) -> dict[str, SigningRule]:
    """The seeded signing rules (KZ, US, RU, US-CA) and their jurisdictions, with Kazakhstan's
    two chambers as the shared record has them."""
    kazakhstan()
    return {rule.code: rule for rule in SigningRule.objects.select_related("jurisdiction")}


@pytest.fixture
def kz_bill(kz_record: KzRecord) -> Bill:
    """The shared record's bill (introduced, passed by the Mäjilis; no Senate approval)."""
    return kz_record.bill


def subscribe(
    email: str,
    *,
    bill: Bill | None = None,
    jurisdiction: Jurisdiction | None = None,
    family: Family | None = None,
    status: str = Subscription.Status.CONFIRMED,
    language: str = "en",
) -> Subscription:
    """A subscription in `status`, reached as a reader reaches it: asked for, then confirmed
    through its link, then (for 'unsubscribed') cancelled through its unsubscribe link."""
    subscription = SubscriptionFactory(
        email=email,
        bill=bill,
        jurisdiction=jurisdiction,
        family=family,
        language=language,
        confirmed=status != Subscription.Status.PENDING,
    )
    if status == Subscription.Status.UNSUBSCRIBED:
        subscription = subscription_unsubscribe(token=unsubscribe_token(subscription))
    return subscription
