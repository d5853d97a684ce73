"""The admin: how admins enter and correct the record.

Derived fields (a bill's status and dates) are read-only here. Every save or delete of a bill,
its actions or its votes ends in events.services.record_changed, the same derivation path the
services use (status refresh, signing-window sync, 'new action' alerts), in the admin's own
transaction. A rule broken across forms (caught by the services or the database triggers) rolls
the whole save back and is shown as an error message instead of a server error.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from simple_history.admin import SimpleHistoryAdmin

from bills import signing
from bills.models import (
    Bill,
    Chamber,
    Jurisdiction,
    MemberVote,
    SigningRule,
    SigningRuleStep,
    SigningWindow,
    Source,
    Subject,
    Vote,
)
from events.models import Event, Visibility
from events.services import record_changed


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__


class RollbackOnRuleErrorMixin:
    """Turn a rule broken at save time (service ValidationError, trigger IntegrityError) into
    an error message; Django's changeform transaction has already rolled everything back."""

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)  # type: ignore[misc]
        except (ValidationError, IntegrityError) as exc:
            self.message_user(  # type: ignore[attr-defined]
                request, f"Nothing was saved: {_error_text(exc)}", level=messages.ERROR
            )
            return HttpResponseRedirect(request.get_full_path())


class ChamberInline(admin.TabularInline):
    model = Chamber
    extra = 0
    fields = ["classification", "name", "name_ru", "name_kk", "seats"]


@admin.register(Jurisdiction)
class JurisdictionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "classification", "timezone", "executive_title"]
    list_filter = ["classification", "timezone"]
    search_fields = ["code", "name", "name_ru", "name_kk", "ocd_id"]
    inlines = [ChamberInline]


@admin.register(Chamber)
class ChamberAdmin(admin.ModelAdmin):
    list_display = ["name", "jurisdiction", "classification", "seats"]
    list_filter = ["jurisdiction", "classification"]
    search_fields = ["name", "name_ru", "name_kk", "jurisdiction__code"]
    list_select_related = ["jurisdiction"]


@admin.register(Subject)
class SubjectAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "name_ru", "name_kk"]
    search_fields = ["slug", "name", "name_ru", "name_kk"]
    list_filter = ["bills__jurisdiction"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["publisher", "title", "published_on", "published_precision", "url"]
    list_filter = ["published_precision", "publisher"]
    search_fields = ["publisher", "title", "url", "note"]
    date_hierarchy = "published_on"


class BillSourceInline(admin.TabularInline):
    model = Bill.sources.through
    extra = 0
    verbose_name = "source"
    verbose_name_plural = "sources for the bill"
    autocomplete_fields = ["source"]


class BillScopedInlineMixin:
    """Offer only the bill's own jurisdiction's chambers (and the bill's votes) in inlines."""

    def _bill_from_request(self, request: HttpRequest) -> Bill | None:
        match = request.resolver_match
        object_id = match.kwargs.get("object_id") if match else None
        if not object_id:
            return None
        return Bill.objects.filter(pk=object_id).first()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        bill = self._bill_from_request(request)
        if bill is not None and db_field.name == "chamber":
            kwargs["queryset"] = Chamber.objects.filter(jurisdiction=bill.jurisdiction_id)
        if db_field.name == "vote":
            kwargs["queryset"] = (
                Vote.objects.filter(bill=bill) if bill is not None else Vote.objects.none()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


class EventInline(BillScopedInlineMixin, admin.StackedInline):
    model = Event
    extra = 0
    fields = [
        ("order", "classification", "visibility"),
        ("chamber", "actor"),
        ("date", "date_precision"),
        "vote",
        "description",
        "description_ru",
        "description_kk",
        "sources",
    ]
    autocomplete_fields = ["sources"]
    ordering = ["order"]
    show_change_link = True


class VoteInline(BillScopedInlineMixin, admin.StackedInline):
    model = Vote
    extra = 0
    fields = [
        ("chamber", "date", "result", "unanimous"),
        "motion",
        ("motion_ru", "motion_kk"),
        ("yes_count", "no_count", "abstain_count", "absent_count", "not_voting_count"),
        "sources",
    ]
    autocomplete_fields = ["sources"]
    show_change_link = True


@admin.register(Bill)
class BillAdmin(RollbackOnRuleErrorMixin, SimpleHistoryAdmin):
    list_display = [
        "display_title",
        "identifier",
        "jurisdiction",
        "status",
        "introduced_on",
        "last_action_on",
    ]
    list_filter = ["status", "jurisdiction", "subjects"]
    search_fields = [
        "identifier",
        "slug",
        "title",
        "title_ru",
        "title_kk",
        "short_title",
        "short_title_ru",
        "short_title_kk",
        "summary",
    ]
    list_select_related = ["jurisdiction"]
    readonly_fields = ["status", "introduced_on", "last_action_on", "created_at", "updated_at"]
    prepopulated_fields = {"slug": ["short_title"]}
    autocomplete_fields = ["subjects"]
    fieldsets = [
        (None, {"fields": ["jurisdiction", "identifier", "slug", "originating_chamber"]}),
        ("Titles", {"fields": ["title", "title_ru", "title_kk", "short_title"]}),
        (
            "Translations of the short title",
            {"fields": ["short_title_ru", "short_title_kk"], "classes": ["collapse"]},
        ),
        ("Summary", {"fields": ["summary", "summary_ru", "summary_kk", "subjects"]}),
        (
            "Derived from the public actions (read-only)",
            {"fields": ["status", "introduced_on", "last_action_on", "created_at", "updated_at"]},
        ),
    ]
    inlines = [EventInline, VoteInline, BillSourceInline]

    @admin.display(description="title", ordering="title")
    def display_title(self, obj: Bill) -> str:
        return str(obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "originating_chamber":
            match = request.resolver_match
            object_id = match.kwargs.get("object_id") if match else None
            bill = Bill.objects.filter(pk=object_id).first() if object_id else None
            if bill is not None:
                kwargs["queryset"] = Chamber.objects.filter(jurisdiction=bill.jurisdiction_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        newly_public: list[Event] = []
        for formset in formsets:
            if formset.model is not Event:
                continue
            newly_public.extend(formset.new_objects)
            newly_public.extend(
                event for event, fields in formset.changed_objects if "visibility" in fields
            )
        record_changed(
            bill=form.instance,
            new_public_events=[e for e in newly_public if e.visibility == Visibility.PUBLIC],
        )


class MemberVoteInline(admin.TabularInline):
    model = MemberVote
    extra = 0


@admin.register(Vote)
class VoteAdmin(RollbackOnRuleErrorMixin, SimpleHistoryAdmin):
    list_display = ["bill", "chamber", "date", "motion", "result", "yes_count", "no_count"]
    list_filter = ["result", "unanimous", "chamber__jurisdiction", "chamber"]
    search_fields = ["motion", "motion_ru", "motion_kk", "bill__title", "bill__short_title"]
    list_select_related = ["bill", "chamber", "chamber__jurisdiction"]
    date_hierarchy = "date"
    autocomplete_fields = ["bill", "sources"]
    inlines = [MemberVoteInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        record_changed(bill=obj.bill)

    def delete_model(self, request, obj):
        bill = obj.bill
        super().delete_model(request, obj)
        record_changed(bill=bill)

    def delete_queryset(self, request, queryset):
        bills = list(Bill.objects.filter(votes__in=queryset).distinct())
        super().delete_queryset(request, queryset)
        for bill in bills:
            record_changed(bill=bill)


class SigningRuleStepInline(admin.TabularInline):
    model = SigningRuleStep
    extra = 0


@admin.register(SigningRule)
class SigningRuleAdmin(admin.ModelAdmin):
    list_display = ["code", "jurisdiction", "name", "in_force_from", "in_force_until", "trigger"]
    list_filter = ["jurisdiction", "trigger", "lapse_effect"]
    search_fields = ["code", "name", "legal_source"]
    inlines = [SigningRuleStepInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # A changed rule moves the deadlines of the windows open under it.
        for window in form.instance.windows.filter(status=SigningWindow.Status.OPEN):
            signing.window_sync_for_bill(bill=window.bill)


@admin.register(SigningWindow)
class SigningWindowAdmin(SimpleHistoryAdmin):
    """Read-only: windows are computed from the bill's actions and the signing rules."""

    list_display = [
        "bill",
        "rule",
        "status",
        "triggered_earliest",
        "received_on",
        "closes_earliest",
        "closes_latest",
    ]
    list_filter = ["status", "rule"]
    search_fields = ["bill__title", "bill__short_title", "rule__code"]
    list_select_related = ["bill", "rule"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
