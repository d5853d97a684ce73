"""Restore an export_record file into an empty database, in one transaction."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bills.backup import RecordImportError, record_import_from


class Command(BaseCommand):
    help = "Import a file written by export_record into an EMPTY database (all or nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="A JSON file written by export_record.")

    def handle(self, *args, file: str, **options) -> None:
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            with path.open(encoding="utf-8") as stream:
                counts = record_import_from(stream)
        except (RecordImportError, UnicodeDecodeError) as exc:
            raise CommandError(f"{path}: nothing imported: {exc}") from exc
        summary = ", ".join(f"{n} {label}" for label, n in counts.items())
        self.stdout.write(f"Imported {path}: {summary or 'an empty record'}")
