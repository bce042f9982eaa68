"""Summary pages: the list, compiling on demand with its progress, the summary
itself, editing and approving a draft, read receipts and the files."""

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dluan import audit, downloads
from dluan.access import add_errors, posted_int, require_manager, require_staff
from dluan.replica import reads_from_replica
from summaries import selectors, services
from summaries.brief import brief_document
from summaries.forms import CompileForm, SummaryEditForm
from summaries.models import Summary

PAGE_SIZE = 25
FILES = {"pdf": downloads.PDF, "docx": downloads.DOCX, "xlsx": downloads.XLSX}
# How long a drawn brief is kept: its key changes whenever what it shows does.
BRIEF_SECONDS = 24 * 60 * 60


@login_required
@reads_from_replica
def summary_list(request):
    user = request.user
    require_manager(user)
    paginator = Paginator(selectors.summary_list(user), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "summaries/summary_list.html",
        {
            "page": page,
            "compile_form": CompileForm(user=user) if user.is_board_staff else None,
        },
    )


@login_required
@require_POST
def summary_compile(request):
    user = request.user
    require_staff(user)
    form = CompileForm(request.POST, user=user)
    if not form.is_valid():
        messages.error(request, _("Choose a unit and a reporting period."))
        return redirect("summaries:summary-list")
    summary = services.summary_request(
        unit=form.cleaned_data["unit"], period=form.cleaned_data["period"], user=user
    )
    messages.success(
        request,
        _("Version %(version)s is being compiled.") % {"version": summary.version},
    )
    return redirect(summary)


def _context(request, summary: Summary) -> dict:
    audit.shown(request, summary)
    user = request.user
    context = {
        "summary": summary,
        "versions": selectors.versions_of(user, summary),
        "can_edit": user.is_board_staff,
        "readers": selectors.readers(summary) if user.is_board_staff else None,
        "read": summary.reads.filter(user=user).first(),
    }
    if summary.is_compiled:
        context["brief_html"] = _brief_html(summary)
    return context


def _brief_html(summary: Summary) -> str:
    """The brief as the page shows it, drawn once per version of what it reads.

    The brief is the snapshot (frozen at compiling) and the text around it: every
    edit and the approval raise ``revision``; the heading also reads the unit's
    name and the period's dates, and the words are the reader's language.
    """
    key = ":".join(
        str(part)
        for part in (
            "dluan:summary-brief",
            summary.pk,
            summary.revision,
            summary.status,
            summary.compiled_at and summary.compiled_at.timestamp(),
            summary.approved_at and summary.approved_at.timestamp(),
            summary.period.start,
            summary.period.end,
            translation.get_language(),
            # A name is free text: hashed, so the key stays short and plain.
            hashlib.sha256(summary.unit.name.encode()).hexdigest()[:16],
        )
    )
    html = cache.get(key)
    if html is None:
        html = render_to_string(
            "includes/party_document.html", {"brief": brief_document(summary)}
        )
        cache.set(key, str(html), BRIEF_SECONDS)
    # Drawn here by the template, every value escaped there.
    return mark_safe(html)  # noqa: S308


@login_required
def summary_detail(request, pk):
    require_manager(request.user)
    summary = selectors.summary_for_page(request.user, pk)
    return render(request, "summaries/summary_detail.html", _context(request, summary))


@login_required
def summary_status(request, pk):
    """The progress partial the page polls; once done, the page reloads itself."""
    require_manager(request.user)
    summary = selectors.summary_for_page(request.user, pk)
    finished = summary.is_compiled and summary.files_ready
    if finished or summary.status == Summary.Status.FAILED or summary.is_stalled:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "summaries/_progress.html", {"summary": summary})


@login_required
def summary_edit(request, pk):
    user = request.user
    require_staff(user)
    summary = selectors.summary_for_page(user, pk)
    if not summary.is_editable:
        messages.error(
            request, _("Only a draft can be changed; make a new version to change it.")
        )
        return redirect(summary)
    form = SummaryEditForm(request.POST or None, instance=summary)
    if request.method == "POST" and form.is_valid():
        data = {
            name: form.cleaned_data[name]
            for name in SummaryEditForm.Meta.fields
            if name in form.cleaned_data
        }
        data["quotes"] = form.cleaned_data["picked"]
        try:
            services.summary_edit(
                summary=summary,
                user=user,
                data=data,
                revision=form.cleaned_data["revision"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Summary saved."))
            return redirect(summary)
    audit.shown(request, summary)
    return render(
        request, "summaries/summary_form.html", {"summary": summary, "form": form}
    )


@login_required
@require_POST
def summary_approve(request, pk):
    user = request.user
    require_staff(user)
    summary = selectors.summary_for_page(user, pk)
    revision = posted_int(request.POST.get("revision", ""))
    try:
        if revision is None:  # approve only the text the approver has seen
            raise ValidationError(
                _(
                    "Someone else changed this summary while you were editing. "
                    "Open it again to see their changes."
                )
            )
        services.summary_approve(summary=summary, user=user, revision=revision)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("Summary approved; the unit's leaders have been told.")
        )
    return redirect(summary)


@login_required
@require_POST
def summary_recompile(request, pk):
    """A new version of the same unit and period, with the figures compiled again."""
    user = request.user
    require_staff(user)
    summary = selectors.summary_for_page(user, pk)
    if summary.is_running and not summary.is_stalled:
        return redirect(summary)
    new = services.summary_request(unit=summary.unit, period=summary.period, user=user)
    messages.success(
        request,
        _("Version %(version)s is being compiled.") % {"version": new.version},
    )
    return redirect(new)


@login_required
@require_POST
def summary_retry(request, pk):
    user = request.user
    require_staff(user)
    summary = selectors.summary_for_page(user, pk)
    try:
        services.summary_retry(summary=summary, user=user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The compilation has been queued again."))
    return redirect(summary)


@login_required
@require_POST
def summary_read(request, pk):
    user = request.user
    require_manager(user)
    summary = selectors.summary_for_page(user, pk)
    try:
        services.summary_mark_read(summary=summary, user=user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Thank you: your reading has been recorded."))
    return redirect(summary)


@login_required
def summary_download(request, pk, kind):
    require_manager(request.user)
    if kind not in FILES:
        raise Http404
    summary = selectors.summary_for_page(request.user, pk)
    field = getattr(summary, kind)
    ready = summary.files_ready if kind in ("pdf", "docx") else bool(field)
    if not summary.is_compiled or not ready:
        raise Http404
    name = (
        f"bao-cao-tong-hop-{summary.period.start:%Y-%m}-{summary.unit_id}"
        f"-v{summary.version}.{kind}"
    )
    return downloads.download(field.open("rb"), filename=name, content_type=FILES[kind])
