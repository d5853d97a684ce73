"""Staff who are not superusers never reach a subscriber's address through the admin: not on a
page, and not by filtering, searching or ordering on it (finding: a view-only account could run
`?email__startswith=al` and spell addresses out)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.bills.factories import FamilyFactory
from tests.events.factories import DeliveryFactory, SubscriptionFactory, WebhookFactory

pytestmark = pytest.mark.django_db
ADDRESS = "alice.activist@example.org"


@pytest.fixture
def viewer(client, django_user_model):
    """A verified staff member allowed to view subscriptions, deliveries and alerts only."""
    user = django_user_model.objects.create_user("viewer", password="x", is_staff=True)
    for codename in ("view_subscription", "view_delivery", "view_alert", "view_webhook"):
        user.user_permissions.add(Permission.objects.get(codename=codename))
    device = TOTPDevice.objects.create(user=user, name="t", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def delivery():
    delivery = DeliveryFactory()
    SubscriptionFactory(email=ADDRESS, bill=delivery.alert.bill)
    return delivery


LOOKUPS = [
    ("subscription", "email", ADDRESS),
    ("subscription", "email__exact", ADDRESS),
    ("subscription", "email__iexact", ADDRESS.upper()),
    ("subscription", "email__startswith", "al"),
    ("subscription", "email__istartswith", "AL"),
    ("subscription", "email__contains", "activist"),
    ("subscription", "email__icontains", "ACTIVIST"),
    ("subscription", "email__endswith", "example.org"),
    ("subscription", "email__regex", "^ali"),
    ("subscription", "email__iregex", "^ALI"),
    ("subscription", "email__in", ADDRESS),
    ("subscription", "email__gt", "a"),
    ("subscription", "email__isnull", "False"),
    ("delivery", "subscription__email__startswith", "al"),
    ("delivery", "subscription__email__regex", "^ali"),
    ("alert", "deliveries__subscription__email__startswith", "al"),
]


@pytest.mark.parametrize(("model", "lookup", "value"), LOOKUPS)
def test_a_view_only_staff_member_cannot_filter_on_an_address(
    viewer, delivery, model, lookup, value
):
    response = viewer.get(f"/admin/events/{model}/", {lookup: value})
    # Django answers a disallowed lookup with 400 (DisallowedModelAdminLookup).
    assert response.status_code == 400, (lookup, response.status_code)


def test_a_view_only_staff_member_cannot_search_or_order_by_an_address(viewer, delivery):
    searched = viewer.get("/admin/events/subscription/", {"q": "alice"})
    assert searched.status_code == 200
    assert "0 subscriptions" in searched.content.decode() or b"alice" not in searched.content
    assert ADDRESS.encode() not in searched.content
    ordered = viewer.get("/admin/events/subscription/", {"o": "1"})
    assert ordered.status_code == 200
    assert ADDRESS.encode() not in ordered.content
    page = viewer.get(f"/admin/events/subscription/{delivery.subscription.pk}/change/")
    assert page.status_code == 200
    assert b"@example.org" not in page.content


def test_a_superuser_may_search_and_filter_by_address(otp_admin_client, delivery):
    found = otp_admin_client.get("/admin/events/subscription/", {"email__startswith": "alice"})
    assert found.status_code == 200
    assert "1 subscription" in found.content.decode()
    searched = otp_admin_client.get("/admin/events/subscription/", {"q": "alice"})
    assert "1 subscription" in searched.content.decode()


HOOK_URL = "http://127.0.0.1:9/hooks/secret-path-token"


@pytest.mark.parametrize(
    ("model", "lookup", "value"),
    [
        ("webhook", "owner_email__startswith", "al"),
        ("webhook", "target_url__contains", "secret-path"),
        ("webhook", "secret__startswith", "a"),
        ("delivery", "webhook__target_url__startswith", "http"),
    ],
)
def test_a_view_only_staff_member_cannot_filter_on_a_webhooks_identity(
    viewer, model, lookup, value
):
    WebhookFactory(owner_email=ADDRESS, target_url=HOOK_URL)
    assert viewer.get(f"/admin/events/{model}/", {lookup: value}).status_code == 400


@pytest.mark.parametrize("who", ["viewer", "superuser"])
def test_a_webhooks_url_and_owner_for_superusers_only_its_secret_for_nobody(request, who):
    # One client per test: the two fixtures log the same test client in.
    client = request.getfixturevalue("viewer" if who == "viewer" else "otp_admin_client")
    shown = who == "superuser"
    webhook = WebhookFactory(owner_email=ADDRESS, target_url=HOOK_URL)
    page = f"/admin/events/webhook/{webhook.pk}/change/"
    for url in ("/admin/events/webhook/", page):
        response = client.get(url)
        assert response.status_code == 200
        content = response.content.decode()
        assert webhook.secret not in content
        if url == page:
            assert (ADDRESS in content) is shown and (HOOK_URL in content) is shown
        else:
            assert ADDRESS not in content and HOOK_URL not in content


def test_the_scope_is_shown_and_a_family_filter_offered_without_the_address(viewer):
    family = FamilyFactory(name="LGBT propaganda bans")
    subscription = SubscriptionFactory(email=ADDRESS, bill=None, family=family)
    listing = viewer.get("/admin/events/subscription/")
    assert listing.status_code == 200
    content = listing.content.decode()
    assert "family of laws: LGBT propaganda bans" in content
    assert f"family__id__exact={family.pk}" in content
    assert ADDRESS not in content
    filtered = viewer.get("/admin/events/subscription/", {"family__id__exact": family.pk})
    assert "1 subscription" in filtered.content.decode()
    page = viewer.get(f"/admin/events/subscription/{subscription.pk}/change/")
    assert "family of laws: LGBT propaganda bans" in page.content.decode()
    assert b"@example.org" not in page.content
