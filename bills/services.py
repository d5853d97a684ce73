"""Writes to the legislative record: jurisdictions, chambers, subjects, sources, bills.

Every write is a keyword-only service that validates with full_clean() and raises ValidationError,
so that the admin, the seeds and the tests share one path. `bill_refresh_status` is the one code
path that derives a bill's status and dates from its public legislative actions.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any, Literal, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from bills.models import (
    Bill,
    BillStatus,
    Chamber,
    DatePrecision,
    Jurisdiction,
    Source,
    Subject,
)

Outcome = Literal["created", "updated", "unchanged"]
M = TypeVar("M", bound=models.Model)


def _upsert(model: type[M], *, lookup: dict[str, Any], values: dict[str, Any]) -> tuple[M, Outcome]:
    """Create the row found by `lookup`, or update it to `values`; full_clean before saving.

    Says whether anything changed, so that a second seed run can report 'unchanged'.
    """
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean()
        obj.save()
        return obj, "created"
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if not changed:
        return obj, "unchanged"
    for name in changed:
        setattr(obj, name, values[name])
    obj.full_clean()
    obj.save()
    return obj, "updated"


def _set_m2m(manager: Any, objects: Iterable[models.Model] | None) -> bool:
    """Set a many-to-many to exactly `objects` (None: leave it); say whether it changed."""
    if objects is None:
        return False
    wanted = {obj.pk for obj in objects}
    current = set(manager.values_list("pk", flat=True))
    if wanted == current:
        return False
    manager.set(list(wanted))
    return True


@transaction.atomic
def jurisdiction_upsert(
    *,
    code: str,
    name: str,
    timezone: str,
    executive_title: str,
    name_ru: str = "",
    name_kk: str = "",
    ocd_id: str = "",
    classification: str = Jurisdiction.Classification.COUNTRY,
    languages: str = "",
    executive_title_ru: str = "",
    executive_title_kk: str = "",
    holiday_country: str = "",
    holiday_subdivision: str = "",
) -> tuple[Jurisdiction, Outcome]:
    """Create or update the jurisdiction with this code."""
    from zoneinfo import available_timezones

    if timezone not in available_timezones():
        raise ValidationError({"timezone": _("Unknown IANA time zone: %(tz)s") % {"tz": timezone}})
    return _upsert(
        Jurisdiction,
        lookup={"code": code},
        values={
            "name": name,
            "name_ru": name_ru,
            "name_kk": name_kk,
            "ocd_id": ocd_id,
            "classification": classification,
            "timezone": timezone,
            "languages": languages,
            "executive_title": executive_title,
            "executive_title_ru": executive_title_ru,
            "executive_title_kk": executive_title_kk,
            "holiday_country": holiday_country,
            "holiday_subdivision": holiday_subdivision,
        },
    )


@transaction.atomic
def chamber_upsert(
    *,
    jurisdiction: Jurisdiction,
    classification: str,
    name: str,
    name_ru: str = "",
    name_kk: str = "",
    seats: int | None = None,
) -> tuple[Chamber, Outcome]:
    """Create or update the jurisdiction's chamber of this classification (lower/upper/unicameral).

    A legislature is either unicameral or has lower and upper houses, never both kinds.
    """
    others = set(
        jurisdiction.chambers.exclude(classification=classification).values_list(
            "classification", flat=True
        )
    )
    unicameral = Chamber.Classification.UNICAMERAL
    if (classification == unicameral and others) or (
        classification != unicameral and unicameral in others
    ):
        raise ValidationError(
            {
                "classification": _(
                    "%(code)s cannot have a unicameral chamber and lower/upper houses at once."
                )
                % {"code": jurisdiction.code}
            }
        )
    return _upsert(
        Chamber,
        lookup={"jurisdiction": jurisdiction, "classification": classification},
        values={"name": name, "name_ru": name_ru, "name_kk": name_kk, "seats": seats},
    )


@transaction.atomic
def subject_upsert(
    *, slug: str, name: str, name_ru: str = "", name_kk: str = ""
) -> tuple[Subject, Outcome]:
    return _upsert(
        Subject,
        lookup={"slug": slug},
        values={"name": name, "name_ru": name_ru, "name_kk": name_kk},
    )


@transaction.atomic
def source_get_or_create(
    *,
    publisher: str,
    title: str = "",
    url: str = "",
    published_on: datetime.date | None = None,
    published_precision: str | None = None,
    note: str = "",
) -> tuple[Source, Outcome]:
    """The source with this URL (or, without one, this publisher/title/date), created or updated.

    A source without a date gets precision 'unknown' unless told otherwise.
    """
    if published_precision is None:
        published_precision = DatePrecision.DAY if published_on else DatePrecision.UNKNOWN
    values = {
        "publisher": publisher,
        "title": title,
        "url": url,
        "published_on": published_on,
        "published_precision": published_precision,
        "note": note,
    }
    if url:
        lookup: dict[str, Any] = {"url": url}
    else:
        lookup = {"url": "", "publisher": publisher, "title": title, "published_on": published_on}
    values = {k: v for k, v in values.items() if k not in lookup}
    return _upsert(Source, lookup=lookup, values=values)


@transaction.atomic
def bill_upsert(
    *,
    slug: str,
    jurisdiction: Jurisdiction,
    title: str,
    title_ru: str = "",
    title_kk: str = "",
    short_title: str = "",
    short_title_ru: str = "",
    short_title_kk: str = "",
    summary: str = "",
    summary_ru: str = "",
    summary_kk: str = "",
    identifier: str = "",
    originating_chamber: Chamber | None = None,
    subjects: Iterable[Subject] | None = None,
    sources: Iterable[Source] | None = None,
) -> tuple[Bill, Outcome]:
    """Create or update the bill with this slug. Status and dates are derived, never set here."""
    bill, outcome = _upsert(
        Bill,
        lookup={"slug": slug},
        values={
            "jurisdiction": jurisdiction,
            "title": title,
            "title_ru": title_ru,
            "title_kk": title_kk,
            "short_title": short_title,
            "short_title_ru": short_title_ru,
            "short_title_kk": short_title_kk,
            "summary": summary,
            "summary_ru": summary_ru,
            "summary_kk": summary_kk,
            "identifier": identifier,
            "originating_chamber": originating_chamber,
        },
    )
    m2m_changed = _set_m2m(bill.subjects, subjects)
    m2m_changed = _set_m2m(bill.sources, sources) or m2m_changed
    if m2m_changed and outcome == "unchanged":
        outcome = "updated"
    return bill, outcome


def _status_from_actions(bill: Bill, actions: Iterable[Any]) -> tuple[str, Any, Any]:
    """Walk the public legislative actions in timeline order; return (status, introduced, last)."""
    from events.models import Classification as C

    lower, upper, uni = (
        Chamber.Classification.LOWER,
        Chamber.Classification.UPPER,
        Chamber.Classification.UNICAMERAL,
    )
    chambers_needed = set(bill.jurisdiction.chambers.values_list("classification", flat=True))
    if not chambers_needed or uni in chambers_needed:
        chambers_needed = {uni}
    status: str = BillStatus.INTRODUCED
    introduced_on = None
    last_action_on = None
    passed: set[str] = set()
    overridden: set[str] = set()
    for action in actions:
        if action.date is not None and (last_action_on is None or action.date > last_action_on):
            last_action_on = action.date
        kind = action.classification
        chamber_kind = action.chamber.classification if action.chamber_id else None
        if kind == C.INTRODUCTION:
            status = BillStatus.INTRODUCED
            if introduced_on is None:
                introduced_on = action.date
        elif kind == C.PASSAGE and chamber_kind is not None:
            passed.add(chamber_kind)
            if chamber_kind == uni or {lower, upper} <= passed:
                status = BillStatus.AWAITING_SIGNATURE
            elif chamber_kind == lower:
                status = BillStatus.PASSED_LOWER
            else:
                status = BillStatus.PASSED_UPPER
        elif kind in (C.EXECUTIVE_SIGNATURE, C.BECAME_LAW):
            status = BillStatus.ENACTED
        elif kind == C.EXECUTIVE_VETO:
            status = BillStatus.VETOED
            overridden = set()
        elif kind == C.VETO_OVERRIDE_PASSAGE and chamber_kind is not None:
            # An override needs every chamber of the legislature (e.g. US Const. art. I s. 7).
            overridden.add(chamber_kind)
            if chambers_needed <= overridden:
                status = BillStatus.ENACTED
        elif kind == C.WITHDRAWAL:
            status = BillStatus.WITHDRAWN
        elif kind == C.FAILURE:
            status = BillStatus.FAILED
    return status, introduced_on, last_action_on


@transaction.atomic
def bill_refresh_status(*, bill: Bill) -> Bill:
    """Derive status, introduced_on and last_action_on from the bill's PUBLIC legislative actions.

    The one code path for the derived fields: internal events and advocacy events never change
    the public status. Saves (and records history) only when something changed.
    """
    from events.models import Event

    bill = Bill.objects.select_for_update().select_related("jurisdiction").get(pk=bill.pk)
    actions = (
        Event.objects.filter(bill=bill)
        .public()
        .legislative()
        .select_related("chamber")
        .order_by("order", "id")
    )
    status, introduced_on, last_action_on = _status_from_actions(bill, actions)
    if introduced_on is not None:
        early = bill.votes.filter(date__lt=introduced_on).order_by("date").first()
        if early is not None:
            raise ValidationError(
                _(
                    "The introduction dated %(intro)s would come after the vote of %(vote)s "
                    "(%(motion)s). Correct one of the dates."
                )
                % {
                    "intro": introduced_on.isoformat(),
                    "vote": early.date.isoformat(),
                    "motion": early.motion,
                }
            )
    new = {"status": status, "introduced_on": introduced_on, "last_action_on": last_action_on}
    if any(getattr(bill, name) != value for name, value in new.items()):
        for name, value in new.items():
            setattr(bill, name, value)
        bill.save(update_fields=[*new, "updated_at"])
    return bill
