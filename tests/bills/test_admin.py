"""The admin: pages load, validation errors show in the form, saves go through the derivation."""

import datetime

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.urls import reverse

from bills.models import Bill, BillStatus, Classification, Event, MemberVote, Vote
from events.models import Subscription
from tests.bills.factories import EventFactory, SourceFactory, VoteFactory
from tests.events.factories import SubscriptionFactory
from tests.events.fixtures import subscribe

NOV12 = datetime.date(2025, 11, 12)


def management(prefix, initial=0, total=0, max_num=1000):
    return {
        f"{prefix}-TOTAL_FORMS": total,
        f"{prefix}-INITIAL_FORMS": initial,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": max_num,
    }


def event_fields(event):
    """An event's fields as its admin form posts them (without a prefix)."""
    return {
        "order": event.order,
        "classification": event.classification,
        "visibility": event.visibility,
        "chamber": event.chamber_id or "",
        "actor": event.actor,
        "date": event.date.isoformat() if event.date else "",
        "date_precision": event.date_precision,
        "description": event.description,
        "description_ru": event.description_ru,
        "description_kk": event.description_kk,
        "sources": [source.pk for source in event.sources.all()],
    }


def bill_form_data(bill, events=()):
    """POST data for the bill change page: the bill's fields and its one inline, the timeline
    (`events`: the fields of new events to add)."""
    data = {
        "jurisdiction": bill.jurisdiction_id,
        "identifier": bill.identifier,
        "slug": bill.slug,
        "originating_chamber": bill.originating_chamber_id or "",
        "title": bill.title,
        "short_title": bill.short_title,
        "summary": bill.summary,
        "subjects": [subject.pk for subject in bill.subjects.all()],
        "sources": [source.pk for source in bill.sources.all()],
    }
    for name in ("title_ru", "title_kk", "short_title_ru", "short_title_kk"):
        data[name] = getattr(bill, name)
    for name in ("summary_ru", "summary_kk"):
        data[name] = getattr(bill, name)
    existing = list(bill.events.order_by("order"))
    data.update(management("events", initial=len(existing), total=len(existing) + len(events)))
    for i, event in enumerate(existing):
        data.update({f"events-{i}-id": event.pk, f"events-{i}-bill": bill.pk})
        data.update({f"events-{i}-{k}": v for k, v in event_fields(event).items()})
    for j, fields in enumerate(events, start=len(existing)):
        new = {"bill": bill.pk, "actor": "", "description_ru": "", "description_kk": ""}
        data.update({f"events-{j}-{k}": v for k, v in {**new, **fields}.items()})
    return data


def lower_passage(lower) -> dict:
    """A new inline row: the lower house's passage on 12 Nov 2025, with a source."""
    return {
        "order": 2,
        "classification": "passage",
        "visibility": "public",
        "chamber": lower.pk,
        "date": "2025-11-12",
        "date_precision": "day",
        "description": "Passed by the lower house.",
        "sources": [SourceFactory().pk],
    }


def event_form_data(event=None, vote=None, **fields):
    """POST data for the event page (`event`: the one changed, or None to add one), with its
    vote inline (`vote`: the fields of a vote to add with it)."""
    data = {"bill": event.bill_id, **event_fields(event)} if event is not None else {}
    data.update({"description_ru": "", "description_kk": "", "actor": ""} | fields)
    data.update(management("vote", total=1 if vote else 0, max_num=1))
    if vote:
        data.update({f"vote-0-{k}": v for k, v in vote.items()})
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
    # The timeline is the one inline; sources are a field of the bill's form; votes are on
    # their actions' pages.
    assert "events-TOTAL_FORMS" in content
    assert 'name="sources"' in content
    for prefix in ("votes-TOTAL_FORMS", "Bill_sources-TOTAL_FORMS"):
        assert prefix not in content
    assert 'name="status"' not in content  # derived: shown, never editable
    assert "Derived from the public actions" in content


def test_inline_action_saved_in_admin_updates_status_and_history(
    otp_admin_client, introduced_bill, lower
):
    bill = introduced_bill
    url = reverse("admin:bills_bill_change", args=[bill.pk])
    data = bill_form_data(
        bill,
        events=[lower_passage(lower)],
    )
    response = otp_admin_client.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    bill.refresh_from_db()
    assert bill.status == BillStatus.PASSED_LOWER
    assert bill.last_action_on == NOV12
    history = otp_admin_client.get(reverse("admin:bills_bill_history", args=[bill.pk]))
    assert history.status_code == 200
    assert "record-admin" in history.content.decode()  # who changed it


def test_admin_public_event_without_source_shows_error(otp_admin_client, introduced_bill, lower):
    url = reverse("admin:bills_bill_change", args=[introduced_bill.pk])
    data = bill_form_data(
        introduced_bill,
        events=[
            {
                "order": 2,
                "classification": "passage",
                "visibility": "public",
                "chamber": lower.pk,
                "date": "2025-11-12",
                "date_precision": "day",
                "description": "Passed, source to follow.",
            }
        ],
    )
    response = otp_admin_client.post(url, data)
    assert response.status_code == 200
    assert "A public event cites at least one source" in response.content.decode()
    assert introduced_bill.events.count() == 1  # the introduction alone: nothing saved


def test_admin_vote_form_shows_validation_error(otp_admin_client, introduced_bill, lower):
    action = EventFactory(
        bill=introduced_bill, classification=Classification.PASSAGE, chamber=lower, date=NOV12
    )
    response = otp_admin_client.post(
        reverse("admin:bills_vote_add"),
        {
            "action": action.pk,
            "motion": "Passage",
            "motion_ru": "",
            "motion_kk": "",
            "result": "pass",
            "yes_count": 120,
            "no_count": 0,
            **management("member_votes"),
        },
    )
    assert response.status_code == 200
    assert "120 yes votes is more than the chamber&#x27;s 98 seats" in response.content.decode()
    assert not Vote.objects.exists()


def test_admin_inline_vote_before_introduction_shows_error(
    otp_admin_client, introduced_bill, lower
):
    """A vote has no date of its own: the act it decided, added with it on the event's page,
    is dated before the introduction, and the page says so."""
    response = otp_admin_client.post(
        reverse("admin:bills_event_add"),
        event_form_data(
            bill=introduced_bill.pk,
            order=2,
            classification="passage",
            visibility="public",
            chamber=lower.pk,
            date="2025-09-01",
            date_precision="day",
            description="Passed early.",
            sources=[SourceFactory().pk],
            vote={
                "motion": "Early",
                "motion_ru": "",
                "motion_kk": "",
                "result": "pass",
                "yes_count": 50,
                "no_count": 1,
            },
        ),
    )
    assert response.status_code == 200
    content = response.content.decode()
    # The derivation's message, or (while Event.clean does not check the rule) the database
    # trigger's, shown on the form: never a server error.
    assert (
        "before the bill&#x27;s introduction on 2025-10-01" in content
        or "act_after_introduction: act dated before the bill introduction" in content
    )
    assert not Vote.objects.exists()
    assert introduced_bill.events.count() == 1


def test_rule_broken_across_forms_is_a_message_not_a_500(otp_admin_client, bill, lower):
    # A passage (with its vote) on 12 Nov exists; an introduction dated later, added on the same
    # page as a change to the passage, would put the passage before it.
    passage = EventFactory(
        bill=bill,
        classification=Classification.PASSAGE,
        chamber=lower,
        date=NOV12,
        description="Passed.",
    )
    VoteFactory(action=passage, yes_count=None, no_count=None, abstain_count=None, unanimous=True)
    url = reverse("admin:bills_bill_change", args=[bill.pk])
    data = bill_form_data(
        bill,
        events=[
            {
                "order": 2,
                "classification": "introduction",
                "visibility": "public",
                "chamber": lower.pk,
                "date": "2025-11-20",
                "date_precision": "day",
                "description": "Introduced.",
                "sources": [SourceFactory().pk],
            }
        ],
    )
    data["title"] = "A retitled bill"
    data["events-0-description"] = "Passed unanimously."
    response = otp_admin_client.post(url, data, follow=True)
    assert response.status_code == 200
    content = response.content.decode()
    assert "before the bill&#x27;s introduction on 2025-11-20" in content
    assert "Correct one of the dates" in content
    # Nothing was saved: neither form of the page.
    assert not Event.objects.filter(classification=Classification.INTRODUCTION).exists()
    passage.refresh_from_db()
    bill.refresh_from_db()
    assert passage.description == "Passed."
    assert bill.title != "A retitled bill"
    assert Vote.objects.get().action == passage


def test_event_admin_internal_action_leaves_status(otp_admin_client, bill, upper):
    response = otp_admin_client.post(
        reverse("admin:bills_event_add"),
        event_form_data(
            bill=bill.pk,
            order=1,
            classification="passage",
            chamber=upper.pk,
            description="Staff note: Senate passage rumoured.",
            date="2025-11-20",
            date_precision="day",
            visibility="internal",
        ),
    )
    assert response.status_code == 302
    bill.refresh_from_db()
    assert bill.status == BillStatus.INTRODUCED
    event = Event.objects.get()
    assert (
        otp_admin_client.get(reverse("admin:bills_event_history", args=[event.pk])).status_code
        == 200
    )
    # Made public through the admin (with its source and the vote that decided it): now it
    # counts.
    response = otp_admin_client.post(
        reverse("admin:bills_event_change", args=[event.pk]),
        event_form_data(
            event,
            description="The Senate passed the bill.",
            visibility="public",
            sources=[SourceFactory().pk],
            vote={
                "motion": "Passage",
                "motion_ru": "",
                "motion_kk": "",
                "result": "pass",
                "yes_count": 40,
                "no_count": 2,
            },
        ),
    )
    assert response.status_code == 302
    bill.refresh_from_db()
    assert bill.status == BillStatus.PASSED_UPPER
    vote = Vote.objects.get()
    assert (vote.action, vote.yes_count) == (event, 40)
    history = otp_admin_client.get(reverse("admin:bills_event_history", args=[event.pk]))
    assert "record-admin" in history.content.decode()  # who changed it


def test_vote_admin_member_votes_must_agree_with_counts(otp_admin_client, introduced_bill, lower):
    action = EventFactory(
        bill=introduced_bill, classification=Classification.PASSAGE, chamber=lower, date=NOV12
    )
    vote = VoteFactory(action=action, yes_count=2, no_count=1, abstain_count=None)
    url = reverse("admin:bills_vote_change", args=[vote.pk])
    data = {
        "action": action.pk,
        "motion": vote.motion,
        "motion_ru": "",
        "motion_kk": "",
        "result": "pass",
        "yes_count": 2,
        "no_count": 1,
        **management("member_votes", total=2),
        "member_votes-0-member_name": "A. Member",
        "member_votes-0-option": "yes",
        "member_votes-1-member_name": "B. Member",
        "member_votes-1-option": "no",
    }
    response = otp_admin_client.post(url, data)
    assert response.status_code == 200
    assert "The member votes list 1 &#x27;yes&#x27; but the count says 2" in (
        response.content.decode()
    )
    assert not MemberVote.objects.exists()
    # With the list that agrees, the members are saved.
    data.update(
        {
            **management("member_votes", total=3),
            "member_votes-2-member_name": "C. Member",
            "member_votes-2-option": "yes",
        }
    )
    response = otp_admin_client.post(url, data)
    assert response.status_code == 302
    assert sorted(vote.member_votes.values_list("member_name", "option")) == [
        ("A. Member", "yes"),
        ("B. Member", "no"),
        ("C. Member", "yes"),
    ]


def test_subscription_addresses_are_not_listed(otp_admin_client, bill, django_user_model):
    SubscriptionFactory(email="at-risk@example.org", bill=bill)
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
            "sources": [SourceFactory().pk],
            **management("events", total=1),
            "events-0-order": 1,
            "events-0-classification": "introduction",
            "events-0-visibility": "public",
            "events-0-chamber": lower.pk,
            "events-0-date": "2025-10-01",
            "events-0-date_precision": "day",
            "events-0-description": "Introduced.",
            "events-0-sources": [SourceFactory().pk],
        },
    )
    assert response.status_code == 302
    bill = Bill.objects.get(slug="new-bill")
    assert bill.introduced_on == datetime.date(2025, 10, 1)
    assert bill.sources.count() == 1


def test_seeded_bill_pages_in_admin(otp_admin_client, django_assert_max_num_queries):
    from django.core.management import call_command

    call_command("load_seeds", stdout=None)
    bill = Bill.objects.get(slug="kz-lgbt-propaganda-ban")
    change = otp_admin_client.get(reverse("admin:bills_bill_change", args=[bill.pk]))
    assert change.status_code == 200
    content = change.content.decode()
    assert "Mäjilis" in content and "enacted" in content
    history = otp_admin_client.get(reverse("admin:bills_bill_history", args=[bill.pk]))
    assert history.status_code == 200
    with django_assert_max_num_queries(30):
        listing = otp_admin_client.get(reverse("admin:bills_bill_changelist"))
    assert "enacted" in listing.content.decode()


def test_a_save_in_the_admin_says_which_alerts_it_raised(otp_admin_client, introduced_bill, lower):
    subscribe("follower@example.org", bill=introduced_bill)
    url = reverse("admin:bills_bill_change", args=[introduced_bill.pk])
    data = bill_form_data(
        introduced_bill,
        events=[lower_passage(lower)],
    )
    response = otp_admin_client.post(url, data, follow=True)
    shown = [str(m) for m in response.context["messages"]]
    assert any(m == "Raised: new action alert to 1 subscriber." for m in shown), shown
