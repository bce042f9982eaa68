"""Bringing a board's roster in from .xlsx: upload, columns, preview, import.

The parsed workbook waits between the steps in an ``ImportDraft`` of the uploader,
not in the session that every request loads; the import removes it, and the daily
job removes one left behind. The choice of columns is remembered for the unit once
the import has succeeded, so a mapping abandoned at the preview (because it was
wrong) is not offered again.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from collaborators import exports, services
from collaborators.forms import (
    ImportColumnsForm,
    ImportConfirmForm,
    ImportUploadForm,
)
from collaborators.import_rows import validate_rows
from collaborators.models import ImportDraft
from collaborators.spreadsheets import (
    COLUMNS,
    Sheet,
    read_workbook,
    remembered_mapping,
)
from dluan.access import require_staff
from dluan.downloads import XLSX, download


def _draft(request, token) -> ImportDraft:
    """The user's own upload waiting under ``token``; 404 for anyone else's."""
    return get_object_or_404(ImportDraft.objects.visible_to(request.user), token=token)


@login_required
def import_template(request):
    require_staff(request.user)
    return download(
        exports.template_workbook(),
        filename="mau-danh-sach-ctv.xlsx",
        content_type=XLSX,
    )


@login_required
def import_upload(request):
    require_staff(request.user)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            sheet = read_workbook(form.cleaned_data["file"])
        except ValidationError as error:
            form.add_error("file", error)
        else:
            draft = services.import_draft_create(
                actor=request.user,
                name=form.cleaned_data["file"].name,
                sheet=sheet.to_json(),
            )
            return redirect("collaborators:import-columns", token=draft.token)
    return render(request, "collaborators/import_upload.html", {"form": form})


@login_required
def import_columns(request, token):
    require_staff(request.user)
    draft = _draft(request, token)
    sheet = Sheet.from_json(draft.sheet)
    initial = draft.mapping or sheet.proposal(remembered_mapping(request.user.org_unit))
    form = ImportColumnsForm(
        request.POST or None, headings=sheet.headings, initial_fields=initial
    )
    if request.method == "POST" and form.is_valid():
        mapping = form.mapping()
        if sheet.mapped_rows(mapping):
            # The rows are mapped again when needed: the draft keeps one copy.
            services.import_draft_map(draft=draft, mapping=mapping)
            return redirect("collaborators:import-preview", token=token)
        form.add_error(None, _("No row has a value in the chosen columns."))
    body = sheet.body()
    columns = [
        {
            "letter": get_column_letter(index + 1),
            "heading": heading,
            "samples": samples,
            "field": form[f"column_{index}"],
        }
        for index, (heading, samples) in enumerate(
            zip(sheet.headings, sheet.samples(body), strict=True)
        )
    ]
    return render(
        request,
        "collaborators/import_columns.html",
        {
            "form": form,
            "columns": columns,
            "name": draft.name,
            "header_row": sheet.header_row,
            "row_count": len(body),
            "token": token,
        },
    )


@login_required
def import_preview(request, token):
    require_staff(request.user)
    draft = _draft(request, token)
    if not draft.mapping:
        return redirect("collaborators:import-columns", token=token)
    form = ImportConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.import_draft_complete(
                actor=request.user,
                draft=draft,
                only_valid=form.cleaned_data["mode"] == "valid",
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("%(count)s collaborators were imported.") % {"count": created},
            )
            return redirect("collaborators:collaborator-list")
    table = Sheet.from_json(draft.sheet).mapped_rows(draft.mapping)
    rows = validate_rows(actor=request.user, rows=table)
    invalid = [row for row in rows if not row.is_valid]
    # Rows with errors first: they are what the officer has to fix.
    ordered = invalid + [row for row in rows if row.is_valid]
    page = Paginator(ordered, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "collaborators/import_preview.html",
        {
            "page": page,
            "name": draft.name,
            "total": len(rows),
            "invalid_count": len(invalid),
            "valid_count": len(rows) - len(invalid),
            "columns": [str(column.label) for column in COLUMNS],
            "token": token,
        },
    )
