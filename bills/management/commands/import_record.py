"""Restore an export_record file into an empty database, in one transaction."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from bills.backup import RecordImportError, record_import_from


class Command(BaseCommand):
    help = "Import a file written by export_record into an EMPTY database (all or nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="A JSON file written by export_record.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and roll everything back."
        )

    def handle(self, *args, file: str, dry_run: bool, **options) -> None:
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            with path.open(encoding="utf-8") as stream, transaction.atomic():
                counts = record_import_from(stream)
                if dry_run:
                    transaction.set_rollback(True)
        except (RecordImportError, UnicodeDecodeError) as exc:
            raise CommandError(f"{path}: nothing imported: {exc}") from exc
        summary = ", ".join(f"{n} {label}" for label, n in counts.items())
        verb = "Would import (dry run, nothing written)" if dry_run else "Imported"
        self.stdout.write(f"{verb} {path}: {summary or 'an empty record'}")
