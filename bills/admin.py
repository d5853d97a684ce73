"""The admin: how admins enter and correct the record, through the same services as everyone.

The admin is one more caller of bills.services and bills.timeline: every page saves its object
and its inlines through them, inside one record batch (bills.changes), so each bill is derived
once and judged as a whole. A rule broken at save time (a service's ValidationError, a database
trigger's IntegrityError) rolls everything back and shows the form again, as entered, with the
rule's message: never a server error. Derived data (status, dates, windows) is read-only, and
history can be read but not reverted (a revert would write around the services).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import ModelChange, ModelDelta

from bills import admin_acts, services, timeline
from bills.admin_import import import_urls
from bills.changes import record_batch
from bills.models import (
    Bill,
    Chamber,
    Event,
    Family,
    Jurisdiction,
    MemberVote,
    Officeholder,
    SigningRule,
    SigningRuleStep,
    SigningWindow,
    Source,
    Subject,
    Visibility,
    Vote,
)
from bills.validation import rule_error_messages

RULE_ERROR = "_record_rule_error"


class RuleErrorsMixin:
    """Show a rule broken at save time on the form, with what was entered; nothing is saved.

    Django's change form runs in a transaction: the error rolls it back, then the form is shown
    again from the same POST, made invalid by the error (get_form)."""

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
            setattr(request, RULE_ERROR, rule_error_messages(exc))
            return super().changeform_view(request, object_id, form_url, extra_context)  # type: ignore[misc]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any):
        form_class = super().get_form(request, obj, change, **kwargs)  # type: ignore[misc]
        errors: dict[str, list[str]] | None = getattr(request, RULE_ERROR, None)
        if errors is None or request.method != "POST":
            return form_class
        found = errors

        class WithRuleError(form_class):  # type: ignore[misc, valid-type]
            def clean(self) -> dict[str, Any]:
                data = super().clean()
                for field, texts in found.items():
                    for text in texts:
                        self.add_error(field if field in self.fields else None, text)
                return data

        return WithRuleError


class NoRevertMixin:
    """History is shown; reverting from it would write around the services."""

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> HttpResponse:
        if request.method == "POST":
            raise PermissionDenied(_("Reverting from the history is disabled: edit the record."))
        return super().history_form_view(request, object_id, version_id, extra_context)  # type: ignore[misc]


class ExplainedHistoryMixin:
    """The history's "Changes" column lists every tracked field, the derived ones too.

    simple-history diffs only editable fields by default, and the fields the derivation writes
    (a bill's status and dates, a window's bounds) are not editable: their changes, the ones an
    admin most needs to see explained, showed as an empty column."""

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        previous = None
        for current in historical_records:
            if previous is None:
                previous = current
                continue
            delta = _delta(newer=previous, older=current)
            helper = self.get_historical_record_context_helper(request, previous)  # type: ignore[attr-defined]
            previous.history_delta_changes = helper.context_for_delta_changes(delta)
            previous = current


def _delta(*, newer: Any, older: Any) -> ModelDelta:
    """Every tracked field that differs (non-editable ones too), then the m2m fields."""
    changes = [
        ModelChange(field.name, getattr(older, field.attname), getattr(newer, field.attname))
        for field in newer.tracked_fields
        # Not the save timestamps: every record moves them, and the row's date says it.
        if not getattr(field, "auto_now", False)
        and getattr(older, field.attname) != getattr(newer, field.attname)
    ]
    m2m = [field.name for field in newer._history_m2m_fields]
    if m2m:
        # The sources (and subjects) before and after, as their labels.
        changes += newer.diff_against(
            older, included_fields=m2m, foreign_keys_are_objs=True
        ).changes
    return ModelDelta(changes, [c.field for c in changes], older, newer)


def _adopt(target: models.Model, saved: models.Model) -> None:
    """Make the admin's form instance the saved row (its pk, for the redirect and the log)."""
    for field in saved._meta.concrete_fields:
        setattr(target, field.attname, getattr(saved, field.attname))
    target._state.adding = False
    target._state.db = saved._state.db


class ServiceInline:
    """An inline whose rows are created, changed and deleted by services.

    `service_fields`: the form fields handed to the services; `create(parent, data)`,
    `update(instance, data)` and `delete(instance)` call them."""

    service_fields: ClassVar[Sequence[str]] = ()

    def create(self, parent: Any, data: dict[str, Any]) -> models.Model:
        raise NotImplementedError

    def update(self, instance: Any, data: dict[str, Any]) -> None:
        raise NotImplementedError

    def delete(self, instance: Any) -> None:
        raise NotImplementedError


class ServiceModelAdmin(RuleErrorsMixin, ExplainedHistoryMixin, NoRevertMixin, SimpleHistoryAdmin):
    """Saves the object and its inlines through the services, in one record batch."""

    service_fields: ClassVar[Sequence[str]] = ()

    def service_create(self, data: dict[str, Any]) -> models.Model:
        raise NotImplementedError

    def service_update(self, instance: Any, data: dict[str, Any]) -> None:
        raise NotImplementedError

    def service_delete(self, instance: Any) -> None:
        raise NotImplementedError

    def _data(self, form: forms.ModelForm, names: Iterable[str]) -> dict[str, Any]:
        return {n: form.cleaned_data[n] for n in names if n in self.service_fields}

    def save_model(self, request, obj, form, change):
        """Nothing here: save_related saves the object with its inlines, through the services."""

    def save_related(self, request, form, formsets, change):
        # Whatever the save raised (alerts to subscribers and webhooks) is said on the page.
        with admin_acts.alerts_heard() as raised:
            self._save_through_services(request, form, formsets, change)
        if raised.lines:
            messages.info(request, "Raised: " + "; ".join(raised.lines) + ".")

    def _save_through_services(self, request, form, formsets, change):
        with record_batch():
            if change:
                fresh = type(form.instance)._default_manager.get(pk=form.instance.pk)
                self.service_update(fresh, self._data(form, form.changed_data))
                saved = type(fresh)._default_manager.get(pk=fresh.pk)
            else:
                saved = self.service_create(self._data(form, form.cleaned_data))
            _adopt(form.instance, saved)
            for formset in formsets:
                self.save_formset(request, form, formset, change)

    def save_formset(self, request, form, formset, change):
        inline = self._service_inline(formset.model)
        names = [n for n in inline.service_fields]
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        # Deletions first, then changes, then additions: what is removed frees its place.
        for inline_form in formset.initial_forms:
            if formset.can_delete and formset._should_delete_form(inline_form):
                instance = formset.model._default_manager.get(pk=inline_form.instance.pk)
                inline.delete(instance)
                formset.deleted_objects.append(inline_form.instance)
        for inline_form in formset.initial_forms:
            if formset.can_delete and formset._should_delete_form(inline_form):
                continue
            if inline_form.has_changed():
                instance = formset.model._default_manager.get(pk=inline_form.instance.pk)
                changed = [n for n in inline_form.changed_data if n in names]
                inline.update(instance, {n: inline_form.cleaned_data[n] for n in changed})
                formset.changed_objects.append((instance, inline_form.changed_data))
        for inline_form in formset.extra_forms:
            if not inline_form.has_changed() or (
                formset.can_delete and formset._should_delete_form(inline_form)
            ):
                continue
            data = {n: inline_form.cleaned_data.get(n) for n in names}
            formset.new_objects.append(inline.create(form.instance, data))

    def _service_inline(self, model: type[models.Model]) -> ServiceInline:
        for inline_class in self.inlines:
            if inline_class.model is model and issubclass(inline_class, ServiceInline):
                return inline_class(self.model, self.admin_site)  # type: ignore[call-arg]
        raise ImproperlyConfiguredInline(model)

    def delete_model(self, request, obj):
        self.service_delete(obj)

    def delete_queryset(self, request, queryset):
        with record_batch():
            for obj in queryset:
                self.service_delete(obj)

    def delete_view(self, request, object_id, extra_context=None):
        return self._refusal_as_message(super().delete_view, request, object_id, extra_context)

    def changelist_view(self, request, extra_context=None):
        # The bulk delete action deletes through the services too.
        return self._refusal_as_message(super().changelist_view, request, extra_context)

    def _refusal_as_message(self, view, request, *args):
        try:
            with transaction.atomic():
                return view(request, *args)
        except (ValidationError, IntegrityError) as exc:
            text = " ".join(m for ms in rule_error_messages(exc).values() for m in ms)
            self.message_user(
                request, _("Nothing was deleted: %(reason)s") % {"reason": text}, messages.ERROR
            )
            return HttpResponseRedirect(request.get_full_path())


class ImproperlyConfiguredInline(Exception):
    def __init__(self, model: type[models.Model]) -> None:
        super().__init__(f"{model.__name__} inline is not a ServiceInline")


# --- Jurisdictions and chambers -----------------------------------------------------------------


class ChamberInline(ServiceInline, admin.TabularInline):
    model = Chamber
    extra = 0
    fields = ["classification", "name", "name_ru", "name_kk", "seats"]
    service_fields = ("classification", "name", "name_ru", "name_kk", "seats")

    def create(self, parent, data):
        return services.chamber_create(jurisdiction=parent, **data)

    def update(self, instance, data):
        services.chamber_update(chamber=instance, data=data)

    def delete(self, instance):
        services.chamber_delete(chamber=instance)


@admin.register(Jurisdiction)
class JurisdictionAdmin(ServiceModelAdmin):
    list_display = ["code", "name", "classification", "timezone", "executive_title"]
    list_filter = ["classification", "timezone"]
    search_fields = ["code", "name", "name_ru", "name_kk", "ocd_id"]
    inlines = [ChamberInline]
    service_fields = services.JURISDICTION_FIELDS

    def service_create(self, data):
        jurisdiction, _outcome = services.jurisdiction_upsert(**data)
        return jurisdiction

    def service_update(self, instance, data):
        services.jurisdiction_update(jurisdiction=instance, data=data)

    def has_delete_permission(self, request, obj=None):
        return False  # bills and rules refer to it; nothing to delete safely


@admin.register(Chamber)
class ChamberAdmin(ServiceModelAdmin):
    list_display = ["name", "jurisdiction", "classification", "seats"]
    list_filter = ["jurisdiction", "classification"]
    search_fields = ["name", "name_ru", "name_kk", "jurisdiction__code"]
    list_select_related = ["jurisdiction"]
    service_fields = services.CHAMBER_FIELDS

    def service_create(self, data):
        return services.chamber_create(**data)

    def service_update(self, instance, data):
        services.chamber_update(chamber=instance, data=data)

    def service_delete(self, instance):
        services.chamber_delete(chamber=instance)


# --- Subjects and sources -----------------------------------------------------------------------


@admin.register(Subject)
class SubjectAdmin(ServiceModelAdmin):
    list_display = ["slug", "name", "name_ru", "name_kk"]
    search_fields = ["slug", "name", "name_ru", "name_kk"]
    list_filter = ["bills__jurisdiction"]
    prepopulated_fields = {"slug": ["name"]}
    service_fields = services.SUBJECT_FIELDS

    def service_create(self, data):
        return services.subject_create(**data)

    def service_update(self, instance, data):
        services.subject_update(subject=instance, data=data)

    def service_delete(self, instance):
        services.subject_delete(subject=instance)


@admin.register(Family)
class FamilyAdmin(ServiceModelAdmin):
    list_display = ["slug", "name", "name_ru", "name_kk"]
    list_filter = ["bills__jurisdiction"]
    search_fields = ["slug", "name", "name_ru", "name_kk"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["sources"]
    service_fields = services.FAMILY_FIELDS

    def service_create(self, data):
        return services.family_create(**data)

    def service_update(self, instance, data):
        services.family_update(family=instance, data=data)

    def service_delete(self, instance):
        services.family_delete(family=instance)


@admin.register(Officeholder)
class OfficeholderAdmin(ServiceModelAdmin):
    list_display = ["name", "role", "jurisdiction", "term_start", "term_end"]
    list_filter = ["jurisdiction", "role"]
    search_fields = ["name", "name_ru", "name_kk"]
    autocomplete_fields = ["sources"]
    service_fields = services.OFFICEHOLDER_FIELDS

    def service_create(self, data):
        return services.officeholder_create(**data)

    def service_update(self, instance, data):
        services.officeholder_update(officeholder=instance, data=data)

    def service_delete(self, instance):
        services.officeholder_delete(officeholder=instance)


@admin.register(Source)
class SourceAdmin(ServiceModelAdmin):
    list_display = ["publisher", "title", "published_on", "published_precision", "url"]
    list_filter = ["published_precision", "publisher"]
    search_fields = ["publisher", "title", "url", "note", "published_on"]
    date_hierarchy = "published_on"
    service_fields = services.SOURCE_FIELDS

    def service_create(self, data):
        return services.source_create(**data)

    def service_update(self, instance, data):
        services.source_update(source=instance, data=data)

    def service_delete(self, instance):
        services.source_delete(source=instance)


# --- Bills and their timelines ------------------------------------------------------------------


class BillScopedMixin:
    """Offer only the bill's own jurisdiction's chambers in the bill's forms and inlines."""

    def _bill_from_request(self, request: HttpRequest) -> Bill | None:
        match = request.resolver_match
        object_id = match.kwargs.get("object_id") if match else None
        if not object_id or not str(object_id).isdigit():
            return None
        return Bill.objects.filter(pk=object_id).first()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        bill = self._bill_from_request(request)
        if bill is not None and db_field.name in ("chamber", "originating_chamber"):
            kwargs["queryset"] = Chamber.objects.filter(jurisdiction=bill.jurisdiction_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


class OrderByDateMixin:
    """An event's order may be left empty: the services place it by its date (bills.timeline).
    A number is only needed to order acts of the same day by hand."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)  # type: ignore[misc]
        if db_field.name == "order" and field is not None:
            field.required = False
            field.help_text = (
                "Leave empty: it is placed by its date. Set it only to order acts of one day."
            )
        return field


EVENT_FORM_FIELDS: list[Any] = [
    ("order", "classification", "visibility"),
    ("chamber", "actor"),
    ("date", "date_precision"),
    "description",
    "description_ru",
    "description_kk",
    "sources",
]


class EventInline(OrderByDateMixin, ServiceInline, BillScopedMixin, admin.StackedInline):
    # Folded: the timeline above lists every act in a line; unfold to edit them in place.
    model = Event
    extra = 0
    classes = ["collapse"]
    fields = EVENT_FORM_FIELDS
    autocomplete_fields = ["sources"]
    ordering = ["order"]
    show_change_link = True
    service_fields = timeline.EVENT_FIELDS

    def create(self, parent, data):
        return timeline.event_record(bill=parent, **data)

    def update(self, instance, data):
        timeline.event_update(event=instance, data=data)

    def delete(self, instance):
        timeline.event_delete(event=instance)


@admin.register(Bill)
class BillAdmin(BillScopedMixin, ServiceModelAdmin):
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
    readonly_fields = [
        "status",
        "introduced_on",
        "last_action_on",
        "created_at",
        "updated_at",
        "timeline",
    ]
    prepopulated_fields = {"slug": ["short_title"]}
    autocomplete_fields = ["subjects", "sources", "lineage_sources"]
    fieldsets = [
        (None, {"fields": ["jurisdiction", "identifier", "slug", "originating_chamber"]}),
        ("Titles", {"fields": ["title", "title_ru", "title_kk", "short_title"]}),
        (
            "Translations of the short title",
            {"fields": ["short_title_ru", "short_title_kk"], "classes": ["collapse"]},
        ),
        ("Summary", {"fields": ["summary", "summary_ru", "summary_kk", "subjects", "sources"]}),
        (
            "Family and lineage",
            {
                "fields": ["family", "lineage", "lineage_ru", "lineage_kk", "lineage_sources"],
                "classes": ["collapse"],
            },
        ),
        (
            "Derived from the public actions (read-only)",
            {"fields": ["status", "introduced_on", "last_action_on", "created_at", "updated_at"]},
        ),
        ("Timeline", {"fields": ["timeline"]}),
    ]
    inlines = [EventInline]
    service_fields = services.BILL_FIELDS
    object_history_template = "admin/bills/bill/object_history.html"
    # The changelist links to the spreadsheet import (bills.admin_import).
    change_list_template = "admin/bills/import/bill_change_list.html"

    def history_view(self, request, object_id, extra_context=None):
        # Links to the windows' own histories, where their derived bounds' changes are listed.
        windows = SigningWindow.objects.filter(bill_id=object_id).select_related("rule")
        context = {**(extra_context or {}), "signing_windows": windows.order_by("opened_at")}
        return super().history_view(request, object_id, extra_context=context)

    @admin.display(description="title", ordering="title")
    def display_title(self, obj: Bill) -> str:
        return str(obj)

    @admin.display(description="acts and notes, in order (each links to its page)")
    def timeline(self, obj: Bill) -> str:
        if obj.pk is None:
            return "—"
        events = obj.events.select_related("bill", "chamber").order_by("order")
        rows = format_html_join(
            "",
            '<li><a href="{}">{}</a>{}</li>',
            (
                (
                    reverse("admin:bills_event_change", args=[event.pk]),
                    str(event),
                    " (internal)" if event.visibility == Visibility.INTERNAL else "",
                )
                for event in events
            ),
        )
        return format_html('<ol class="bill-timeline">{}</ol>', rows) if rows else "—"

    def get_urls(self):
        # "Record a chamber's act" and "Record the executive's act" (bills.admin_acts), and the
        # spreadsheet import (bills.admin_import).
        return [
            *import_urls(self.admin_site),
            *admin_acts.urls(self),
            *super().get_urls(),
        ]

    def service_create(self, data):
        return services.bill_create(**data)

    def service_update(self, instance, data):
        services.bill_update(bill=instance, data=data)

    def service_delete(self, instance):
        services.bill_delete(bill=instance)


class VoteInline(ServiceInline, admin.StackedInline):
    """The vote that decided this act (at most one); member votes are on the vote's own page."""

    model = Vote
    extra = 0
    max_num = 1
    fields = [
        ("motion", "result", "unanimous"),
        ("motion_ru", "motion_kk"),
        ("yes_count", "no_count", "abstain_count", "absent_count", "not_voting_count"),
        "sources",
    ]
    autocomplete_fields = ["sources"]
    show_change_link = True
    service_fields = timeline.VOTE_FIELDS

    def create(self, parent, data):
        return timeline.vote_record(action=parent, **data)

    def update(self, instance, data):
        timeline.vote_update(vote=instance, data=data)

    def delete(self, instance):
        timeline.vote_delete(vote=instance)


@admin.register(Event)
class EventAdmin(OrderByDateMixin, BillScopedMixin, ServiceModelAdmin):
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
    fields = ["bill", *EVENT_FORM_FIELDS]
    ordering = ["bill", "order"]
    inlines = [VoteInline]
    service_fields = ("bill", *timeline.EVENT_FIELDS)

    def service_create(self, data):
        return timeline.event_record(**data)

    def service_update(self, instance, data):
        if "bill" in data and data["bill"].pk != instance.bill_id:
            raise ValidationError(
                {"bill": _("An event stays on its bill's timeline: record it on the other bill.")}
            )
        data.pop("bill", None)
        timeline.event_update(event=instance, data=data)

    def service_delete(self, instance):
        timeline.event_delete(event=instance)

    def _bill_from_request(self, request: HttpRequest) -> Bill | None:
        match = request.resolver_match
        object_id = match.kwargs.get("object_id") if match else None
        if not object_id or not str(object_id).isdigit():
            return None
        event = Event.objects.filter(pk=object_id).select_related("bill").first()
        return event.bill if event is not None else None


class MemberVoteInline(admin.TabularInline):
    model = MemberVote
    extra = 0
    fields = ["member_name", "option"]


@admin.register(Vote)
class VoteAdmin(ServiceModelAdmin):
    list_display = ["__str__", "action", "motion", "result", "yes_count", "no_count"]
    list_filter = ["result", "unanimous", "action__bill__jurisdiction", "action__chamber"]
    search_fields = ["motion", "motion_ru", "motion_kk", "action__bill__title"]
    list_select_related = ["action", "action__bill", "action__chamber"]
    autocomplete_fields = ["action", "sources"]
    inlines = [MemberVoteInline]
    service_fields = ("action", *timeline.VOTE_FIELDS)

    def service_create(self, data):
        return timeline.vote_record(**data)

    def service_update(self, instance, data):
        if "action" in data and data["action"].pk != instance.action_id:
            raise ValidationError(
                {"action": _("A vote stays with the act it decided: record it on the other act.")}
            )
        data.pop("action", None)
        timeline.vote_update(vote=instance, data=data)

    def service_delete(self, instance):
        timeline.vote_delete(vote=instance)

    def save_formset(self, request, form, formset, change):
        # The member list is set as a whole, so that it is checked against the counts once.
        members = []
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for member_form in formset.forms:
            if formset.can_delete and formset._should_delete_form(member_form):
                if member_form.instance.pk is not None:
                    formset.deleted_objects.append(member_form.instance)
                continue
            if member_form.instance.pk is None and not member_form.has_changed():
                continue
            data = member_form.cleaned_data
            members.append((data["member_name"], data["option"]))
            if member_form.instance.pk is None:
                formset.new_objects.append(member_form.instance)
            elif member_form.has_changed():
                formset.changed_objects.append((member_form.instance, member_form.changed_data))
        timeline.vote_update(vote=form.instance, data={}, member_votes=members)


# --- Signing rules and windows ------------------------------------------------------------------


class SigningRuleStepInline(admin.TabularInline):
    model = SigningRuleStep
    extra = 0
    fields = [
        "order",
        "phase",
        "label",
        "length",
        "unit",
        "ends_with_receipt",
        "extends_past_holidays",
    ]


@admin.register(SigningRule)
class SigningRuleAdmin(ServiceModelAdmin):
    list_display = ["code", "jurisdiction", "name", "in_force_from", "in_force_until", "trigger"]
    list_filter = ["jurisdiction", "trigger", "lapse_effect"]
    search_fields = ["code", "name", "legal_source"]
    inlines = [SigningRuleStepInline]
    service_fields = services.RULE_FIELDS

    def save_related(self, request, form, formsets, change):
        # The rule and its chain of steps are saved together by one service.
        steps: list[Mapping[str, Any]] = []
        for formset in formsets:
            for step_form in formset.forms:
                data = getattr(step_form, "cleaned_data", {})
                if not data or (formset.can_delete and formset._should_delete_form(step_form)):
                    continue
                if step_form.instance.pk is None and not step_form.has_changed():
                    continue
                steps.append(data)
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        steps.sort(key=lambda step: step.get("order") or 0)
        data = {n: form.cleaned_data[n] for n in services.RULE_FIELDS if n in form.cleaned_data}
        chain = [{k: step.get(k) for k in services.STEP_FIELDS} for step in steps]
        if change:
            rule = SigningRule.objects.get(pk=form.instance.pk)
            services.rule_update(rule=rule, data=data, steps=chain)
            saved = SigningRule.objects.get(pk=rule.pk)
        else:
            saved = services.rule_create(**data, steps=chain)
        _adopt(form.instance, saved)

    def service_delete(self, instance):
        raise ValidationError(_("Signing rules are kept: end one with 'in force until'."))

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SigningWindow)
class SigningWindowAdmin(ExplainedHistoryMixin, NoRevertMixin, SimpleHistoryAdmin):
    """Read-only: windows are derived from the bill's actions and the signing rules."""

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
