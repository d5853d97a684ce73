"""The faults a walkthrough as an admin found ("One record, one way in"), each now refused or
derived right, through the services and through the admin alike.

Every admin refusal is the form shown again (200) with the rule's message, and nothing saved.
"""

from __future__ import annotations

import datetime
import html

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from bills import services, timeline
from bills.models import Bill, BillStatus, Chamber, Classification, Event, Jurisdiction, Vote
from events.models import Alert, Delivery
from tests.admin_forms import form_data, inline_add, inline_index
from tests.bills.factories import (
    BillFactory,
    ChamberFactory,
    EventFactory,
    JurisdictionFactory,
    SigningRuleFactory,
)
from tests.events.factories import DeliveryFactory
from tests.record import UNKNOWN, act, approve, kz_record

D = datetime.date
pytestmark = pytest.mark.django_db


def page(response) -> str:
    return html.unescape(response.content.decode())


def refused(response, message: str) -> None:
    assert response.status_code == 200, response.status_code
    assert message in page(response), page(response)[:3000]


# --- One write path: the admin meets the rules the services state -------------------------------


def test_admin_refuses_an_unknown_time_zone(otp_admin_client):
    url = reverse("admin:bills_jurisdiction_add")
    data = form_data(otp_admin_client.get(url))
    data.update(code="XX", name="Nowhere", timezone="Mars/Olympus", executive_title="Chief")
    refused(otp_admin_client.post(url, data), "Unknown IANA time zone: Mars/Olympus")
    assert not Jurisdiction.objects.filter(code="XX").exists()
    with pytest.raises(ValidationError, match="Unknown IANA time zone"):
        services.jurisdiction_upsert(
            code="XX", name="Nowhere", timezone="Mars/Olympus", executive_title="Chief"
        )


def test_admin_refuses_a_unicameral_chamber_beside_two_houses(otp_admin_client):
    record = kz_record()
    url = reverse("admin:bills_chamber_add")
    data = form_data(otp_admin_client.get(url))
    data.update(jurisdiction=record.jurisdiction.pk, classification="unicameral", name="Kurultai")
    refused(
        otp_admin_client.post(url, data), "has either one unicameral chamber or lower and upper"
    )
    assert record.jurisdiction.chambers.count() == 2
    with pytest.raises(ValidationError, match="either one unicameral chamber"):
        services.chamber_upsert(
            jurisdiction=record.jurisdiction, classification="unicameral", name="Kurultai"
        )


def test_admin_member_votes_must_agree_with_the_counts(otp_admin_client):
    record = kz_record()
    url = reverse("admin:bills_vote_change", args=[record.vote.pk])
    data = form_data(otp_admin_client.get(url))
    data.update(unanimous="", yes_count="2")
    inline_add(data, "member_votes", {"member_name": "A. Deputy", "option": "yes"})
    refused(otp_admin_client.post(url, data), "The member votes list 1 'yes' but the count says 2")
    record.vote.refresh_from_db()
    assert (record.vote.yes_count, record.vote.member_votes.count()) == (None, 0)
    with pytest.raises(ValidationError, match="list 1 'yes' but the count says 2"):
        timeline.vote_update(
            vote=record.vote,
            data={"unanimous": False, "yes_count": 2},
            member_votes=[("A. Deputy", "yes")],
        )


def test_admin_moving_a_chamber_that_acted_is_a_form_error_not_a_500(otp_admin_client):
    record = kz_record()
    russia = Jurisdiction.objects.get(code="RU")
    url = reverse("admin:bills_chamber_change", args=[record.lower.pk])
    data = form_data(otp_admin_client.get(url))
    data["jurisdiction"] = russia.pk
    refused(otp_admin_client.post(url, data), "it cannot move to another jurisdiction")
    record.lower.refresh_from_db()
    assert record.lower.jurisdiction == record.jurisdiction


# --- One derivation -----------------------------------------------------------------------------


def test_a_lower_chamber_only_legislature_awaits_signature_with_its_window_open():
    rule = SigningRuleFactory(jurisdiction=JurisdictionFactory(code="LO"))
    chamber = ChamberFactory(jurisdiction=rule.jurisdiction, classification="lower")
    bill = BillFactory(jurisdiction=rule.jurisdiction)
    EventFactory(bill=bill, classification=Classification.PASSAGE, chamber=chamber)
    bill.refresh_from_db()
    assert bill.status == BillStatus.AWAITING_SIGNATURE
    assert bill.windows.get().status == "open"


# --- One date per fact --------------------------------------------------------------------------


def test_a_vote_takes_its_date_from_its_action_changed_in_the_admin(otp_admin_client):
    record = kz_record()
    vote_page = page(
        otp_admin_client.get(reverse("admin:bills_vote_change", args=[record.vote.pk]))
    )
    assert 'name="date"' not in vote_page  # a vote has no date of its own
    url = reverse("admin:bills_event_change", args=[record.passage.pk])
    data = form_data(otp_admin_client.get(url))
    data["date"] = "2025-11-13"
    response = otp_admin_client.post(url, data)
    assert response.status_code == 302, page(response)[:2000]
    vote = Vote.objects.select_related("action").get(pk=record.vote.pk)
    assert vote.action.date == D(2025, 11, 13)
    record.refresh()
    assert record.bill.last_action_on == D(2025, 11, 13)


# --- Truth rules --------------------------------------------------------------------------------


def test_a_second_passage_beside_an_undated_one_is_refused_and_points_to_it():
    record = kz_record(senate_approved=UNKNOWN)
    undated = record.approval
    with pytest.raises(ValidationError) as refusal:
        approve(record, D(2025, 12, 18))
    assert f"#{undated.order} (passed, Senate) is already this chamber's passage" in str(
        refusal.value
    )
    assert record.bill.events.filter(classification="passage").count() == 2
    # Completing the existing event gives the window from 18 December, as the law counts it.
    timeline.event_update(event=undated, data={"date": D(2025, 12, 18), "date_precision": "day"})
    window = record.window
    assert (window.triggered_earliest, window.closes_earliest, window.closes_latest) == (
        D(2025, 12, 18),
        D(2026, 1, 18),
        D(2026, 1, 28),
    )


def test_admin_refuses_a_second_passage_beside_an_undated_one(otp_admin_client):
    record = kz_record(senate_approved=UNKNOWN)
    before = (record.window.triggered_earliest, record.window.closes_earliest)
    url = reverse("admin:bills_bill_change", args=[record.bill.pk])
    data = form_data(otp_admin_client.get(url))
    inline_add(
        data,
        "events",
        {
            "order": "9",
            "classification": "passage",
            "visibility": "public",
            "chamber": str(record.upper.pk),
            "date": "2025-12-18",
            "date_precision": "day",
            "description": "The Senate approved the bill.",
            "sources": [str(record.article.pk)],
        },
    )
    refused(
        otp_admin_client.post(url, data),
        f"#{record.approval.order} (passed, Senate) is already this chamber's passage",
    )
    assert record.bill.events.count() == 5
    assert (record.window.triggered_earliest, record.window.closes_earliest) == before


def test_admin_can_complete_the_undated_passage_instead(otp_admin_client):
    record = kz_record(senate_approved=UNKNOWN)
    url = reverse("admin:bills_bill_change", args=[record.bill.pk])
    data = form_data(otp_admin_client.get(url))
    i = inline_index(data, "events", record.approval.pk)
    data[f"events-{i}-date"] = "2025-12-18"
    data[f"events-{i}-date_precision"] = "day"
    response = otp_admin_client.post(url, data)
    assert response.status_code == 302, page(response)[:2000]
    assert record.window.closes_earliest == D(2026, 1, 18)


def test_a_signature_dated_before_the_approval_is_refused(otp_admin_client):
    record = kz_record(senate_approved=D(2025, 12, 18))
    with pytest.raises(ValidationError, match="before the approval that sent the bill"):
        act(record, Classification.EXECUTIVE_SIGNATURE, D(2025, 12, 10))
    url = reverse("admin:bills_event_add")
    data = form_data(otp_admin_client.get(url))
    data.update(
        bill=str(record.bill.pk),
        order="10",
        classification="executive-signature",
        visibility="public",
        date="2025-12-10",
        date_precision="day",
        description="Signed.",
        sources=[str(record.article.pk)],
    )
    data.update({"vote-TOTAL_FORMS": "0", "vote-INITIAL_FORMS": "0"})
    refused(otp_admin_client.post(url, data), "before the approval that sent the bill")
    record.refresh()
    assert record.bill.status == BillStatus.AWAITING_SIGNATURE
    assert not record.bill.events.filter(classification="executive-signature").exists()


def test_a_receipt_dated_after_the_signature_is_refused():
    record = kz_record(senate_approved=D(2025, 12, 18))
    act(record, Classification.EXECUTIVE_RECEIPT, D(2026, 1, 5))
    # The timeline follows the dates: the signature goes before the receipt, which then comes
    # after the executive had acted.
    with pytest.raises(ValidationError, match="comes after the executive already acted"):
        act(record, Classification.EXECUTIVE_SIGNATURE, D(2025, 12, 30))
    other = kz_record(slug="signed-first", senate_approved=D(2025, 12, 18))
    act(other, Classification.EXECUTIVE_SIGNATURE, D(2025, 12, 30))
    with pytest.raises(ValidationError, match="comes after the executive already acted"):
        act(other, Classification.EXECUTIVE_RECEIPT, D(2026, 1, 5))


def test_a_public_event_needs_a_source_and_raises_no_alert_without_one(otp_admin_client):
    record = kz_record()
    alerts = Alert.objects.count()
    with pytest.raises(ValidationError, match="A public event cites at least one source"):
        timeline.event_record(
            bill=record.bill,
            classification=Classification.PASSAGE,
            chamber=record.upper,
            date=D(2025, 12, 18),
            description="The Senate approved the bill.",
        )
    url = reverse("admin:bills_event_add")
    data = form_data(otp_admin_client.get(url))
    data.update(
        bill=str(record.bill.pk),
        order="10",
        classification="passage",
        visibility="public",
        chamber=str(record.upper.pk),
        date="2025-12-18",
        date_precision="day",
        description="The Senate approved the bill.",
    )
    data.update({"vote-TOTAL_FORMS": "0", "vote-INITIAL_FORMS": "0"})
    refused(otp_admin_client.post(url, data), "A public event cites at least one source")
    assert Alert.objects.count() == alerts
    assert record.bill.events.count() == 4
    # Only internal notes may cite nothing.
    timeline.event_record(
        bill=record.bill,
        classification=Classification.OTHER,
        description="Staff: call the lawyer.",
        visibility="internal",
    )
    # Nor can a public event lose its last source.
    with pytest.raises(ValidationError, match="A public event cites at least one source"):
        timeline.event_update(event=record.passage, data={"sources": []})


def test_alerts_and_deliveries_cannot_be_deleted_in_the_admin(otp_admin_client):
    delivery = DeliveryFactory()
    for model, obj in (("alert", delivery.alert), ("delivery", delivery)):
        delete = reverse(f"admin:events_{model}_delete", args=[obj.pk])
        assert otp_admin_client.get(delete).status_code == 403
        assert otp_admin_client.post(delete, {"post": "yes"}).status_code == 403
        changelist = otp_admin_client.get(reverse(f"admin:events_{model}_changelist"))
        assert "delete_selected" not in changelist.content.decode()
    assert Alert.objects.filter(pk=delivery.alert.pk).exists()
    assert Delivery.objects.filter(pk=delivery.pk).exists()


def test_history_cannot_be_reverted_around_the_services(otp_admin_client):
    record = kz_record()
    services.bill_update(bill=record.bill, data={"summary": "Changed."})
    version = record.bill.history.order_by("history_id").first()
    url = reverse("admin:bills_bill_simple_history", args=[record.bill.pk, version.history_id])
    assert otp_admin_client.get(url).status_code == 200
    assert otp_admin_client.post(url, {"title": "Reverted"}).status_code == 403
    assert Bill.objects.get(pk=record.bill.pk).summary == "Changed."


def test_an_event_inline_cannot_jump_to_another_bill(otp_admin_client):
    record = kz_record()
    other = BillFactory(jurisdiction=record.jurisdiction)
    url = reverse("admin:bills_event_change", args=[record.statement.pk])
    data = form_data(otp_admin_client.get(url))
    data["bill"] = str(other.pk)
    refused(otp_admin_client.post(url, data), "An event stays on its bill's timeline")
    assert Event.objects.get(pk=record.statement.pk).bill_id == record.bill.pk


def test_the_chamber_kind_count_change_rederives_the_bills():
    # A legislature that gains an upper house: a passage by the lower one is no longer final.
    rule = SigningRuleFactory(jurisdiction=JurisdictionFactory(code="GR"))
    lower = ChamberFactory(jurisdiction=rule.jurisdiction, classification="lower")
    bill = BillFactory(jurisdiction=rule.jurisdiction)
    EventFactory(bill=bill, classification=Classification.PASSAGE, chamber=lower)
    assert Bill.objects.get(pk=bill.pk).status == BillStatus.AWAITING_SIGNATURE
    services.chamber_create(jurisdiction=rule.jurisdiction, classification="upper", name="Senate")
    bill.refresh_from_db()
    assert bill.status == BillStatus.PASSED_LOWER
    assert not bill.windows.exists()
    assert Chamber.objects.filter(jurisdiction=rule.jurisdiction).count() == 2


def test_a_source_date_change_moves_the_window_of_the_undated_act_it_reports():
    record = kz_record(senate_approved=UNKNOWN)
    cited = record.approval.sources.get()
    assert record.window.triggered_latest == cited.published_on
    services.source_update(source=cited, data={"published_on": D(2025, 12, 20)})
    assert record.window.triggered_latest == D(2025, 12, 20)
