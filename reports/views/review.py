"""The report page and the staff review queue with its actions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dluan import audit
from dluan.access import require_manager, require_staff
from dluan.paging import LargePaginator
from dluan.replica import reads_from_replica
from reports import selectors, services
from reports.forms import (
    IssueFromReportForm,
    LinkIssueForm,
    QueueFilterForm,
    RatingForm,
    RetagForm,
    ReturnForm,
    RumourForm,
    VersionForm,
)
from reports.models import OpinionReport

QUEUE_PAGE_SIZE = 25


class QueuePaginator(LargePaginator):
    # Counted exactly up to ten pages; past that the page says "about" (the
    # planner's estimate): counting a town's thousand reports through a filter on
    # their streams cost more than drawing the page.
    exact_limit = 10 * QUEUE_PAGE_SIZE


@login_required
@reads_from_replica
def report_queue(request):
    require_manager(request.user)
    form = QueueFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    queryset = selectors.report_queue(request.user, filters)
    # A text search is not counted: the count would cost as much as the search.
    paginator = QueuePaginator(
        queryset,
        QUEUE_PAGE_SIZE,
        counted=not filters.get("q"),
        rows=selectors.queue_rows,
    )
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = selectors.with_stream_counts(page.object_list)
    return render(request, "reports/report_queue.html", {"form": form, "page": page})


def _page_context(request, report, **bound) -> dict:
    audit.shown(request, report)
    user = request.user
    attachments = list(report.attachments.all())
    context = {
        "report": report,
        "streams": list(report.streams.all()),
        "attachments": [a for a in attachments if not a.is_removed],
        # The board keeps sight of files the author took off; the author does not.
        "removed_attachments": (
            [a for a in attachments if a.is_removed] if user.is_manager else []
        ),
        "events": list(report.events.all()),
        "question": selectors.last_question(report),
        "can_review": user.is_board_staff,
    }
    if user.is_board_staff:
        version = {"version": report.version}
        context.update(
            return_form=bound.get("return_form") or ReturnForm(initial=version),
            retag_form=bound.get("retag_form")
            or RetagForm(
                initial={**version, "topics": [t.pk for t in report.topics.all()]}
            ),
            rating_form=bound.get("rating_form")
            or RatingForm(
                initial={
                    **version,
                    "depth": report.quality_depth,
                    "balance": report.quality_balance,
                    "timeliness": report.quality_timeliness,
                    "usefulness": report.quality_usefulness,
                    "feedback": report.feedback,
                }
            ),
            link_form=bound.get("link_form")
            or LinkIssueForm(issues=selectors.linkable_issues(user, report)),
            similar_issues=(
                selectors.similar_issues(user, report) if not report.issue_id else []
            ),
            issue_form=bound.get("issue_form")
            or IssueFromReportForm(initial={"title": report.title}),
        )
    return context


def _load(request, pk) -> OpinionReport:
    return get_object_or_404(selectors.report_for_page(request.user, pk))


@login_required
def report_detail(request, pk):
    report = _load(request, pk)
    return render(request, "reports/report_detail.html", _page_context(request, report))


def _run(request, report, action, success_message):
    """Call a review service; a conflict or a refusal becomes a message.

    A conflict (another reviewer decided after this page was shown) answers 409
    with the report as it is now, so the reviewer reads the decision before
    trying again.
    """
    try:
        action()
    except services.ConflictError as error:
        messages.error(request, error.messages[0])
        context = _page_context(request, _load(request, report.pk))
        return render(request, "reports/report_detail.html", context, status=409)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, success_message)
    return redirect("reports:report-detail", pk=report.pk)


def _invalid(request, report, **bound):
    context = _page_context(request, _load(request, report.pk), **bound)
    return render(request, "reports/report_detail.html", context, status=400)


@login_required
@require_POST
def report_accept(request, pk):
    require_staff(request.user)
    report = _load(request, pk)
    form = VersionForm(request.POST)
    if not form.is_valid():
        return _invalid(request, report)
    return _run(
        request,
        report,
        lambda: services.report_accept(
            report=report, user=request.user, version=form.cleaned_data["version"]
        ),
        _("Report accepted."),
    )


@login_required
@require_POST
def report_return(request, pk):
    require_staff(request.user)
    report = _load(request, pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        return _invalid(request, report, return_form=form)
    return _run(
        request,
        report,
        lambda: services.report_return(
            report=report,
            user=request.user,
            version=form.cleaned_data["version"],
            question=form.cleaned_data["question"],
        ),
        _("Report returned to the collaborator with your question."),
    )


@login_required
@require_POST
def report_rumour(request, pk):
    require_staff(request.user)
    report = _load(request, pk)
    form = RumourForm(request.POST)
    if not form.is_valid():
        return _invalid(request, report)
    return _run(
        request,
        report,
        lambda: services.report_mark_rumour(
            report=report,
            user=request.user,
            version=form.cleaned_data["version"],
            is_rumour=form.cleaned_data["is_rumour"],
        ),
        _("Rumour marking saved."),
    )


@login_required
@require_POST
def report_retag(request, pk):
    require_staff(request.user)
    report = _load(request, pk)
    form = RetagForm(request.POST)
    if not form.is_valid():
        return _invalid(request, report, retag_form=form)
    return _run(
        request,
        report,
        lambda: services.report_retag(
            report=report,
            user=request.user,
            version=form.cleaned_data["version"],
            topics=form.cleaned_data["topics"],
        ),
        _("Topics saved."),
    )


@login_required
@require_POST
def report_rate(request, pk):
    require_staff(request.user)
    report = _load(request, pk)
    form = RatingForm(request.POST)
    if not form.is_valid():
        return _invalid(request, report, rating_form=form)
    data = form.cleaned_data
    return _run(
        request,
        report,
        lambda: services.report_rate(
            report=report,
            user=request.user,
            version=data["version"],
            depth=data["depth"],
            balance=data["balance"],
            timeliness=data["timeliness"],
            usefulness=data["usefulness"],
            feedback=data["feedback"],
        ),
        _("Quality rating saved."),
    )


@login_required
@require_POST
def report_issue_link(request, pk):
    require_staff(request.user)
    report = _load(request, pk)
    form = LinkIssueForm(
        request.POST, issues=selectors.linkable_issues(request.user, report)
    )
    if not form.is_valid():
        return _invalid(request, report, link_form=form)
    return _run(
        request,
        report,
        lambda: services.report_link_issue(
            report=report, issue=form.cleaned_data["issue"], user=request.user
        ),
        _("Report added to the issue."),
    )


@login_required
@require_POST
def report_issue_unlink(request, pk):
    require_staff(request.user)
    report = _load(request, pk)
    return _run(
        request,
        report,
        lambda: services.report_unlink_issue(report=report, user=request.user),
        _("Report removed from the issue."),
    )


@login_required
@require_POST
def report_issue_create(request, pk):
    require_staff(request.user)
    report = _load(request, pk)
    form = IssueFromReportForm(request.POST)
    if not form.is_valid():
        return _invalid(request, report, issue_form=form)
    try:
        issue = services.issue_create(
            user=request.user,
            title=form.cleaned_data["title"],
            severity=form.cleaned_data["severity"],
            report=report,
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("reports:report-detail", pk=report.pk)
    messages.success(request, _("Issue opened from this report."))
    return redirect("reports:issue-detail", pk=issue.pk)
