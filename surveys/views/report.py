"""The survey's report: the staff write and approve it; leaders read it and its files."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dluan import audit, downloads
from dluan.access import require_manager, require_staff
from dluan.document.pdf import render_document_pdf
from dluan.document.word import render_document_docx
from surveys.forms.report import ReportForm
from surveys.models import Survey
from surveys.report import official_report, report_document
from surveys.services import report as services

FILES = {"pdf": downloads.PDF, "docx": downloads.DOCX}


def _survey(request, pk) -> Survey:
    require_manager(request.user)
    return get_object_or_404(
        Survey.objects.visible_to(request.user).with_related(), pk=pk
    )


@login_required
def report_edit(request, pk):
    """The report as it reads (everyone who manages), and its form (staff)."""
    survey = _survey(request, pk)
    report = services.report_for(survey)
    form = None
    if request.user.is_board_staff:
        data = request.POST if request.method == "POST" else None
        form = ReportForm(data, instance=report)
        if request.method == "POST" and form.is_valid():
            services.report_save(
                survey=survey, user=request.user, data=form.cleaned_data
            )
            messages.success(request, _("Report saved."))
            return redirect("surveys:report-edit", pk=survey.pk)
    elif request.method == "POST":
        raise Http404
    audit.shown(request, survey)
    return render(
        request,
        "surveys/report_edit.html",
        {
            "survey": survey,
            "report": report,
            "form": form,
            "brief": report_document(survey, report),
        },
        status=400 if form is not None and form.errors else 200,
    )


@login_required
@require_POST
def report_approve(request, pk):
    require_staff(request.user)
    survey = _survey(request, pk)
    try:
        services.report_approve(survey=survey, user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Report approved."))
    return redirect("surveys:report-edit", pk=survey.pk)


@login_required
def report_download(request, pk, doc_format):
    fmt = doc_format
    if fmt not in FILES:
        raise Http404
    survey = _survey(request, pk)
    document = official_report(survey, services.report_for(survey))
    if fmt == "pdf":
        content = render_document_pdf(document)
    else:
        content = render_document_docx(document)
    return downloads.download(
        content,
        filename=f"bao-cao-ket-qua-dieu-tra-{survey.pk}.{fmt}",
        content_type=FILES[fmt],
    )
