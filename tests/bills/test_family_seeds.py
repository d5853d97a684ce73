"""The law family's real cases as seeds (seeds/<jurisdiction>.yaml, sources logged in
seeds/SOURCES-family-cases.md): each derives without a broken truth rule, every dated public
action cites a source, and the engine's cases appear where the record has them."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command

from bills.choices import BillStatus, Classification, WindowStatus
from bills.models import Bill, Event, Family, Officeholder

D = datetime.date
pytestmark = pytest.mark.django_db
FAMILY_CASES = {
    "ru-2013-propaganda-minors": "RU",
    "ru-2022-propaganda-extension": "RU",
    "hu-2021-child-protection": "HU",
    "kg-2023-harmful-information": "KG",
    "ge-2024-family-values": "GE",
    "bg-2024-school-education": "BG",
    "kz-lgbt-propaganda-ban": "KZ",
    "gh-2024-family-values": "GH",
    "ug-2023-anti-homosexuality": "UG",
}


@pytest.fixture
def seeded() -> None:
    call_command("load_seeds", verbosity=0)


def test_every_case_is_seeded_in_the_family_and_every_fact_cites_a_source(seeded):
    family = Family.objects.get(slug="lgbt-propaganda")
    assert family.sources.exists()
    members = dict(family.bills.values_list("slug", "jurisdiction__code"))
    assert FAMILY_CASES.items() <= members.items()
    dated = Event.objects.public().legislative().filter(date__isnull=False)
    assert dated.count() > 50
    uncited = [f"{e.bill.slug} #{e.order}" for e in dated if not e.sources.exists()]
    assert uncited == []
    for bill in Bill.objects.exclude(lineage=""):
        assert bill.lineage_sources.exists(), bill.slug
    holders = Officeholder.objects.all()
    assert holders.filter(role=Officeholder.Role.HEAD_OF_STATE).count() >= 6
    for holder in holders:
        assert holder.sources.exists(), holder


def _windows(slug: str) -> list[tuple[str, D | None]]:
    bill = Bill.objects.get(slug=slug)
    return [(w.status, w.closed_on) for w in bill.windows.order_by("id")]


def test_the_statuses_and_windows_the_sources_give(seeded):
    status = dict(Bill.objects.values_list("slug", "status"))
    enacted = [slug for slug in FAMILY_CASES if slug != "gh-2024-family-values"]
    assert {slug: status[slug] for slug in enacted} == dict.fromkeys(enacted, BillStatus.ENACTED)
    # Ghana 2024: passed, never assented, died with the Eighth Parliament (6 January 2025).
    assert status["gh-2024-family-values"] == BillStatus.LAPSED
    # Georgia 2024: the President declined; the Speaker signed in her place.
    bill = Bill.objects.get(slug="ge-2024-family-values")
    signed = bill.events.get(classification=Classification.SUBSTITUTE_SIGNATURE)
    assert signed.date == D(2024, 10, 3)
    assert not bill.events.filter(classification=Classification.EXECUTIVE_SIGNATURE).exists()
    # Bulgaria: passed 7 Aug 2024; promulgated within 15 days (Const. art. 88(3)) → 22 Aug;
    # the President's decree of 15 August closed it.
    assert _windows("bg-2024-school-education") == [(WindowStatus.SIGNED, D(2024, 8, 15))]
    # Hungary: adopted 15 Jun 2021; signed 23 Jun 2021, inside 20 to 25 June (5 + 5 days).
    bill = Bill.objects.get(slug="hu-2021-child-protection")
    [window] = bill.windows.all()
    assert (window.closes_earliest, window.closes_latest) == (D(2021, 6, 20), D(2021, 6, 25))
    assert window.closed_on == D(2021, 6, 23)
    # Russia 2022: Federation Council 30 Nov 2022; signed 5 Dec 2022.
    assert _windows("ru-2022-propaganda-extension") == [(WindowStatus.SIGNED, D(2022, 12, 5))]
