"""The legislative record: jurisdictions, chambers, bills, votes, sources and signing windows.

Vocabulary follows Open Civic Data and Popolo (jurisdiction, chamber classification lower/upper,
vote counts by option) so that the record can be exchanged with Open States-style tools later.
"""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from bills.translation import LocalizedMixin
from bills.validation import (
    date_precision_errors,
    jurisdiction_today,
    raise_if,
    related_or_none,
)


class DatePrecision(models.TextChoices):
    """How much of a date the source gives. A month-precision date is stored as its first day."""

    DAY = "day", _("day")
    MONTH = "month", _("month")
    UNKNOWN = "unknown", _("unknown")


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


class Jurisdiction(LocalizedMixin, models.Model):
    class Classification(models.TextChoices):
        COUNTRY = "country", _("country")
        STATE = "state", _("state")

    code = models.CharField(
        max_length=16, unique=True, help_text=_("Short code, e.g. KZ, US, US-CA.")
    )
    ocd_id = models.CharField(
        _("OCD id"), max_length=200, blank=True, help_text="ocd-jurisdiction/country:kz/government"
    )
    name = models.CharField(_("name (English)"), max_length=200)
    name_ru = models.CharField(_("name (Russian)"), max_length=200, blank=True)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=200, blank=True)
    classification = models.CharField(
        max_length=16, choices=Classification.choices, default=Classification.COUNTRY
    )
    timezone = models.CharField(
        max_length=64, help_text=_("IANA time zone, e.g. Asia/Almaty; deadlines are dates there.")
    )
    languages = models.CharField(
        max_length=64, blank=True, help_text=_("Official languages, comma-separated: kk,ru")
    )
    executive_title = models.CharField(_("executive (English)"), max_length=100)
    executive_title_ru = models.CharField(_("executive (Russian)"), max_length=100, blank=True)
    executive_title_kk = models.CharField(_("executive (Kazakh)"), max_length=100, blank=True)
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


class Chamber(LocalizedMixin, models.Model):
    class Classification(models.TextChoices):
        LOWER = "lower", _("lower house")
        UPPER = "upper", _("upper house")
        UNICAMERAL = "unicameral", _("unicameral")

    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="chambers"
    )
    name = models.CharField(_("name (English)"), max_length=200)
    name_ru = models.CharField(_("name (Russian)"), max_length=200, blank=True)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=200, blank=True)
    classification = models.CharField(max_length=16, choices=Classification.choices)
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
        if self.pk and self.seats is not None:
            too_many = [v for v in self.votes.all() if v.counted_total() > self.seats]
            if too_many:
                raise ValidationError(
                    {
                        "seats": _(
                            "%(count)d recorded vote(s) in this chamber count more members than "
                            "%(seats)d seats (largest: %(total)d)."
                        )
                        % {
                            "count": len(too_many),
                            "seats": self.seats,
                            "total": max(v.counted_total() for v in too_many),
                        }
                    }
                )


class Subject(LocalizedMixin, models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(_("name (English)"), max_length=200)
    name_ru = models.CharField(_("name (Russian)"), max_length=200, blank=True)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=200, blank=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name


class Source(models.Model):
    """Where a fact comes from: an article, a statement, a law. Cited by publisher, title, date."""

    publisher = models.CharField(max_length=200)
    title = models.CharField(max_length=500, blank=True)
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


class BillStatus(models.TextChoices):
    INTRODUCED = "introduced", _("introduced")
    PASSED_LOWER = "passed-lower", _("passed lower house")
    PASSED_UPPER = "passed-upper", _("passed upper house")
    AWAITING_SIGNATURE = "awaiting-signature", _("awaiting signature")
    ENACTED = "enacted", _("enacted")
    VETOED = "vetoed", _("vetoed")
    WITHDRAWN = "withdrawn", _("withdrawn")
    FAILED = "failed", _("failed")


class Bill(LocalizedMixin, models.Model):
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="bills")
    identifier = models.CharField(
        max_length=64, blank=True, help_text=_("Official number; blank where no source gives one.")
    )
    title = models.CharField(_("official title (English)"), max_length=500)
    title_ru = models.CharField(_("official title (Russian)"), max_length=500, blank=True)
    title_kk = models.CharField(_("official title (Kazakh)"), max_length=500, blank=True)
    short_title = models.CharField(_("short title (English)"), max_length=200, blank=True)
    short_title_ru = models.CharField(_("short title (Russian)"), max_length=200, blank=True)
    short_title_kk = models.CharField(_("short title (Kazakh)"), max_length=200, blank=True)
    summary = models.TextField(_("summary (English)"), blank=True)
    summary_ru = models.TextField(_("summary (Russian)"), blank=True)
    summary_kk = models.TextField(_("summary (Kazakh)"), blank=True)
    slug = models.SlugField(max_length=120, unique=True)
    originating_chamber = models.ForeignKey(
        Chamber, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    subjects = models.ManyToManyField(Subject, blank=True, related_name="bills")
    sources = models.ManyToManyField(Source, blank=True, related_name="bills")
    # Derived from the bill's actions by bills.services.bill_refresh_status, never typed in.
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
    history = HistoricalRecords(excluded_fields=["search_vector"])

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
        ]
        indexes = [
            models.Index(fields=["status", "jurisdiction"], name="bill_status_jurisdiction_idx"),
            models.Index(fields=["-last_action_on"], name="bill_last_action_idx"),
            models.Index(fields=["-updated_at"], name="bill_updated_idx"),
        ]

    def __str__(self) -> str:
        return self.short_title or self.title

    def clean(self) -> None:
        chamber = self.originating_chamber
        if (
            chamber is not None
            and self.jurisdiction_id
            and (chamber.jurisdiction_id != self.jurisdiction_id)
        ):
            raise ValidationError(
                {
                    "originating_chamber": _(
                        "%(chamber)s belongs to another jurisdiction than this bill's."
                    )
                    % {"chamber": chamber}
                }
            )

    def display_title(self) -> str:
        """Short title if there is one, in the active language where entered."""
        return self.localized("short_title") or self.localized("title")


class Vote(LocalizedMixin, models.Model):
    class Result(models.TextChoices):
        PASS = "pass", _("passed")
        FAIL = "fail", _("failed")

    bill = models.ForeignKey(Bill, on_delete=models.CASCADE, related_name="votes")
    chamber = models.ForeignKey(Chamber, on_delete=models.PROTECT, related_name="votes")
    date = models.DateField()
    motion = models.CharField(_("motion (English)"), max_length=300)
    motion_ru = models.CharField(_("motion (Russian)"), max_length=300, blank=True)
    motion_kk = models.CharField(_("motion (Kazakh)"), max_length=300, blank=True)
    result = models.CharField(max_length=8, choices=Result.choices)
    yes_count = models.PositiveIntegerField(null=True, blank=True)
    no_count = models.PositiveIntegerField(null=True, blank=True)
    abstain_count = models.PositiveIntegerField(null=True, blank=True)
    absent_count = models.PositiveIntegerField(null=True, blank=True)
    not_voting_count = models.PositiveIntegerField(null=True, blank=True)
    unanimous = models.BooleanField(
        default=False, help_text=_("The source says unanimous: no votes against, no abstentions.")
    )
    sources = models.ManyToManyField(Source, blank=True, related_name="votes")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "id"]
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
            models.UniqueConstraint(
                fields=["bill", "chamber", "date", "motion"], name="vote_unique_motion_per_day"
            ),
        ]
        indexes = [models.Index(fields=["bill", "date"], name="vote_bill_date_idx")]

    def __str__(self) -> str:
        return f"{self.chamber.name} {self.date}: {self.motion} ({self.result})"

    def clean(self) -> None:
        """Row and cross-table rules, with messages for the admin (also enforced in the DB)."""
        errors: dict[str, list[Any]] = {}

        def add(field: str, message: Any) -> None:
            errors.setdefault(field, []).append(message)

        bill = related_or_none(self, "bill")
        chamber = related_or_none(self, "chamber")
        if (
            bill is not None
            and chamber is not None
            and chamber.jurisdiction_id != bill.jurisdiction_id
        ):
            add(
                "chamber",
                _("%(chamber)s is a chamber of another jurisdiction than this bill's (%(j)s).")
                % {"chamber": chamber, "j": bill.jurisdiction.code},
            )
        if chamber is not None and chamber.seats is not None:
            if self.yes_count is not None and self.yes_count > chamber.seats:
                add(
                    "yes_count",
                    _("%(n)d yes votes is more than the chamber's %(seats)d seats.")
                    % {"n": self.yes_count, "seats": chamber.seats},
                )
            elif self.counted_total() > chamber.seats:
                add(
                    "yes_count",
                    _("The counts add up to %(n)d, more than the chamber's %(seats)d seats.")
                    % {"n": self.counted_total(), "seats": chamber.seats},
                )
        if self.date is not None:
            if bill is not None and bill.introduced_on and self.date < bill.introduced_on:
                add(
                    "date",
                    _("The vote is dated before the bill's introduction on %(d)s.")
                    % {"d": bill.introduced_on.isoformat()},
                )
            today = jurisdiction_today(bill.jurisdiction if bill is not None else None)
            if self.date > today:
                add("date", _("A vote cannot be dated in the future."))
        yes, no, abstain = self.yes_count, self.no_count, self.abstain_count
        if self.result == self.Result.PASS and yes is not None and no is not None and yes <= no:
            add(
                "result",
                _("The counts contradict the result: %(yes)d yes against %(no)d no is not a pass.")
                % {"yes": yes, "no": no},
            )
        if self.unanimous:
            if self.result != self.Result.PASS:
                add("unanimous", _("A unanimous vote is a passed vote."))
            if no or abstain:
                add(
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


class MemberVote(models.Model):
    """One member's vote, where the source lists them (optional)."""

    class Option(models.TextChoices):
        YES = "yes", _("yes")
        NO = "no", _("no")
        ABSTAIN = "abstain", _("abstain")
        ABSENT = "absent", _("absent")
        NOT_VOTING = "not-voting", _("not voting")

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


class SigningRule(models.Model):
    """How long the executive has to sign or return a bill, as data, citing the law behind it."""

    class Trigger(models.TextChoices):
        FINAL_APPROVAL = "final-approval", _("final approval by the last chamber")
        EXECUTIVE_RECEIPT = "executive-receipt", _("receipt by the executive (presentment)")

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
    trigger = models.CharField(max_length=24, choices=Trigger.choices)
    lapse_effect = models.CharField(max_length=16, choices=Lapse.choices)
    lapse_note = models.CharField(max_length=500, blank=True)
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
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.name}"


class SigningRuleStep(models.Model):
    """One step of a rule's chain, e.g. 'to the President within 10 days', then 'one month'."""

    class Unit(models.TextChoices):
        CALENDAR_DAYS = "calendar-days", _("calendar days")
        DAYS_EXCLUDING_SUNDAYS = "days-excl-sundays", _("days, Sundays excepted")
        WORKING_DAYS = "working-days", _("working days")
        CALENDAR_MONTHS = "calendar-months", _("calendar months")

    rule = models.ForeignKey(SigningRule, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField()
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


class SigningWindow(models.Model):
    """The time the executive has for one bill. Bounds while the receipt date is unknown."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        SIGNED = "signed", _("signed")
        VETOED = "vetoed", _("vetoed")
        BECAME_LAW = "became-law", _("became law")
        WITHDRAWN = "withdrawn", _("withdrawn")

    bill = models.ForeignKey(Bill, on_delete=models.CASCADE, related_name="windows")
    rule = models.ForeignKey(SigningRule, on_delete=models.PROTECT, related_name="windows")
    # The trigger's date, or its bounds where the source gives none (equal when exact).
    triggered_earliest = models.DateField()
    triggered_latest = models.DateField()
    received_on = models.DateField(null=True, blank=True)
    closes_earliest = models.DateField()
    closes_latest = models.DateField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    closed_on = models.DateField(null=True, blank=True)
    opened_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["closes_earliest"]
        constraints = [
            models.UniqueConstraint(
                fields=["bill"], condition=Q(status="open"), name="signing_window_one_open_per_bill"
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
                condition=Q(status__in=["open", "signed", "vetoed", "became-law", "withdrawn"]),
                name="signing_window_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="open", closed_on__isnull=True) | ~Q(status="open"),
                name="signing_window_closed_on_coherent",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "closes_earliest"], name="signing_window_scan_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.bill} [{self.rule.code}] {self.closes_earliest}…{self.closes_latest}"
