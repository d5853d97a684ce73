"""Print, as JSON, the signing window a trigger on a given date would open under a rule."""

from __future__ import annotations

import datetime
import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from bills.models import SigningRule
from bills.rules import window_compute


def _parse_date(value: str, what: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{what} {value!r} is not a date in the form YYYY-MM-DD.") from None


class Command(BaseCommand):
    help = (
        "Show the window a trigger (final approval, or receipt for presentment rules) on DATE "
        'would open: {"rule", "opens", "closes_earliest", "closes_latest"}.'
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("rule", help="Rule code, e.g. KZ, US, RU, US-CA.")
        parser.add_argument("date", help="Trigger date, YYYY-MM-DD.")
        parser.add_argument(
            "--receipt", help="The executive's receipt date, YYYY-MM-DD: gives one exact deadline."
        )

    def handle(self, *args, rule: str, date: str, receipt: str | None, **options) -> None:
        trigger = _parse_date(date, "Trigger date")
        received = _parse_date(receipt, "Receipt date") if receipt else None
        signing_rule = (
            SigningRule.objects.filter(code__iexact=rule).select_related("jurisdiction").first()
        )
        if signing_rule is None:
            known = ", ".join(SigningRule.objects.values_list("code", flat=True)) or "none loaded"
            raise CommandError(f"Unknown rule code {rule!r}. Known rules: {known}.")
        starts, ends = signing_rule.in_force_from, signing_rule.in_force_until
        if (starts and trigger < starts) or (ends and trigger > ends):
            raise CommandError(
                f"Rule {signing_rule.code} is not in force on {trigger} "
                f"(in force from {starts or 'an unrecorded date'} until {ends or 'today'})."
            )
        try:
            dates = window_compute(
                rule=signing_rule, triggered_earliest=trigger, received_on=received
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        except OverflowError:
            raise CommandError(
                f"A window opened on {trigger} would close after the year 9999."
            ) from None
        self.stdout.write(json.dumps(dates.as_json()))
