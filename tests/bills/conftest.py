import datetime

import pytest

from bills.models import Chamber
from events.models import Classification
from events.services import event_record
from tests.bills.factories import BillFactory, ChamberFactory, JurisdictionFactory


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
    """A bill introduced on 1 October 2025 (so votes before that date are invalid)."""
    event_record(
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


@pytest.fixture
def otp_admin_client(client, django_user_model):
    """A client logged in to the admin as a superuser verified by a TOTP device (django-otp),
    as the OTP admin site requires; `client.user` is that user."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = django_user_model.objects.create_user(
        "record-admin", password="x", is_staff=True, is_superuser=True
    )
    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    client.user = user
    return client
