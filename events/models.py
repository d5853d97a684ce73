"""The timeline (legislative actions and advocacy events), alerts, subscriptions and the outbox."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from bills.models import (
    Bill,
    Chamber,
    DatePrecision,
    Jurisdiction,
    SigningWindow,
    Source,
    Vote,
    date_precision_constraint,
)
from bills.translation import LocalizedMixin
from bills.validation import (
    date_precision_errors,
    jurisdiction_today,
    raise_if,
    related_or_none,
)


class Classification(models.TextChoices):
    # Open Civic Data action vocabulary (the legislative acts) ...
    INTRODUCTION = "introduction", _("introduced")
    REFERRAL_COMMITTEE = "referral-committee", _("referred to committee")
    READING_1 = "reading-1", _("first reading")
    READING_2 = "reading-2", _("second reading")
    READING_3 = "reading-3", _("third reading")
    AMENDMENT_PASSAGE = "amendment-passage", _("amendment passed")
    PASSAGE = "passage", _("passed")
    FAILURE = "failure", _("failed")
    RECEIPT = "receipt", _("received by the other chamber")
    EXECUTIVE_RECEIPT = "executive-receipt", _("received by the executive")
    EXECUTIVE_SIGNATURE = "executive-signature", _("signed by the executive")
    EXECUTIVE_VETO = "executive-veto", _("vetoed by the executive")
    VETO_OVERRIDE_PASSAGE = "veto-override-passage", _("veto overridden")
    BECAME_LAW = "became-law", _("became law")
    WITHDRAWAL = "withdrawal", _("withdrawn")
    # ... and advocacy events that are not legislative acts.
    STATEMENT = "statement", _("statement")
    PRESS_CONFERENCE = "press-conference", _("press conference")
    DETENTION = "detention", _("detention")
    INCIDENT = "incident", _("incident")
    OTHER = "other", _("other")


ADVOCACY_CLASSIFICATIONS = frozenset(
    {
        Classification.STATEMENT,
        Classification.PRESS_CONFERENCE,
        Classification.DETENTION,
        Classification.INCIDENT,
        Classification.OTHER,
    }
)


# Acts that only a chamber performs: the chamber is required so the status can be derived.
CHAMBER_ACTIONS = frozenset({Classification.PASSAGE, Classification.VETO_OVERRIDE_PASSAGE})


class Visibility(models.TextChoices):
    PUBLIC = "public", _("public")
    # Staff only: never on public pages, feeds, exports or APIs.
    INTERNAL = "internal", _("internal (staff only)")


class EventQuerySet(models.QuerySet):
    def public(self) -> EventQuerySet:
        """Only events anyone may see."""
        return self.filter(visibility=Visibility.PUBLIC)

    def legislative(self) -> EventQuerySet:
        """Only legislative actions (the OCD vocabulary), not advocacy events."""
        return self.exclude(classification__in=ADVOCACY_CLASSIFICATIONS)


class Event(LocalizedMixin, models.Model):
    """One entry on a bill's timeline: a legislative action or an advocacy event."""

    bill = models.ForeignKey(Bill, on_delete=models.CASCADE, related_name="events")
    order = models.PositiveIntegerField(help_text=_("Position on the bill's timeline."))
    classification = models.CharField(max_length=32, choices=Classification.choices)
    chamber = models.ForeignKey(
        Chamber,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        help_text=_("The acting chamber, for legislative actions."),
    )
    actor = models.CharField(
        max_length=300, blank=True, help_text=_("Who acted, for advocacy events.")
    )
    description = models.TextField(_("description (English)"))
    description_ru = models.TextField(_("description (Russian)"), blank=True)
    description_kk = models.TextField(_("description (Kazakh)"), blank=True)
    date = models.DateField(null=True, blank=True)
    date_precision = models.CharField(
        max_length=8, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    vote = models.OneToOneField(
        Vote,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action",
        help_text=_("The vote that decided this action."),
    )
    visibility = models.CharField(
        max_length=8, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    sources = models.ManyToManyField(Source, blank=True, related_name="events")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["bill", "order"]
        constraints = [
            models.UniqueConstraint(fields=["bill", "order"], name="event_order_unique_per_bill"),
            # A passage is a chamber's act: the bill's status is derived from which one acted.
            models.CheckConstraint(
                condition=~Q(classification__in=["passage", "veto-override-passage"])
                | Q(chamber__isnull=False),
                name="event_chamber_act_has_chamber",
            ),
            models.CheckConstraint(
                condition=Q(classification__in=Classification.values),
                name="event_classification_valid",
            ),
            models.CheckConstraint(
                condition=Q(visibility__in=Visibility.values), name="event_visibility_valid"
            ),
            date_precision_constraint("event", "date", "date_precision"),
        ]
        indexes = [
            models.Index(fields=["visibility", "-date"], name="event_visibility_date_idx"),
            # The Atom feed of changes: the latest public events first.
            models.Index(fields=["visibility", "-updated_at"], name="event_visibility_updated_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.bill} #{self.order}: {self.classification}"

    def clean(self) -> None:
        errors: dict[str, list[Any]] = {}
        for field, message in date_precision_errors(
            self.date, self.date_precision, "date", "date_precision"
        ).items():
            errors.setdefault(field, []).append(message)
        bill = related_or_none(self, "bill")
        chamber = related_or_none(self, "chamber")
        if (
            bill is not None
            and chamber is not None
            and chamber.jurisdiction_id != bill.jurisdiction_id
        ):
            errors.setdefault("chamber", []).append(
                _("%(chamber)s is a chamber of another jurisdiction than this bill's (%(j)s).")
                % {"chamber": chamber, "j": bill.jurisdiction.code}
            )
        if self.classification in CHAMBER_ACTIONS and chamber is None:
            errors.setdefault("chamber", []).append(
                _("Say which chamber acted: a %(c)s is a chamber's act.")
                % {"c": self.get_classification_display()}
            )
        if self.date is not None and self.date > jurisdiction_today(
            bill.jurisdiction if bill is not None else None
        ):
            errors.setdefault("date", []).append(_("An event cannot be dated in the future."))
        vote = related_or_none(self, "vote")
        if vote is not None:
            if bill is not None and vote.bill_id != bill.pk:
                errors.setdefault("vote", []).append(_("That vote is on another bill."))
            if chamber is not None and vote.chamber_id != chamber.pk:
                errors.setdefault("vote", []).append(
                    _("That vote was taken in another chamber than this action's.")
                )
            if (
                self.date is not None
                and self.date_precision == DatePrecision.DAY
                and (vote.date != self.date)
            ):
                errors.setdefault("date", []).append(
                    _("The action is dated %(a)s but the vote that decided it %(v)s.")
                    % {"a": self.date.isoformat(), "v": vote.date.isoformat()}
                )
        raise_if(errors)

    @property
    def is_legislative(self) -> bool:
        return self.classification not in ADVOCACY_CLASSIFICATIONS


class Alert(models.Model):
    """Something subscribers must hear about, raised once: by unique constraints, not timing."""

    class Kind(models.TextChoices):
        WINDOW_THRESHOLD = "window-threshold", _("signing window closing")
        WINDOW_OVERDUE = "window-overdue", _("signing deadline passed")
        NEW_ACTION = "new-action", _("new action or vote")

    kind = models.CharField(max_length=24, choices=Kind.choices)
    bill = models.ForeignKey(Bill, on_delete=models.CASCADE, related_name="alerts")
    window = models.ForeignKey(
        SigningWindow, on_delete=models.CASCADE, null=True, blank=True, related_name="alerts"
    )
    threshold_days = models.SmallIntegerField(
        null=True, blank=True, help_text=_("Days before the earliest close; 0 is that day.")
    )
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, null=True, blank=True, related_name="alerts"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["window", "threshold_days"],
                condition=Q(kind="window-threshold"),
                name="alert_once_per_window_threshold",
            ),
            models.UniqueConstraint(
                fields=["window"],
                condition=Q(kind="window-overdue"),
                name="alert_once_per_window_overdue",
            ),
            models.UniqueConstraint(
                fields=["event"], condition=Q(kind="new-action"), name="alert_once_per_event"
            ),
            models.CheckConstraint(
                condition=Q(
                    kind="window-threshold",
                    window__isnull=False,
                    threshold_days__isnull=False,
                    event__isnull=True,
                )
                | Q(
                    kind="window-overdue",
                    window__isnull=False,
                    threshold_days__isnull=True,
                    event__isnull=True,
                )
                | Q(kind="new-action", window__isnull=True, event__isnull=False),
                name="alert_kind_fields_coherent",
            ),
        ]
        # The scan fans out the alerts it raised by their shared creation time.
        indexes = [models.Index(fields=["created_at"], name="alert_created_idx")]

    def __str__(self) -> str:
        suffix = "" if self.threshold_days is None else f" ({self.threshold_days} days)"
        return f"{self.kind} {self.bill}{suffix}"


class Subscription(models.Model):
    """An e-mail address following one bill or a whole jurisdiction. Never shown publicly."""

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting confirmation")
        CONFIRMED = "confirmed", _("confirmed")
        UNSUBSCRIBED = "unsubscribed", _("unsubscribed")

    class Language(models.TextChoices):
        EN = "en", "English"
        RU = "ru", "Русский"
        KK = "kk", "Қазақша"

    email = models.EmailField()
    bill = models.ForeignKey(
        Bill, on_delete=models.CASCADE, null=True, blank=True, related_name="subscriptions"
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.CASCADE, null=True, blank=True, related_name="subscriptions"
    )
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.EN)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # When the current confirmation link was mailed; empty while one is owed (the outbox sweeper
    # sends it if the publish after the request was lost).
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(bill__isnull=False, jurisdiction__isnull=True)
                | Q(bill__isnull=True, jurisdiction__isnull=False),
                name="subscription_one_scope",
            ),
            models.UniqueConstraint(
                fields=["email", "bill"],
                condition=Q(bill__isnull=False),
                name="subscription_unique_bill",
            ),
            models.UniqueConstraint(
                fields=["email", "jurisdiction"],
                condition=Q(jurisdiction__isnull=False),
                name="subscription_unique_jurisdiction",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "confirmed", "unsubscribed"]),
                name="subscription_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(language__in=["en", "ru", "kk"]), name="subscription_language_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="subscription_status_idx"),
        ]

    def __str__(self) -> str:
        # No address here: __str__ ends up in logs and admin messages.
        return f"Subscription #{self.pk} ({self.status})"


class Delivery(models.Model):
    """The outbox: one row per alert and subscriber. A sent delivery is never sent again."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed (gave up)")
        CANCELLED = "cancelled", _("cancelled (unsubscribed)")

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="deliveries")
    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["alert", "subscription"], name="delivery_once_per_alert_subscriber"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "sent", "failed", "cancelled"]),
                name="delivery_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="delivery_sent_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_outbox_idx"),
        ]

    def __str__(self) -> str:
        return f"Delivery #{self.pk} ({self.status})"

    @property
    def message_id(self) -> str:
        """Stable Message-ID derived from this row, so a resend is recognisably the same mail."""
        return f"<delivery-{self.pk}@bill-tracker>"
