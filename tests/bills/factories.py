"""Factories for every model of the record, each creating its row through the services.

`_create` hands the declared attributes to the service that owns the model, so a factory-built
row meets every rule a real one does, and its bill is derived (status, windows) as in production.
"""

from __future__ import annotations

import datetime

import factory

from bills import services, timeline
from bills.models import (
    Bill,
    Chamber,
    Classification,
    DatePrecision,
    Event,
    Family,
    Jurisdiction,
    MemberVote,
    Officeholder,
    SigningRule,
    SigningRuleStep,
    SigningWindow,
    Source,
    Subject,
    Vote,
)


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return cls.service(**kwargs)

    @staticmethod
    def service(**kwargs):
        raise NotImplementedError


class JurisdictionFactory(ServiceFactory):
    class Meta:
        model = Jurisdiction

    code = factory.Sequence(lambda n: f"J{n}")
    name = factory.LazyAttribute(lambda o: f"Jurisdiction {o.code}")
    timezone = "Asia/Almaty"
    languages = "kk,ru"
    executive_title = "President"

    @staticmethod
    def service(**kwargs):
        return services.jurisdiction_upsert(**kwargs)[0]


class ChamberFactory(ServiceFactory):
    class Meta:
        model = Chamber

    jurisdiction = factory.SubFactory(JurisdictionFactory)
    classification = Chamber.Classification.LOWER
    name = factory.LazyAttribute(lambda o: f"{o.classification.title()} house")
    seats = 100

    @staticmethod
    def service(**kwargs):
        return services.chamber_upsert(**kwargs)[0]


class SubjectFactory(ServiceFactory):
    class Meta:
        model = Subject

    slug = factory.Sequence(lambda n: f"subject-{n}")
    name = factory.Sequence(lambda n: f"Subject {n}")

    @staticmethod
    def service(**kwargs):
        return services.subject_upsert(**kwargs)[0]


class SourceFactory(ServiceFactory):
    class Meta:
        model = Source

    publisher = "Example News"
    title = factory.Sequence(lambda n: f"Article {n}")
    url = factory.Sequence(lambda n: f"https://news.example/{n}")
    published_on = datetime.date(2025, 11, 13)
    published_precision = DatePrecision.DAY

    @staticmethod
    def service(**kwargs):
        return services.source_get_or_create(**kwargs)[0]


class FamilyFactory(ServiceFactory):
    """A family of laws (bills join it with BillFactory(family=…))."""

    class Meta:
        model = Family

    slug = factory.Sequence(lambda n: f"family-{n}")
    name = factory.Sequence(lambda n: f"Family of laws {n}")

    @staticmethod
    def service(**kwargs):
        return services.family_upsert(**kwargs)[0]


class OfficeholderFactory(ServiceFactory):
    """A head of state's term in office, from 2020 on."""

    class Meta:
        model = Officeholder

    jurisdiction = factory.SubFactory(JurisdictionFactory)
    role = Officeholder.Role.HEAD_OF_STATE
    name = factory.Sequence(lambda n: f"President {n}")
    term_start = datetime.date(2020, 1, 1)

    @staticmethod
    def service(**kwargs):
        return services.officeholder_upsert(**kwargs)[0]


class BillFactory(ServiceFactory):
    class Meta:
        model = Bill

    jurisdiction = factory.SubFactory(JurisdictionFactory)
    title = factory.Sequence(lambda n: f"Bill number {n}")
    slug = factory.Sequence(lambda n: f"bill-{n}")
    summary = "What the bill does."

    @staticmethod
    def service(**kwargs):
        return services.bill_upsert(**kwargs)[0]


class EventFactory(ServiceFactory):
    """A public legislative action citing one source; pass classification/visibility to vary."""

    class Meta:
        model = Event

    bill = factory.SubFactory(BillFactory)
    classification = Classification.INTRODUCTION
    description = factory.LazyAttribute(lambda o: f"{o.classification} on the bill")
    date = datetime.date(2025, 10, 1)
    sources = factory.LazyFunction(lambda: [SourceFactory()])

    @staticmethod
    def service(**kwargs):
        return timeline.event_record(**kwargs)


class AdvocacyEventFactory(EventFactory):
    classification = Classification.STATEMENT
    actor = "A human rights organisation"
    description = "A statement about the bill."


def _passage(o) -> Event:
    bill = BillFactory()
    chamber = ChamberFactory(jurisdiction=bill.jurisdiction)
    return EventFactory(
        bill=bill, classification=Classification.PASSAGE, chamber=chamber, date=o.action_date
    )


class VoteFactory(ServiceFactory):
    """A vote deciding an action (by default a new bill's passage by a 100-seat chamber)."""

    class Meta:
        model = Vote

    class Params:
        action_date = datetime.date(2025, 11, 12)

    action = factory.LazyAttribute(_passage)
    motion = factory.Sequence(lambda n: f"Motion {n}")
    result = Vote.Result.PASS
    yes_count = 60
    no_count = 10
    abstain_count = 5

    @staticmethod
    def service(**kwargs):
        return timeline.vote_record(**kwargs)


class MemberVoteFactory(ServiceFactory):
    """One more member on a vote's list (the whole list is set, and checked, by the service)."""

    class Meta:
        model = MemberVote

    vote = factory.SubFactory(VoteFactory, yes_count=None, no_count=None, abstain_count=None)
    member_name = factory.Sequence(lambda n: f"Member {n}")
    option = MemberVote.Option.YES

    @staticmethod
    def service(*, vote, member_name, option):
        members = [*vote.member_votes.values_list("member_name", "option"), (member_name, option)]
        timeline.member_votes_set(vote=vote, member_votes=members)
        return vote.member_votes.get(member_name=member_name)


KZ_STEPS = [
    {"label": "to the President", "length": 10, "unit": "calendar-days", "ends_with_receipt": True},
    {"label": "sign or return", "length": 1, "unit": "calendar-months"},
]


class SigningRuleFactory(ServiceFactory):
    class Meta:
        model = SigningRule

    code = factory.Sequence(lambda n: f"R{n}")
    jurisdiction = factory.SubFactory(JurisdictionFactory)
    name = factory.LazyAttribute(lambda o: f"Rule {o.code}")
    legal_source = "Constitution, art. 1"
    trigger = SigningRule.Trigger.FINAL_APPROVAL
    lapse_effect = SigningRule.Lapse.NONE
    steps = factory.LazyFunction(lambda: [dict(step) for step in KZ_STEPS])

    @staticmethod
    def service(**kwargs):
        return services.rule_upsert(**kwargs)[0]


class SigningRuleStepFactory(ServiceFactory):
    """One more step at the end of a rule's chain (the chain is set as a whole)."""

    class Meta:
        model = SigningRuleStep

    rule = factory.SubFactory(
        SigningRuleFactory, steps=[{"label": "sign", "length": 15, "unit": "calendar-days"}]
    )
    label = "then"
    length = 5
    unit = SigningRuleStep.Unit.CALENDAR_DAYS

    @staticmethod
    def service(*, rule, **step):
        chain = [{f: getattr(s, f) for f in services.STEP_FIELDS} for s in rule.steps.all()] + [
            step
        ]
        services.rule_update(rule=rule, data={}, steps=chain)
        return rule.steps.order_by("-order").first()


class SigningWindowFactory(ServiceFactory):
    """A signing window, opened as in life: a bicameral bill passed by both houses under a rule
    of its jurisdiction (the window is derived, never written)."""

    class Meta:
        model = SigningWindow

    rule = factory.SubFactory(SigningRuleFactory)
    approved_on = datetime.date(2025, 12, 18)

    @classmethod
    def _create(cls, model_class, *args, rule, approved_on, **kwargs):
        jurisdiction = rule.jurisdiction
        lower = ChamberFactory(jurisdiction=jurisdiction, classification="lower")
        upper = ChamberFactory(jurisdiction=jurisdiction, classification="upper")
        bill = BillFactory(jurisdiction=jurisdiction)
        for chamber, day in (
            (lower, approved_on - datetime.timedelta(days=30)),
            (upper, approved_on),
        ):
            EventFactory(
                bill=bill, classification=Classification.PASSAGE, chamber=chamber, date=day
            )
        return SigningWindow.objects.get(bill=bill)
