"""Reading the signing rules: which rule is in force, and the window a trigger opens under it.

The rules themselves are data (seeds/signing_rules.yaml, loaded by bills.seeds.rules_load); the
date arithmetic is in bills.deadlines (pure).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import holidays
from django.core.exceptions import ValidationError
from django.db.models import F, Q
from django.utils.translation import gettext as _

from bills import deadlines
from bills.models import Jurisdiction, SigningRule


def rule_calendar(rule: SigningRule) -> holidays.HolidayBase:
    jurisdiction = rule.jurisdiction
    return deadlines.work_calendar(jurisdiction.holiday_country, jurisdiction.holiday_subdivision)


def rule_steps(rule: SigningRule) -> list[deadlines.Step]:
    return [
        deadlines.Step(
            length=s.length,
            unit=s.unit,
            ends_with_receipt=s.ends_with_receipt,
            extends_past_holidays=s.extends_past_holidays,
        )
        for s in rule.steps.all()  # ordered by `order`
    ]


def rule_in_force(*, jurisdiction: Jurisdiction, on: datetime.date) -> SigningRule | None:
    """The jurisdiction's rule in force on that date (the latest one to start, if they overlap)."""
    return (
        SigningRule.objects.filter(jurisdiction=jurisdiction)
        .filter(Q(in_force_from__isnull=True) | Q(in_force_from__lte=on))
        .filter(Q(in_force_until__isnull=True) | Q(in_force_until__gte=on))
        .select_related("jurisdiction")
        .prefetch_related("steps")
        .order_by(F("in_force_from").desc(nulls_last=True))
        .first()
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
) -> WindowDates:
    """The window a trigger (a date, or bounds on it) opens under `rule`; ValidationError if the
    dates are inconsistent."""
    triggered_latest = triggered_latest or triggered_earliest
    if triggered_latest < triggered_earliest:
        raise ValidationError(_("The trigger's latest date is before its earliest date."))
    if rule.trigger == SigningRule.Trigger.EXECUTIVE_RECEIPT:
        # Presentment rules: the receipt is the trigger itself.
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
        rule_steps(rule),
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
