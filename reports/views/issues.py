"""Issues: list, page with chart, edit, follow-ups and leaders' directions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dluan.access import add_errors, require_leader, require_staff
from dluan.replica import reads_from_replica
from dluan.search import fold, search
from reports import selectors, services
from reports.forms import (
    DirectionForm,
    FollowUpForm,
    FollowUpResponseForm,
    IssueEditForm,
    IssueForm,
)
from reports.models import FollowUp, Issue, OpinionReport


@login_required
@reads_from_replica
def issue_list(request):
    user = request.user
    queryset = Issue.objects.visible_to(user).select_related("unit")
    status = request.GET.get("status", "")
    if status in Issue.Status.values:
        queryset = queryset.filter(status=status)
    elif status != "all" and user.is_manager:
        queryset = queryset.open()
    if user.is_manager:
        queryset = search(queryset, request.GET.get("q", ""))
    queryset = queryset.order_by("-severity", "-last_seen", "-pk")
    page = Paginator(queryset, 25).get_page(request.GET.get("page"))
    if user.is_manager:
        page.object_list = selectors.with_report_counts(user, page.object_list)
    return render(
        request,
        "reports/issue_list.html",
        {
            "page": page,
            "status": status,
            "statuses": Issue.Status.choices,
            "q": request.GET.get("q", ""),
        },
    )


@login_required
def issue_create(request):
    require_staff(request.user)
    form = IssueForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            issue = services.issue_create(
                user=request.user,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                severity=form.cleaned_data["severity"],
                topics=form.cleaned_data["topics"],
                areas=form.cleaned_data["areas"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Issue opened."))
            return redirect("reports:issue-detail", pk=issue.pk)
    return render(request, "reports/issue_form.html", {"form": form})


def _load(request, pk) -> Issue:
    return get_object_or_404(selectors.issue_for_page(request.user, pk))


# An issue can gather hundreds of reports: the page lists them a page at a time
# (its chart and counts cover them all).
ISSUE_REPORTS_PAGE_SIZE = 25


def _page(request, issue, status=200, **bound):
    user = request.user
    reports_page = Paginator(
        selectors.issue_reports(user, issue), ISSUE_REPORTS_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    context = {
        "issue": issue,
        "reports": list(reports_page),
        "reports_page": reports_page,
    }
    if user.is_manager:
        follow_ups = list(issue.follow_ups.all())
        for follow_up in follow_ups:
            follow_up.response_form = FollowUpResponseForm(
                instance=follow_up, prefix=f"f{follow_up.pk}"
            )
        bound_response = bound.get("response_form")
        if bound_response is not None:
            for follow_up in follow_ups:
                if follow_up.pk == bound_response.instance.pk:
                    follow_up.response_form = bound_response
        context.update(
            follow_ups=follow_ups,
            directions=list(issue.directions.all()),
            areas=list(issue.areas.all()),
            topics=list(issue.topics.all()),
            chart=selectors.issue_direction_mix(user, issue),
            can_edit=user.is_board_staff,
            can_direct=user.is_leader or user.is_superuser,
        )
        if user.is_board_staff:
            context.update(
                edit_form=bound.get("edit_form")
                or IssueEditForm(instance=issue, initial={"version": issue.version}),
                followup_form=bound.get("followup_form") or FollowUpForm(),
                can_link=_is_open(issue),
            )
            if context["can_link"]:
                context.update(_link_search(request, issue))
        if context["can_direct"]:
            context["direction_form"] = bound.get("direction_form") or DirectionForm()
    return render(request, "reports/issue_detail.html", context, status=status)


def _is_open(issue) -> bool:
    # As on the report page: reports join open issues only.
    return issue.status not in {Issue.Status.RESOLVED, Issue.Status.CLOSED}


def _link_search(request, issue) -> dict:
    """The issue page's search for reports to add; no query, no database work."""
    query = request.GET.get("q", "").strip()[:200]
    if not fold(query):
        return {"q": query, "candidates": None}
    found = selectors.issue_link_candidates(request.user, issue, query)
    limit = selectors.ISSUE_SEARCH_LIMIT
    return {"q": query, "candidates": found[:limit], "more": len(found) > limit}


@login_required
def issue_detail(request, pk):
    return _page(request, _load(request, pk))


@login_required
@require_POST
def issue_edit(request, pk):
    require_staff(request.user)
    issue = _load(request, pk)
    form = IssueEditForm(request.POST, instance=Issue.objects.get(pk=issue.pk))
    if not form.is_valid():
        return _page(request, issue, status=400, edit_form=form)
    data = form.cleaned_data
    try:
        services.issue_update(
            issue=issue,
            user=request.user,
            version=data["version"],
            title=data["title"],
            description=data["description"],
            status=data["status"],
            severity=data["severity"],
            outcome=data["outcome"],
        )
    except services.ConflictError as error:
        messages.error(request, error.messages[0])
    except ValidationError as error:
        add_errors(form, error)
        return _page(request, _load(request, pk), status=400, edit_form=form)
    else:
        messages.success(request, _("Issue saved."))
    return redirect("reports:issue-detail", pk=pk)


@login_required
@require_POST
def issue_report_link(request, pk, report_pk):
    require_staff(request.user)
    issue = get_object_or_404(Issue.objects.visible_to(request.user), pk=pk)
    report = get_object_or_404(
        OpinionReport.objects.visible_to(request.user).live(), pk=report_pk
    )
    if not _is_open(issue):
        messages.error(request, _("Reports can be added to open issues only."))
    else:
        try:
            services.report_link_issue(report=report, issue=issue, user=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Report added to the issue."))
    url = reverse("reports:issue-detail", args=[pk])
    query = request.POST.get("q", "").strip()[:200]
    # Back to the same search, so several reports can be added in a row.
    return redirect(f"{url}?{urlencode({'q': query})}" if query else url)


@login_required
@require_POST
def issue_report_unlink(request, pk, report_pk):
    require_staff(request.user)
    issue = _load(request, pk)
    report = get_object_or_404(
        OpinionReport.objects.visible_to(request.user).filter(issue=issue), pk=report_pk
    )
    services.report_unlink_issue(report=report, user=request.user)
    messages.success(request, _("Report removed from the issue."))
    return redirect("reports:issue-detail", pk=pk)


@login_required
@require_POST
def followup_create(request, pk):
    require_staff(request.user)
    issue = _load(request, pk)
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        return _page(request, issue, status=400, followup_form=form)
    try:
        services.followup_create(issue=issue, user=request.user, **form.cleaned_data)
    except ValidationError as error:
        add_errors(form, error)
        return _page(request, issue, status=400, followup_form=form)
    messages.success(request, _("Follow-up added."))
    return redirect("reports:issue-detail", pk=pk)


@login_required
@require_POST
def followup_respond(request, pk):
    require_staff(request.user)
    follow_up = get_object_or_404(FollowUp.objects.visible_to(request.user), pk=pk)
    form = FollowUpResponseForm(request.POST, instance=follow_up, prefix=f"f{pk}")
    if form.is_valid():
        try:
            services.followup_respond(
                follow_up=follow_up, user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Response recorded."))
            return redirect("reports:issue-detail", pk=follow_up.issue_id)
    issue = _load(request, follow_up.issue_id)
    return _page(request, issue, status=400, response_form=form)


@login_required
@require_POST
def direction_create(request, pk):
    require_leader(request.user)
    issue = _load(request, pk)
    form = DirectionForm(request.POST)
    if not form.is_valid():
        return _page(request, issue, status=400, direction_form=form)
    try:
        services.direction_create(issue=issue, user=request.user, **form.cleaned_data)
    except ValidationError as error:
        add_errors(form, error)
        return _page(request, issue, status=400, direction_form=form)
    messages.success(request, _("Direction added."))
    return redirect("reports:issue-detail", pk=pk)
