"""Factories for timeline events (other helpers import these)."""

import datetime

import factory

from bills.models import DatePrecision
from events.models import Classification, Event, Visibility
from tests.bills.factories import BillFactory


class EventFactory(factory.django.DjangoModelFactory):
    """A public legislative action by default; pass classification/visibility to vary."""

    class Meta:
        model = Event

    bill = factory.SubFactory(BillFactory)
    order = factory.Sequence(lambda n: n + 1)
    classification = Classification.INTRODUCTION
    description = factory.LazyAttribute(lambda o: f"{o.classification} on the bill")
    date = datetime.date(2025, 10, 1)
    date_precision = DatePrecision.DAY
    visibility = Visibility.PUBLIC


class AdvocacyEventFactory(EventFactory):
    classification = Classification.STATEMENT
    actor = "A human rights organisation"
    description = "A statement about the bill."
