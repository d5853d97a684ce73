"""The legislative record: jurisdictions, chambers, bills, their timelines (actions and advocacy
events), votes, sources, signing rules and signing windows.

Vocabulary follows Open Civic Data and Popolo (jurisdiction, chamber classification lower/upper,
bill actions, vote counts by option) so that the record can be exchanged with Open States-style
tools. Each fact is stored once: a vote hangs off the action it decided and takes its bill,
chamber and date from it. A bill's status, dates and signing windows are derived from its
timeline by bills.changes, never typed in.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from bills.choice_labels import ChoiceLabelsMixin
from bills.choices import (
    ADVOCACY_CLASSIFICATIONS,
    CHAMBER_ACTIONS,
    VOTE_RESULT_OF_ACTION,
    BillStatus,
    ChamberKind,
    Classification,
    CourtReferral,
    DatePrecision,
    OfficeRole,
    RuleTrigger,
    Visibility,
    WindowPhase,
    WindowStatus,
)
from bills.translation import LocalizedMixin, display_title
from bills.validation import (
    date_precision_errors,
    raise_if,
    related_or_none,
    validate_one_line,
    validate_timezone,
)

__all__ = [
    "Bill",
    "BillStatus",
    "Chamber",
    "Classification",
    "DatePrecision",
    "Event",
    "Family",
    "Jurisdiction",
    "MemberVote",
    "Officeholder",
    "SigningRule",
    "SigningRuleStep",
    "SigningWindow",
    "Source",
    "Subject",
    "Visibility",
    "Vote",
]


def date_precision_constraint(prefix: str, date_field: str, precision_field: str):
    """A date and its precision agree: unknown has no date; a known precision has one;
    a month-precision date is the first of its month (no invented day)."""
    return models.CheckConstraint(
        condition=(
            Q(**{precision_field: DatePrecision.UNKNOWN, f"{date_field}__isnull": True})
            | Q(**{precision_field: DatePrecision.DAY, f"{date_field}__isnull": False})
            | Q(
                **{
                    precision_field: DatePrecision.MONTH,
                    f"{date_field}__isnull": False,
                    f"{date_field}__day": 1,
                }
            )
        ),
        name=f"{prefix}_{date_field}_precision_coherent",
    )


def date_label(date: datetime.date | None, precision: str) -> str:
    """A date as an admin reads it in a picker: 18 Dec 2025, Dec 2025, or "undated"."""
    if date is None or precision == DatePrecision.UNKNOWN:
        return "undated"
    return date.strftime("%b %Y" if precision == DatePrecision.MONTH else "%-d %b %Y")


def _add(errors: dict[str, list[Any]], field: str, message: Any) -> None:
    errors.setdefault(field, []).append(message)


class Jurisdiction(ChoiceLabelsMixin, LocalizedMixin, models.Model):
    class Classification(models.TextChoices):
        COUNTRY = "country", _("country")
        STATE = "state", _("state")

    code = models.CharField(
        max_length=16, unique=True, help_text=_("Short code, e.g. KZ, US, US-CA.")
    )
    ocd_id = models.CharField(
        _("OCD id"), max_length=200, blank=True, help_text="ocd-jurisdiction/country:kz/government"
    )
    name = models.CharField(_("name (English)"), max_length=200, validators=[validate_one_line])
    name_ru = models.CharField(
        _("name (Russian)"), max_length=200, blank=True, validators=[validate_one_line]
    )
    name_kk = models.CharField(
        _("name (Kazakh)"), max_length=200, blank=True, validators=[validate_one_line]
    )
    classification = models.CharField(
        max_length=16, choices=Classification.choices, default=Classification.COUNTRY
    )
    timezone = models.CharField(
        max_length=64,
        validators=[validate_timezone],
        help_text=_("IANA time zone, e.g. Asia/Almaty; deadlines are dates there."),
    )
    languages = models.CharField(
        max_length=64, blank=True, help_text=_("Official languages, comma-separated: kk,ru")
    )
    executive_title = models.CharField(
        _("executive (English)"), max_length=100, validators=[validate_one_line]
    )
    executive_title_ru = models.CharField(
        _("executive (Russian)"), max_length=100, blank=True, validators=[validate_one_line]
    )
    executive_title_kk = models.CharField(
        _("executive (Kazakh)"), max_length=100, blank=True, validators=[validate_one_line]
    )
    holiday_country = models.CharField(
        max_length=8, blank=True, help_text=_("Country code for the holidays package, e.g. KZ.")
    )
    holiday_subdivision = models.CharField(
        max_length=8, blank=True, help_text=_("Subdivision for the holidays package, e.g. CA.")
    )

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(classification__in=["country", "state"]),
                name="jurisdiction_classification_valid",
            ),
            models.CheckConstraint(condition=~Q(code=""), name="jurisdiction_code_not_blank"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def today(self, *, now: datetime.datetime | None = None) -> datetime.date:
        """Today's date in the jurisdiction: deadlines are dates in its time zone (in Almaty it
        may already be tomorrow in UTC)."""
        return (now or timezone.now()).astimezone(ZoneInfo(self.timezone)).date()


class Chamber(ChoiceLabelsMixin, LocalizedMixin, models.Model):
    Classification = ChamberKind

    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="chambers"
    )
    name = models.CharField(_("name (English)"), max_length=200, validators=[validate_one_line])
    name_ru = models.CharField(
        _("name (Russian)"), max_length=200, blank=True, validators=[validate_one_line]
    )
    name_kk = models.CharField(
        _("name (Kazakh)"), max_length=200, blank=True, validators=[validate_one_line]
    )
    classification = models.CharField(max_length=16, choices=ChamberKind.choices)
    seats = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("Number of seats; blank where no source gives it.")
    )

    class Meta:
        ordering = ["jurisdiction__code", "classification"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "classification"], name="chamber_unique_per_classification"
            ),
            models.CheckConstraint(
                condition=Q(classification__in=["lower", "upper", "unicameral"]),
                name="chamber_classification_valid",
            ),
            models.CheckConstraint(
                condition=Q(seats__isnull=True) | Q(seats__gt=0), name="chamber_seats_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.jurisdiction.code})"

    def clean(self) -> None:
        errors: dict[str, list[Any]] = {}
        if self.jurisdiction_id and self.classification:
            # A legislature is either unicameral or has lower and upper houses, never both.
            others = set(
                Chamber.objects.filter(jurisdiction_id=self.jurisdiction_id)
                .exclude(pk=self.pk)
                .values_list("classification", flat=True)
            )
            uni = ChamberKind.UNICAMERAL
            if (self.classification == uni and others) or (
                self.classification != uni and uni in others
            ):
                _add(
                    errors,
                    "classification",
                    _(
                        "A legislature has either one unicameral chamber or lower and upper "
                        "houses, not both: %(j)s already has %(others)s."
                    )
                    % {
                        "j": self.jurisdiction.code,
                        "others": ", ".join(str(ChamberKind(o).label) for o in sorted(others)),
                    },
                )
        if self.pk:
            saved = Chamber.objects.filter(pk=self.pk).first()
            if saved is not None and saved.jurisdiction_id != self.jurisdiction_id:
                acts = Event.objects.filter(chamber=self).count()
                bills = Bill.objects.filter(originating_chamber=self).count()
                if acts or bills:
                    _add(
                        errors,
                        "jurisdiction",
                        _(
                            "This chamber has %(acts)d recorded act(s) and originated %(bills)d "
                            "bill(s) in %(j)s: it cannot move to another jurisdiction. Create "
                            "the other jurisdiction's chamber instead."
                        )
                        % {"acts": acts, "bills": bills, "j": saved.jurisdiction.code},
                    )
            if self.seats is not None:
                totals = [
                    v.counted_total()
                    for v in Vote.objects.filter(action__chamber=self)
                    if v.counted_total() > self.seats
                ]
                if totals:
                    _add(
                        errors,
                        "seats",
                        _(
                            "%(count)d recorded vote(s) in this chamber count more members than "
                            "%(seats)d seats (largest: %(total)d)."
                        )
                        % {"count": len(totals), "seats": self.seats, "total": max(totals)},
                    )
        raise_if(errors)


class Subject(ChoiceLabelsMixin, LocalizedMixin, models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(_("name (English)"), max_length=200, validators=[validate_one_line])
    name_ru = models.CharField(
        _("name (Russian)"), max_length=200, blank=True, validators=[validate_one_line]
    )
    name_kk = models.CharField(
        _("name (Kazakh)"), max_length=200, blank=True, validators=[validate_one_line]
    )

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name


class Source(ChoiceLabelsMixin, models.Model):
    """Where a fact comes from: an article, a statement, a law. Cited by publisher, title, date."""

    publisher = models.CharField(max_length=200, validators=[validate_one_line])
    title = models.CharField(max_length=500, blank=True, validators=[validate_one_line])
    url = models.URLField(max_length=500, blank=True)
    published_on = models.DateField(null=True, blank=True)
    published_precision = models.CharField(
        max_length=8, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    note = models.CharField(
        max_length=500, blank=True, help_text=_("How the citation was established, if not obvious.")
    )

    class Meta:
        ordering = ["-published_on", "publisher"]
        constraints = [
            models.CheckConstraint(condition=~Q(publisher=""), name="source_publisher_not_blank"),
            models.UniqueConstraint(fields=["url"], condition=~Q(url=""), name="source_url_unique"),
            models.UniqueConstraint(
                fields=["publisher", "title", "published_on"], name="source_citation_unique"
            ),
            date_precision_constraint("source", "published_on", "published_precision"),
        ]

    def __str__(self) -> str:
        date = self.published_on.isoformat() if self.published_on else "n.d."
        return f"{self.publisher}, “{self.title}” ({date})" if self.title else self.publisher

    def clean(self) -> None:
        raise_if(
            date_precision_errors(
                self.published_on, self.published_precision, "published_on", "published_precision"
            )
        )

    def latest_day(self) -> datetime.date | None:
        """The latest day the publication date allows (a month-precision date: its last day)."""
        if self.published_on is None:
            return None
        if self.published_precision == DatePrecision.MONTH:
            return self.published_on + relativedelta(day=31)
        return self.published_on


class Family(ChoiceLabelsMixin, LocalizedMixin, models.Model):
    """Laws that copy one another across jurisdictions, e.g. the "LGBT propaganda" bans that
    followed Russia's of 2013. Each member bill says which earlier law it follows, with sources."""

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(_("name (English)"), max_length=200, validators=[validate_one_line])
    name_ru = models.CharField(
        _("name (Russian)"), max_length=200, blank=True, validators=[validate_one_line]
    )
    name_kk = models.CharField(
        _("name (Kazakh)"), max_length=200, blank=True, validators=[validate_one_line]
    )
    summary = models.TextField(_("summary (English)"), blank=True)
    summary_ru = models.TextField(_("summary (Russian)"), blank=True)
    summary_kk = models.TextField(_("summary (Kazakh)"), blank=True)
    sources = models.ManyToManyField(Source, blank=True, related_name="families")

    class Meta:
        ordering = ["slug"]
        verbose_name_plural = "families"

    def __str__(self) -> str:
        return self.name


class Officeholder(ChoiceLabelsMixin, LocalizedMixin, models.Model):
    """A person holding an office over a term: the head of state who signs, or the Speaker who
    signs in their place. Who signed a law is read from the term its date falls in."""

    Role = OfficeRole

    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="officeholders"
    )
    role = models.CharField(max_length=16, choices=OfficeRole.choices)
    name = models.CharField(_("name (English)"), max_length=200, validators=[validate_one_line])
    name_ru = models.CharField(
        _("name (Russian)"), max_length=200, blank=True, validators=[validate_one_line]
    )
    name_kk = models.CharField(
        _("name (Kazakh)"), max_length=200, blank=True, validators=[validate_one_line]
    )
    # Blank where no source gives the day: the term is then open at that end.
    term_start = models.DateField(null=True, blank=True)
    term_end = models.DateField(null=True, blank=True)
    sources = models.ManyToManyField(Source, blank=True, related_name="officeholders")

    class Meta:
        ordering = ["jurisdiction", "role", F("term_start").asc(nulls_first=True)]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "role", "name", "term_start"],
                name="officeholder_term_unique",
            ),
            models.CheckConstraint(
                condition=Q(term_end__isnull=True)
                | Q(term_start__isnull=True)
                | Q(term_end__gte=F("term_start")),
                name="officeholder_term_range",
            ),
            models.CheckConstraint(
                condition=Q(role__in=["head-of-state", "speaker"]), name="officeholder_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.get_role_display()}"

    def holds_on(self, day: datetime.date) -> bool:
        return (self.term_start is None or self.term_start <= day) and (
            self.term_end is None or day <= self.term_end
        )


class Bill(ChoiceLabelsMixin, LocalizedMixin, models.Model):
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="bills")
    identifier = models.CharField(
        max_length=64, blank=True, help_text=_("Official number; blank where no source gives one.")
    )
    title = models.CharField(
        _("official title (English)"), max_length=500, validators=[validate_one_line]
    )
    title_ru = models.CharField(
        _("official title (Russian)"), max_length=500, blank=True, validators=[validate_one_line]
    )
    title_kk = models.CharField(
        _("official title (Kazakh)"), max_length=500, blank=True, validators=[validate_one_line]
    )
    short_title = models.CharField(
        _("short title (English)"), max_length=200, blank=True, validators=[validate_one_line]
    )
    short_title_ru = models.CharField(
        _("short title (Russian)"), max_length=200, blank=True, validators=[validate_one_line]
    )
    short_title_kk = models.CharField(
        _("short title (Kazakh)"), max_length=200, blank=True, validators=[validate_one_line]
    )
    summary = models.TextField(_("summary (English)"), blank=True)
    summary_ru = models.TextField(_("summary (Russian)"), blank=True)
    summary_kk = models.TextField(_("summary (Kazakh)"), blank=True)
    slug = models.SlugField(max_length=120, unique=True)
    originating_chamber = models.ForeignKey(
        Chamber, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    subjects = models.ManyToManyField(Subject, blank=True, related_name="bills")
    sources = models.ManyToManyField(Source, blank=True, related_name="bills")
    family = models.ForeignKey(
        Family, on_delete=models.PROTECT, null=True, blank=True, related_name="bills"
    )
    # Which earlier law this one follows, as its sources say; blank where none says.
    lineage = models.TextField(_("lineage (English)"), blank=True)
    lineage_ru = models.TextField(_("lineage (Russian)"), blank=True)
    lineage_kk = models.TextField(_("lineage (Kazakh)"), blank=True)
    lineage_sources = models.ManyToManyField(
        Source, blank=True, related_name="lineage_of", verbose_name=_("lineage sources")
    )
    # Derived from the bill's timeline by bills.changes.bill_derive, never typed in.
    status = models.CharField(
        max_length=24, choices=BillStatus.choices, default=BillStatus.INTRODUCED, editable=False
    )
    introduced_on = models.DateField(null=True, blank=True, editable=False)
    last_action_on = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Full-text search on PostgreSQL: kept current by a database trigger (migration 0002) over
    # the titles, summaries and identifier in every language; unused (NULL) on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)
    # The sources and subjects too (m2m), so that the history says when a source was added.
    history = HistoricalRecords(excluded_fields=["search_vector"], m2m_fields=[subjects, sources])

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "identifier"],
                condition=~Q(identifier=""),
                name="bill_identifier_unique_per_jurisdiction",
            ),
            models.CheckConstraint(
                condition=Q(status__in=BillStatus.values), name="bill_status_valid"
            ),
            models.CheckConstraint(condition=~Q(title=""), name="bill_title_not_blank"),
            # A lineage is a claim: it needs a family to belong to.
            models.CheckConstraint(
                condition=Q(lineage="") | Q(family__isnull=False), name="bill_lineage_has_family"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "jurisdiction"], name="bill_status_jurisdiction_idx"),
            models.Index(fields=["-last_action_on"], name="bill_last_action_idx"),
            models.Index(fields=["-updated_at"], name="bill_updated_idx"),
            # The dashboard's board: the count per (jurisdiction, stage) and the latest bills of
            # each, read from this index alone instead of sorting every bill.
            models.Index(
                fields=["jurisdiction", "status", "-updated_at", "-id"], name="bill_board_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.short_title or self.title

    def clean(self) -> None:
        errors: dict[str, list[Any]] = {}
        chamber = self.originating_chamber
        if (
            chamber is not None
            and self.jurisdiction_id
            and (chamber.jurisdiction_id != self.jurisdiction_id)
        ):
            _add(
                errors,
                "originating_chamber",
                _("%(chamber)s belongs to another jurisdiction than this bill's.")
                % {"chamber": chamber},
            )
        if self.pk and self.jurisdiction_id:
            elsewhere = (
                Event.objects.filter(bill_id=self.pk, chamber__isnull=False)
                .exclude(chamber__jurisdiction_id=self.jurisdiction_id)
                .count()
            )
            if elsewhere:
                _add(
                    errors,
                    "jurisdiction",
                    _(
                        "%(n)d act(s) on this bill's timeline were taken by chambers of its "
                        "jurisdiction: the bill cannot move to another one."
                    )
                    % {"n": elsewhere},
                )
        raise_if(errors)

    def display_title(self) -> str:
        """Short title if there is one, in the active language where entered."""
        return display_title(self)


class EventQuerySet(models.QuerySet):
    def public(self) -> EventQuerySet:
        """Only events anyone may see."""
        return self.filter(visibility=Visibility.PUBLIC)

    def legislative(self) -> EventQuerySet:
        """Only legislative actions (the OCD vocabulary), not advocacy events."""
        return self.exclude(classification__in=ADVOCACY_CLASSIFICATIONS)


class Event(ChoiceLabelsMixin, LocalizedMixin, models.Model):
    """One entry on a bill's timeline: a legislative action or an advocacy event."""

    bill = models.ForeignKey(Bill, on_delete=models.CASCADE, related_name="events")
    # What public pages and feeds call the event (anchors, entry ids): row ids would show the
    # gaps internal events leave, and so that something was hidden.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
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
        max_length=300,
        blank=True,
        validators=[validate_one_line],
        help_text=_("Who acted, for advocacy events."),
    )
    description = models.TextField(_("description (English)"))
    description_ru = models.TextField(_("description (Russian)"), blank=True)
    description_kk = models.TextField(_("description (Kazakh)"), blank=True)
    date = models.DateField(null=True, blank=True)
    date_precision = models.CharField(
        max_length=8, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    visibility = models.CharField(
        max_length=8, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    # A public event cites at least one source (bills.timeline); only internal notes may not.
    sources = models.ManyToManyField(Source, blank=True, related_name="events")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(m2m_fields=[sources])

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
        # What a picker shows: "LGBT propaganda ban · Senate · 18 Dec 2025 · passage".
        chamber = related_or_none(self, "chamber")
        parts = [
            str(self.bill) if self.bill_id else "",
            chamber.name if chamber else "",
            date_label(self.date, self.date_precision),
            self.get_classification_display(),
        ]
        return " · ".join(part for part in parts if part)

    def clean(self) -> None:
        errors: dict[str, list[Any]] = {}
        for field, message in date_precision_errors(
            self.date, self.date_precision, "date", "date_precision"
        ).items():
            _add(errors, field, message)
        bill = related_or_none(self, "bill")
        chamber = related_or_none(self, "chamber")
        if (
            bill is not None
            and chamber is not None
            and chamber.jurisdiction_id != bill.jurisdiction_id
        ):
            _add(
                errors,
                "chamber",
                _("%(chamber)s is a chamber of another jurisdiction than this bill's (%(j)s).")
                % {"chamber": chamber, "j": bill.jurisdiction.code},
            )
        if self.classification in CHAMBER_ACTIONS and chamber is None:
            _add(
                errors,
                "chamber",
                _("Say which chamber acted: a %(c)s is a chamber's act.")
                % {"c": self.get_classification_display()},
            )
        if self.date is not None and bill is not None and self.date > bill.jurisdiction.today():
            _add(errors, "date", _("An event cannot be dated in the future."))
        if (
            self.date is not None
            and bill is not None
            and bill.introduced_on is not None
            and self.date < bill.introduced_on
            and self.is_public
            and self.is_legislative
            and self.classification != Classification.INTRODUCTION
        ):
            _add(
                errors,
                "date",
                _(
                    "This act is dated %(date)s, before the bill's introduction on %(intro)s. "
                    "Correct one of the dates."
                )
                % {"date": self.date.isoformat(), "intro": bill.introduced_on.isoformat()},
            )
        if self.pk and not self.is_legislative:
            vote = Vote.objects.filter(action_id=self.pk).first()
            if vote is not None:
                _add(
                    errors,
                    "classification",
                    _("A vote decided this event: it is a legislative act, not an advocacy event."),
                )
        raise_if(errors)

    @property
    def is_legislative(self) -> bool:
        return self.classification not in ADVOCACY_CLASSIFICATIONS

    @property
    def is_public(self) -> bool:
        return self.visibility == Visibility.PUBLIC


class Vote(ChoiceLabelsMixin, LocalizedMixin, models.Model):
    """The counts of the act a chamber voted on. Its bill, chamber and date are the action's:
    stored once, so a vote and its action cannot disagree."""

    class Result(models.TextChoices):
        PASS = "pass", _("passed")
        FAIL = "fail", _("failed")

    action = models.OneToOneField(
        Event,
        on_delete=models.CASCADE,
        related_name="vote",
        help_text=_("The act this vote decided (its bill, chamber and date)."),
    )
    motion = models.CharField(_("motion (English)"), max_length=300, validators=[validate_one_line])
    motion_ru = models.CharField(
        _("motion (Russian)"), max_length=300, blank=True, validators=[validate_one_line]
    )
    motion_kk = models.CharField(
        _("motion (Kazakh)"), max_length=300, blank=True, validators=[validate_one_line]
    )
    result = models.CharField(max_length=8, choices=Result.choices)
    yes_count = models.PositiveIntegerField(null=True, blank=True)
    no_count = models.PositiveIntegerField(null=True, blank=True)
    abstain_count = models.PositiveIntegerField(null=True, blank=True)
    absent_count = models.PositiveIntegerField(null=True, blank=True)
    not_voting_count = models.PositiveIntegerField(null=True, blank=True)
    unanimous = models.BooleanField(
        default=False, help_text=_("The source says unanimous: no votes against, no abstentions.")
    )
    # Sources for the counts beyond the action's own (which cite the act itself).
    sources = models.ManyToManyField(Source, blank=True, related_name="votes")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[sources])

    class Meta:
        ordering = ["action__date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(result__in=["pass", "fail"]), name="vote_result_valid"
            ),
            # A passed motion needs more yes than no votes where both are known.
            models.CheckConstraint(
                condition=~Q(result="pass")
                | Q(yes_count__isnull=True)
                | Q(no_count__isnull=True)
                | Q(yes_count__gt=F("no_count")),
                name="vote_pass_needs_majority",
            ),
            models.CheckConstraint(
                condition=Q(unanimous=False)
                | (
                    Q(result="pass")
                    & (Q(no_count__isnull=True) | Q(no_count=0))
                    & (Q(abstain_count__isnull=True) | Q(abstain_count=0))
                ),
                name="vote_unanimous_coherent",
            ),
        ]

    def __str__(self) -> str:
        # What a picker shows: "Senate · 18 Dec 2025 · passed".
        action = related_or_none(self, "action")
        if action is None:
            return f"{self.motion} · {self.get_result_display()}"
        chamber = action.chamber.name if action.chamber else "?"
        when = date_label(action.date, action.date_precision)
        return f"{chamber} · {when} · {self.get_result_display()}"

    def clean(self) -> None:
        """Row and cross-table rules, with messages for the admin (also enforced in the DB)."""
        errors: dict[str, list[Any]] = {}
        action = related_or_none(self, "action")
        chamber = action.chamber if action is not None else None
        if action is not None:
            if not action.is_legislative:
                _add(
                    errors, "action", _("A vote decides a legislative act, not an advocacy event.")
                )
            elif chamber is None:
                _add(
                    errors,
                    "action",
                    _("A vote is a chamber's: say on the action which chamber voted."),
                )
            expected = VOTE_RESULT_OF_ACTION.get(action.classification)
            if expected is not None and self.result and self.result != expected:
                _add(
                    errors,
                    "result",
                    _("The action says %(act)s, so the vote's result is '%(result)s'.")
                    % {
                        "act": action.get_classification_display(),
                        "result": self.Result(expected).label,
                    },
                )
        if chamber is not None and chamber.seats is not None:
            if self.yes_count is not None and self.yes_count > chamber.seats:
                _add(
                    errors,
                    "yes_count",
                    _("%(n)d yes votes is more than the chamber's %(seats)d seats.")
                    % {"n": self.yes_count, "seats": chamber.seats},
                )
            elif self.counted_total() > chamber.seats:
                _add(
                    errors,
                    "yes_count",
                    _("The counts add up to %(n)d, more than the chamber's %(seats)d seats.")
                    % {"n": self.counted_total(), "seats": chamber.seats},
                )
        yes, no, abstain = self.yes_count, self.no_count, self.abstain_count
        if self.result == self.Result.PASS and yes is not None and no is not None and yes <= no:
            _add(
                errors,
                "result",
                _("The counts contradict the result: %(yes)d yes against %(no)d no is not a pass.")
                % {"yes": yes, "no": no},
            )
        if self.unanimous:
            if self.result != self.Result.PASS:
                _add(errors, "unanimous", _("A unanimous vote is a passed vote."))
            if no or abstain:
                _add(
                    errors,
                    "unanimous",
                    _("A unanimous vote has no votes against and no abstentions."),
                )
        raise_if(errors)

    def counted_total(self) -> int:
        """Sum of the known counts (unknown counts count as zero)."""
        return sum(
            c or 0
            for c in (
                self.yes_count,
                self.no_count,
                self.abstain_count,
                self.absent_count,
                self.not_voting_count,
            )
        )

    def member_vote_errors(self, options: Sequence[str]) -> list[str]:
        """Where the source lists each member's vote, the list agrees with the counts."""
        tally = {option: 0 for option in MemberVote.Option.values}
        for option in options:
            tally[option] = tally.get(option, 0) + 1
        errors = []
        for option, field in MemberVote.COUNT_FIELDS.items():
            count = getattr(self, field)
            if count is not None and count != tally[option]:
                errors.append(
                    _("The member votes list %(n)d '%(option)s' but the count says %(count)d.")
                    % {
                        "n": tally[option],
                        "option": MemberVote.Option(option).label,
                        "count": count,
                    }
                )
        return errors


class MemberVote(ChoiceLabelsMixin, models.Model):
    """One member's vote, where the source lists them (optional). Members are legislators,
    public figures; nobody else is named in a vote."""

    class Option(models.TextChoices):
        YES = "yes", _("yes")
        NO = "no", _("no")
        ABSTAIN = "abstain", _("abstain")
        ABSENT = "absent", _("absent")
        NOT_VOTING = "not-voting", _("not voting")

    COUNT_FIELDS = {
        "yes": "yes_count",
        "no": "no_count",
        "abstain": "abstain_count",
        "absent": "absent_count",
        "not-voting": "not_voting_count",
    }

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="member_votes")
    member_name = models.CharField(max_length=200)
    option = models.CharField(max_length=16, choices=Option.choices)

    class Meta:
        ordering = ["member_name"]
        constraints = [
            models.UniqueConstraint(fields=["vote", "member_name"], name="member_vote_unique"),
            models.CheckConstraint(
                condition=Q(option__in=["yes", "no", "abstain", "absent", "not-voting"]),
                name="member_vote_option_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_name}: {self.option}"


class SigningRule(ChoiceLabelsMixin, models.Model):
    """How long the executive has to sign or return a bill, as data, citing the law behind it."""

    Trigger = RuleTrigger

    class Lapse(models.TextChoices):
        BECOMES_LAW = "becomes-law", _("becomes law without signature")
        POCKET_VETO = "pocket-veto", _("pocket veto")
        NONE = "none", _("no legal effect")

    code = models.CharField(max_length=16, unique=True, help_text="KZ, US, RU, US-CA")
    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="signing_rules"
    )
    name = models.CharField(max_length=200)
    legal_source = models.CharField(max_length=500, help_text=_("The law behind the rule."))
    source_url = models.URLField(max_length=500, blank=True)
    # Blank where the date the rule took effect is not established: it then covers any earlier
    # trigger (better than an invented date).
    in_force_from = models.DateField(null=True, blank=True)
    in_force_until = models.DateField(null=True, blank=True)
    trigger = models.CharField(max_length=24, choices=RuleTrigger.choices)
    lapse_effect = models.CharField(max_length=16, choices=Lapse.choices)
    lapse_note = models.CharField(max_length=500, blank=True)
    # What a referral to the constitutional court does to the period (e.g. Hungary's Fundamental
    # Law art. 6(4): the President signs at once once the Court finds no violation).
    court_referral = models.CharField(
        max_length=16, choices=CourtReferral.choices, default=CourtReferral.NOT_STATED
    )
    alert_days = models.JSONField(
        default=list,
        blank=True,
        help_text=_("Days before the earliest close at which to alert, e.g. [7, 3, 1, 0]."),
    )

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(in_force_until__isnull=True)
                | Q(in_force_from__isnull=True)
                | Q(in_force_until__gte=F("in_force_from")),
                name="signing_rule_in_force_range",
            ),
            models.CheckConstraint(
                condition=Q(trigger__in=["final-approval", "executive-receipt"]),
                name="signing_rule_trigger_valid",
            ),
            models.CheckConstraint(
                condition=Q(lapse_effect__in=["becomes-law", "pocket-veto", "none"]),
                name="signing_rule_lapse_valid",
            ),
            models.CheckConstraint(
                condition=Q(court_referral__in=CourtReferral.values),
                name="signing_rule_court_referral_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.name}"

    def clean(self) -> None:
        days = self.alert_days
        if not isinstance(days, list) or not all(
            isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in days
        ):
            raise ValidationError(
                {"alert_days": _("A list of whole days, 0 or more, before the earliest close.")}
            )


class SigningRuleStep(ChoiceLabelsMixin, models.Model):
    """One step of a rule's chain, e.g. 'to the President within 10 days', then 'one month'."""

    class Unit(models.TextChoices):
        CALENDAR_DAYS = "calendar-days", _("calendar days")
        DAYS_EXCLUDING_SUNDAYS = "days-excl-sundays", _("days, Sundays excepted")
        WORKING_DAYS = "working-days", _("working days")
        CALENDAR_MONTHS = "calendar-months", _("calendar months")

    Phase = WindowPhase

    rule = models.ForeignKey(SigningRule, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField()
    # The period after the final approval, or the one the law gives after an override.
    phase = models.CharField(
        max_length=16, choices=WindowPhase.choices, default=WindowPhase.PASSAGE
    )
    label = models.CharField(max_length=200)
    length = models.PositiveSmallIntegerField()
    unit = models.CharField(max_length=24, choices=Unit.choices)
    # The transmission step: it may take up to `length`; its end is the executive's receipt.
    ends_with_receipt = models.BooleanField(default=False)
    # Where the law says a period ending on a weekend day or public holiday runs on to the next
    # working day (e.g. California Constitution art. IV §10(b)(5)).
    extends_past_holidays = models.BooleanField(default=False)

    class Meta:
        ordering = ["rule", "order"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "order"], name="signing_step_order_unique"),
            models.UniqueConstraint(
                fields=["rule"],
                condition=Q(ends_with_receipt=True),
                name="signing_step_one_receipt",
            ),
            models.CheckConstraint(condition=Q(length__gt=0), name="signing_step_length_positive"),
            models.CheckConstraint(
                condition=Q(phase__in=WindowPhase.values), name="signing_step_phase_valid"
            ),
            models.CheckConstraint(
                condition=Q(
                    unit__in=[
                        "calendar-days",
                        "days-excl-sundays",
                        "working-days",
                        "calendar-months",
                    ]
                ),
                name="signing_step_unit_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule.code} #{self.order}: {self.length} {self.unit}"


class SigningWindow(ChoiceLabelsMixin, models.Model):
    """The time the executive has for one bill. Bounds while the receipt date is unknown.

    Derived data: written only by bills.changes from the bill's timeline and the rules."""

    Status = WindowStatus

    bill = models.ForeignKey(Bill, on_delete=models.CASCADE, related_name="windows")
    rule = models.ForeignKey(SigningRule, on_delete=models.PROTECT, related_name="windows")
    phase = models.CharField(
        max_length=16, choices=WindowPhase.choices, default=WindowPhase.PASSAGE
    )
    # The trigger's date, or its bounds where the source gives none (equal when exact).
    triggered_earliest = models.DateField()
    triggered_latest = models.DateField()
    received_on = models.DateField(null=True, blank=True)
    closes_earliest = models.DateField()
    closes_latest = models.DateField()
    status = models.CharField(
        max_length=16, choices=WindowStatus.choices, default=WindowStatus.OPEN
    )
    closed_on = models.DateField(null=True, blank=True)
    opened_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["closes_earliest"]
        constraints = [
            models.UniqueConstraint(
                fields=["bill"],
                condition=Q(status__in=["open", "paused"]),
                name="signing_window_one_open_per_bill",
            ),
            models.CheckConstraint(
                condition=Q(triggered_earliest__lte=F("triggered_latest")),
                name="signing_window_trigger_range",
            ),
            models.CheckConstraint(
                condition=Q(closes_earliest__lte=F("closes_latest")),
                name="signing_window_close_range",
            ),
            models.CheckConstraint(
                condition=Q(status__in=WindowStatus.values),
                name="signing_window_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "paused"], closed_on__isnull=True)
                | ~Q(status__in=["open", "paused"]),
                name="signing_window_closed_on_coherent",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "closes_earliest"], name="signing_window_scan_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.bill} [{self.rule.code}] {self.closes_earliest}…{self.closes_latest}"
