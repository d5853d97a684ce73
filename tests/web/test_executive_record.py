"""The executive's record (issue "One law, many countries", part 3): base rates computed from a
small record with a known answer, and the card beside a bill awaiting signature."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from bills import services, timeline
from bills.choices import Classification as C
from bills.executive import executive_record, head_of_state
from bills.models import Bill, Chamber, Jurisdiction, Officeholder
from tests.record import source

pytestmark = pytest.mark.django_db
D = dt.date
# Signed this many days after the final approval: sorted 2, 5, 9, 12, 20 → median 9.
SIGNED_AFTER = (12, 2, 20, 9, 5)


def _testland() -> tuple[Jurisdiction, Chamber]:
    jurisdiction, _ = services.jurisdiction_upsert(
        code="ZZ", name="Testland", timezone="UTC", executive_title="President"
    )
    diet, _ = services.chamber_upsert(
        jurisdiction=jurisdiction, classification=Chamber.Classification.UNICAMERAL, name="Diet"
    )
    services.rule_upsert(
        code="ZZ",
        jurisdiction=jurisdiction,
        name="Testland: 30 days",
        legal_source="Test constitution, art. 1",
        trigger="final-approval",
        lapse_effect="none",
        steps=[{"label": "President signs or returns", "length": 30, "unit": "calendar-days"}],
    )
    return jurisdiction, diet


def _bill(jurisdiction, diet, slug: str, passed: D, *then: tuple[str, D]) -> Bill:
    bill, _ = services.bill_upsert(slug=slug, jurisdiction=jurisdiction, title=f"Bill {slug}")
    for classification, day in ((C.PASSAGE, passed), *then):
        timeline.event_record(
            bill=bill,
            classification=classification,
            description=f"{classification} (test).",
            date=day,
            chamber=diet if classification == C.PASSAGE else None,
            sources=[source(f"{slug} {classification} {day}", day)],
        )
    bill.refresh_from_db()
    return bill


def _holders(jurisdiction) -> Officeholder:
    services.officeholder_upsert(
        jurisdiction=jurisdiction,
        role=Officeholder.Role.HEAD_OF_STATE,
        name="Earlier President",
        term_start=D(2010, 1, 1),
        term_end=D(2019, 12, 31),
        sources=[source("Earlier President sworn in", D(2010, 1, 1))],
    )
    for start, end in ((D(2020, 1, 1), D(2023, 12, 31)), (D(2024, 1, 1), None)):
        holder, _ = services.officeholder_upsert(
            jurisdiction=jurisdiction,
            role=Officeholder.Role.HEAD_OF_STATE,
            name="Ada Example",
            name_ru="Ада Пример",
            term_start=start,
            term_end=end,
            sources=[source(f"Ada Example sworn in {start}", start)],
        )
    return holder


def test_base_rates_from_a_record_with_a_known_answer():
    jurisdiction, diet = _testland()
    holder = _holders(jurisdiction)
    # Five laws signed across her two terms, one returned, one signed by her predecessor.
    for i, days in enumerate(SIGNED_AFTER):
        passed = D(2021 + i % 4, 3, 1)
        _bill(
            jurisdiction,
            diet,
            f"s{i}",
            passed,
            (C.EXECUTIVE_SIGNATURE, passed + dt.timedelta(days)),
        )
    _bill(jurisdiction, diet, "vetoed", D(2022, 5, 1), (C.EXECUTIVE_VETO, D(2022, 5, 20)))
    _bill(jurisdiction, diet, "before", D(2015, 5, 1), (C.EXECUTIVE_SIGNATURE, D(2015, 5, 2)))
    assert head_of_state(jurisdiction=jurisdiction, on=D(2025, 1, 1)) == holder
    record = executive_record(holder=holder)
    assert record.days == (2, 5, 9, 12, 20)
    assert (record.median, record.shortest, record.longest) == (9, 2, 20)
    assert (record.signed, record.returned, record.without_signature) == (5, 1, 0)
    assert not record.few and not record.from_receipt
    likely, span = record.likely_signing(triggered=D(2026, 1, 1))
    assert likely == D(2026, 1, 10)
    assert (span.earliest, span.latest) == (D(2026, 1, 3), D(2026, 1, 21))
    earlier = head_of_state(jurisdiction=jurisdiction, on=D(2015, 5, 2))
    assert executive_record(holder=earlier).days == (1,)
    assert executive_record(holder=earlier).few


def test_the_card_beside_a_bill_awaiting_signature(client):
    jurisdiction, diet = _testland()
    _holders(jurisdiction)
    for i, days in enumerate(SIGNED_AFTER[:3]):  # 2, 12, 20 → median 12: few cases
        passed = D(2024, 3 + i, 1)
        _bill(
            jurisdiction,
            diet,
            f"s{i}",
            passed,
            (C.EXECUTIVE_SIGNATURE, passed + dt.timedelta(days)),
        )
    passed = jurisdiction.today() - dt.timedelta(days=3)
    pending = _bill(jurisdiction, diet, "pending", passed)
    page = client.get(reverse("web:bill_detail", args=[pending.slug])).content.decode()
    assert "Across the 3 laws recorded here, President Ada Example signed a median of 12" in page
    assert "from 2 to 20 days" in page
    assert "Only 3 cases: a pattern, not a forecast." in page
    assert "likely around" not in page
    # Two more signatures: enough cases for a likely day, at the median of 2, 5, 9, 12, 20.
    for i, days in enumerate(SIGNED_AFTER[3:]):
        day = D(2025, 3 + i, 1)
        _bill(jurisdiction, diet, f"t{i}", day, (C.EXECUTIVE_SIGNATURE, day + dt.timedelta(days)))
    page = client.get(reverse("web:bill_detail", args=[pending.slug])).content.decode()
    likely = passed + dt.timedelta(days=9)
    assert f'likely around <time datetime="{likely.isoformat()}">' in page
    assert "a pattern, not a forecast" not in page
    # An enacted bill shows no card.
    signed = Bill.objects.get(slug="s0")
    assert (
        "has done before"
        not in client.get(reverse("web:bill_detail", args=[signed.slug])).content.decode()
    )
