"""Load the seed data in seeds/ (the Kazakhstan bill, the signing rules). Safe to run twice."""

from django.core.management.base import BaseCommand, CommandError

from bills.seeds import SeedError, seed_paths, seeds_load


class Command(BaseCommand):
    help = (
        "Load seeds/kazakhstan.yaml and seeds/signing_rules.yaml through the record services, "
        "in one transaction. Running it again changes nothing and says so."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "paths",
            nargs="*",
            metavar="PATH",
            help="More seed files, or folders of *.yaml seed files, loaded after the shipped ones.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Validate and report, then roll back."
        )

    def handle(self, *args, paths: list[str], dry_run: bool = False, **options):
        try:
            report = seeds_load(record_files=seed_paths(extra=paths), dry_run=dry_run)
        except SeedError as exc:
            raise CommandError(f"Seed data rejected, nothing written: {exc}") from exc
        for line in report.lines():
            self.stdout.write(line)
        for note in report.notes:
            self.stdout.write(self.style.WARNING(note))
        created, updated = report.total("created"), report.total("updated")
        if dry_run:
            self.stdout.write(
                f"Dry run: would create {created} and update {updated} rows; nothing written."
            )
        elif created == 0 and updated == 0:
            self.stdout.write(self.style.SUCCESS("Seeds already loaded: nothing changed."))
        else:
            self.stdout.write(
                self.style.SUCCESS(f"Seeds loaded: {created} created, {updated} updated.")
            )
