"""The one Kazakhstan test record, built through the services as the seeds and the admin build it.

Every test that needs a record starts from `kz_record()` (fixtures in tests/conftest.py): the
real signing rules (seeds/signing_rules.yaml), Kazakhstan's two chambers, the "LGBT propaganda"
bill with its Mäjilis passage and unanimous vote, an advocacy statement, an internal note, and,
when asked for, the Senate's approval and the President's act. Nothing here writes a row around
the services, so status and windows are always the derivation's.
"""

# ruff: noqa: RUF001 (Russian and Kazakh text)

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.text import slugify

from bills import services, timeline
from bills.models import (
    Bill,
    BillStatus,
    Chamber,
    Classification,
    Event,
    Jurisdiction,
    SigningRule,
    Source,
    Subject,
    Visibility,
    Vote,
)
from bills.seeds import rules_load

D = dt.date
INTRODUCED = D(2025, 6, 1)
MAJILIS_PASSED = D(2025, 11, 12)
ARTICLE_PUBLISHED = D(2025, 11, 13)
INTERNAL_TEXT = "INTERNAL-ONLY staff note about a safe house"
UNKNOWN = "unknown"  # senate_approved=UNKNOWN: the approval is recorded without a date


@dataclass
class KzRecord:
    jurisdiction: Jurisdiction
    lower: Chamber
    upper: Chamber
    rule: SigningRule
    subject: Subject
    article: Source
    bill: Bill
    introduction: Event
    passage: Event
    vote: Vote
    statement: Event
    internal: Event
    approval: Event | None = None
    executive_act: Event | None = None
    extra: dict[str, object] = field(default_factory=dict)

    def refresh(self) -> KzRecord:
        self.bill.refresh_from_db()
        return self

    @property
    def window(self):
        """The bill's latest signing window, or None."""
        return self.bill.windows.order_by("-id").first()


def kazakhstan() -> tuple[Jurisdiction, Chamber, Chamber, SigningRule]:
    """Kazakhstan, its two chambers and its signing rule (with the other seeded rules)."""
    rules_load()
    jurisdiction, _ = services.jurisdiction_upsert(
        code="KZ",
        name="Kazakhstan",
        name_ru="Казахстан",
        name_kk="Қазақстан",
        timezone="Asia/Almaty",
        languages="kk,ru",
        executive_title="President",
        executive_title_ru="Президент",
        executive_title_kk="Президент",
        ocd_id="ocd-jurisdiction/country:kz/government",
        holiday_country="KZ",
    )
    lower, _ = services.chamber_upsert(
        jurisdiction=jurisdiction,
        classification=Chamber.Classification.LOWER,
        name="Mäjilis",
        name_ru="Мажилис",
        name_kk="Мәжіліс",
    )
    upper, _ = services.chamber_upsert(
        jurisdiction=jurisdiction,
        classification=Chamber.Classification.UPPER,
        name="Senate",
        name_ru="Сенат",
        name_kk="Сенат",
    )
    return jurisdiction, lower, upper, SigningRule.objects.get(code="KZ")


def source(
    title: str, published_on: dt.date | None = ARTICLE_PUBLISHED, publisher: str = "CIVICUS"
) -> Source:
    found, _ = services.source_get_or_create(
        publisher=publisher,
        title=title,
        url=f"https://news.example/{slugify(publisher)}/{slugify(title)}",
        published_on=published_on,
    )
    return found


def kz_record(
    *,
    slug: str = "kz-lgbt-propaganda-ban",
    senate_approved: dt.date | str | None = None,
    receipt: dt.date | None = None,
    executive: tuple[str, dt.date | None] | None = None,
    article_published: dt.date = ARTICLE_PUBLISHED,
) -> KzRecord:
    """The Kazakhstan bill. `senate_approved`: the day of the final approval, UNKNOWN for an
    undated approval, None for none yet; `receipt`: the President's receipt; `executive`:
    (classification, date) of the President's act (signature, veto …)."""
    jurisdiction, lower, upper, rule = kazakhstan()
    subject, _ = services.subject_upsert(
        slug="lgbtqi-rights", name="LGBTQI+ rights", name_ru="Права ЛГБТКИ+"
    )
    article = source("This bill can still be blocked", article_published)
    bill, _ = services.bill_upsert(
        slug=slug,
        jurisdiction=jurisdiction,
        title="Bill banning LGBT propaganda",
        title_ru="Законопроект о запрете пропаганды ЛГБТ",
        short_title="LGBT propaganda ban",
        short_title_ru="Запрет «пропаганды ЛГБТ»",
        summary="Bans propaganda of non-traditional sexual orientation.",
        originating_chamber=lower,
        subjects=[subject],
        sources=[article],
    )
    introduction = timeline.event_record(
        bill=bill,
        classification=Classification.INTRODUCTION,
        description="The bill was introduced in the Mäjilis.",
        date=INTRODUCED,
        chamber=lower,
        sources=[article],
    )
    passage = timeline.event_record(
        bill=bill,
        classification=Classification.PASSAGE,
        description="The Mäjilis passed the bill unanimously.",
        description_ru="Мажилис единогласно принял законопроект.",
        date=MAJILIS_PASSED,
        chamber=lower,
        sources=[article],
        vote={"motion": "Passage", "result": Vote.Result.PASS, "unanimous": True},
    )
    statement = timeline.event_record(
        bill=bill,
        classification=Classification.STATEMENT,
        actor="Amnesty International",
        description="Amnesty International condemned the bill.",
        sources=[article],
    )
    internal = timeline.event_record(
        bill=bill,
        classification=Classification.OTHER,
        description=INTERNAL_TEXT,
        visibility=Visibility.INTERNAL,
        date=D(2025, 11, 13),
    )
    record = KzRecord(
        jurisdiction=jurisdiction,
        lower=lower,
        upper=upper,
        rule=rule,
        subject=subject,
        article=article,
        bill=bill,
        introduction=introduction,
        passage=passage,
        vote=Vote.objects.get(action=passage),
        statement=statement,
        internal=internal,
    )
    if senate_approved is not None:
        record.approval = approve(record, None if senate_approved == UNKNOWN else senate_approved)
    if receipt is not None:
        act(record, Classification.EXECUTIVE_RECEIPT, receipt)
    if executive is not None:
        record.executive_act = act(record, executive[0], executive[1])
    return record.refresh()


def approve(record: KzRecord, day: dt.date | None) -> Event:
    """The Senate's approval: the final approval that opens the President's window."""
    return timeline.event_record(
        bill=record.bill,
        classification=Classification.PASSAGE,
        description="The Senate approved the bill.",
        date=day,
        chamber=record.upper,
        sources=[source(f"Senate approves the bill ({day or 'undated'})", day or D(2026, 1, 2))],
    )


def act(record: KzRecord, classification: str, day: dt.date | None, **extra) -> Event:
    """Any further act on the bill, citing a source of that day."""
    extra.setdefault("sources", [source(f"{classification} on {day}", day)])
    return timeline.event_record(
        bill=record.bill,
        classification=classification,
        description=f"{Classification(classification).label} (test record).",
        date=day,
        **extra,
    )


def internal_vote_citing(record: KzRecord, cited: Source) -> Event:
    """An INTERNAL passage in the Senate, with a vote, both citing `cited`: what the public
    must never see, nor any source only it cites."""
    return timeline.event_record(
        bill=record.bill,
        classification=Classification.PASSAGE,
        description=INTERNAL_TEXT,
        visibility=Visibility.INTERNAL,
        chamber=record.upper,
        sources=[cited],
        vote={"motion": "Passage", "result": Vote.Result.PASS, "sources": [cited]},
    )


STATUS_PATHS: dict[str, list[tuple[str, str | None]]] = {
    BillStatus.INTRODUCED: [(Classification.INTRODUCTION, "lower")],
    BillStatus.PASSED_LOWER: [(Classification.PASSAGE, "lower")],
    BillStatus.PASSED_UPPER: [(Classification.PASSAGE, "upper")],
    BillStatus.AWAITING_SIGNATURE: [
        (Classification.PASSAGE, "lower"),
        (Classification.PASSAGE, "upper"),
    ],
    BillStatus.ENACTED: [
        (Classification.PASSAGE, "lower"),
        (Classification.PASSAGE, "upper"),
        (Classification.EXECUTIVE_SIGNATURE, None),
    ],
    BillStatus.VETOED: [
        (Classification.PASSAGE, "lower"),
        (Classification.PASSAGE, "upper"),
        (Classification.EXECUTIVE_VETO, None),
    ],
    BillStatus.WITHDRAWN: [(Classification.WITHDRAWAL, None)],
    BillStatus.FAILED: [(Classification.FAILURE, "lower")],
    BillStatus.LAPSED: [(Classification.PASSAGE, "lower"), (Classification.LAPSE, None)],
}


def bill_at(
    record: KzRecord,
    status: str,
    *,
    slug: str,
    title: str | None = None,
    acted_on: dt.date | None = None,
    introduced_on: dt.date | None = None,
) -> Bill:
    """Another Kazakh bill brought to `status` by the acts that lead there (through the
    services), each dated `acted_on` (default: ten days ago); an internal note is added too."""
    day = acted_on or timezone.localdate() - dt.timedelta(days=10)
    bill, _ = services.bill_upsert(
        slug=slug,
        jurisdiction=record.jurisdiction,
        title=title or f"Bill {slug} on transparency",
        originating_chamber=record.lower,
    )
    if introduced_on is not None:
        timeline.event_record(
            bill=bill,
            classification=Classification.INTRODUCTION,
            description="Introduced.",
            date=introduced_on,
            chamber=record.lower,
            sources=[record.article],
        )
    chambers = {"lower": record.lower, "upper": record.upper, None: None}
    for classification, chamber in STATUS_PATHS[status]:
        if classification == Classification.INTRODUCTION and introduced_on is not None:
            continue
        timeline.event_record(
            bill=bill,
            classification=classification,
            description=f"{classification}.",
            date=(introduced_on or day) if classification == Classification.INTRODUCTION else day,
            chamber=chambers[chamber],
            sources=[record.article],
        )
    timeline.event_record(
        bill=bill,
        classification=Classification.OTHER,
        description=INTERNAL_TEXT,
        visibility=Visibility.INTERNAL,
    )
    bill.refresh_from_db()
    assert bill.status == status, (bill.status, status)
    return bill
