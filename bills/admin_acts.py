"""The admins' desk: record what happened, from the bill's admin page, in one form per act.

Two forms, each one more caller of the services (bills.timeline, bills.services), writing in one
record batch (bills.changes.record_batch), so the bill is derived once and a broken rule rolls
the whole save back and shows on the form:

- a chamber's act (a stage, a chamber of the bill's legislature, its date and the vote that
  decided it, with per-member votes) and its sources, picked or created in the same form;
- the executive's act (receipt, signature, veto or return, became law), previewed first: the
  save is run in a transaction that is rolled back, and the bill's signing windows before and
  after are compared, so the admin reads what the act will do to the window before saving it.

Where the bill already has an undated (or month-precision) event of the same kind and chamber,
the form offers to complete it (bills.timeline.event_update) instead of adding a second one.

The record does not know about alerts (the layers contract in pyproject.toml): what a save
raised is heard through bills.signals.alert_raised, sent by the alerting app while we listen.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminDateWidget, AutocompleteSelectMultiple
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.dateformat import format as date_format

from bills import services, timeline
from bills.changes import record_batch
from bills.choices import (
    VOTE_RESULT_OF_ACTION,
    BillStatus,
    Classification,
    DatePrecision,
    Visibility,
)
from bills.models import Bill, Chamber, Event, MemberVote, SigningWindow, Source, Vote
from bills.signals import alert_raised
from bills.validation import rule_error_messages

C = Classification

# The stages a chamber acts in (bills.choices), in the order a bill meets them.
CHAMBER_STAGES = [
    C.INTRODUCTION,
    C.REFERRAL_COMMITTEE,
    C.READING_1,
    C.READING_2,
    C.READING_3,
    C.AMENDMENT_PASSAGE,
    C.PASSAGE,
    C.FAILURE,
    C.RECEIPT,
    C.VETO_OVERRIDE_PASSAGE,
]
# The executive's acts. A return "for repeated discussion" (Constitution of Kazakhstan,
# art. 44(2)) is what the record calls a veto: it closes the window and the bill must pass again.
EXECUTIVE_ACTS = [C.EXECUTIVE_RECEIPT, C.EXECUTIVE_SIGNATURE, C.EXECUTIVE_VETO, C.BECAME_LAW]
EXECUTIVE_LABELS = {
    C.EXECUTIVE_RECEIPT: "received by the executive",
    C.EXECUTIVE_SIGNATURE: "signed",
    C.EXECUTIVE_VETO: "vetoed, or returned for repeated discussion",
    C.BECAME_LAW: "became law without signature",
}
# How the offer to complete an event names it ("the existing undated passage #9").
NOUNS: dict[str, str] = {
    C.INTRODUCTION: "introduction",
    C.REFERRAL_COMMITTEE: "referral to committee",
    C.AMENDMENT_PASSAGE: "amendment",
    C.PASSAGE: "passage",
    C.FAILURE: "failure",
    C.RECEIPT: "receipt from the other chamber",
    C.VETO_OVERRIDE_PASSAGE: "veto override",
    C.EXECUTIVE_RECEIPT: "receipt by the executive",
    C.EXECUTIVE_SIGNATURE: "signature",
    C.EXECUTIVE_VETO: "veto or return",
    C.BECAME_LAW: "entry into law without signature",
}
COUNT_FIELDS = ("yes_count", "no_count", "abstain_count", "absent_count", "not_voting_count")
NEW = "new"
OPTION_WORDS = {
    **{value: value for value in MemberVote.Option.values},
    "not voting": MemberVote.Option.NOT_VOTING,
    "against": MemberVote.Option.NO,
    "for": MemberVote.Option.YES,
}


def day_text(day: datetime.date | None) -> str:
    return date_format(day, "j M Y") if day is not None else "an unknown day"


# --- What a save raised -------------------------------------------------------------------------


@dataclass
class Raised:
    lines: list[str] = field(default_factory=list)


_raised: ContextVar[Raised | None] = ContextVar("acts_raised", default=None)


def _heard(sender: Any, *, bill: Bill, kind: str, subscribers: int, webhooks: int, **kw) -> None:
    raised = _raised.get()
    if raised is None:
        return
    what = {
        "new-action": "new action alert",
        "new-vote": "new vote alert",
        "record-changed": "record-changed alert",
    }
    targets = []
    if subscribers or not webhooks:
        targets.append(f"{subscribers} subscriber{'s' if subscribers != 1 else ''}")
    if webhooks:
        targets.append(f"{webhooks} webhook{'s' if webhooks != 1 else ''}")
    raised.lines.append(f"{what.get(kind, kind + ' alert')} to {' and '.join(targets)}")


@contextmanager
def alerts_heard() -> Iterator[Raised]:
    """Collect what the alerting app raised for the changes made inside (in this context)."""
    raised = Raised()
    token = _raised.set(raised)
    uid = f"admin-acts-{uuid.uuid4()}"
    alert_raised.connect(_heard, weak=False, dispatch_uid=uid)
    try:
        yield raised
    finally:
        alert_raised.disconnect(dispatch_uid=uid)
        _raised.reset(token)


# --- The forms ----------------------------------------------------------------------------------


def _date_field(label: str = "Date") -> forms.DateField:
    return forms.DateField(label=label, required=False, widget=AdminDateWidget)


def _count_field(label: str) -> forms.IntegerField:
    return forms.IntegerField(label=label, required=False, min_value=0)


class ActForm(forms.Form):
    """What both acts share: when, what it says, its sources (picked or new), and which
    existing undated event it completes."""

    date = _date_field()
    date_precision = forms.ChoiceField(
        label="Precision", choices=DatePrecision.choices, initial=DatePrecision.DAY
    )
    description = forms.CharField(
        label="Description (English)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Left blank: who acted and what, e.g. 'Senate: passed.'",
    )
    sources = forms.ModelMultipleChoiceField(
        Source.objects.all(),
        required=False,
        label="Sources",
        help_text="Search by publisher, title or date; or create one below.",
        # Django's admin autocomplete, answered by SourceAdmin's search fields.
        widget=AutocompleteSelectMultiple(Event._meta.get_field("sources"), admin.site),
    )
    new_source_url = forms.URLField(label="New source: URL", required=False, assume_scheme="https")
    new_source_publisher = forms.CharField(label="Publisher", required=False, max_length=200)
    new_source_title = forms.CharField(label="Title", required=False, max_length=500)
    new_source_published_on = _date_field("Published on")
    complete = forms.ChoiceField(label="Existing event", required=False, widget=forms.RadioSelect)

    def __init__(self, *args: Any, bill: Bill, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.bill = bill
        self.candidates = {
            str(event.pk): event
            for event in Event.objects.filter(bill=bill, classification__in=self.kinds())
            .exclude(date_precision=DatePrecision.DAY)
            .select_related("chamber")
            .order_by("order")
        }
        complete = self.fields["complete"]
        assert isinstance(complete, forms.ChoiceField)
        complete.choices = [
            (NEW, "Add a new event"),
            *(
                (pk, f"Complete the existing {self._undated(e)} instead of adding a new one")
                for pk, e in self.candidates.items()
            ),
        ]
        complete.initial = NEW
        if not self.candidates:
            complete.widget = forms.HiddenInput()

    def kinds(self) -> list[str]:
        raise NotImplementedError

    def _undated(self, event: Event) -> str:
        when = (
            f"{event.date:%B %Y}"
            if event.date_precision == DatePrecision.MONTH and event.date
            else "undated"
        )
        what = NOUNS.get(event.classification) or C(event.classification).label
        where = f" of the {event.chamber.name}" if event.chamber else ""
        # Completing an event keeps its visibility: an internal note is not published by it.
        internal = " (internal: stays internal)" if event.visibility == Visibility.INTERNAL else ""
        return f"{when} {what}{where} #{event.order}{internal}"

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        new_source = [
            data.get(f"new_source_{n}") for n in ("url", "publisher", "title", "published_on")
        ]
        if any(new_source) and not data.get("new_source_publisher"):
            self.add_error("new_source_publisher", "A new source needs its publisher.")
        chosen = data.get("complete") or NEW
        data["completes"] = None
        if chosen != NEW:
            event = self.candidates.get(chosen)
            if event is None:
                self.add_error("complete", "That event is no longer undated: reload the page.")
            elif event.classification != data.get("classification") or (
                event.chamber_id != getattr(data.get("chamber"), "pk", None)
            ):
                noun = NOUNS.get(event.classification) or C(event.classification).label
                where = f" of the {event.chamber.name}" if event.chamber else ""
                self.add_error(
                    "complete",
                    f"#{event.order} is the {noun}{where}: choose that act"
                    f"{' and chamber' if event.chamber else ''} to complete it.",
                )
            else:
                data["completes"] = event
        return data

    def new_source(self) -> Source | None:
        data = self.cleaned_data
        if not data.get("new_source_publisher"):
            return None
        source, _outcome = services.source_get_or_create(
            publisher=data["new_source_publisher"],
            title=data.get("new_source_title") or "",
            url=data.get("new_source_url") or "",
            published_on=data.get("new_source_published_on"),
        )
        return source

    def description_text(self, chamber: Chamber | None) -> str:
        text = self.cleaned_data.get("description") or ""
        if text:
            return text
        label = EXECUTIVE_LABELS.get(self.cleaned_data["classification"]) or (
            C(self.cleaned_data["classification"]).label
        )
        who = chamber.name if chamber is not None else self.bill.jurisdiction.executive_title
        return f"{who or 'The executive'}: {label}."

    def vote(self) -> dict[str, Any] | None:
        return None

    def save(self) -> Event:
        """Write the act through the services (call inside record_batch)."""
        data = self.cleaned_data
        chamber = data.get("chamber")
        sources = list(data.get("sources") or [])
        created = self.new_source()
        if created is not None and created not in sources:
            sources.append(created)
        date = data.get("date")
        precision = data["date_precision"]
        event = data.get("completes")
        if event is None:
            event = timeline.event_record(
                bill=self.bill,
                classification=data["classification"],
                description=self.description_text(chamber),
                date=date,
                date_precision=precision,
                chamber=chamber,
                visibility=data.get("visibility") or Visibility.PUBLIC,
                sources=sources,
                vote=self.vote(),
            )
            return event
        changes: dict[str, Any] = {
            "date": date,
            "date_precision": precision,
            "sources": [
                *event.sources.all(),
                *(s for s in sources if s not in event.sources.all()),
            ],
        }
        if data.get("description"):
            changes["description"] = data["description"]
        event, _changed = timeline.event_update(event=event, data=changes)
        vote = self.vote()
        if vote is not None:
            existing = Vote.objects.filter(action=event).first()
            if existing is None:
                timeline.vote_record(action=event, **vote)
            else:
                # Members listed replace the vote's list; none listed leave it as it is.
                members = vote.pop("member_votes", None) or None
                timeline.vote_update(vote=existing, data=vote, member_votes=members)
        return event


class ChamberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.name  # the bill's own legislature: no need to name the country


class ChamberActForm(ActForm):
    classification = forms.ChoiceField(
        label="Stage", choices=[(kind.value, kind.label) for kind in CHAMBER_STAGES]
    )
    chamber = ChamberChoiceField(Chamber.objects.none(), label="Chamber")
    visibility = forms.ChoiceField(
        label="Visibility", choices=Visibility.choices, initial=Visibility.PUBLIC
    )
    result = forms.ChoiceField(
        label="Result of the vote",
        required=False,
        choices=[("", "no vote recorded"), *Vote.Result.choices],
    )
    motion = forms.CharField(
        label="Motion",
        required=False,
        max_length=300,
        help_text="Left blank: the stage (e.g. 'Passage').",
    )
    unanimous = forms.BooleanField(label="Unanimous", required=False)
    yes_count = _count_field("Yes")
    no_count = _count_field("No")
    abstain_count = _count_field("Abstain")
    absent_count = _count_field("Absent")
    not_voting_count = _count_field("Not voting")
    member_votes = forms.CharField(
        label="Members' votes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Where the source lists them: one 'Name, choice' per line "
        "(choice: yes, no, abstain, absent, not voting).",
    )

    field_order = [
        "classification",
        "chamber",
        "visibility",
        "date",
        "date_precision",
        "description",
        "result",
        "motion",
        "unanimous",
        *COUNT_FIELDS,
        "member_votes",
    ]

    def __init__(self, *args: Any, bill: Bill, **kwargs: Any) -> None:
        super().__init__(*args, bill=bill, **kwargs)
        chamber = self.fields["chamber"]
        assert isinstance(chamber, forms.ModelChoiceField)
        chamber.queryset = Chamber.objects.filter(jurisdiction=bill.jurisdiction_id).order_by(
            "classification", "name"
        )

    def kinds(self) -> list[str]:
        return [kind.value for kind in CHAMBER_STAGES]

    def clean_member_votes(self) -> list[tuple[str, str]]:
        rows: list[tuple[str, str]] = []
        problems = []
        for number, line in enumerate(self.cleaned_data.get("member_votes", "").splitlines(), 1):
            if not line.strip():
                continue
            name, comma, choice = line.rpartition(",")
            option = OPTION_WORDS.get(" ".join(choice.lower().split()).replace("-", " "))
            option = option or OPTION_WORDS.get(choice.strip().lower())
            if not comma or not name.strip() or option is None:
                problems.append(f"line {number} ('{line.strip()}')")
                continue
            rows.append((name.strip(), option))
        if problems:
            raise ValidationError(
                "Write one 'Name, choice' per line, the choice one of yes, no, abstain, absent, "
                f"not voting: see {', '.join(problems)}."
            )
        return rows

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        counted = any(data.get(name) is not None for name in COUNT_FIELDS)
        voted = counted or data.get("unanimous") or data.get("member_votes")
        if voted and not data.get("result"):
            expected = VOTE_RESULT_OF_ACTION.get(data.get("classification", ""))
            if expected:
                data["result"] = expected
            else:
                self.add_error("result", "Say whether the motion passed or failed.")
        return data

    def vote(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        if not data.get("result"):
            return None
        kind = C(data["classification"])
        motion = data.get("motion") or {C.PASSAGE: "Passage", C.FAILURE: "Passage"}.get(
            kind, kind.label.capitalize()
        )
        return {
            "motion": motion,
            "result": data["result"],
            "unanimous": bool(data.get("unanimous")),
            **{name: data.get(name) for name in COUNT_FIELDS},
            "member_votes": data.get("member_votes") or [],
        }


class ExecutiveActForm(ActForm):
    classification = forms.ChoiceField(
        label="The executive's act",
        choices=[(kind.value, EXECUTIVE_LABELS[kind]) for kind in EXECUTIVE_ACTS],
        widget=forms.RadioSelect,
    )

    field_order = ["classification", "date", "date_precision", "description"]

    def kinds(self) -> list[str]:
        return [kind.value for kind in EXECUTIVE_ACTS]


# --- The preview of the signing window ----------------------------------------------------------


WINDOW_VALUES = ("status", "triggered_earliest", "received_on", "closes_earliest", "closes_latest")


def windows_of(bill: Bill) -> list[dict[str, Any]]:
    return list(SigningWindow.objects.filter(bill=bill).order_by("id").values(*WINDOW_VALUES))


def _closes(window: dict[str, Any]) -> str:
    if window["closes_earliest"] == window["closes_latest"]:
        return day_text(window["closes_latest"])
    return f"between {day_text(window['closes_earliest'])} and {day_text(window['closes_latest'])}"


def window_effects(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[str]:
    """What a change does to the bill's signing windows, in words (n-th window to n-th)."""
    lines = []
    for index in range(max(len(before), len(after))):
        old = before[index] if index < len(before) else None
        new = after[index] if index < len(after) else None
        if old is None and new is not None:
            lines.append(
                f"Opens a signing window from {day_text(new['triggered_earliest'])}, closing "
                f"{_closes(new)}."
            )
        elif new is None and old is not None:
            lines.append(f"Removes the window opened {day_text(old['triggered_earliest'])}.")
        elif old is not None and new is not None and old != new:
            opened = day_text(old["triggered_earliest"])
            status = SigningWindow.Status(new["status"]).label
            if old["status"] == SigningWindow.Status.OPEN != new["status"]:
                lines.append(f"Closes the window opened {opened} ({status}).")
            elif new["status"] == SigningWindow.Status.OPEN != old["status"]:
                lines.append(f"Reopens the window opened {opened}, closing {_closes(new)}.")
            elif (old["closes_earliest"], old["closes_latest"]) != (
                new["closes_earliest"],
                new["closes_latest"],
            ):
                verb = (
                    "Narrows"
                    if new["closes_latest"] - new["closes_earliest"]
                    < old["closes_latest"] - old["closes_earliest"]
                    else "Moves"
                )
                lines.append(
                    f"{verb} the window opened {opened}: it now closes {_closes(new)} "
                    f"(was {_closes(old)})."
                )
            else:
                lines.append(f"Changes the window opened {opened} ({status}).")
    return lines or ["Leaves the signing windows as they are."]


# --- The views ----------------------------------------------------------------------------------


class PreviewDone(Exception):
    """Raised out of the previewed save so that its transaction rolls back."""


def _save(form: ActForm) -> tuple[Event, list[str]]:
    with alerts_heard() as raised, record_batch():
        event = form.save()
    return event, raised.lines


def _show_errors(form: ActForm, found: dict[str, list[str]]) -> None:
    aliases = {"action": None, "vote": None}
    for name, texts in found.items():
        target = aliases.get(name, name)
        for text in texts:
            form.add_error(
                target if target in form.fields and target != NON_FIELD_ERRORS else None, text
            )


def act_view(
    request: HttpRequest,
    object_id: int,
    *,
    model_admin: admin.ModelAdmin,
    form_class: type[ActForm],
    title: str,
    preview_first: bool,
) -> HttpResponse:
    bill = get_object_or_404(Bill.objects.select_related("jurisdiction"), pk=object_id)
    if not model_admin.has_change_permission(request, bill):
        raise PermissionDenied
    change_url = reverse("admin:bills_bill_change", args=[bill.pk])
    preview: list[str] | None = None
    previewed = ""
    if request.method == "POST":
        form = form_class(request.POST, bill=bill)
        if form.is_valid():
            previewed = _digest(request)
            # The executive's act is saved only as previewed: a save from a form changed since
            # its preview (or never previewed) shows the preview again instead.
            wants_preview = preview_first and (
                "_save" not in request.POST or request.POST.get("previewed") != previewed
            )
            try:
                if wants_preview:
                    preview = _preview(form, bill)
                else:
                    event, raised = _save(form)
            except (ValidationError, IntegrityError) as exc:
                _show_errors(form, rule_error_messages(exc))
                preview = None
            else:
                if not wants_preview:
                    model_admin.log_change(request, event, f"Recorded from the bill: {title}.")
                    done = "Completed" if form.cleaned_data.get("completes") else "Recorded"
                    text = f"{done} #{event.order}: {event.description}"
                    text += f" Raised: {'; '.join(raised)}." if raised else " No alert raised."
                    model_admin.message_user(request, text, messages.SUCCESS)
                    return HttpResponseRedirect(change_url)
    else:
        form = form_class(bill=bill)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "subtitle": str(bill),
        "bill": bill,
        "form": form,
        "fieldsets": _fieldsets(form),
        "media": model_admin.media + form.media,
        "opts": model_admin.model._meta,
        "original": bill,
        "change_url": change_url,
        "preview": preview,
        "preview_first": preview_first,
        "previewed": previewed if preview else "",
        "windows": windows_of(bill),
    }
    return TemplateResponse(request, "admin/bills/bill/record_act.html", context)


def _digest(request: HttpRequest) -> str:
    """What was entered, as a fingerprint: the save must be of what the preview showed."""
    skip = {"csrfmiddlewaretoken", "_preview", "_save", "previewed"}
    entered = sorted((k, request.POST.getlist(k)) for k in request.POST if k not in skip)
    return hashlib.sha256(json.dumps(entered).encode()).hexdigest()


def _preview(form: ActForm, bill: Bill) -> list[str]:
    """Run the save and read the windows it leaves, then roll it all back."""
    before = windows_of(bill)
    # Rolled back, the alerts raised inside are undone and their mails never queued
    # (events.enqueue sends them on commit).
    with transaction.atomic(), alerts_heard() as raised:
        with record_batch():
            event = form.save()
        after = windows_of(bill)
        status = Bill.objects.filter(pk=bill.pk).values_list("status", flat=True)[0]
        transaction.set_rollback(True)
    lines = window_effects(before, after)
    what = "completes" if form.cleaned_data.get("completes") else "records"
    lines.insert(0, f"This {what} #{event.order}: {event.description}")
    if status != bill.status:
        lines.append(f"The bill's status becomes '{BillStatus(status).label}'.")
    if raised.lines:
        lines.append(f"Saving will raise: {'; '.join(raised.lines)}.")
    lines.append("Nothing has been saved yet: check it, then save.")
    return lines


def _fieldsets(form: ActForm) -> list[tuple[str, list[forms.BoundField]]]:
    groups: list[tuple[str, list[str]]] = [
        ("The act", ["classification", "chamber", "visibility", "date", "date_precision"]),
        ("", ["description", "complete"]),
        ("The vote", ["result", "motion", "unanimous", *COUNT_FIELDS, "member_votes"]),
        ("Sources", ["sources"]),
        (
            "Or a new source",
            [
                "new_source_url",
                "new_source_publisher",
                "new_source_title",
                "new_source_published_on",
            ],
        ),
    ]
    return [
        (name, [form[n] for n in names if n in form.fields])
        for name, names in groups
        if any(n in form.fields for n in names)
    ]


def urls(model_admin: admin.ModelAdmin) -> list[URLPattern]:
    """The two forms' URLs, for BillAdmin.get_urls."""
    site = model_admin.admin_site

    def view(form_class: type[ActForm], title: str, preview_first: bool):
        def handle(request: HttpRequest, object_id: int) -> HttpResponse:
            return act_view(
                request,
                object_id,
                model_admin=model_admin,
                form_class=form_class,
                title=title,
                preview_first=preview_first,
            )

        return site.admin_view(handle)

    return [
        path(
            "<int:object_id>/record/chamber/",
            view(ChamberActForm, "Record a chamber's act", False),
            name="bills_bill_record_chamber_act",
        ),
        path(
            "<int:object_id>/record/executive/",
            view(ExecutiveActForm, "Record the executive's act", True),
            name="bills_bill_record_executive_act",
        ),
    ]
