"""The record's vocabularies, as TextChoices: no model, no database, importable by pure code.

Action classifications follow Open Civic Data's bill-action vocabulary, so that the record can
be exchanged with Open States-style tools; advocacy events are this project's own.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DatePrecision(models.TextChoices):
    """How much of a date the source gives. A month-precision date is stored as its first day."""

    DAY = "day", _("day")
    MONTH = "month", _("month")
    UNKNOWN = "unknown", _("unknown")


class ChamberKind(models.TextChoices):
    LOWER = "lower", _("lower house")
    UPPER = "upper", _("upper house")
    UNICAMERAL = "unicameral", _("unicameral")


class BillStatus(models.TextChoices):
    INTRODUCED = "introduced", _("introduced")
    PASSED_LOWER = "passed-lower", _("passed lower house")
    PASSED_UPPER = "passed-upper", _("passed upper house")
    AWAITING_SIGNATURE = "awaiting-signature", _("awaiting signature")
    ENACTED = "enacted", _("enacted")
    VETOED = "vetoed", _("vetoed")
    WITHDRAWN = "withdrawn", _("withdrawn")
    FAILED = "failed", _("failed")
    LAPSED = "lapsed", _("lapsed")


class Classification(models.TextChoices):
    """What a timeline event is."""

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
    # ... this project's own acts of the record, for what OCD's vocabulary lacks: a bill that
    # dies with its parliament, a law signed in the head of state's place (Georgia's Speaker,
    # 2024), a constitutional court's review, and the law's life after signature ...
    LAPSE = "lapse", _("lapsed")
    SUBSTITUTE_SIGNATURE = "substitute-signature", _("signed in the head of state's place")
    # The head of state's own referral of a law before signing it (it pauses the window) ...
    COURT_REFERRAL = "court-referral", _("referred to the court by the head of state")
    # ... and anyone else's suit or petition against a bill or law (it pauses nothing).
    COURT_CHALLENGE = "court-challenge", _("challenged in court")
    COURT_RULING = "court-ruling", _("court ruling")
    PUBLICATION = "publication", _("published officially")
    ENTRY_INTO_FORCE = "entry-into-force", _("entered into force")
    ENFORCEMENT_CASE = "enforcement-case", _("enforcement case")
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

# What a vote's result says of the act it decided, where the act implies one.
VOTE_RESULT_OF_ACTION = {
    Classification.PASSAGE: "pass",
    Classification.VETO_OVERRIDE_PASSAGE: "pass",
    Classification.AMENDMENT_PASSAGE: "pass",
    Classification.FAILURE: "fail",
}


class Visibility(models.TextChoices):
    PUBLIC = "public", _("public")
    # Staff only: never on public pages, feeds, exports or APIs.
    INTERNAL = "internal", _("internal (staff only)")


class WindowStatus(models.TextChoices):
    OPEN = "open", _("open")
    SIGNED = "signed", _("signed")
    VETOED = "vetoed", _("vetoed")
    BECAME_LAW = "became-law", _("became law")
    WITHDRAWN = "withdrawn", _("withdrawn")
    LAPSED = "lapsed", _("lapsed")
    # Referred to the constitutional court: the period does not run until its ruling.
    PAUSED = "paused", _("paused for the court")


class WindowPhase(models.TextChoices):
    """Which of the executive's periods a window is: after the passage, or after an override
    where the law gives the head of state a new period to sign (Georgia)."""

    PASSAGE = "passage", _("after the final approval")
    OVERRIDE = "override", _("after the override")


class CourtReferral(models.TextChoices):
    """What a referral to the constitutional court does to the period, as the law says."""

    SUSPENDS = "suspends", _("the period stops until the ruling, then runs on")
    SIGN_ON_RULING = "sign-on-ruling", _("the head of state signs at once after the ruling")
    NOT_STATED = "not-stated", _("the law states no effect on the period")


class OfficeRole(models.TextChoices):
    HEAD_OF_STATE = "head-of-state", _("head of state")
    SPEAKER = "speaker", _("speaker of parliament")


class RuleTrigger(models.TextChoices):
    FINAL_APPROVAL = "final-approval", _("final approval by the last chamber")
    EXECUTIVE_RECEIPT = "executive-receipt", _("receipt by the executive (presentment)")
