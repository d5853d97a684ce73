"""The bill's history explains what changed: the derived fields (status, dates) and the
windows' bounds, which simple-history leaves out of its "Changes" column as non-editable, and
the sources added or removed (m2m history)."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.urls import reverse

from bills import services, timeline
from tests.record import kz_record, source

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    text = html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))
    return re.sub(r"\s+", " ", text)


def test_the_status_change_is_listed_in_the_bills_history(otp_admin_client):
    record = kz_record()
    page = _text(otp_admin_client.get(reverse("admin:bills_bill_history", args=[record.bill.pk])))
    assert "Status: introduced → passed-lower" in page
    assert "Last action on: 2025-06-01 → 2025-11-12" in page
    assert "Updated at:" not in page  # the timestamps every save moves are left out


def test_a_source_added_to_the_bill_is_listed(otp_admin_client):
    record = kz_record()
    added = source("A later report", dt.date(2025, 12, 20))
    services.bill_update(bill=record.bill, data={"sources": [*record.bill.sources.all(), added]})
    page = _text(otp_admin_client.get(reverse("admin:bills_bill_history", args=[record.bill.pk])))
    assert re.search(r"Sources: [^→]* → [^→]*A later report", page), page


def test_a_windows_bounds_are_listed_in_its_history(otp_admin_client):
    record = kz_record(senate_approved=dt.date(2025, 12, 18))
    window = record.bill.windows.get()
    # The approval re-dated: the window's bounds move.
    timeline.event_update(event=record.approval, data={"date": dt.date(2025, 12, 17)})
    page = _text(
        otp_admin_client.get(reverse("admin:bills_signingwindow_history", args=[window.pk]))
    )
    assert "Closes earliest: 2026-01-18 → 2026-01-17" in page


def test_the_bills_history_links_each_windows_history(otp_admin_client):
    record = kz_record(senate_approved=dt.date(2025, 12, 18))
    window = record.bill.windows.get()
    page = otp_admin_client.get(reverse("admin:bills_bill_history", args=[record.bill.pk]))
    assert reverse("admin:bills_signingwindow_history", args=[window.pk]) in page.content.decode()
