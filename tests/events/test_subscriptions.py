"""Subscribing: double opt-in with an expiring one-use link, one-click unsubscribe, the purge."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bills.models import Jurisdiction
from events.alerts import deadlines_scan
from events.models import Delivery, Subscription, SubscriptionRequest
from events.subscriptions import (
    subscription_delete,
    subscription_request,
    subscription_request_process,
    subscriptions_purge_unconfirmed,
)
from events.tokens import confirm_token_issue, unsubscribe_token
from tests.events.fixtures import D, kz_bill, rules, subscribe
from tests.record import approve

__all__ = ["kz_bill", "rules"]  # fixtures

SUBSCRIBE = "/alerts/subscribe/"


def _post_subscribe(client: Client, **data) -> object:
    return client.post(SUBSCRIBE, data)


def _confirm_link(message) -> str:
    match = re.search(r"https?://\S+/alerts/confirm/\S+/", message.body)
    assert match, message.body
    return match.group(0).split("8000", 1)[1]


def test_subscribe_sends_a_confirmation_in_the_chosen_language(
    client, kz_bill, eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_subscribe(
            client, email="Reader@Example.org", language="kk", bill=kz_bill.slug
        )
    assert response.status_code == 302
    assert response["Location"] == "/alerts/subscribe/sent/"
    subscription = Subscription.objects.get()
    assert (subscription.email, subscription.language, subscription.status) == (
        "reader@example.org",
        "kk",
        Subscription.Status.PENDING,
    )
    [message] = mail.outbox
    assert message.to == ["reader@example.org"]
    assert "/kk/alerts/confirm/" in message.body
    assert "3" in message.body  # the link's lifetime in days


def test_confirm_needs_a_button_press_then_confirms(
    client, kz_bill, eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _post_subscribe(client, email="reader@example.org", language="en", bill=kz_bill.slug)
    link = _confirm_link(mail.outbox[0])
    page = client.get(link)
    assert page.status_code == 200
    assert b"csrfmiddlewaretoken" in page.content
    # A link scanner's GET confirms nothing.
    assert Subscription.objects.get().status == Subscription.Status.PENDING
    assert client.post(link).status_code == 200
    subscription = Subscription.objects.get()
    assert subscription.status == Subscription.Status.CONFIRMED
    assert subscription.confirmed_at is not None


def test_confirmation_link_expires_after_three_days(client, kz_bill):
    subscription = subscribe("late@example.org", bill=kz_bill, status="pending")
    issued = timezone.now() - datetime.timedelta(days=3, seconds=60)
    token = confirm_token_issue(subscription, now=issued)
    response = client.post(reverse("web:confirm", args=[token]))
    assert response.status_code == 400
    assert b"expired" in response.content
    assert Subscription.objects.get().status == Subscription.Status.PENDING


def test_a_tampered_link_is_refused(client, kz_bill):
    subscription = subscribe("x@example.org", bill=kz_bill, status="pending")
    token = confirm_token_issue(subscription)[:-2] + "xx"
    assert client.get(reverse("web:confirm", args=[token])).status_code == 400
    assert client.post(reverse("web:confirm", args=[token])).status_code == 400
    # An unsubscribe token is not a confirmation token.
    other = unsubscribe_token(subscription)
    assert client.post(reverse("web:confirm", args=[other])).status_code == 400
    assert Subscription.objects.get().status == Subscription.Status.PENDING


def test_same_response_whether_or_not_already_subscribed(
    client, kz_bill, eager, django_capture_on_commit_callbacks
):
    subscribe("known@example.org", bill=kz_bill)
    with django_capture_on_commit_callbacks(execute=True):
        known = _post_subscribe(client, email="known@example.org", language="en", bill=kz_bill.slug)
        new = _post_subscribe(client, email="new@example.org", language="en", bill=kz_bill.slug)
    assert (known.status_code, known["Location"]) == (new.status_code, new["Location"])
    page_known, page_new = client.get(known["Location"]), client.get(new["Location"])
    csrf = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')
    assert csrf.sub(b"", page_known.content) == csrf.sub(b"", page_new.content)
    assert b"@example.org" not in page_new.content
    # The confirmed subscriber is not mailed again; the new one gets a link.
    assert [m.to for m in mail.outbox] == [["new@example.org"]]
    assert Subscription.objects.get(email="known@example.org").status == "confirmed"


def test_bad_input_is_a_form_error_and_creates_nothing(client, kz_bill):
    cases = [
        {"email": "not-an-address", "language": "en", "bill": kz_bill.slug},
        {"email": "a@example.org", "language": "fr", "bill": kz_bill.slug},
        {"email": "a@example.org", "language": "en"},
        {"email": "a@example.org", "language": "en", "bill": "no-such-bill"},
        {"email": "a@example.org", "language": "en", "bill": kz_bill.slug, "jurisdiction": "KZ"},
    ]
    for data in cases:
        response = _post_subscribe(client, **data)
        assert response.status_code == 400, data
        assert b'role="alert"' in response.content
    assert not Subscription.objects.exists()
    assert not SubscriptionRequest.objects.exists()


def test_an_address_with_a_control_character_is_refused(client, kz_bill):
    for address in ("a\x0bb@example.org", "a@exam\x0cple.org", "a\nb@example.org"):
        response = _post_subscribe(client, email=address, language="en", bill=kz_bill.slug)
        assert response.status_code == 400, repr(address)
    assert not SubscriptionRequest.objects.exists()


def test_subscribe_to_a_jurisdiction(client, rules, eager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_subscribe(client, email="j@example.org", language="ru", jurisdiction="KZ")
    assert response.status_code == 302
    assert Subscription.objects.get().jurisdiction == Jurisdiction.objects.get(code="KZ")
    assert len(mail.outbox) == 1


def test_forms_require_csrf(kz_bill):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        SUBSCRIBE, {"email": "a@example.org", "language": "en", "bill": kz_bill.slug}
    )
    assert response.status_code == 403
    subscription = subscribe("a@example.org", bill=kz_bill, status="pending")
    assert (
        client.post(reverse("web:confirm", args=[confirm_token_issue(subscription)])).status_code
        == 403
    )
    unsubscribe = reverse("web:unsubscribe", args=[unsubscribe_token(subscription)])
    assert client.post(unsubscribe).status_code == 403  # the page's button needs the token
    assert Subscription.objects.get().status == "pending"


def test_subscribe_form_partial_renders_with_csrf(rf, kz_bill):
    from django.middleware.csrf import get_token

    request = rf.get("/")
    get_token(request)
    html = render_to_string("web/alerts/subscribe_form.html", {"bill": kz_bill}, request=request)
    assert 'action="/alerts/subscribe/"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert f'value="{kz_bill.slug}"' in html
    kz = Jurisdiction.objects.get(code="KZ")
    html = render_to_string("web/alerts/subscribe_form.html", {"jurisdiction": kz}, request=request)
    assert 'name="jurisdiction" value="KZ"' in html


# --- Unsubscribe ------------------------------------------------------------------------------


@pytest.fixture
def confirmed(kz_record) -> Subscription:
    subscription = subscribe("reader@example.org", bill=kz_record.bill)
    approve(kz_record, D(2025, 12, 18))
    deadlines_scan(as_of=D(2026, 1, 15))
    return subscription


def test_unsubscribe_page_then_button(client, confirmed):
    url = reverse("web:unsubscribe", args=[unsubscribe_token(confirmed)])
    page = client.get(url)
    assert page.status_code == 200 and b"csrfmiddlewaretoken" in page.content
    confirmed.refresh_from_db()
    assert confirmed.status == "confirmed"  # a GET unsubscribes nobody
    assert client.post(url).status_code == 200
    confirmed.refresh_from_db()
    assert confirmed.status == "unsubscribed" and confirmed.unsubscribed_at is not None
    # Pending mail is cancelled.
    assert set(confirmed.deliveries.values_list("status", flat=True)) == {"cancelled"}


def test_rfc8058_one_click_post_without_csrf(confirmed):
    client = Client(enforce_csrf_checks=True)
    url = reverse("web:unsubscribe", args=[unsubscribe_token(confirmed)])
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    confirmed.refresh_from_db()
    assert confirmed.status == "unsubscribed"
    # Twice is fine.
    assert client.post(url, {"List-Unsubscribe": "One-Click"}).status_code == 200


def test_unsubscribe_link_of_a_purged_subscription_is_no_longer_valid(client, confirmed):
    # A link that names nothing any more cannot say why (purged, or replaced because the person
    # subscribed again): saying "unsubscribed" could be false, and either would tell on them.
    url = reverse("web:unsubscribe", args=[unsubscribe_token(confirmed)])
    subscription_delete(subscription=confirmed)
    page = client.get(url)
    assert page.status_code == 400
    assert b"most recent mail" in page.content
    assert client.post(url, {"List-Unsubscribe": "One-Click"}).status_code == 400


def test_resubscribing_after_unsubscribing_needs_confirmation_again(confirmed, kz_bill):
    Subscription.objects.filter(pk=confirmed.pk).update(status="unsubscribed")
    request = subscription_request(email="reader@example.org", language="en", bill=kz_bill)
    assert subscription_request_process(request_id=request.pk) == "confirmation owed"
    confirmed.refresh_from_db()
    assert confirmed.status == "pending"


# --- The purge --------------------------------------------------------------------------------


def test_purge_deletes_stale_unconfirmed_and_unsubscribed_only(kz_bill):
    now = timezone.now()
    old = now - datetime.timedelta(days=8)
    stale = subscribe("stale@example.org", bill=kz_bill, status="pending")
    fresh = subscribe("fresh@example.org", bill=kz_bill, status="pending")
    kept = subscribe("kept@example.org", bill=kz_bill)
    left = subscribe("left@example.org", bill=kz_bill, status="unsubscribed")
    just_left = subscribe("just@example.org", bill=kz_bill, status="unsubscribed")
    Subscription.objects.filter(pk__in=[stale.pk, kept.pk, left.pk, just_left.pk]).update(
        created_at=old
    )
    Subscription.objects.filter(pk=left.pk).update(unsubscribed_at=old)
    Subscription.objects.filter(pk=just_left.pk).update(unsubscribed_at=now)
    assert subscriptions_purge_unconfirmed(now=now) == 2
    assert set(Subscription.objects.values_list("email", flat=True)) == {
        "fresh@example.org",
        "kept@example.org",
        "just@example.org",
    }
    assert fresh.pk  # untouched
    assert not Delivery.objects.filter(subscription_id__in=[stale.pk, left.pk]).exists()


def test_purge_is_scheduled():
    from django.conf import settings

    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "events.tasks.scan_deadlines",
        "events.tasks.sweep_outbox",
        "events.tasks.purge_unconfirmed_subscriptions",
    } <= tasks


def test_sweeper_processes_a_request_whose_publish_was_lost(
    kz_bill, eager, django_capture_on_commit_callbacks
):
    """The request committed but its task never reached the broker (no on_commit run here)."""
    from events.delivery import SWEEP_GRACE
    from events.subscriptions import requests_due
    from events.tasks import sweep_outbox

    subscription_request(email="lost@example.org", language="en", bill=kz_bill)
    assert mail.outbox == []
    assert requests_due() == []  # fresh: its own task may still be on the way
    SubscriptionRequest.objects.update(
        created_at=timezone.now() - SWEEP_GRACE - datetime.timedelta(1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_outbox.apply().get() == 1
    assert [m.to for m in mail.outbox] == [["lost@example.org"]]
    assert Subscription.objects.get().confirmation_sent_at is not None
    assert not SubscriptionRequest.objects.exists()
    assert sweep_outbox.apply().get() == 0


def test_sweeper_sends_a_confirmation_whose_publish_was_lost(kz_bill, eager):
    from events.delivery import SWEEP_GRACE
    from events.subscriptions import confirmations_due
    from events.tasks import sweep_outbox

    request = subscription_request(email="lost@example.org", language="en", bill=kz_bill)
    subscription_request_process(request_id=request.pk)  # its confirmation's publish is lost
    assert mail.outbox == []
    assert confirmations_due() == []
    Subscription.objects.update(created_at=timezone.now() - SWEEP_GRACE - datetime.timedelta(1))
    assert sweep_outbox.apply().get() == 1
    assert [m.to for m in mail.outbox] == [["lost@example.org"]]
    assert Subscription.objects.get().confirmation_sent_at is not None
    assert sweep_outbox.apply().get() == 0


def test_subscribe_page_names_what_is_followed(client, kz_bill):
    page = client.get(SUBSCRIBE, {"bill": kz_bill.slug})
    assert page.status_code == 200
    assert "“LGBT propaganda ban” moves" in page.content.decode()
    assert f'value="{kz_bill.slug}"' in page.content.decode()
    page = client.get(SUBSCRIBE, {"jurisdiction": "KZ"})
    assert "every bill we follow in Kazakhstan" in page.content.decode()


def test_a_refused_confirmation_is_not_retried_for_ever(kz_bill, smtp_refusing):
    """A mail server that refuses the address is asked a few times, not every five minutes for
    the seven days before the purge (finding: the sweeper re-queued it all week)."""
    from events.delivery import SWEEP_GRACE, MailNotSent
    from events.subscriptions import (
        CONFIRMATION_MAX_ATTEMPTS,
        confirmation_send,
        confirmations_due,
    )

    request = subscription_request(email="refused@example.org", language="en", bill=kz_bill)
    subscription_request_process(request_id=request.pk)
    subscription = Subscription.objects.get()
    Subscription.objects.update(created_at=timezone.now() - SWEEP_GRACE - datetime.timedelta(1))
    for _ in range(CONFIRMATION_MAX_ATTEMPTS):
        assert confirmations_due() == [subscription.pk]
        with pytest.raises(MailNotSent, match="SMTPRecipientsRefused"):
            confirmation_send(subscription_id=subscription.pk)
    assert confirmations_due() == []
    assert confirmation_send(subscription_id=subscription.pk) is False


@pytest.fixture
def smtp_refusing(settings):
    """A real SMTP server on a local port that refuses every recipient."""
    import socket

    from aiosmtpd.controller import Controller

    class Refuse:
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            return "550 5.1.1 no such user"

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    controller = Controller(Refuse(), hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    yield port
    controller.stop()
