"""The admins' desk (bills.admin_acts): a chamber's act and the executive's act, each recorded
from the bill's admin page in one form, through the services, in one transaction."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from bills.models import BillStatus, Classification, Event, MemberVote, SigningWindow, Source, Vote
from events.models import Alert
from tests.events.factories import SubscriptionFactory
from tests.record import UNKNOWN, kz_record

SENATE_APPROVED = dt.date(2025, 12, 18)
SIGNED = dt.date(2025, 12, 30)


def chamber_url(bill):
    return reverse("admin:bills_bill_record_chamber_act", args=[bill.pk])


def executive_url(bill):
    return reverse("admin:bills_bill_record_executive_act", args=[bill.pk])


def senate_approval(record, **extra):
    return {
        "classification": "passage",
        "chamber": record.upper.pk,
        "visibility": "public",
        "date": SENATE_APPROVED.isoformat(),
        "date_precision": "day",
        "description": "The Senate approved the bill.",
        "result": "pass",
        "yes_count": "3",
        "no_count": "1",
        "member_votes": "A. Senator, yes\nB. Senator, yes\nC. Senator, yes\nD. Senator, no",
        "new_source_url": "https://senate.example/kz/2025-12-18",
        "new_source_publisher": "Senate of Kazakhstan",
        "new_source_title": "The Senate approved the law",
        "new_source_published_on": SENATE_APPROVED.isoformat(),
        "complete": "new",
        "_save": "Save",
        **extra,
    }


def signature(day=SIGNED, **extra):
    return {
        "classification": "executive-signature",
        "date": day.isoformat(),
        "date_precision": "day",
        "description": "",
        "new_source_url": f"https://akorda.example/{day.isoformat()}",
        "new_source_publisher": "Akorda",
        "new_source_title": "The President signed the law",
        "new_source_published_on": day.isoformat(),
        "complete": "new",
        **extra,
    }


def texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.django_db
def test_bill_page_links_to_both_forms(otp_admin_client):
    record = kz_record()
    page = otp_admin_client.get(reverse("admin:bills_bill_change", args=[record.bill.pk]))
    content = page.content.decode()
    assert chamber_url(record.bill) in content and executive_url(record.bill) in content
    # The add page has no bill to record on, and no buttons.
    add = otp_admin_client.get(reverse("admin:bills_bill_add"))
    assert add.status_code == 200 and "Record a chamber" not in add.content.decode()
    form = otp_admin_client.get(chamber_url(record.bill))
    assert form.status_code == 200
    # Only the bill's legislature's chambers are offered.
    assert list(form.context["form"].fields["chamber"].queryset) == sorted(
        [record.lower, record.upper], key=lambda c: (c.classification, c.name)
    )
    assert 'data-ajax--url="/admin/autocomplete/"' in form.content.decode()


@pytest.mark.django_db
def test_senate_approval_with_vote_and_new_source_in_one_form(otp_admin_client):
    record = kz_record()
    SubscriptionFactory(bill=record.bill)
    events, votes, sources = Event.objects.count(), Vote.objects.count(), Source.objects.count()
    response = otp_admin_client.post(chamber_url(record.bill), senate_approval(record))
    assert response.status_code == 302, response.context["form"].errors
    assert Event.objects.count() == events + 1
    assert Vote.objects.count() == votes + 1
    assert Source.objects.count() == sources + 1
    approval = Event.objects.get(bill=record.bill, chamber=record.upper)
    assert (approval.date, approval.classification) == (SENATE_APPROVED, Classification.PASSAGE)
    assert approval.description == "The Senate approved the bill."
    assert [s.publisher for s in approval.sources.all()] == ["Senate of Kazakhstan"]
    vote = approval.vote
    assert (vote.result, vote.yes_count, vote.no_count) == ("pass", 3, 1)
    assert MemberVote.objects.filter(vote=vote, option="yes").count() == 3
    window = record.refresh().window
    assert (window.status, window.triggered_earliest) == ("open", SENATE_APPROVED)
    assert record.bill.status == BillStatus.AWAITING_SIGNATURE
    [message] = texts(response)
    assert "Raised: new action alert to 1 subscriber" in message


@pytest.mark.django_db
def test_completes_the_seeded_undated_passage_instead_of_adding_one(otp_admin_client):
    record = kz_record(senate_approved=UNKNOWN)
    undated = record.approval
    page = otp_admin_client.get(chamber_url(record.bill))
    assert (
        f"Complete the existing undated passage of the Senate #{undated.order} instead of adding "
        "a new one" in page.content.decode()
    )
    events = Event.objects.count()
    response = otp_admin_client.post(
        chamber_url(record.bill),
        senate_approval(record, complete=str(undated.pk), description=""),
    )
    assert response.status_code == 302, response.context["form"].errors
    assert Event.objects.count() == events
    undated.refresh_from_db()
    assert (undated.date, undated.date_precision) == (SENATE_APPROVED, "day")
    assert undated.description == "The Senate approved the bill."  # kept: none entered
    assert "Senate of Kazakhstan" in [s.publisher for s in undated.sources.all()]
    assert undated.vote.yes_count == 3
    assert texts(response)[0].startswith(f"Completed #{undated.order}")
    assert record.refresh().window.triggered_earliest == SENATE_APPROVED


@pytest.mark.django_db
def test_a_second_undated_passage_is_refused_with_the_rule(otp_admin_client):
    record = kz_record(senate_approved=UNKNOWN)
    events = Event.objects.count()
    response = otp_admin_client.post(
        chamber_url(record.bill),
        senate_approval(record, date="", date_precision="unknown", yes_count="", no_count=""),
    )
    assert response.status_code == 200
    assert "Complete that event" in response.content.decode()
    assert Event.objects.count() == events


@pytest.mark.django_db
def test_signature_preview_names_the_close_and_writes_nothing_then_save_closes(
    otp_admin_client, django_capture_on_commit_callbacks
):
    record = kz_record(senate_approved=SENATE_APPROVED)
    SubscriptionFactory(bill=record.bill)
    before = (Event.objects.count(), Source.objects.count(), Alert.objects.count())
    window = record.window
    with django_capture_on_commit_callbacks() as queued:
        response = otp_admin_client.post(executive_url(record.bill), signature(_preview="Preview"))
    assert response.status_code == 200
    preview = " ".join(response.context["preview"])
    assert "Closes the window opened 18 Dec 2025 (signed)" in preview
    assert "status becomes 'enacted'" in preview
    assert "Saving will raise: new action alert to 1 subscriber" in preview
    # Nothing written, no alert kept, no mail queued.
    assert (Event.objects.count(), Source.objects.count(), Alert.objects.count()) == before
    assert queued == []
    window.refresh_from_db()
    assert window.status == SigningWindow.Status.OPEN
    # A save of something else than was previewed previews again.
    token = response.context["previewed"]
    changed = signature(dt.date(2025, 12, 29), _save="Save", previewed=token)
    response = otp_admin_client.post(executive_url(record.bill), changed)
    assert response.status_code == 200
    assert "Closes the window opened 18 Dec 2025" in " ".join(response.context["preview"])
    assert Event.objects.count() == before[0]
    # The save, as the preview page posts it.
    response = otp_admin_client.post(
        executive_url(record.bill), signature(_save="Save", previewed=token)
    )
    assert response.status_code == 302, response.context["form"].errors
    window.refresh_from_db()
    assert (window.status, window.closed_on) == (SigningWindow.Status.SIGNED, SIGNED)
    assert record.refresh().bill.status == BillStatus.ENACTED
    assert Event.objects.count() == before[0] + 1
    [message] = texts(response)
    assert "Raised: new action alert to 1 subscriber" in message
    # No description entered: the act's own words.
    assert record.bill.events.order_by("-order")[0].description == "President: signed."


@pytest.mark.django_db
def test_receipt_preview_narrows_the_window(otp_admin_client):
    record = kz_record(senate_approved=SENATE_APPROVED)
    response = otp_admin_client.post(
        executive_url(record.bill),
        signature(dt.date(2025, 12, 22), classification="executive-receipt", _preview="Preview"),
    )
    preview = " ".join(response.context["preview"])
    assert "Narrows the window opened 18 Dec 2025: it now closes 22 Jan 2026" in preview


@pytest.mark.django_db
@pytest.mark.parametrize("submit", ["_preview", "_save"])
def test_signature_before_the_approval_is_a_form_error(otp_admin_client, submit):
    record = kz_record(senate_approved=SENATE_APPROVED)
    before = (Event.objects.count(), Source.objects.count())
    response = otp_admin_client.post(
        executive_url(record.bill), signature(dt.date(2025, 12, 10), **{submit: "x"})
    )
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert any("before the approval that sent the bill" in e for e in errors), errors
    assert (Event.objects.count(), Source.objects.count()) == before
    assert record.window.status == SigningWindow.Status.OPEN


@pytest.mark.django_db
def test_bad_input_is_a_form_error_never_a_500(otp_admin_client):
    record = kz_record()
    events = Event.objects.count()
    bad = {
        "member_votes": "Nobody in particular",  # no choice
        "new_source_publisher": "",  # a new source's URL without its publisher
        "date": "2025-13-01",
    }
    response = otp_admin_client.post(chamber_url(record.bill), senate_approval(record, **bad))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"member_votes", "new_source_publisher", "date"} <= set(errors)
    # Counts that the service refuses (more yes votes than seats): its message, on the field.
    record.upper.seats = 50
    record.upper.save()
    response = otp_admin_client.post(
        chamber_url(record.bill), senate_approval(record, yes_count="51", member_votes="")
    )
    assert response.status_code == 200
    assert "51 yes votes is more than the chamber" in response.content.decode()
    assert Event.objects.count() == events


@pytest.mark.django_db
def test_other_bills_and_other_users(otp_admin_client, django_user_model):
    record = kz_record()
    assert otp_admin_client.get("/admin/bills/bill/999999/record/chamber/").status_code == 404
    # Staff without the right to change bills may not record on them.
    otp_admin_client.user.is_superuser = False
    otp_admin_client.user.save()
    assert otp_admin_client.get(chamber_url(record.bill)).status_code == 403


@pytest.mark.django_db
def test_completing_needs_the_same_act_and_chamber(otp_admin_client):
    record = kz_record(senate_approved=UNKNOWN)
    events = Event.objects.count()
    response = otp_admin_client.post(
        chamber_url(record.bill),
        senate_approval(record, chamber=record.lower.pk, complete=str(record.approval.pk)),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["complete"] == [
        f"#{record.approval.order} is the passage of the Senate: choose that act and chamber "
        "to complete it."
    ]
    assert Event.objects.count() == events
    record.approval.refresh_from_db()
    assert record.approval.date is None
