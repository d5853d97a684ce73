"""Writes to the record's reference data and bills: jurisdictions, chambers, subjects, sources,
bills and signing rules. The timeline (events, votes) is written by bills.timeline.

Every write is a keyword-only service that validates with full_clean() (bills.updates) and
raises ValidationError; the admin, the seeds, the imports and the tests all call these. A change
that a derivation reads (a chamber, a source's date, a rule, a bill's jurisdiction) re-derives
the bills it touches through bills.changes, in the same transaction.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from bills.changes import record_batch, record_changed
from bills.models import (
    Bill,
    BillStatus,
    Chamber,
    DatePrecision,
    Event,
    Family,
    Jurisdiction,
    Officeholder,
    SigningRule,
    SigningRuleStep,
    Source,
    Subject,
    Visibility,
)
from bills.updates import model_create, model_update

Outcome = Literal["created", "updated", "unchanged"]

JURISDICTION_FIELDS = (
    "code",
    "name",
    "name_ru",
    "name_kk",
    "ocd_id",
    "classification",
    "timezone",
    "languages",
    "executive_title",
    "executive_title_ru",
    "executive_title_kk",
    "holiday_country",
    "holiday_subdivision",
)
CHAMBER_FIELDS = ("jurisdiction", "classification", "name", "name_ru", "name_kk", "seats")
SUBJECT_FIELDS = ("slug", "name", "name_ru", "name_kk")
SOURCE_FIELDS = ("publisher", "title", "url", "published_on", "published_precision", "note")
BILL_FIELDS = (
    "jurisdiction",
    "slug",
    "identifier",
    "title",
    "title_ru",
    "title_kk",
    "short_title",
    "short_title_ru",
    "short_title_kk",
    "summary",
    "summary_ru",
    "summary_kk",
    "originating_chamber",
    "subjects",
    "sources",
    "family",
    "lineage",
    "lineage_ru",
    "lineage_kk",
    "lineage_sources",
)
FAMILY_FIELDS = (
    "slug",
    "name",
    "name_ru",
    "name_kk",
    "summary",
    "summary_ru",
    "summary_kk",
    "sources",
)
OFFICEHOLDER_FIELDS = (
    "jurisdiction",
    "role",
    "name",
    "name_ru",
    "name_kk",
    "term_start",
    "term_end",
    "sources",
)
RULE_FIELDS = (
    "code",
    "jurisdiction",
    "name",
    "legal_source",
    "source_url",
    "in_force_from",
    "in_force_until",
    "trigger",
    "lapse_effect",
    "lapse_note",
    "court_referral",
    "alert_days",
)
STEP_FIELDS = ("phase", "label", "length", "unit", "ends_with_receipt", "extends_past_holidays")


def _upsert(
    model: type[Any], *, lookup: Mapping[str, Any], data: Mapping[str, Any], fields: Sequence[str]
) -> tuple[Any, Outcome, list[str]]:
    """The row found by `lookup`, created from `data` or updated to it."""
    found = model._default_manager.filter(**lookup).first()
    if found is None:
        return model_create(model=model, data={**lookup, **data}), "created", []
    found, changed = model_update(instance=found, fields=fields, data=data)
    return found, ("updated" if changed else "unchanged"), changed


def _rederive(bills: QuerySet[Bill]) -> None:
    with record_batch():
        for bill in bills.select_related("jurisdiction"):
            record_changed(bill=bill)


# --- Jurisdictions and chambers -----------------------------------------------------------------


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
    data = {
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
    }
    jurisdiction, outcome, changed = _upsert(
        Jurisdiction, lookup={"code": code}, data=data, fields=JURISDICTION_FIELDS
    )
    _jurisdiction_changed(jurisdiction, changed)
    return jurisdiction, outcome


@transaction.atomic
def jurisdiction_update(
    *, jurisdiction: Jurisdiction, data: Mapping[str, Any]
) -> tuple[Jurisdiction, list[str]]:
    jurisdiction, changed = model_update(
        instance=jurisdiction, fields=JURISDICTION_FIELDS, data=data
    )
    _jurisdiction_changed(jurisdiction, changed)
    return jurisdiction, changed


def _jurisdiction_changed(jurisdiction: Jurisdiction, changed: Sequence[str]) -> None:
    # The time zone dates undated acts and the holidays move deadlines: the windows follow.
    if {"timezone", "holiday_country", "holiday_subdivision"} & set(changed):
        _rederive(Bill.objects.filter(jurisdiction=jurisdiction))


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
    """Create or update the jurisdiction's chamber of this classification (lower, upper or
    unicameral)."""
    chamber, outcome, _changed = _upsert(
        Chamber,
        lookup={"jurisdiction": jurisdiction, "classification": classification},
        data={"name": name, "name_ru": name_ru, "name_kk": name_kk, "seats": seats},
        fields=CHAMBER_FIELDS,
    )
    if outcome == "created":
        # Another house changes which passage is the final approval.
        _rederive(Bill.objects.filter(jurisdiction=jurisdiction))
    return chamber, outcome


@transaction.atomic
def chamber_create(**data: Any) -> Chamber:
    chamber = model_create(model=Chamber, data=_only(data, CHAMBER_FIELDS))
    _rederive(Bill.objects.filter(jurisdiction=chamber.jurisdiction))
    return chamber


@transaction.atomic
def chamber_update(*, chamber: Chamber, data: Mapping[str, Any]) -> tuple[Chamber, list[str]]:
    chamber, changed = model_update(instance=chamber, fields=CHAMBER_FIELDS, data=data)
    if {"classification", "jurisdiction"} & set(changed):
        _rederive(Bill.objects.filter(jurisdiction=chamber.jurisdiction))
    return chamber, changed


@transaction.atomic
def chamber_delete(*, chamber: Chamber) -> None:
    """Delete an unused chamber (acts and bills protect the ones in use)."""
    jurisdiction = chamber.jurisdiction
    chamber.delete()
    _rederive(Bill.objects.filter(jurisdiction=jurisdiction))


# --- Subjects and sources -----------------------------------------------------------------------


@transaction.atomic
def subject_upsert(
    *, slug: str, name: str, name_ru: str = "", name_kk: str = ""
) -> tuple[Subject, Outcome]:
    subject, outcome, _changed = _upsert(
        Subject,
        lookup={"slug": slug},
        data={"name": name, "name_ru": name_ru, "name_kk": name_kk},
        fields=SUBJECT_FIELDS,
    )
    return subject, outcome


@transaction.atomic
def subject_create(**data: Any) -> Subject:
    return model_create(model=Subject, data=_only(data, SUBJECT_FIELDS))


@transaction.atomic
def subject_update(*, subject: Subject, data: Mapping[str, Any]) -> tuple[Subject, list[str]]:
    return model_update(instance=subject, fields=SUBJECT_FIELDS, data=data)


@transaction.atomic
def subject_delete(*, subject: Subject) -> None:
    """A subject is a label: deleting it untags its bills and touches no derived fact."""
    subject.delete()


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
    data = {
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
    data = {k: v for k, v in data.items() if k not in lookup}
    source, outcome, changed = _upsert(Source, lookup=lookup, data=data, fields=SOURCE_FIELDS)
    _source_changed(source, changed)
    return source, outcome


@transaction.atomic
def source_create(**data: Any) -> Source:
    return model_create(model=Source, data=_only(data, SOURCE_FIELDS))


@transaction.atomic
def source_update(*, source: Source, data: Mapping[str, Any]) -> tuple[Source, list[str]]:
    source, changed = model_update(instance=source, fields=SOURCE_FIELDS, data=data)
    _source_changed(source, changed)
    return source, changed


def _source_changed(source: Source, changed: Sequence[str]) -> None:
    # A source's date bounds the acts it reports when they have no date of their own.
    if {"published_on", "published_precision"} & set(changed):
        _rederive(Bill.objects.filter(events__sources=source).distinct())


@transaction.atomic
def source_delete(*, source: Source) -> None:
    """Delete a source, unless it is the only citation of a public event."""
    orphaned = [
        event
        for event in Event.objects.filter(sources=source, visibility=Visibility.PUBLIC)
        if event.sources.count() == 1
    ]
    if orphaned:
        raise ValidationError(
            _(
                "This source is the only citation of %(n)d public event(s) (%(events)s): cite "
                "another source there first."
            )
            % {"n": len(orphaned), "events": ", ".join(str(e) for e in orphaned[:5])}
        )
    bills = list(Bill.objects.filter(events__sources=source).distinct())
    source.delete()
    with record_batch():
        for bill in bills:
            record_changed(bill=bill)


# --- Families and officeholders -----------------------------------------------------------------


@transaction.atomic
def family_upsert(
    *,
    slug: str,
    name: str,
    name_ru: str = "",
    name_kk: str = "",
    summary: str = "",
    summary_ru: str = "",
    summary_kk: str = "",
    sources: Iterable[Source] | None = None,
) -> tuple[Family, Outcome]:
    """Create or update the family of laws with this slug."""
    data: dict[str, Any] = {
        "name": name,
        "name_ru": name_ru,
        "name_kk": name_kk,
        "summary": summary,
        "summary_ru": summary_ru,
        "summary_kk": summary_kk,
    }
    if sources is not None:
        data["sources"] = list(sources)
    family, outcome, _changed = _upsert(
        Family, lookup={"slug": slug}, data=data, fields=FAMILY_FIELDS
    )
    return family, outcome


@transaction.atomic
def family_create(**data: Any) -> Family:
    return model_create(model=Family, data=_only(data, FAMILY_FIELDS))


@transaction.atomic
def family_update(*, family: Family, data: Mapping[str, Any]) -> tuple[Family, list[str]]:
    return model_update(instance=family, fields=FAMILY_FIELDS, data=data)


@transaction.atomic
def family_delete(*, family: Family) -> None:
    """Refused (ProtectedError) while bills belong to it."""
    family.delete()


@transaction.atomic
def officeholder_upsert(
    *,
    jurisdiction: Jurisdiction,
    role: str,
    name: str,
    term_start: datetime.date | None,
    term_end: datetime.date | None = None,
    name_ru: str = "",
    name_kk: str = "",
    sources: Iterable[Source] | None = None,
) -> tuple[Officeholder, Outcome]:
    """Create or update one person's term in an office (found by office, name and start)."""
    data: dict[str, Any] = {"name_ru": name_ru, "name_kk": name_kk, "term_end": term_end}
    if sources is not None:
        data["sources"] = list(sources)
    holder, outcome, _changed = _upsert(
        Officeholder,
        lookup={"jurisdiction": jurisdiction, "role": role, "name": name, "term_start": term_start},
        data=data,
        fields=OFFICEHOLDER_FIELDS,
    )
    return holder, outcome


@transaction.atomic
def officeholder_create(**data: Any) -> Officeholder:
    return model_create(model=Officeholder, data=_only(data, OFFICEHOLDER_FIELDS))


@transaction.atomic
def officeholder_update(
    *, officeholder: Officeholder, data: Mapping[str, Any]
) -> tuple[Officeholder, list[str]]:
    return model_update(instance=officeholder, fields=OFFICEHOLDER_FIELDS, data=data)


@transaction.atomic
def officeholder_delete(*, officeholder: Officeholder) -> None:
    officeholder.delete()


# --- Bills --------------------------------------------------------------------------------------


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
    family: Family | None = None,
    lineage: str = "",
    lineage_ru: str = "",
    lineage_kk: str = "",
    lineage_sources: Iterable[Source] | None = None,
) -> tuple[Bill, Outcome]:
    """Create or update the bill with this slug. Status and dates are derived, never set here."""
    data: dict[str, Any] = {
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
        "family": family,
        "lineage": lineage,
        "lineage_ru": lineage_ru,
        "lineage_kk": lineage_kk,
    }
    if lineage_sources is not None:
        data["lineage_sources"] = list(lineage_sources)
    if subjects is not None:
        data["subjects"] = list(subjects)
    if sources is not None:
        data["sources"] = list(sources)
    bill, outcome, changed = _upsert(Bill, lookup={"slug": slug}, data=data, fields=BILL_FIELDS)
    if "jurisdiction" in changed:
        record_changed(bill=bill)
    return bill, outcome


@transaction.atomic
def bill_create(**data: Any) -> Bill:
    return model_create(model=Bill, data=_only(data, BILL_FIELDS))


@transaction.atomic
def bill_delete(*, bill: Bill) -> None:
    """Delete a bill with its timeline, windows, alerts and subscriptions (CASCADE)."""
    bill.delete()


@transaction.atomic
def bill_update(*, bill: Bill, data: Mapping[str, Any]) -> tuple[Bill, list[str]]:
    bill, changed = model_update(instance=bill, fields=BILL_FIELDS, data=data)
    if "jurisdiction" in changed:
        record_changed(bill=bill)
    return bill, changed


# --- Signing rules ------------------------------------------------------------------------------


@transaction.atomic
def rule_upsert(
    *,
    code: str,
    jurisdiction: Jurisdiction,
    name: str,
    legal_source: str,
    trigger: str,
    lapse_effect: str,
    steps: Sequence[Mapping[str, Any]],
    source_url: str = "",
    in_force_from: datetime.date | None = None,
    in_force_until: datetime.date | None = None,
    lapse_note: str = "",
    court_referral: str = SigningRule._meta.get_field("court_referral").default,
    alert_days: Sequence[int] = (7, 3, 1, 0),
) -> tuple[SigningRule, Outcome]:
    """Create or update the signing rule with this code and its chain of steps (in order, each a
    mapping of STEP_FIELDS). The bills whose windows it governs are derived again."""
    data = {
        "jurisdiction": jurisdiction,
        "name": name,
        "legal_source": legal_source,
        "source_url": source_url,
        "in_force_from": in_force_from,
        "in_force_until": in_force_until,
        "trigger": trigger,
        "lapse_effect": lapse_effect,
        "lapse_note": lapse_note,
        "court_referral": court_referral,
        "alert_days": sorted(set(alert_days), reverse=True),
    }
    rule = SigningRule.objects.filter(code=code).first()
    if rule is None:
        return rule_create(code=code, **data, steps=steps), "created"
    _rule, changed = rule_update(rule=rule, data=data, steps=steps)
    return rule, ("updated" if changed else "unchanged")


@transaction.atomic
def rule_create(*, steps: Sequence[Mapping[str, Any]], **data: Any) -> SigningRule:
    rule = model_create(model=SigningRule, data=_only(data, RULE_FIELDS))
    rule_steps_set(rule=rule, steps=steps)
    rule_changed(rule=rule)
    return rule


@transaction.atomic
def rule_update(
    *,
    rule: SigningRule,
    data: Mapping[str, Any],
    steps: Sequence[Mapping[str, Any]] | None = None,
) -> tuple[SigningRule, list[str]]:
    """Change a rule (and, given `steps`, its whole chain); the bills it governs follow."""
    rule, changed = model_update(instance=rule, fields=RULE_FIELDS, data=data)
    if steps is not None and rule_steps_set(rule=rule, steps=steps):
        changed.append("steps")
    if changed:
        rule_changed(rule=rule)
    return rule, changed


def rule_steps_set(*, rule: SigningRule, steps: Sequence[Mapping[str, Any]]) -> bool:
    """Make the rule's chain exactly `steps`; say whether it changed."""
    if not steps:
        raise ValidationError(
            _("Signing rule %(code)s needs at least one step.") % {"code": rule.code}
        )
    if not any(
        (step.get("phase") or SigningRuleStep.Phase.PASSAGE) == SigningRuleStep.Phase.PASSAGE
        for step in steps
    ):
        raise ValidationError(
            _("Signing rule %(code)s needs a step after the final approval.") % {"code": rule.code}
        )
    # A presentment rule counts from the receipt itself; an override's period may still begin
    # with sending the law back (Georgia: within three days), so only its own phase may.
    receipt_steps = sum(
        bool(step.get("ends_with_receipt"))
        for step in steps
        if (step.get("phase") or SigningRuleStep.Phase.PASSAGE) == SigningRuleStep.Phase.PASSAGE
    )
    if rule.trigger == SigningRule.Trigger.EXECUTIVE_RECEIPT and receipt_steps:
        raise ValidationError(
            _("Signing rule %(code)s runs from the receipt: it has no transmission step.")
            % {"code": rule.code}
        )
    wanted = [
        {"order": i, **{f: step.get(f) for f in STEP_FIELDS}} for i, step in enumerate(steps, 1)
    ]
    for step in wanted:
        step["phase"] = step["phase"] or SigningRuleStep.Phase.PASSAGE
        step["ends_with_receipt"] = bool(step["ends_with_receipt"])
        step["extends_past_holidays"] = bool(step["extends_past_holidays"])
    current = [
        {"order": s.order, **{f: getattr(s, f) for f in STEP_FIELDS}} for s in rule.steps.all()
    ]
    if current == wanted:
        return False
    rule.steps.all().delete()
    for step in wanted:
        row = SigningRuleStep(rule=rule, **step)
        try:
            row.full_clean()
        except ValidationError as exc:
            raise ValidationError(
                _("Signing rule %(code)s, step %(n)d: %(errors)s")
                % {"code": rule.code, "n": step["order"], "errors": " ".join(exc.messages)}
            ) from exc
        row.save()
    return True


def rule_changed(*, rule: SigningRule) -> None:
    """Derive again the bills whose windows the rule may govern: those with a window, or at or
    past the executive stage, in its jurisdiction."""
    executive_stage = [
        BillStatus.AWAITING_SIGNATURE,
        BillStatus.ENACTED,
        BillStatus.VETOED,
        BillStatus.WITHDRAWN,
        BillStatus.LAPSED,
    ]
    _rederive(
        Bill.objects.filter(jurisdiction=rule.jurisdiction)
        .filter(Q(windows__isnull=False) | Q(status__in=executive_stage))
        .distinct()
    )


def _only(data: Mapping[str, Any], fields: Sequence[str]) -> dict[str, Any]:
    unknown = set(data) - set(fields)
    if unknown:
        raise TypeError(f"unexpected fields: {', '.join(sorted(unknown))}")
    return dict(data)
