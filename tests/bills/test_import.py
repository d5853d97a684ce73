"""Importing acts from a spreadsheet: one transaction through the services, a dry run that
writes nothing, whole-file refusal with row numbers, CSV and XLSX, and the admin page."""

import csv
import datetime
import io
import zipfile
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from bills.imports import COLUMNS, ImportRefused, SheetError, sheet_import, sheet_read
from bills.models import BillStatus, Classification, Event, Source, Vote
from bills.seeds import SEEDS_DIR, seeds_load
from events.models import Alert
from tests.events.factories import SubscriptionFactory
from tests.record import approve

SENATE_DAY = "2025-12-18"


def csv_bytes(*rows: dict[str, str], header=COLUMNS) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(header))
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue().encode("utf-8")


def senate_row(**extra):
    return {
        "bill": "kz-lgbt-propaganda-ban",
        "classification": "passage",
        "chamber": "upper",
        "date": SENATE_DAY,
        "description": "The Senate approved the bill.",
        "motion": "Approval of the law",
        "result": "passed",
        "yes": "40",
        "no": "2",
        "source_url": "https://news.example/senate-approves",
        "source_publisher": "News Example",
        "source_title": "Senate approves the bill",
        "source_date": SENATE_DAY,
        **extra,
    }


def statement_row(**extra):
    return {
        "bill": "kz-lgbt-propaganda-ban",
        "classification": "statement",
        "date": "2025-12",
        "actor": "A human rights group",
        "description": "A group condemned the Senate's approval.",
        "source_url": "https://news.example/statement",
        "source_publisher": "News Example",
        **extra,
    }


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for app in ("bills", "events")
        for model in apps.get_app_config(app).get_models()
    }


def test_good_file_dry_run_then_import(kz_record, django_capture_on_commit_callbacks):
    SubscriptionFactory(bill=kz_record.bill)
    rows = sheet_read(name="acts.csv", content=csv_bytes(senate_row(), statement_row()))
    before = row_counts()
    with django_capture_on_commit_callbacks() as queued:
        preview = sheet_import(rows=rows, dry_run=True)
    assert queued == []  # the alert raised in the dry run is rolled back: no mail queued
    assert [(r.number, r.outcome) for r in preview.rows] == [(2, "created"), (3, "created")]
    assert "passage (upper), 2025-12-18" in str(preview.rows[0])
    assert "statement, 2025-12" in str(preview.rows[1])
    assert row_counts() == before  # nothing written
    # What the derivation would make of it, said before anything is written.
    assert preview.bills[0].startswith(
        "kz-lgbt-propaganda-ban: status passed-lower → awaiting-signature; "
        "open signing window closing "
    )

    with django_capture_on_commit_callbacks() as queued:
        report = sheet_import(rows=rows)
    assert queued  # the real import's alert is mailed after commit, like any service write
    assert [r.outcome for r in report.rows] == ["created", "created"]
    bill = kz_record.bill
    bill.refresh_from_db()
    approval = Event.objects.get(bill=bill, classification="passage", chamber=kz_record.upper)
    assert approval.date == datetime.date(2025, 12, 18)
    assert approval.vote.yes_count == 40 and approval.vote.result == Vote.Result.PASS
    assert approval.sources.get().url == "https://news.example/senate-approves"
    statement = Event.objects.get(bill=bill, description__startswith="A group condemned")
    assert (statement.date, statement.date_precision) == (datetime.date(2025, 12, 1), "month")
    # Derived as any service write derives: the final approval opened the President's window,
    # and the new public action raised its alert for the subscriber.
    assert bill.status == BillStatus.AWAITING_SIGNATURE
    window = bill.windows.get()
    assert window.triggered_earliest == datetime.date(2025, 12, 18)
    assert preview.bills[0].endswith(f"closing {window.closes_earliest}…{window.closes_latest}")
    assert Alert.objects.filter(kind=Alert.Kind.NEW_ACTION, event=approval).exists()

    again = sheet_import(rows=rows)
    assert [r.outcome for r in again.rows] == ["unchanged", "unchanged"]


def test_an_undated_act_is_completed_not_added_twice(kz_record):
    approval = approve(kz_record, None)  # the Senate's approval, recorded without a date
    rows = sheet_read(name="acts.csv", content=csv_bytes(senate_row()))
    report = sheet_import(rows=rows)
    assert report.rows[0].outcome == "updated"
    assert {"date", "date_precision", "sources", "vote"} <= set(report.rows[0].changes)
    assert "date: (blank) → 2025-12-18" in report.rows[0].details
    assert "sources: 1 added" in report.rows[0].details
    assert "vote recorded" in report.rows[0].details
    approval.refresh_from_db()
    assert approval.date == datetime.date(2025, 12, 18)
    assert approval.sources.count() == 2  # the row's source is added to the act's own
    assert Event.objects.filter(bill=kz_record.bill, chamber=kz_record.upper).count() == 1


def test_one_bad_row_refuses_the_whole_file(kz_record):
    bad_date = statement_row(date="2025-13-01")
    no_source = statement_row(description="Another statement.", source_url="", source_publisher="")
    rows = sheet_read(
        name="acts.csv",
        content=csv_bytes(senate_row(), bad_date, no_source, senate_row(yes="1", no="30")),
    )
    before = row_counts()
    with pytest.raises(ImportRefused) as refused:
        sheet_import(rows=rows)
    errors = refused.value.errors
    assert [e.split(":")[0] for e in errors] == ["row 3", "row 4", "row 5"]
    assert "is not a date" in errors[0]
    assert "cites at least one source" in errors[1]  # the service's own message
    assert "contradict" in errors[2]
    assert row_counts() == before


def test_unknown_bill_and_chamber_are_row_errors(kz_record):
    rows = sheet_read(
        name="acts.csv",
        content=csv_bytes(senate_row(bill="no-such-bill"), senate_row(chamber="unicameral")),
    )
    with pytest.raises(ImportRefused) as refused:
        sheet_import(rows=rows, dry_run=True)
    assert refused.value.errors[0].startswith("row 2: bill: no bill")
    assert refused.value.errors[1].startswith("row 3: chamber: KZ has no 'unicameral'")


def test_xlsx_is_read_like_csv(kz_record):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(COLUMNS))
    row = senate_row()
    values = [row.get(c, "") for c in COLUMNS]
    # As a spreadsheet holds them: a real date and numbers, not text.
    values[COLUMNS.index("date")] = datetime.datetime(2025, 12, 18)
    values[COLUMNS.index("yes")] = 40
    values[COLUMNS.index("no")] = 2.0
    sheet.append(values)
    out = io.BytesIO()
    workbook.save(out)
    rows = sheet_read(name="acts.xlsx", content=out.getvalue())
    assert rows[0].values["date"] == SENATE_DAY
    assert rows[0].values["no"] == "2"
    report = sheet_import(rows=rows)
    assert report.rows[0].outcome == "created"
    assert Vote.objects.get(action__chamber=kz_record.upper).no_count == 2


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.csv", b"", "empty"),
        ("a.csv", "bill,classification\n".encode("utf-16"), "not UTF-8"),
        ("a.xlsx", b"PK\x03\x04 not a zip", "cannot be read"),
        ("a.bin", b"\x00\x01\x02\x03", "not a CSV or XLSX"),
        ("a.csv", b"bill,classification,description,colour\n", "Unknown column(s): colour"),
        ("a.csv", b"bill,classification\nx,y\n", "Missing required column(s): description"),
        ("a.csv", b"bill,classification,description\n", "no rows"),
        ("a.csv", b"x" * (2 * 1024 * 1024 + 1), "larger than 2 MB"),
    ],
)
def test_unreadable_files_get_one_clear_message(name, content, message):
    with pytest.raises(SheetError, match=message.replace("(", r"\(").replace(")", r"\)")):
        sheet_read(name=name, content=content)


@pytest.mark.django_db
def test_the_shipped_template_restates_the_seeded_facts():
    seeds_load()
    before = row_counts()
    sources = list(Source.objects.values())
    path = SEEDS_DIR / "import-template.csv"
    rows = sheet_read(name=path.name, content=path.read_bytes())
    report = sheet_import(rows=rows)
    assert [r.outcome for r in report.rows] == ["unchanged", "unchanged"], report.rows
    assert row_counts() == before
    assert list(Source.objects.values()) == sources  # notes and titles kept
    assert Classification.PASSAGE in {r.act.split(": ")[1].split(" ")[0] for r in report.rows}


# --- The admin page -----------------------------------------------------------------------------


def upload(client, content: bytes, name="acts.csv"):
    return client.post(
        reverse("admin:bills_bill_import"),
        {"file": SimpleUploadedFile(name, content), "preview": "Preview (dry run)"},
    )


def test_admin_upload_preview_then_import(otp_admin_client, kz_record):
    changelist = otp_admin_client.get(reverse("admin:bills_bill_changelist"))
    assert reverse("admin:bills_bill_import") in changelist.content.decode()
    page = otp_admin_client.get(reverse("admin:bills_bill_import"))
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.content.decode()
    template = otp_admin_client.get(reverse("admin:bills_bill_import_template"))
    assert b"".join(template.streaming_content) == (SEEDS_DIR / "import-template.csv").read_bytes()
    assert "attachment" in template["Content-Disposition"]

    before = row_counts()
    preview = upload(otp_admin_client, csv_bytes(senate_row(), statement_row()))
    assert preview.status_code == 200
    content = preview.content.decode()
    assert "Preview (dry run)" in content and "nothing has been written" in content
    assert "kz-lgbt-propaganda-ban: passage (upper), 2025-12-18" in content
    assert "status passed-lower → awaiting-signature" in content
    assert [r.outcome for r in preview.context["preview"].rows] == ["created", "created"]
    assert row_counts() == before

    signed = preview.context["confirm_form"]["rows"].value()
    done = otp_admin_client.post(reverse("admin:bills_bill_import"), {"rows": signed})
    assert done.status_code == 302
    assert Event.objects.filter(bill=kz_record.bill, chamber=kz_record.upper).exists()
    kz_record.bill.refresh_from_db()
    assert kz_record.bill.status == BillStatus.AWAITING_SIGNATURE
    followed = otp_admin_client.get(done["Location"])
    assert "Imported 2 row(s): 2 created." in followed.content.decode()
    assert "status passed-lower → awaiting-signature" in followed.content.decode()


def test_admin_bad_row_lists_the_row_and_writes_nothing(otp_admin_client, kz_record):
    before = row_counts()
    response = upload(otp_admin_client, csv_bytes(senate_row(), statement_row(date="yesterday")))
    assert response.status_code == 200
    assert "Nothing was imported" in response.content.decode()
    assert response.context["refused"][0].startswith("row 3: date: 'yesterday' is not a date")
    assert "confirm_form" not in response.context
    assert row_counts() == before


def test_admin_tampered_rows_are_refused(otp_admin_client, kz_record):
    preview = upload(otp_admin_client, csv_bytes(senate_row()))
    signed = preview.context["confirm_form"]["rows"].value()
    before = row_counts()
    for forged in (signed[:-2] + "xx", signing.dumps([[2, senate_row()]], salt="other")):
        response = otp_admin_client.post(reverse("admin:bills_bill_import"), {"rows": forged})
        assert response.status_code == 200
        assert "altered or are unreadable" in response.content.decode()
    assert row_counts() == before


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("acts.csv", b"", "The submitted file is empty."),
        ("acts.csv", "bill;classification\n\xe9".encode("latin-1"), "not UTF-8"),
        ("acts.xlsx", b"PK\x03\x04garbage", "The XLSX file cannot be read"),
        ("photo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a CSV or XLSX"),
        ("acts.csv", b"bill,when,description\n", "Unknown column(s): when"),
        ("acts.csv", b"x" * (2 * 1024 * 1024 + 1), "larger than 2 MB"),
    ],
)
def test_admin_garbage_upload_is_a_form_error(otp_admin_client, db, name, content, message):
    response = upload(otp_admin_client, content, name=name)
    assert response.status_code == 200
    assert message in " ".join(response.context["upload_form"].errors["file"])


def test_admin_import_needs_the_event_permissions(otp_admin_client, db):
    user = otp_admin_client.user
    user.is_superuser = False
    user.save()
    user.user_permissions.add(Permission.objects.get(codename="view_bill"))
    assert otp_admin_client.get(reverse("admin:bills_bill_import")).status_code == 403
    assert otp_admin_client.get(reverse("admin:bills_bill_import_template")).status_code == 403
    changelist = otp_admin_client.get(reverse("admin:bills_bill_changelist"))
    assert changelist.status_code == 200
    assert reverse("admin:bills_bill_import") not in changelist.content.decode()
    for codename in ("add_event", "change_event"):
        user.user_permissions.add(Permission.objects.get(codename=codename))
    otp_admin_client.user = type(user).objects.get(pk=user.pk)  # fresh permission cache
    assert otp_admin_client.get(reverse("admin:bills_bill_import")).status_code == 200


def test_admin_import_is_csrf_protected(otp_admin_client, db):
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = otp_admin_client.cookies
    response = strict.post(
        reverse("admin:bills_bill_import"), {"file": SimpleUploadedFile("a.csv", b"bill\n")}
    )
    assert response.status_code == 403


def test_semicolon_csv_with_a_byte_order_mark(kz_record):
    content = "\ufeff" + csv_bytes(statement_row()).decode().replace(",", ";")
    rows = sheet_read(name="acts.csv", content=content.encode("utf-8"))
    assert rows[0].values["actor"] == "A human rights group"


def test_the_command_imports_and_dry_runs(kz_record, tmp_path):
    path = tmp_path / "acts.csv"
    path.write_bytes(csv_bytes(senate_row()))
    out = StringIO()
    call_command("import_acts", str(path), "--dry-run", stdout=out)
    assert "row 2: created" in out.getvalue() and "nothing written" in out.getvalue()
    assert not Event.objects.filter(chamber=kz_record.upper).exists()
    call_command("import_acts", str(path), stdout=StringIO())
    assert Event.objects.filter(chamber=kz_record.upper).exists()
    path.write_bytes(csv_bytes(senate_row(date="2025-02-30")))
    with pytest.raises(CommandError, match="row 2: date"):
        call_command("import_acts", str(path), stdout=StringIO())


def test_a_month_row_matches_a_day_act_without_blurring_its_date(kz_record):
    approval = approve(kz_record, datetime.date(2025, 12, 18))
    row = senate_row(date="2025-12", description="The Senate approved the bill in two readings.")
    report = sheet_import(rows=sheet_read(name="a.csv", content=csv_bytes(row)))
    assert report.rows[0].outcome == "updated"
    approval.refresh_from_db()
    assert (approval.date, approval.date_precision) == (datetime.date(2025, 12, 18), "day")
    assert approval.description == "The Senate approved the bill in two readings."


def test_an_xlsx_that_unpacks_to_too_much_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", b"<" * (51 * 1024 * 1024))
    with pytest.raises(SheetError, match="unpacks to more than 50 MB"):
        sheet_read(name="big.xlsx", content=out.getvalue())


def test_row_numbers_are_the_spreadsheets_and_dates_are_strict(kz_record):
    content = b"\n,,\n" + csv_bytes(senate_row(date="20251218"), senate_row(date="2025-W51-4"))
    rows = sheet_read(name="a.csv", content=content)
    assert [r.number for r in rows] == [4, 5]  # two blank rows, then the header on row 3
    with pytest.raises(ImportRefused) as refused:
        sheet_import(rows=rows, dry_run=True)
    assert [e.split(": ")[:2] for e in refused.value.errors] == [
        ["row 4", "date"],
        ["row 5", "date"],
    ]


def test_admin_previews_an_xlsx_upload(otp_admin_client, kz_record):
    workbook = Workbook()
    workbook.active.append(list(COLUMNS))
    workbook.active.append([statement_row().get(c, "") for c in COLUMNS])
    out = io.BytesIO()
    workbook.save(out)
    response = upload(otp_admin_client, out.getvalue(), name="acts.xlsx")
    assert response.status_code == 200
    assert [r.outcome for r in response.context["preview"].rows] == ["created"]
