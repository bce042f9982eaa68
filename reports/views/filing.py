"""A collaborator's reports: list, file and edit with autosave, attachments."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dluan.access import add_errors, posted_int, require_collaborator
from dluan.downloads import download
from reports import selectors, services
from reports.forms import ReportForm, StreamFormSet, stream_data, stream_initial
from reports.models import Attachment, OpinionReport
from reports.services.filing import REPORT_FIELDS


@login_required
def report_list(request):
    if request.user.is_manager:
        return redirect("reports:report-queue")
    require_collaborator(request.user)
    page = Paginator(selectors.my_reports(request.user), 25).get_page(
        request.GET.get("page")
    )
    return render(request, "reports/report_list.html", {"page": page})


def _editable_report(request, pk) -> OpinionReport:
    require_collaborator(request.user)
    report = get_object_or_404(
        OpinionReport.objects.visible_to(request.user).select_related(
            "author", "unit", "period"
        ),
        pk=pk,
    )
    if not report.is_editable_by_author:
        raise Http404
    return report


@login_required
def report_create(request):
    require_collaborator(request.user)
    return _report_form(request, None)


@login_required
def report_edit(request, pk):
    return _report_form(request, _editable_report(request, pk))


def _draft_data(form) -> dict:
    return {
        key: form.cleaned_data[key]
        for key in REPORT_FIELDS
        if key in form.cleaned_data and key not in form.errors
    }


def _report_form(request, report):
    collaborator = request.user.collaborator
    instance = report or OpinionReport(
        author=collaborator,
        unit=collaborator.unit,
        kind=(
            OpinionReport.Kind.URGENT
            if request.GET.get("kind") == OpinionReport.Kind.URGENT
            else OpinionReport.Kind.PERIODIC
        ),
    )
    if instance.kind == OpinionReport.Kind.URGENT and report is None:
        instance.urgency = OpinionReport.Urgency.URGENT
    balance_prompt = False
    if request.method == "POST":
        action = request.POST.get("action", "save")
        draft = action not in {"submit", "submit_confirmed"}
        form = ReportForm(
            request.POST,
            request.FILES,
            instance=instance,
            collaborator=collaborator,
            draft=draft,
        )
        formset = StreamFormSet(
            request.POST, prefix="streams", form_kwargs={"strict": not draft}
        )
        if form.is_valid() and formset.is_valid():
            try:
                report = services.report_file(
                    author=collaborator,
                    user=request.user,
                    report=report,
                    data=_draft_data(form),
                    topics=form.cleaned_data["topics"],
                    streams=stream_data(formset),
                    files=form.cleaned_data.get("attachments") or [],
                    submit=not draft,
                    answer=form.cleaned_data.get("answer", ""),
                    confirm_balance=action == "submit_confirmed",
                )
            except ValidationError as error:
                # A refused submission keeps what was written as a draft.
                report = getattr(error, "report", report)
                if isinstance(error, services.BalancePromptRequired):
                    balance_prompt = True
                else:
                    add_errors(form, error)
            else:
                if draft:
                    messages.success(request, _("Draft saved."))
                    return redirect("reports:report-edit", pk=report.pk)
                messages.success(request, _("Report submitted to the board."))
                return redirect("reports:report-detail", pk=report.pk)
            if report is not None:
                instance = report
    else:
        form = ReportForm(instance=instance, collaborator=collaborator)
        initial = stream_initial(report) if report else [{}]
        formset = StreamFormSet(
            prefix="streams", initial=initial, form_kwargs={"strict": False}
        )
    question = None
    if report is not None and report.status == OpinionReport.Status.RETURNED:
        question = selectors.last_question(report)
    return render(
        request,
        "reports/report_form.html",
        {
            "form": form,
            "formset": formset,
            "report": report,
            "instance": instance,
            "question": question,
            "balance_prompt": balance_prompt,
            "attachments": list(report.attachments.present()) if report else [],
            "focus_topics": selectors.focus_topics_for(collaborator.unit),
        },
    )


@login_required
@require_POST
def report_autosave(request):
    """Save what the collaborator has typed so far; answers JSON for the script."""
    require_collaborator(request.user)
    collaborator = request.user.collaborator
    report = None
    report_id = request.POST.get("report", "")
    if report_id:
        pk = posted_int(report_id)
        if pk is None:
            raise Http404
        report = _editable_report(request, pk)
    instance = report or OpinionReport(author=collaborator, unit=collaborator.unit)
    form = ReportForm(
        request.POST, instance=instance, collaborator=collaborator, draft=True
    )
    formset = StreamFormSet(
        request.POST, prefix="streams", form_kwargs={"strict": False}
    )
    form.is_valid()
    streams = stream_data(formset) if formset.is_valid() else None
    data = _draft_data(form)
    if report is None and not (data.get("title") or data.get("description") or streams):
        return JsonResponse({"saved": False})
    try:
        report = services.report_save_draft(
            author=collaborator,
            user=request.user,
            report=report,
            data=data,
            topics=None if "topics" in form.errors else form.cleaned_data.get("topics"),
            streams=streams,
        )
    except ValidationError as error:
        return JsonResponse({"saved": False, "errors": error.messages}, status=422)
    saved_at = timezone.localtime()
    return JsonResponse(
        {
            "saved": True,
            "id": report.pk,
            "edit_url": reverse("reports:report-edit", args=[report.pk]),
            "saved_at": formats.time_format(saved_at, "H:i:s"),
            "message": _("Draft saved at %(time)s.")
            % {"time": formats.time_format(saved_at, "H:i:s")},
            "errors": {
                field: [str(m) for m in errors] for field, errors in form.errors.items()
            },
        }
    )


@login_required
@require_POST
def report_archive(request, pk):
    report = get_object_or_404(OpinionReport.objects.visible_to(request.user), pk=pk)
    if not (request.user.is_board_staff or request.user.is_collaborator):
        raise Http404
    version = request.POST.get("version", "")
    if version and posted_int(version) is None:
        raise BadRequest
    try:
        services.report_archive(
            report=report, user=request.user, version=posted_int(version)
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("reports:report-detail", pk=pk)
    messages.success(request, _("Report archived."))
    if request.user.is_collaborator:
        return redirect("reports:report-list")
    return redirect("reports:report-queue")


@login_required
@require_POST
def attachment_remove(request, pk):
    """The author takes a file off their draft or returned report."""
    require_collaborator(request.user)
    attachment = get_object_or_404(
        Attachment.objects.visible_to(request.user).present().select_related("report"),
        pk=pk,
    )
    try:
        services.attachment_remove(attachment=attachment, user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("reports:report-detail", pk=attachment.report_id)
    messages.success(
        request,
        _("%(name)s was removed from the report.") % {"name": attachment.original_name},
    )
    return redirect("reports:report-edit", pk=attachment.report_id)


@login_required
def attachment_download(request, pk):
    """The file as uploaded, to a GET: ``shows`` records a read whatever the method.

    Out of scope is 404 before the method is looked at, as everywhere.
    """
    queryset = Attachment.objects.visible_to(request.user)
    if not request.user.is_manager:
        # A removed file stays on record for the board, not for collaborators.
        queryset = queryset.present()
    attachment = get_object_or_404(queryset, pk=pk)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return download(
        attachment.file.open("rb"),
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
