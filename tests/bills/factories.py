"""Factories for the record: jurisdictions, chambers, bills, sources, votes (imported by others).

Rows are built with plain .create() (the database still enforces its constraints and triggers);
use the services in bills.services / events.services where the derivations matter.
"""

import datetime

import factory

from bills.models import Bill, Chamber, DatePrecision, Jurisdiction, Source, Subject, Vote


class JurisdictionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Jurisdiction
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"J{n}")
    name = factory.LazyAttribute(lambda o: f"Jurisdiction {o.code}")
    timezone = "Asia/Almaty"
    languages = "kk,ru"
    executive_title = "President"


class ChamberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Chamber
        django_get_or_create = ("jurisdiction", "classification")

    jurisdiction = factory.SubFactory(JurisdictionFactory)
    classification = Chamber.Classification.LOWER
    name = factory.LazyAttribute(lambda o: f"{o.classification.title()} house")
    seats = 100


class SubjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subject
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"subject-{n}")
    name = factory.Sequence(lambda n: f"Subject {n}")


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    publisher = "Example News"
    title = factory.Sequence(lambda n: f"Article {n}")
    url = factory.Sequence(lambda n: f"https://news.example/{n}")
    published_on = datetime.date(2025, 11, 13)
    published_precision = DatePrecision.DAY


class BillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bill

    jurisdiction = factory.SubFactory(JurisdictionFactory)
    title = factory.Sequence(lambda n: f"Bill number {n}")
    slug = factory.Sequence(lambda n: f"bill-{n}")
    summary = "What the bill does."


class VoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vote

    bill = factory.SubFactory(BillFactory)
    chamber = factory.SubFactory(
        ChamberFactory, jurisdiction=factory.SelfAttribute("..bill.jurisdiction")
    )
    date = datetime.date(2025, 11, 12)
    motion = factory.Sequence(lambda n: f"Motion {n}")
    result = Vote.Result.PASS
    yes_count = 60
    no_count = 10
    abstain_count = 5
