"""Admin for the timeline, alerts, subscriptions and the outbox.

Events are edited like votes: every save or delete ends in record_changed (status, window, alert).
Alerts and deliveries are read-only (the alerting code writes them). Subscriber e-mail addresses
never appear in changelists; only superusers can see or search them, on the change page.
"""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from bills.admin import RollbackOnRuleErrorMixin
from bills.models import Bill
from events.models import Alert, Delivery, Event, Subscription, Visibility
from events.services import record_changed


class ReadOnlyAdminMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(RollbackOnRuleErrorMixin, SimpleHistoryAdmin):
    list_display = ["bill", "order", "classification", "chamber", "date", "visibility"]
    list_filter = [
        "visibility",
        "classification",
        "date_precision",
        "bill__jurisdiction",
        "chamber",
    ]
    search_fields = [
        "description",
        "description_ru",
        "description_kk",
        "actor",
        "bill__title",
        "bill__short_title",
    ]
    list_select_related = ["bill", "chamber", "chamber__jurisdiction"]
    autocomplete_fields = ["bill", "sources"]
    raw_id_fields = ["vote"]
    ordering = ["bill", "order"]

    def save_model(self, request, obj, form, change):
        became_public = obj.visibility == Visibility.PUBLIC and (
            not change or "visibility" in form.changed_data
        )
        super().save_model(request, obj, form, change)
        record_changed(bill=obj.bill, new_public_events=[obj] if became_public else [])

    def delete_model(self, request, obj):
        bill = obj.bill
        super().delete_model(request, obj)
        record_changed(bill=bill)

    def delete_queryset(self, request, queryset):
        bills = list(Bill.objects.filter(events__in=queryset).distinct())
        super().delete_queryset(request, queryset)
        for bill in bills:
            record_changed(bill=bill)


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["kind", "bill", "threshold_days", "window", "event", "created_at"]
    list_filter = ["kind", "bill__jurisdiction"]
    search_fields = ["bill__title", "bill__short_title"]
    list_select_related = ["bill", "window", "event"]
    date_hierarchy = "created_at"


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Addresses are people at risk: hidden from lists, visible to superusers only."""

    list_display = ["__str__", "bill", "jurisdiction", "language", "status", "created_at"]
    list_filter = ["status", "language", "jurisdiction"]
    list_select_related = ["bill", "jurisdiction"]
    date_hierarchy = "created_at"

    def get_search_fields(self, request):
        if request.user.is_superuser:
            return ["email"]
        return ["bill__title", "bill__short_title"]

    def get_fields(self, request, obj=None):
        fields = [
            "bill",
            "jurisdiction",
            "language",
            "status",
            "created_at",
            "confirmed_at",
            "unsubscribed_at",
        ]
        return (["email"] if request.user.is_superuser else []) + fields

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "alert", "subscription", "status", "attempts", "sent_at"]
    list_filter = ["status", "alert__kind"]
    search_fields = ["alert__bill__title", "last_error"]
    list_select_related = ["alert", "alert__bill", "subscription"]
    readonly_fields = [
        "alert",
        "subscription",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "sent_at",
        "created_at",
    ]
    fields = list(readonly_fields)
