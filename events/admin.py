"""Admin for alerts, subscriptions and the outbox: read-only.

Alerts and deliveries are written by the alerting code alone, and never deleted here: a deleted
delivery would be created again by the next fan-out, and its mail sent twice. Subscriber e-mail
addresses never appear in changelists; only superusers can see or search them, on the change
page. A subscription can be deleted (an erasure request), through its service. Webhooks are
the same: their URL and owner's address are shown to superusers only, their secret to nobody
(it was shown once, at registration: `manage.py webhook_register`); they can be deleted.
"""

from __future__ import annotations

from django.contrib import admin

from events.models import Alert, Delivery, Subscription, Webhook
from events.subscriptions import subscription_delete
from events.webhooks import webhook_delete

SUBSCRIBER_FIELDS = frozenset({"email", "owner_email", "target_url", "secret"})


class SubscriberFieldsForSuperusersMixin:
    """Only superusers may filter, search or order by a subscriber's address, on any path to it
    (`?email__startswith=al` would otherwise spell an address out, even with the field hidden)."""

    def lookup_allowed(self, lookup, value, request=None):
        parts = set(lookup.split("__"))
        if parts & SUBSCRIBER_FIELDS and not (request is not None and request.user.is_superuser):
            return False
        return super().lookup_allowed(lookup, value, request)  # type: ignore[misc]

    def get_ordering(self, request):
        ordering = super().get_ordering(request) or ()  # type: ignore[misc]
        return [o for o in ordering if not set(o.lstrip("-").split("__")) & SUBSCRIBER_FIELDS]


class ReadOnlyAdminMixin(SubscriberFieldsForSuperusersMixin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class WrittenByTheOutboxMixin(ReadOnlyAdminMixin):
    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Alert)
class AlertAdmin(WrittenByTheOutboxMixin, admin.ModelAdmin):
    list_display = ["kind", "bill", "threshold_days", "window", "event", "created_at"]
    list_filter = ["kind", "bill__jurisdiction"]
    search_fields = ["bill__title", "bill__short_title"]
    list_select_related = ["bill", "window", "event"]
    date_hierarchy = "created_at"


class SubscriberIdentityAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """A subscriber's row: read-only, its identity (`identity_fields`) shown and searched by
    superusers only, and deleted through its service (`service_delete`), one row at a time."""

    identity_fields: tuple[str, ...] = ()
    record_fields: tuple[str, ...] = ()

    def service_delete(self, obj) -> None:
        raise NotImplementedError

    def get_search_fields(self, request):
        if request.user.is_superuser:
            return list(self.identity_fields)
        return ["bill__title", "bill__short_title"]

    def get_fields(self, request, obj=None):
        identity = list(self.identity_fields) if request.user.is_superuser else []
        return identity + list(self.record_fields)

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    def delete_model(self, request, obj):
        self.service_delete(obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.service_delete(obj)


@admin.register(Subscription)
class SubscriptionAdmin(SubscriberIdentityAdmin):
    """Addresses are people at risk: hidden from lists, visible to superusers only."""

    list_display = ["__str__", "scope", "language", "status", "created_at"]
    list_filter = ["status", "language", "jurisdiction", "family"]
    list_select_related = ["bill", "jurisdiction", "family"]
    date_hierarchy = "created_at"
    identity_fields = ("email",)
    record_fields = (
        "scope",
        "bill",
        "jurisdiction",
        "family",
        "language",
        "status",
        "created_at",
        "confirmed_at",
        "unsubscribed_at",
    )

    @admin.display(description="follows")
    def scope(self, obj: Subscription) -> str:
        """The one thing followed (a CHECK constraint), named with its kind."""
        if obj.bill is not None:
            return f"bill: {obj.bill}"
        if obj.jurisdiction is not None:
            return f"jurisdiction: {obj.jurisdiction}"
        if obj.family is not None:
            return f"family of laws: {obj.family}"
        return "-"

    def service_delete(self, obj) -> None:
        subscription_delete(subscription=obj)


@admin.register(Webhook)
class WebhookAdmin(SubscriberIdentityAdmin):
    """A webhook's URL and owner are subscriber identity: superusers only; the secret: nobody."""

    list_display = ["__str__", "bill", "jurisdiction", "status", "consecutive_failures"]
    list_filter = ["status", "jurisdiction"]
    list_select_related = ["bill", "jurisdiction"]
    date_hierarchy = "created_at"
    identity_fields = ("owner_email", "target_url")
    record_fields = (
        "bill",
        "jurisdiction",
        "language",
        "status",
        "consecutive_failures",
        "challenge_attempts",
        "created_at",
        "confirmed_at",
        "disabled_at",
    )

    def service_delete(self, obj) -> None:
        webhook_delete(webhook=obj)


@admin.register(Delivery)
class DeliveryAdmin(WrittenByTheOutboxMixin, admin.ModelAdmin):
    list_display = [
        "__str__",
        "alert",
        "subscription",
        "webhook",
        "status",
        "attempts",
        "sent_at",
    ]
    list_filter = ["status", "alert__kind"]
    search_fields = ["alert__bill__title", "last_error"]
    list_select_related = ["alert", "alert__bill", "subscription", "webhook"]
    readonly_fields = [
        "alert",
        "subscription",
        "webhook",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "sent_at",
        "created_at",
    ]
    fields = list(readonly_fields)
