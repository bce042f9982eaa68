"""Bringing a board's roster in from .xlsx: upload, columns, preview, import."""

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from collaborators import services
from collaborators.forms import ImportConfirmForm, ImportUploadForm
from collaborators.spreadsheets import (
    COLUMNS,
    read_workbook,
    template_workbook,
    validate_rows,
)
from collaborators.views import _require_staff, _xlsx_response

IMPORT_SESSION_KEY = "collaborators_import"


@login_required
def import_template(request):
    _require_staff(request)
    return _xlsx_response(template_workbook(), "mau-danh-sach-ctv.xlsx")


@login_required
def import_upload(request):
    _require_staff(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            rows = read_workbook(form.cleaned_data["file"])
        except ValidationError as error:
            form.add_error("file", error)
        else:
            # The parsed rows wait in the server-side session, never in a file.
            token = secrets.token_urlsafe(16)
            request.session[IMPORT_SESSION_KEY] = {
                "token": token,
                "rows": rows,
                "name": form.cleaned_data["file"].name[:200],
            }
            return redirect("collaborators:import-preview", token=token)
    return render(request, "collaborators/import_upload.html", {"form": form})


@login_required
def import_preview(request, token):
    _require_staff(request)
    pending = request.session.get(IMPORT_SESSION_KEY)
    if not pending or not secrets.compare_digest(pending["token"], token):
        raise Http404
    form = ImportConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.collaborator_import(
                actor=request.user,
                rows=pending["rows"],
                only_valid=form.cleaned_data["mode"] == "valid",
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            del request.session[IMPORT_SESSION_KEY]
            messages.success(
                request,
                _("%(count)s collaborators were imported.") % {"count": created},
            )
            return redirect("collaborators:collaborator-list")
    rows = validate_rows(actor=request.user, rows=pending["rows"])
    invalid = [row for row in rows if not row.is_valid]
    # Rows with errors first: they are what the officer has to fix.
    ordered = invalid + [row for row in rows if row.is_valid]
    page = Paginator(ordered, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "collaborators/import_preview.html",
        {
            "page": page,
            "name": pending["name"],
            "total": len(rows),
            "invalid_count": len(invalid),
            "valid_count": len(rows) - len(invalid),
            "columns": [str(column.label) for column in COLUMNS],
            "token": token,
        },
    )
