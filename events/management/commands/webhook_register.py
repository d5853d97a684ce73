"""Register an organisation's webhook URL for a bill, a jurisdiction or everything."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from bills.models import Bill, Jurisdiction
from events.webhooks import webhook_register


class _DryRun(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Register a webhook URL. It is challenged (it must echo a random value) before it "
        "receives anything; the signing secret is printed once, here."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", required=True, help="The http(s) URL to POST alerts to.")
        parser.add_argument("--owner-email", required=True, help="Told if the URL is disabled.")
        scope = parser.add_mutually_exclusive_group()
        scope.add_argument("--bill", help="A bill's slug (default: everything).")
        scope.add_argument("--jurisdiction", help="A jurisdiction's code (default: everything).")
        parser.add_argument("--language", default="en", choices=["en", "ru", "kk"])
        parser.add_argument("--dry-run", action="store_true", help="Check only; write nothing.")

    def handle(self, *args, **options) -> None:
        bill = jurisdiction = None
        if options["bill"]:
            bill = Bill.objects.filter(slug=options["bill"]).first()
            if bill is None:
                raise CommandError(f"No bill with the slug {options['bill']!r}.")
        if options["jurisdiction"]:
            jurisdiction = Jurisdiction.objects.filter(code=options["jurisdiction"]).first()
            if jurisdiction is None:
                raise CommandError(f"No jurisdiction with the code {options['jurisdiction']!r}.")
        try:
            with transaction.atomic():
                webhook = webhook_register(
                    owner_email=options["owner_email"],
                    target_url=options["url"],
                    language=options["language"],
                    bill=bill,
                    jurisdiction=jurisdiction,
                )
                if options["dry_run"]:
                    raise _DryRun
        except _DryRun:
            self.stdout.write("Dry run, nothing written: the URL and scope are acceptable.")
            return
        except ValidationError as exc:
            # The messages name neither the URL nor the address.
            raise CommandError(" ".join(exc.messages)) from None
        scope = (
            f"bill {bill.slug}"
            if bill
            else f"jurisdiction {jurisdiction.code}"
            if jurisdiction
            else "everything"
        )
        self.stdout.write(
            f"Webhook #{webhook.pk} registered for {scope}, pending its challenge.\n"
            f"Signing secret (shown this once; give it to the receiver):\n{webhook.secret}"
        )
