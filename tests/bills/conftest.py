import datetime

import pytest

from bills.models import Chamber, Classification
from tests.bills.factories import BillFactory, ChamberFactory, EventFactory, JurisdictionFactory


@pytest.fixture
def kz(db):
    return JurisdictionFactory(code="KZ", name="Kazakhstan", timezone="Asia/Almaty")


@pytest.fixture
def lower(kz):
    return ChamberFactory(jurisdiction=kz, classification=Chamber.Classification.LOWER, seats=98)


@pytest.fixture
def upper(kz):
    return ChamberFactory(jurisdiction=kz, classification=Chamber.Classification.UPPER, seats=50)


@pytest.fixture
def bill(kz, lower, upper):
    return BillFactory(jurisdiction=kz)


@pytest.fixture
def introduced_bill(bill, lower):
    """A bill introduced on 1 October 2025 (so acts before that date are invalid)."""
    EventFactory(
        bill=bill,
        classification=Classification.INTRODUCTION,
        description="Introduced in the lower house.",
        date=datetime.date(2025, 10, 1),
        chamber=lower,
    )
    bill.refresh_from_db()
    return bill


@pytest.fixture
def other_chamber(db):
    other = JurisdictionFactory(code="RU", name="Russia", timezone="Europe/Moscow")
    return ChamberFactory(jurisdiction=other, classification=Chamber.Classification.LOWER)
