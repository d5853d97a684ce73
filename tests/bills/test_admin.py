"""The admin: pages load, validation errors show in the form, saves go through the derivation."""

import datetime

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.urls import reverse

from bills.models import Bill, BillStatus, Vote
from events.models import Event, Subscription
from events.services import vote_record
from tests.bills.factories import SourceFactory

NOV12 = datetime.date(2025, 11, 12)


def bill_form_data(bill, events=(), votes=()):
    """POST data for the bill change page: the bill's fields and its inline formsets."""
    data = {
        "jurisdiction": bill.jurisdiction_id,
        "identifier": bill.identifier,
        "slug": bill.slug,
        "originating_chamber": "",
        "title": bill.title,
        "short_title": bill.short_title,
        "summary": bill.summary,
    }
    for name in ("title_ru", "title_kk", "short_title_ru", "short_title_kk"):
        data[name] = ""
    for name in ("summary_ru", "summary_kk"):
        data[name] = ""
    existing_events = list(bill.events.all())
    existing_votes = list(bill.votes.all())
    for prefix, initial, extra in (
        ("events", existing_events, events),
        ("votes", existing_votes, votes),
        ("Bill_sources", [], []),
    ):
        data[f"{prefix}-TOTAL_FORMS"] = len(initial) + len(extra)
        data[f"{prefix}-INITIAL_FORMS"] = len(initial)
        data[f"{prefix}-MIN_NUM_FORMS"] = 0
        data[f"{prefix}-MAX_NUM_FORMS"] = 1000
    for i, event in enumerate(existing_events):
        data.update(
            {
                f"events-{i}-id": event.pk,
                f"events-{i}-bill": bill.pk,
                f"events-{i}-order": event.order,
                f"events-{i}-classification": event.classification,
                f"events-{i}-visibility": event.visibility,
                f"events-{i}-chamber": event.chamber_id or "",
                f"events-{i}-actor": event.actor,
                f"events-{i}-date": event.date.isoformat() if event.date else "",
                f"events-{i}-date_precision": event.date_precision,
                f"events-{i}-vote": event.vote_id or "",
                f"events-{i}-description": event.description,
            }
        )
    for j, fields in enumerate(events, start=len(existing_events)):
        data.update({f"events-{j}-bill": bill.pk, f"events-{j}-actor": ""})
        data.update({f"events-{j}-{k}": v for k, v in fields.items()})
    for i, vote in enumerate(existing_votes):
        data.update(
            {
                f"votes-{i}-id": vote.pk,
                f"votes-{i}-bill": bill.pk,
                f"votes-{i}-chamber": vote.chamber_id,
                f"votes-{i}-date": vote.date.isoformat(),
                f"votes-{i}-result": vote.result,
                f"votes-{i}-motion": vote.motion,
                f"votes-{i}-yes_count": vote.yes_count if vote.yes_count is not None else "",
                f"votes-{i}-no_count": vote.no_count if vote.no_count is not None else "",
            }
        )
    for j, fields in enumerate(votes, start=len(existing_votes)):
        data[f"votes-{j}-bill"] = bill.pk
        data.update({f"votes-{j}-{k}": v for k, v in fields.items()})
    return data


@pytest.mark.parametrize("app_label", ["bills", "events"])
def test_every_changelist_loads_with_search(otp_admin_client, bill, app_label):
    from django.contrib import admin

    for model in apps.get_app_config(app_label).get_models():
        if model not in admin.site._registry:
            continue
        model_admin = admin.site._registry[model]
        url = reverse(f"admin:{app_label}_{model._meta.model_name}_changelist")
        response = otp_admin_client.get(url, {"q": "x"})
        assert response.status_code == 200, url
        assert model_admin.get_search_fields(response.wsgi_request), f"{model} has no search"
        assert model_admin.get_list_filter(response.wsgi_request), f"{model} has no filters"


def test_bill_change_page_has_inlines_and_read_only_status(otp_admin_client, introduced_bill):
    url = reverse("admin:bills_bill_change", args=[introduced_bill.pk])
    response = otp_admin_client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    for prefix in ("events-TOTAL_FORMS", "votes-TOTAL_FORMS", "Bill_sources-TOTAL_FORMS"):
        assert prefix in content
    assert 'name="status"' not in content  # derived: shown, never editable
    assert "Derived from the public actions" in content


def test_inline_action_saved_in_admin_updates_status_and_history(
    otp_admin_client, introduced_bill, lower
):
    bill = introduced_bill
    url = reverse("admin:bills_bill_change", args=[bill.pk])
    data = bill_form_data(
        bill,
        events=[
            {
                "order": 2,
                "classification": "passage",
                "visibility": "public",
                "chamber": lower.pk,
                "date": "2025-11-12",
                "date_precision": "day",
                "description": "Passed by the lower house.",
            }
        ],
    )
    response = otp_admin_client.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    bill.refresh_from_db()
    assert bill.status == BillStatus.PASSED_LOWER
    assert bill.last_action_on == NOV12
    history = otp_admin_client.get(reverse("admin:bills_bill_history", args=[bill.pk]))
    assert history.status_code == 200
    assert "record-admin" in history.content.decode()  # who changed it


def test_admin_vote_form_shows_validation_error(otp_admin_client, introduced_bill, lower):
    response = otp_admin_client.post(
        reverse("admin:bills_vote_add"),
        {
            "bill": introduced_bill.pk,
            "chamber": lower.pk,
            "date": "2025-11-12",
            "motion": "Passage",
            "result": "pass",
            "yes_count": 120,
            "no_count": 0,
            "member_votes-TOTAL_FORMS": 0,
            "member_votes-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "120 yes votes is more than the chamber&#x27;s 98 seats" in response.content.decode()
    assert not Vote.objects.exists()


def test_admin_inline_vote_before_introduction_shows_error(
    otp_admin_client, introduced_bill, lower
):
    url = reverse("admin:bills_bill_change", args=[introduced_bill.pk])
    data = bill_form_data(
        introduced_bill,
        votes=[
            {
                "chamber": lower.pk,
                "date": "2025-09-01",
                "result": "pass",
                "motion": "Early",
                "yes_count": 50,
                "no_count": 1,
            }
        ],
    )
    response = otp_admin_client.post(url, data)
    assert response.status_code == 200
    assert "before the bill&#x27;s introduction on 2025-10-01" in response.content.decode()
    assert not Vote.objects.exists()


def test_rule_broken_across_forms_is_a_message_not_a_500(otp_admin_client, bill, lower):
    # A vote on 12 Nov exists; an introduction dated later would put the vote before it.
    vote_record(
        bill=bill, chamber=lower, date=NOV12, motion="Passage", result="pass", unanimous=True
    )
    url = reverse("admin:bills_bill_change", args=[bill.pk])
    data = bill_form_data(
        bill,
        events=[
            {
                "order": 1,
                "classification": "introduction",
                "visibility": "public",
                "chamber": lower.pk,
                "date": "2025-11-20",
                "date_precision": "day",
                "description": "Introduced.",
            }
        ],
    )
    data["votes-0-yes_count"] = ""
    data["votes-0-unanimous"] = "on"
    response = otp_admin_client.post(url, data, follow=True)
    assert response.status_code == 200
    assert "Nothing was saved" in response.content.decode()
    assert not Event.objects.exists()


def test_event_admin_internal_action_leaves_status(otp_admin_client, bill, upper):
    response = otp_admin_client.post(
        reverse("admin:events_event_add"),
        {
            "bill": bill.pk,
            "order": 1,
            "classification": "passage",
            "chamber": upper.pk,
            "description": "Staff note: Senate passage rumoured.",
            "date": "2025-11-20",
            "date_precision": "day",
            "visibility": "internal",
        },
    )
    assert response.status_code == 302
    bill.refresh_from_db()
    assert bill.status == BillStatus.INTRODUCED
    event = Event.objects.get()
    assert (
        otp_admin_client.get(reverse("admin:events_event_history", args=[event.pk])).status_code
        == 200
    )
    # Made public through the admin: now it counts.
    response = otp_admin_client.post(
        reverse("admin:events_event_change", args=[event.pk]),
        {
            "bill": bill.pk,
            "order": 1,
            "classification": "passage",
            "chamber": upper.pk,
            "description": "The Senate passed the bill.",
            "date": "2025-11-20",
            "date_precision": "day",
            "visibility": "public",
            "sources": [SourceFactory().pk],
        },
    )
    assert response.status_code == 302
    bill.refresh_from_db()
    assert bill.status == BillStatus.PASSED_UPPER


def test_subscription_addresses_are_not_listed(otp_admin_client, bill, django_user_model):
    Subscription.objects.create(email="at-risk@example.org", bill=bill)
    listing = otp_admin_client.get(reverse("admin:events_subscription_changelist"))
    assert listing.status_code == 200
    assert "at-risk@example.org" not in listing.content.decode()
    # A superuser may search by address and see it on the change page ...
    found = otp_admin_client.get(reverse("admin:events_subscription_changelist"), {"q": "at-risk@"})
    assert "1 result" in found.content.decode() or "1 subscription" in found.content.decode()
    sub = Subscription.objects.get()
    change = otp_admin_client.get(reverse("admin:events_subscription_change", args=[sub.pk]))
    assert "at-risk@example.org" in change.content.decode()
    # ... a staff member with view rights sees no address anywhere.
    otp_admin_client.user.is_superuser = False
    otp_admin_client.user.save()
    otp_admin_client.user.user_permissions.add(Permission.objects.get(codename="view_subscription"))
    change = otp_admin_client.get(reverse("admin:events_subscription_change", args=[sub.pk]))
    assert change.status_code == 200
    assert "at-risk@example.org" not in change.content.decode()
    search = otp_admin_client.get(
        reverse("admin:events_subscription_changelist"), {"q": "at-risk@"}
    )
    assert "at-risk@example.org" not in search.content.decode()
    assert "0 subscriptions" in search.content.decode() or "0 results" in search.content.decode()


def test_bill_added_in_admin_is_derived(otp_admin_client, kz, lower):
    response = otp_admin_client.post(
        reverse("admin:bills_bill_add"),
        {
            "jurisdiction": kz.pk,
            "slug": "new-bill",
            "title": "A new bill",
            "short_title": "New bill",
            "summary": "",
            "events-TOTAL_FORMS": 1,
            "events-INITIAL_FORMS": 0,
            "events-0-order": 1,
            "events-0-classification": "introduction",
            "events-0-visibility": "public",
            "events-0-chamber": lower.pk,
            "events-0-date": "2025-10-01",
            "events-0-date_precision": "day",
            "events-0-description": "Introduced.",
            "votes-TOTAL_FORMS": 0,
            "votes-INITIAL_FORMS": 0,
            "Bill_sources-TOTAL_FORMS": 0,
            "Bill_sources-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302
    bill = Bill.objects.get(slug="new-bill")
    assert bill.introduced_on == datetime.date(2025, 10, 1)


def test_seeded_bill_pages_in_admin(otp_admin_client, django_assert_max_num_queries):
    from django.core.management import call_command

    call_command("load_seeds", stdout=None)
    bill = Bill.objects.get(slug="kz-lgbt-propaganda-ban")
    change = otp_admin_client.get(reverse("admin:bills_bill_change", args=[bill.pk]))
    assert change.status_code == 200
    content = change.content.decode()
    assert "Mäjilis" in content and "awaiting signature" in content
    history = otp_admin_client.get(reverse("admin:bills_bill_history", args=[bill.pk]))
    assert history.status_code == 200
    with django_assert_max_num_queries(30):
        listing = otp_admin_client.get(reverse("admin:bills_bill_changelist"))
    assert "awaiting signature" in listing.content.decode()
