"""The admin page "Import acts from a spreadsheet": upload, preview (a dry run), import.

The page is one more caller of bills.imports, which writes through the timeline services. The
preview runs the whole import and rolls it back; the file's rows then travel to the confirm step
in a hidden field signed with django.core.signing (salted, valid for an hour), so that what is
imported is exactly what was previewed, and a tampered or stale field is refused rather than
trusted. The confirm step runs the import again for real: if the record changed in between and
a row no longer fits, the whole file is refused with the rows' reasons, as in the preview.

Admin-only and English-only, like the seed loader's messages (the services' own messages are
translated where they are).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse

from bills.imports import (
    MAX_BYTES,
    ImportRefused,
    ImportReport,
    Row,
    SheetError,
    sheet_import,
    sheet_read,
)
from bills.models import Event
from bills.seeds import SEEDS_DIR

SALT = "bills.admin_import.rows"
MAX_AGE = 60 * 60
PERMISSIONS = ("bills.add_event", "bills.change_event")
TEMPLATE = "admin/bills/import/import.html"
TEMPLATE_FILE = SEEDS_DIR / "import-template.csv"


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Spreadsheet (CSV or XLSX)",
        help_text=(
            f"At most {MAX_BYTES // (1024 * 1024)} MB. One row per act; the columns are "
            "documented in the README and shown in seeds/import-template.csv."
        ),
    )

    def clean_file(self) -> list[Row]:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
        try:
            return sheet_read(name=upload.name or "", content=upload.read())
        except SheetError as exc:
            raise forms.ValidationError(str(exc)) from exc


class ConfirmForm(forms.Form):
    rows = forms.CharField(widget=forms.HiddenInput)

    def clean_rows(self) -> list[Row]:
        try:
            data = signing.loads(self.cleaned_data["rows"], salt=SALT, max_age=MAX_AGE)
        except signing.SignatureExpired as exc:
            raise forms.ValidationError(
                "The preview is more than an hour old: upload the file again."
            ) from exc
        except signing.BadSignature as exc:
            raise forms.ValidationError(
                "The previewed rows were altered or are unreadable: upload the file again."
            ) from exc
        return [Row(number=int(number), values=dict(values)) for number, values in data]


def rows_sign(rows: list[Row]) -> str:
    return signing.dumps([[r.number, r.values] for r in rows], salt=SALT, compress=True)


def import_urls(admin_site: admin.AdminSite) -> list[URLPattern]:
    """The page's URL, for BillAdmin.get_urls: /admin/bills/bill/import/ (staff, verified)."""

    def view(request: HttpRequest) -> HttpResponse:
        return import_view(request, admin_site=admin_site)

    def template(request: HttpRequest) -> FileResponse:
        if not all(request.user.has_perm(p) for p in PERMISSIONS):
            raise PermissionDenied
        return FileResponse(
            TEMPLATE_FILE.open("rb"), as_attachment=True, content_type="text/csv; charset=utf-8"
        )

    return [
        path("import/", admin_site.admin_view(view), name="bills_bill_import"),
        path(
            "import/template.csv",
            admin_site.admin_view(template),
            name="bills_bill_import_template",
        ),
    ]


def import_view(request: HttpRequest, *, admin_site: admin.AdminSite) -> HttpResponse:
    """Upload → preview (dry run) → import. Staff who may add and change events only."""
    if not all(request.user.has_perm(p) for p in PERMISSIONS):
        raise PermissionDenied
    context: dict[str, Any] = {
        **admin_site.each_context(request),
        "title": "Import acts from a spreadsheet",
        "opts": Event._meta,
        "upload_form": UploadForm(),
    }
    if request.method != "POST":
        return TemplateResponse(request, TEMPLATE, context)
    if "rows" in request.POST:
        confirm = ConfirmForm(request.POST)
        if not confirm.is_valid():
            context["confirm_errors"] = confirm.errors["rows"]
            return TemplateResponse(request, TEMPLATE, context)
        try:
            report = sheet_import(rows=confirm.cleaned_data["rows"])
        except ImportRefused as exc:
            context["refused"] = exc.errors
            return TemplateResponse(request, TEMPLATE, context)
        _tell(request, report)
        return HttpResponseRedirect(reverse("admin:bills_bill_changelist"))
    upload = UploadForm(request.POST, request.FILES)
    context["upload_form"] = upload
    if not upload.is_valid():
        return TemplateResponse(request, TEMPLATE, context)
    rows = upload.cleaned_data["file"]
    try:
        context["preview"] = sheet_import(rows=rows, dry_run=True)
    except ImportRefused as exc:
        context["refused"] = exc.errors
        return TemplateResponse(request, TEMPLATE, context)
    context["confirm_form"] = ConfirmForm(initial={"rows": rows_sign(rows)})
    return TemplateResponse(request, TEMPLATE, context)


def _tell(request: HttpRequest, report: ImportReport) -> None:
    outcomes = [r.outcome for r in report.rows]
    summary = ", ".join(
        f"{outcomes.count(o)} {o}" for o in ("created", "updated", "unchanged") if o in outcomes
    )
    messages.success(request, f"Imported {len(outcomes)} row(s): {summary}.")
    for line in report.bills:
        messages.info(request, line)
