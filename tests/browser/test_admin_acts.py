"""The admins' desk in a real browser, as an admin works: log in (password and code in one
submit), record the Senate's approval with its vote and a new source in one form, record the
President's signature with its window preview, then read the public bill page.

Prints how many forms each task submitted and how many fields were typed or chosen (the target:
at most two forms per act)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from bills import services
from bills.models import BillStatus, Event, SigningWindow
from tests.browser.conftest import DESKTOP, screenshot
from tests.record import kz_record

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long and unusual passphrase 42"


class Tally:
    """Counts what the admin does: forms submitted, fields typed or chosen."""

    def __init__(self, page) -> None:
        self.page = page
        self.forms = 0
        self.fields = 0

    def field(self, label: str):
        # The admin's labels end with a colon.
        return self.page.get_by_label(re.compile(rf"^\s*{re.escape(label)}:?\s*$"))

    def fill(self, label: str, value: str) -> None:
        self.field(label).fill(value)
        self.fields += 1

    def select(self, label: str, value: str) -> None:
        self.field(label).select_option(label=value)
        self.fields += 1

    def check(self, label: str) -> None:
        self.field(label).check()
        self.fields += 1

    def submit(self, name: str) -> None:
        with self.page.expect_navigation():
            self.page.get_by_role("button", name=name, exact=True).click()
        self.forms += 1


def test_admin_records_the_senate_approval_and_the_signature(live_server, page_factory, capsys):
    record = kz_record()
    bill = record.bill
    # A source entered beforehand (the President's press service), picked by autocomplete.
    services.source_get_or_create(
        publisher="Akorda",
        title="The Head of State signed the law",
        url="https://akorda.example/2025-12-30",
        published_on=datetime.date(2025, 12, 30),
    )
    user = get_user_model().objects.create_user(
        "desk", password=PASSWORD, is_staff=True, is_superuser=True
    )
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    page = page_factory(DESKTOP)

    page.goto(f"{live_server.url}/admin/login/?next=/admin/bills/bill/{bill.pk}/change/")
    page.get_by_label("Username").fill("desk")
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("input[name=otp_token]").fill(f"{totp(device.bin_key):06d}")
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Log in", re.I)).click()
    assert f"/admin/bills/bill/{bill.pk}/change/" in page.url
    # The bill's change page is short: the timeline one line per act, the inline forms folded
    # (it was about 17,000 px tall).
    height = page.evaluate("document.documentElement.scrollHeight")
    with capsys.disabled():
        print(f"\n[admin] bill change page: {height} px tall")
    assert height < 5000

    # 1. The Senate's approval, its vote (counts and members) and a new source: one form.
    page.get_by_role("link", name="Record a chamber's act").click()
    chamber = Tally(page)
    chamber.select("Stage", "passed")
    chamber.select("Chamber", "Senate")
    chamber.fill("Date", "2025-12-18")
    chamber.fill("Description (English)", "The Senate approved the law in two readings.")
    chamber.select("Result of the vote", "passed")
    chamber.fill("Yes", "3")
    chamber.fill("No", "1")
    chamber.fill(
        "Members' votes", "A. Senator, yes\nB. Senator, yes\nC. Senator, yes\nD. Senator, no"
    )
    chamber.fill("New source: URL", "https://senate.example/kz/2025-12-18")
    chamber.fill("Publisher", "Senate of Kazakhstan")
    chamber.fill("Title", "The Senate approved the law")
    chamber.fill("Published on", "2025-12-18")
    screenshot(page, "admin-chamber-act")
    chamber.submit("Save")
    success = page.locator("ul.messagelist li.success").inner_text()
    assert "Recorded #" in success and "Raised: new action alert" in success
    window = SigningWindow.objects.get(bill=bill)
    assert window.status == "open" and window.triggered_earliest.isoformat() == "2025-12-18"
    approval = Event.objects.get(bill=bill, chamber=record.upper)
    assert approval.vote.member_votes.count() == 4

    # 2. The President's signature: preview what it does to the window, then save.
    page.get_by_role("link", name="Record the executive's act").click()
    executive = Tally(page)
    executive.check("signed")
    executive.fill("Date", "2025-12-30")
    page.locator(".field-sources .select2-selection").click()
    page.locator(".select2-search__field").fill("Akorda")
    executive.fields += 1
    page.locator(".select2-results__option", has_text="Akorda").click()
    executive.submit("Preview")
    preview = page.get_by_role("status").inner_text()
    assert "Closes the window opened 18 Dec 2025 (signed)" in preview
    assert SigningWindow.objects.get(bill=bill).status == "open"  # nothing saved yet
    screenshot(page, "admin-executive-preview")
    executive.submit("Save")
    assert "Recorded #" in page.locator("ul.messagelist li.success").inner_text()
    window.refresh_from_db()
    assert (window.status, window.closed_on.isoformat()) == ("signed", "2025-12-30")

    # 3. The public page says so.
    page.goto(f"{live_server.url}/bills/{bill.slug}/")
    assert page.locator(".status").first.inner_text() == "Enacted"
    assert "The Senate approved the law in two readings." in page.content()
    bill.refresh_from_db()
    assert bill.status == BillStatus.ENACTED

    with capsys.disabled():
        print(f"\n[admin] chamber act: {chamber.forms} forms, {chamber.fields} fields")
        print(f"[admin] executive act: {executive.forms} forms, {executive.fields} fields")
    assert chamber.forms <= 2 and executive.forms <= 2
