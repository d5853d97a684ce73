"""Raise the signing-window alerts due today (or on a replayed day), as the beat task does."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from events.alerts import ScanReport, deadlines_scan, scan_raised_lines


class _DryRun(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Raise each due alert once: 7/3/1 days before a window's earliest close, that day, and "
        "when its latest close has passed. Mails are queued for confirmed subscribers."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--as-of",
            help="Scan as of this day (YYYY-MM-DD), e.g. to replay a past day. "
            "Default: today in each jurisdiction's time zone.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would be raised; write nothing."
        )

    def handle(self, *args, as_of: str | None, dry_run: bool, **options) -> None:
        day = None
        if as_of:
            try:
                day = datetime.date.fromisoformat(as_of)
            except ValueError:
                raise CommandError(
                    f"--as-of {as_of!r} is not a date in the form YYYY-MM-DD."
                ) from None
        try:
            with transaction.atomic():
                report = deadlines_scan(as_of=day)
                # Listed inside the transaction: a dry run's alerts are rolled back after.
                lines = scan_raised_lines(report=report)
                if dry_run:
                    raise _DryRun
        except _DryRun:
            self._print(report, lines, prefix="Dry run, nothing written. ")
            return
        except OverflowError:
            # A threshold days after --as-of would fall past the calendar's end (year 9999).
            raise CommandError(f"--as-of {as_of!r} is too far in the future to scan.") from None
        self._print(report, lines)

    def _print(self, report: ScanReport, lines: list[str], prefix: str = "") -> None:
        self.stdout.write(prefix + str(report))
        for line in lines:
            self.stdout.write(f"  {line}")
