"""Pickers by name, not id, and a short bill page: the timeline as one line per act, linking to
each; the inline forms folded; sources found by publisher, title or date."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests.record import kz_record

pytestmark = pytest.mark.django_db


def test_the_bill_page_lists_the_timeline_and_folds_the_inline(otp_admin_client):
    record = kz_record(senate_approved=dt.date(2025, 12, 18))
    page = otp_admin_client.get(
        reverse("admin:bills_bill_change", args=[record.bill.pk])
    ).content.decode()
    timeline = page.split('<ol class="bill-timeline">', 1)[1].split("</ol>", 1)[0]
    approval = reverse("admin:bills_event_change", args=[record.approval.pk])
    assert f'<a href="{approval}">LGBT propaganda ban · Senate · 18 Dec 2025 · ' in timeline
    assert timeline.count("<li>") == record.bill.events.count()
    assert "(internal)" in timeline  # the internal note is marked, for staff
    # The inline forms are folded (Django renders a collapsed inline inside <details>).
    inline = page.split('id="events-group"', 1)[1][:600]
    assert "<details" in inline


def test_a_vote_reads_as_chamber_date_and_result():
    record = kz_record()
    assert str(record.vote) == "Mäjilis · 12 Nov 2025 · passed"


def test_sources_are_found_by_date_in_the_picker(otp_admin_client):
    kz_record()
    response = otp_admin_client.get(
        "/admin/autocomplete/",
        {"app_label": "bills", "model_name": "event", "field_name": "sources", "term": "2025-11"},
    )
    assert response.status_code == 200
    labels = [result["text"] for result in response.json()["results"]]
    assert labels and all("2025-11" in label for label in labels)
