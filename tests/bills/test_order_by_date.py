"""The timeline follows the dates: an act recorded without an order goes where its date puts
it, and a re-dated act moves; nobody renumbers by hand. Acts of one day keep their manual order."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from bills import timeline
from bills.models import Classification
from tests.admin_forms import form_data
from tests.record import kz_record, source

pytestmark = pytest.mark.django_db
D = dt.date


def _dates(bill) -> list:
    return list(bill.events.order_by("order").values_list("date", flat=True))


def test_an_act_dated_between_two_others_is_placed_between_them():
    record = kz_record(senate_approved=D(2025, 12, 18))
    before = _dates(record.bill)
    reading = timeline.event_record(
        bill=record.bill,
        classification=Classification.READING_1,
        chamber=record.upper,
        date=D(2025, 12, 10),
        description="The Senate read the bill for the first time.",
        sources=[source("Senate first reading", D(2025, 12, 10))],
    )
    dates = _dates(record.bill)
    assert len(dates) == len(before) + 1
    position = dates.index(D(2025, 12, 10))
    assert all(d is None or d <= D(2025, 12, 10) for d in dates[:position])
    assert dates[position + 1 :] and all(
        d is None or d >= D(2025, 12, 10) for d in dates[position + 1 :]
    )
    orders = list(record.bill.events.order_by("order").values_list("order", flat=True))
    assert orders == list(range(1, len(orders) + 1))
    reading.refresh_from_db()
    assert reading.order == position + 1


def test_a_redated_act_moves_to_its_place():
    record = kz_record(senate_approved=D(2025, 12, 18))
    note = timeline.event_record(
        bill=record.bill,
        classification=Classification.OTHER,
        visibility="internal",
        date=D(2025, 12, 20),
        description="Call with partners.",
    )
    assert note.order == record.bill.events.count()  # the latest date: at the end
    timeline.event_update(event=note, data={"date": D(2025, 6, 2)})
    note.refresh_from_db()
    dates = _dates(record.bill)
    assert dates[note.order - 1] == D(2025, 6, 2)
    assert all(d is None or d <= D(2025, 6, 2) for d in dates[: note.order - 1])
    assert note.order < record.bill.events.count()


def test_the_admin_may_leave_the_order_empty(otp_admin_client):
    record = kz_record(senate_approved=D(2025, 12, 18))
    url = reverse("admin:bills_event_add")
    data = form_data(otp_admin_client.get(url))
    data.update(
        bill=str(record.bill.pk),
        classification="other",
        visibility="internal",
        date="2025-12-01",
        date_precision="day",
        description="Briefing for partners.",
    )
    data.pop("order", None)
    data.update({"vote-TOTAL_FORMS": "0", "vote-INITIAL_FORMS": "0"})
    response = otp_admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    event = record.bill.events.get(description="Briefing for partners.")
    dates = _dates(record.bill)
    assert dates[event.order - 1] == D(2025, 12, 1)
    assert dates[event.order] is None or dates[event.order] >= D(2025, 12, 1)
