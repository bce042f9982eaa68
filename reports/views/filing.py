"""A collaborator's reports: list, file and edit with autosave, attachments.

The report form is also what the phone's outbox sends (``X-Dluan-Outbox: 1``):
each post carries its item's ``client_id``, one report per item, answered in
JSON to the outbox (see :mod:`dluan.outbox`).
"""

import uuid

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
from dluan.outbox import answer, content_digest, is_outbox, posted_client_id
from reports import selectors, services
from reports.forms import ReportForm, StreamFormSet, stream_data, stream_initial
from reports.models import Attachment, OpinionReport
from reports.services.filing import REPORT_FIELDS
from reports.services.items import (
    Sent,
    report_file_item,
    report_item_find,
    report_item_outcome,
    version_token,
)


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
    require_collaborator(request.user)
    report = get_object_or_404(
        OpinionReport.objects.visible_to(request.user).select_related(
            "author", "unit", "period"
        ),
        pk=pk,
    )
    if not report.is_editable_by_author and not _sends_its_item(request, report):
        raise Http404
    return _report_form(request, report)


def _sends_its_item(request, report) -> bool:
    """A post of the item that made this report (a retry, a second tab): it is
    answered (the same, or refused as changed) rather than 404."""
    return (
        request.method == "POST"
        and report.client_id is not None
        and report.client_id == posted_client_id(request)
    )


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
        unit_id=collaborator.unit_id,
        kind=(
            OpinionReport.Kind.URGENT
            if request.GET.get("kind") == OpinionReport.Kind.URGENT
            else OpinionReport.Kind.PERIODIC
        ),
    )
    if instance.kind == OpinionReport.Kind.URGENT and report is None:
        instance.urgency = OpinionReport.Urgency.URGENT
    balance_prompt = False
    client_id = report.client_id if report else None
    base_version = version_token(report) if report else ""
    if request.method == "POST":
        outbox = is_outbox(request)
        action = request.POST.get("action", "save")
        draft = action not in {"submit", "submit_confirmed"}
        # The page's script (or the phone) made the item's id; without it, one
        # is made here and the post is filed as before.
        client_id = posted_client_id(request) or uuid.uuid4()
        digest = content_digest(request)
        posted_version = request.POST.get("base_version", "").strip() or None
        target = report
        if target is None:
            target, foreign = report_item_find(author=collaborator, client_id=client_id)
            if foreign:
                raise Http404  # another collaborator's item: nothing said of it
        outcome = report_item_outcome(
            target=target,
            client_id=client_id,
            digest=digest,
            base_version=posted_version,
            submit=not draft,
        )
        if outcome is not None and (outbox or outcome != Sent.CONFLICT):
            return _item_answer(request, outcome, target, outbox=outbox)
        if target is not None:
            report = instance = target
            base_version = version_token(target)
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
        if outcome == Sent.CONFLICT:
            # The draft changed on the server since this form was shown: the
            # form comes back with what was written, to send again or leave.
            form.is_valid()
            form.add_error(None, services.ConflictError())
        elif form.is_valid() and formset.is_valid():
            try:
                result = report_file_item(
                    author=collaborator,
                    user=request.user,
                    client_id=client_id,
                    digest=digest,
                    base_version=posted_version,
                    report=report,
                    data=_draft_data(form),
                    topics=form.cleaned_data["topics"],
                    streams=stream_data(formset),
                    files=form.cleaned_data.get("attachments") or [],
                    submit=not draft,
                    answer=form.cleaned_data.get("answer", ""),
                    confirm_balance=action == "submit_confirmed",
                    keep_refused=not outbox,
                )
            except ValidationError as error:
                if outbox:
                    return _refused(error.messages, _service_errors(error))
                # A refused submission keeps what was written as a draft.
                report = getattr(error, "report", report)
                if isinstance(error, services.BalancePromptRequired):
                    balance_prompt = True
                else:
                    add_errors(form, error)
            else:
                if result.outcome != Sent.CREATED:
                    return _item_answer(
                        request, result.outcome, result.report, outbox=outbox
                    )
                report = result.report
                if outbox:
                    return _created(report)
                if draft:
                    messages.success(request, _("Draft saved."))
                    return redirect("reports:report-edit", pk=report.pk)
                messages.success(request, _("Report submitted to the board."))
                return redirect("reports:report-detail", pk=report.pk)
            if report is not None:
                instance = report
                base_version = version_token(report)
        elif outbox:
            errors = _form_errors(form, formset)
            return _refused([m for ms in errors.values() for m in ms], errors)
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
            "client_id": client_id or "",
            "base_version": base_version,
        },
    )


# --- The phone's outbox: JSON answers to its sends (dluan/outbox.py) -------------


def _report_url(report) -> str:
    name = "report-edit" if report.is_editable_by_author else "report-detail"
    return reverse(f"reports:{name}", args=[report.pk])


def _created(report) -> JsonResponse:
    if report.status == OpinionReport.Status.SUBMITTED:
        message = _("Report submitted to the board.")
    else:
        message = _("Draft saved.")
    return answer("created", code=201, url=_report_url(report), message=message)


def _item_answer(request, outcome, report, *, outbox):
    """A send that changes nothing: the same item again, one changed after it
    was sent, or (outbox only) a draft changed on the server meanwhile."""
    if outcome == Sent.DUPLICATE:
        message = _("This report had reached the board already: it was kept once.")
        if outbox:
            return answer(
                "duplicate", code=200, url=_report_url(report), message=message
            )
        messages.success(request, message)
        return redirect(_report_url(report))
    if outcome == Sent.CHANGED:
        message = _(
            "This report was sent already with other content. The board keeps what "
            "it received first; nothing of this copy was saved."
        )
        if outbox:
            return answer("changed", code=409, url=_report_url(report), message=message)
        messages.error(request, message)
        return redirect(_report_url(report))
    if not outbox:  # changed between the form's check and its save: read it again
        messages.error(request, services.ConflictError().messages[0])
        return redirect(_report_url(report))
    question = selectors.last_question(report)
    return answer(
        "conflict",
        code=409,
        message=_(
            "This report was changed on the server after you opened it "
            "(%(status)s). Nothing was saved: keep your version or take the "
            "server's."
        )
        % {"status": report.get_status_display()},
        version=version_token(report),
        server={
            "title": report.title,
            "description": report.description,
            "status": str(report.get_status_display()),
            "question": question.note if question else "",
        },
        url=_report_url(report),
    )


def _refused(messages_: list[str], errors: dict) -> JsonResponse:
    return answer(
        "refused",
        code=422,
        message=" ".join(messages_[:1])
        or _("Not saved: check the fields marked in red."),
        errors=errors,
    )


def _service_errors(error: ValidationError) -> dict:
    if hasattr(error, "error_dict"):
        return {field: list(ms) for field, ms in error.message_dict.items()}
    return {"__all__": list(error.messages)}


def _form_errors(form, formset) -> dict:
    """The form's and the streams' errors by the posted field's name."""
    errors = {
        field: [str(m) for m in messages_] for field, messages_ in form.errors.items()
    }
    for stream in formset.forms:
        for field, messages_ in stream.errors.items():
            errors[stream.add_prefix(field)] = [str(m) for m in messages_]
    if formset.non_form_errors():
        errors.setdefault("__all__", []).extend(formset.non_form_errors())
    return errors


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
    instance = report or OpinionReport(
        author=collaborator, unit_id=collaborator.unit_id
    )
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
            client_id=posted_client_id(request),
        )
    except ValidationError as error:
        return JsonResponse({"saved": False, "errors": error.messages}, status=422)
    saved_at = timezone.localtime()
    return JsonResponse(
        {
            "saved": True,
            "id": report.pk,
            "edit_url": reverse("reports:report-edit", args=[report.pk]),
            "version": version_token(report),
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
