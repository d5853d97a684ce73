"""Write the whole record as JSON (see bills.backup). Subscribers are never exported."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bills.backup import record_export_json


class Command(BaseCommand):
    help = "Export the record (bills, votes, events, sources, rules, windows) as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", "-o", help="File to write (default: standard output).")
        parser.add_argument(
            "--include-internal",
            action="store_true",
            help="Also export events marked internal (staff only). Keep such a file private.",
        )

    def handle(self, *args, output: str | None, include_internal: bool, **options) -> None:
        text, counts = record_export_json(include_internal=include_internal)
        if output:
            try:
                Path(output).write_text(text, encoding="utf-8")
            except OSError as exc:
                raise CommandError(f"{output}: cannot write: {exc.strerror or exc}") from None
            summary = ", ".join(f"{n} {label}" for label, n in counts.items())
            # On stderr, so that the JSON on stdout (without --output) stays clean.
            self.stderr.write(f"Wrote {output}: {summary}")
        else:
            self.stdout.write(text, ending="")
