"""Reading the signing rules: which rule is in force, and the window a trigger opens under it.

The rules themselves are data (seeds/signing_rules.yaml, loaded by bills.seeds.rules_load); the
date arithmetic is in bills.deadlines (pure).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import holidays
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from bills import deadlines
from bills.choices import CourtReferral, WindowPhase
from bills.models import Jurisdiction, SigningRule, SigningRuleStep


def rule_calendar(rule: SigningRule) -> holidays.HolidayBase:
    jurisdiction = rule.jurisdiction
    return deadlines.work_calendar(jurisdiction.holiday_country, jurisdiction.holiday_subdivision)


def rule_steps(rule: SigningRule, phase: str = WindowPhase.PASSAGE) -> list[deadlines.Step]:
    """The rule's chain for one period: after the final approval, or after an override."""
    return [
        deadlines.Step(
            length=s.length,
            unit=s.unit,
            ends_with_receipt=s.ends_with_receipt,
            extends_past_holidays=s.extends_past_holidays,
        )
        for s in rule.steps.all()  # ordered by `order`
        if s.phase == phase
    ]


def signs_after_override(*, jurisdiction: Jurisdiction) -> bool:
    """Whether the jurisdiction's law gives the head of state a period to sign an overridden
    bill (a rule with override steps), rather than the override making it law."""
    return SigningRuleStep.objects.filter(
        rule__jurisdiction=jurisdiction, phase=WindowPhase.OVERRIDE
    ).exists()


def rule_in_force(*, jurisdiction: Jurisdiction, on: datetime.date) -> SigningRule | None:
    """The jurisdiction's rule in force on that date (the latest one to start, if they overlap)."""
    return choose_rule_in_force(_rules_with_steps().filter(jurisdiction=jurisdiction), on=on)


def rules_in_force_today(*, jurisdictions: Sequence[Jurisdiction]) -> dict[int, SigningRule | None]:
    """Each jurisdiction's rule in force on its own today, by jurisdiction id (two queries)."""
    rules: dict[int, list[SigningRule]] = defaultdict(list)
    for rule in _rules_with_steps().filter(jurisdiction__in=jurisdictions):
        rules[rule.jurisdiction_id].append(rule)
    return {j.pk: choose_rule_in_force(rules[j.pk], on=j.today()) for j in jurisdictions}


def _rules_with_steps() -> QuerySet[SigningRule]:
    return SigningRule.objects.select_related("jurisdiction").prefetch_related("steps")


def choose_rule_in_force(rules: Iterable[SigningRule], *, on: datetime.date) -> SigningRule | None:
    """Of these rules, the one in force on that date: of those whose dates include it, the latest
    to start; one with no start date only where none has one (the lowest id breaks a tie)."""
    in_force = [
        rule
        for rule in rules
        if (rule.in_force_from is None or rule.in_force_from <= on)
        and (rule.in_force_until is None or rule.in_force_until >= on)
    ]
    if not in_force:
        return None
    return max(
        in_force,
        key=lambda rule: (
            rule.in_force_from is not None,
            rule.in_force_from or datetime.date.min,
            -rule.pk,
        ),
    )


@dataclass(frozen=True)
class WindowDates:
    rule: str
    opens: datetime.date
    triggered_latest: datetime.date
    received_on: datetime.date | None
    closes_earliest: datetime.date
    closes_latest: datetime.date

    def as_json(self) -> dict[str, str]:
        return {
            "rule": self.rule,
            "opens": self.opens.isoformat(),
            "closes_earliest": self.closes_earliest.isoformat(),
            "closes_latest": self.closes_latest.isoformat(),
        }


def window_compute(
    *,
    rule: SigningRule,
    triggered_earliest: datetime.date,
    triggered_latest: datetime.date | None = None,
    received_on: datetime.date | None = None,
    phase: str = WindowPhase.PASSAGE,
) -> WindowDates:
    """The window a trigger (a date, or bounds on it) opens under `rule`; ValidationError if the
    dates are inconsistent."""
    triggered_latest = triggered_latest or triggered_earliest
    if triggered_latest < triggered_earliest:
        raise ValidationError(_("The trigger's latest date is before its earliest date."))
    if rule.trigger == SigningRule.Trigger.EXECUTIVE_RECEIPT and phase == WindowPhase.PASSAGE:
        # Presentment rules: the receipt is the trigger itself (an override's period runs from
        # the override, bills.changes.cycle_trigger).
        if received_on is not None and received_on != triggered_earliest == triggered_latest:
            raise ValidationError(
                _(
                    "Rule %(rule)s runs from the executive's receipt: the receipt date "
                    "(%(receipt)s) must be the trigger date (%(trigger)s)."
                )
                % {"rule": rule.code, "receipt": received_on, "trigger": triggered_earliest}
            )
        received_on = triggered_earliest if triggered_earliest == triggered_latest else None
    elif received_on is not None and received_on < triggered_earliest:
        raise ValidationError(
            _("The receipt date %(receipt)s is before the final approval (%(approval)s).")
            % {"receipt": received_on, "approval": triggered_earliest}
        )
    bounds = deadlines.close_bounds(
        deadlines.Bounds(triggered_earliest, triggered_latest),
        rule_steps(rule, phase),
        received_on=received_on,
        calendar=rule_calendar(rule),
    )
    return WindowDates(
        rule=rule.code,
        opens=triggered_earliest,
        triggered_latest=triggered_latest,
        received_on=received_on,
        closes_earliest=bounds.earliest,
        closes_latest=bounds.latest,
    )


def court_adjusted(
    *,
    rule: SigningRule,
    closes: deadlines.Bounds,
    referral: deadlines.Bounds,
    ruling: deadlines.Bounds,
) -> deadlines.Bounds:
    """When a window closes once the constitutional court has ruled on a referral, as the rule
    says: suspended (the days the court took are added: at least the shortest span between the
    referral and the ruling, at most the longest), signed at once on the ruling (Hungary,
    Fundamental Law art. 6(4)), or, where the law states nothing, as first computed."""
    if rule.court_referral == CourtReferral.SUSPENDS:
        shortest = max((ruling.earliest - referral.latest).days, 0)
        longest = max((ruling.latest - referral.earliest).days, 0)
        return deadlines.Bounds(
            closes.earliest + datetime.timedelta(days=shortest),
            closes.latest + datetime.timedelta(days=longest),
        )
    if rule.court_referral == CourtReferral.SIGN_ON_RULING:
        return deadlines.Bounds(ruling.earliest, ruling.latest)
    return closes
