"""Import the acts of one or more bills from a CSV or XLSX file, as the admin page does."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bills.imports import MAX_BYTES, ImportRefused, SheetError, sheet_import, sheet_read


class Command(BaseCommand):
    help = (
        "Import events and votes from a spreadsheet (columns: see the README and "
        "seeds/import-template.csv) through the record services, all rows or none."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="A CSV (UTF-8) or XLSX file.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what each row would do; write nothing."
        )

    def handle(self, *args, file: str, dry_run: bool, **options) -> None:
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        if path.stat().st_size > MAX_BYTES:
            raise CommandError(f"{path}: larger than {MAX_BYTES // (1024 * 1024)} MB")
        try:
            rows = sheet_read(name=path.name, content=path.read_bytes())
            report = sheet_import(rows=rows, dry_run=dry_run)
        except SheetError as exc:
            raise CommandError(f"{path}: {exc}") from exc
        except ImportRefused as exc:
            raise CommandError(f"{path}: nothing imported:\n" + "\n".join(exc.errors)) from exc
        for row in report.rows:
            self.stdout.write(str(row))
        for line in report.lines():
            self.stdout.write(line)
        if dry_run:
            self.stdout.write("Dry run: nothing written.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported {len(report.rows)} row(s)."))
