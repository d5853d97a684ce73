"""Following a family of laws (issue 12, "One law, many countries"): subscribed and confirmed as
any other scope, alerted about every member bill in every jurisdiction, once per person however
many of the bill, its jurisdiction and its family they follow; never about a bill outside it."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from bills import services
from bills.models import Bill, Classification, Family
from events.alerts import alert_fan_out
from events.delivery import deliveries_send
from events.models import Alert, Delivery, Subscription, SubscriptionRequest
from events.subscriptions import subscription_request
from tests.bills.factories import BillFactory, ChamberFactory, EventFactory, FamilyFactory
from tests.events.fixtures import D, subscribe
from tests.events.test_no_enumeration import _shape
from tests.record import KzRecord, approve

pytestmark = pytest.mark.django_db

SUBSCRIBE = "/alerts/subscribe/"


@pytest.fixture
def family(kz_record: KzRecord) -> Family:
    """The "LGBT propaganda" family, with the shared record's Kazakh bill in it."""
    family = FamilyFactory(
        slug="lgbt-propaganda",
        name="“LGBT propaganda” bans",
        name_ru="Запреты «пропаганды ЛГБТ»",
        name_kk="«ЛГБТ насихатына» тыйымдар",
    )
    services.bill_update(bill=kz_record.bill, data={"family": family})
    return family


def _passage(bill: Bill) -> Alert:
    """A passage recorded on `bill` and the 'new action' alert it raised."""
    chamber = ChamberFactory(jurisdiction=bill.jurisdiction)
    event = EventFactory(bill=bill, classification=Classification.PASSAGE, chamber=chamber)
    return Alert.objects.get(kind=Alert.Kind.NEW_ACTION, event=event)


def _recipients(alert: Alert) -> list[str]:
    return sorted(alert.deliveries.values_list("subscription__email", flat=True))


# --- Subscribing ------------------------------------------------------------------------------


def test_subscribe_to_a_family_then_confirm_in_the_subscribers_language(
    client, family, eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            SUBSCRIBE, {"email": "Fam@Example.org", "language": "ru", "family": family.slug}
        )
    assert (response.status_code, response["Location"]) == (302, "/alerts/subscribe/sent/")
    subscription = Subscription.objects.get()
    assert (subscription.family, subscription.bill, subscription.jurisdiction) == (
        family,
        None,
        None,
    )
    assert (subscription.email, subscription.status) == ("fam@example.org", "pending")
    [message] = mail.outbox
    # The confirmation names the family, in Russian.
    assert "Запреты «пропаганды ЛГБТ»" in message.subject
    assert "Запреты «пропаганды ЛГБТ»" in message.body
    link = re.search(r"https?://\S+/alerts/confirm/\S+/", message.body).group(0)
    link = link.split("8000", 1)[1]
    confirmed = client.post(link)
    assert confirmed.status_code == 200
    assert "Запреты «пропаганды ЛГБТ»" in confirmed.content.decode()
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.CONFIRMED


def test_an_unknown_family_is_a_form_error_never_a_500(client, family):
    cases = [
        {"family": "no-such-family"},
        {"family": "lgbt\x00propaganda"},
        {"family": family.slug, "bill": "kz-lgbt-propaganda-ban"},
        {"family": family.slug, "jurisdiction": "KZ"},
    ]
    for extra in cases:
        response = client.post(SUBSCRIBE, {"email": "a@example.org", "language": "en", **extra})
        assert response.status_code == 400, extra
        assert b'role="alert"' in response.content
    response = client.post(
        SUBSCRIBE, {"email": "a@example.org", "language": "en", "family": "no-such-family"}
    )
    assert "This family of laws is not in the tracker." in response.content.decode()
    assert not SubscriptionRequest.objects.exists()
    assert not Subscription.objects.exists()


def test_the_subscribe_page_names_the_family(client, family):
    page = client.get(SUBSCRIBE, {"family": family.slug}).content.decode()
    assert "“LGBT propaganda” bans" in page
    assert f'name="family" value="{family.slug}"' in page
    page = client.get("/kk" + SUBSCRIBE, {"family": family.slug}).content.decode()
    assert "«ЛГБТ насихатына» тыйымдар" in page


def test_the_same_work_whatever_the_address_for_a_family_too(client, family):
    """The family path writes the request row and nothing else, the same statements for a
    confirmed, a pending and an unknown address (the timing is tests/events/test_no_enumeration.py's
    and the bench's: the path is the same)."""
    subscribe("known@example.org", family=family)
    subscribe("pending@example.org", family=family, status=Subscription.Status.PENDING)
    shapes, answers = set(), set()
    for email in ("known@example.org", "pending@example.org", "new@example.org"):
        with CaptureQueriesContext(connection) as queries:
            response = client.post(
                SUBSCRIBE, {"email": email, "language": "en", "family": family.slug}
            )
        shapes.add(tuple(_shape(q["sql"]) for q in queries.captured_queries))
        answers.add((response.status_code, response["Location"]))
    assert len(shapes) == 1
    assert answers == {(302, "/alerts/subscribe/sent/")}
    assert SubscriptionRequest.objects.count() == 3
    assert Subscription.objects.count() == 2


def test_the_form_partial_for_a_family_page(rf, family, kz_record):
    request = rf.get("/")
    get_token(request)
    # A family page's context may hold a bill (a member's row): bill=None makes the family win.
    html = render_to_string(
        "web/alerts/subscribe_form.html",
        {"family": family, "bill": None, "jurisdiction": None, "members": [kz_record.bill]},
        request=request,
    )
    assert 'action="/alerts/subscribe/"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert f'<input type="hidden" name="family" value="{family.slug}">' in html
    assert 'name="bill"' not in html and 'name="jurisdiction"' not in html
    assert "“LGBT propaganda” bans" in html
    assert 'id="subscribe-emaillgbt-propaganda"' in html


def test_one_subscription_per_address_and_family(family):
    subscribe("fam@example.org", family=family)
    subscribe("fam@example.org", family=family)  # asked again: the same row
    assert Subscription.objects.filter(family=family).count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Subscription.objects.create(email="fam@example.org", family=family)


def test_a_subscription_follows_exactly_one_thing(family, kz_record):
    with pytest.raises(IntegrityError), transaction.atomic():
        Subscription.objects.create(email="x@example.org", family=family, bill=kz_record.bill)
    with pytest.raises(IntegrityError), transaction.atomic():
        SubscriptionRequest.objects.create(
            email="x@example.org", family=family, jurisdiction=kz_record.jurisdiction
        )
    with pytest.raises(ValidationError):
        subscription_request(
            email="x@example.org", language="en", family=family, bill=kz_record.bill
        )


def test_deleting_a_family_deletes_its_subscriptions(family, kz_record):
    subscribe("fam@example.org", family=family)
    services.bill_update(bill=kz_record.bill, data={"family": None})
    services.family_delete(family=family)
    assert not Subscription.objects.exists()


# --- Who is alerted ---------------------------------------------------------------------------


def test_an_alert_on_a_member_bill_reaches_each_family_subscriber_once(family, kz_record):
    kz, bill = kz_record.jurisdiction, kz_record.bill
    only_family = subscribe("family@example.org", family=family)
    everything = subscribe("all@example.org", family=family)
    subscribe("all@example.org", bill=bill)
    subscribe("all@example.org", jurisdiction=kz)
    family_and_country = subscribe("fam-kz@example.org", family=family)
    subscribe("fam-kz@example.org", jurisdiction=kz)
    family_and_bill = subscribe("fam-bill@example.org", family=family)
    subscribe("fam-bill@example.org", bill=bill)
    subscribe("pending@example.org", family=family, status=Subscription.Status.PENDING)
    subscribe("gone@example.org", family=family, status=Subscription.Status.UNSUBSCRIBED)
    other = FamilyFactory()
    subscribe("other-family@example.org", family=other)

    event = approve(kz_record, D(2025, 12, 18))
    alert = Alert.objects.get(kind=Alert.Kind.NEW_ACTION, event=event)
    recipients = _recipients(alert)
    assert recipients == [
        "all@example.org",
        "fam-bill@example.org",
        "fam-kz@example.org",
        "family@example.org",
    ]
    # Each person through the closest thing they follow: the bill, then the country.
    by_email = dict(alert.deliveries.values_list("subscription__email", "subscription_id"))
    assert by_email["family@example.org"] == only_family.pk
    assert by_email["all@example.org"] != everything.pk
    assert by_email["fam-kz@example.org"] != family_and_country.pk
    assert by_email["fam-bill@example.org"] != family_and_bill.pk
    assert Subscription.objects.get(pk=by_email["all@example.org"]).bill == bill
    assert Subscription.objects.get(pk=by_email["fam-kz@example.org"]).jurisdiction == kz

    # Sent: one mail per person, and the family-only subscriber is told why.
    deliveries_send(delivery_ids=list(alert.deliveries.values_list("id", flat=True)))
    assert sorted(m.to[0] for m in mail.outbox) == recipients
    [family_mail] = [m for m in mail.outbox if m.to == ["family@example.org"]]
    assert "You receive this because you follow a family of laws: “LGBT propaganda” bans." in (
        family_mail.body
    )
    assert "“LGBT propaganda” bans" in family_mail.body
    [bill_mail] = [m for m in mail.outbox if m.to == ["all@example.org"]]
    assert "You receive this because you follow this bill." in bill_mail.body


def test_a_member_bill_in_another_country_reaches_the_family(family):
    subscribe("family@example.org", family=family)
    georgia = BillFactory(family=family)
    alert = _passage(georgia)
    assert _recipients(alert) == ["family@example.org"]


def test_an_alert_on_a_bill_outside_the_family_does_not_reach_it(family):
    subscribe("family@example.org", family=family)
    outside = _passage(BillFactory())
    other_family = _passage(BillFactory(family=FamilyFactory()))
    assert _recipients(outside) == [] and _recipients(other_family) == []
    assert not Delivery.objects.exists()


def test_family_mail_in_kazakh(family, kz_record):
    subscribe("family@example.org", family=family, language="kk")
    event = approve(kz_record, D(2025, 12, 18))
    alert = Alert.objects.get(kind=Alert.Kind.NEW_ACTION, event=event)
    deliveries_send(delivery_ids=list(alert.deliveries.values_list("id", flat=True)))
    [message] = mail.outbox
    assert "«ЛГБТ насихатына» тыйымдар" in message.body
    assert "You receive this" not in message.body


def test_repeated_fan_out_adds_nobody(family, kz_record):
    subscribe("family@example.org", family=family)
    subscribe("both@example.org", family=family)
    subscribe("both@example.org", bill=kz_record.bill)
    event = approve(kz_record, D(2025, 12, 18))
    alert = Alert.objects.get(kind=Alert.Kind.NEW_ACTION, event=event)
    alert_fan_out(alert=alert)
    assert _recipients(alert) == ["both@example.org", "family@example.org"]
