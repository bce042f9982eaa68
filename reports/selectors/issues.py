"""Reads for issues: their pages, the reports they group, follow-ups, directions."""

from collections import OrderedDict

from django.db import connections
from django.db.models import Count, Prefetch

from dluan.search import fold, search
from reports.models import (
    Direction,
    FollowUp,
    Issue,
    OpinionReport,
    OpinionStream,
)

Status = OpinionReport.Status


def issue_for_page(user, pk):
    """One issue in the user's scope; its areas only those the user may see."""
    return (
        Issue.objects.visible_to(user)
        .with_related(user)
        .prefetch_related(
            Prefetch(
                "follow_ups",
                queryset=FollowUp.objects.select_related("created_by").order_by(
                    "due_date", "pk"
                ),
            ),
            Prefetch(
                "directions",
                queryset=Direction.objects.select_related("author").order_by(
                    "-created_at", "-pk"
                ),
            ),
        )
        .filter(pk=pk)
    )


def issue_reports(user, issue):
    """The issue's reports this user may see (a collaborator: only their own)."""
    return (
        OpinionReport.objects.visible_to(user)
        .filter(issue=issue)
        .exclude(status=Status.ARCHIVED)
        .select_related("author", "area", "period")
        .order_by("-submitted_at", "-pk")
    )


def issue_direction_mix(user, issue) -> dict:
    """Stream counts by direction for each period, from the reports the user sees."""
    reports = (
        OpinionReport.objects.visible_to(user)
        .filter(issue=issue)
        .exclude(status=Status.ARCHIVED)
    )
    rows = (
        OpinionStream.objects.filter(report__in=reports)
        .values("report__period__start", "direction")
        .annotate(n=Count("pk"))
        .order_by("report__period__start")
    )
    periods = OrderedDict()
    for row in rows:
        start = row["report__period__start"]
        label = start.strftime("%m/%Y") if start else "—"
        periods.setdefault(label, {})
        periods[label][row["direction"] or "unclear"] = row["n"]
    labels = list(periods)
    datasets = []
    for value, label in OpinionStream.Direction.choices:
        datasets.append(
            {
                "key": value,
                "label": str(label),
                "data": [periods[p].get(value, 0) for p in labels],
            }
        )
    rows = [
        [label] + [dataset["data"][index] for dataset in datasets]
        for index, label in enumerate(labels)
    ]
    return {"labels": labels, "datasets": datasets, "rows": rows}


ISSUE_SEARCH_LIMIT = 20


def issue_link_candidates(user, issue, query: str) -> list[OpinionReport]:
    """Reports matching ``query`` that staff may add to ``issue``, one query.

    Only submitted or accepted reports can join an issue; one more row than the
    limit is read so the page can say there are more without counting them.
    """
    queryset = (
        OpinionReport.objects.visible_to(user)
        .live()
        .filter(status__in=[Status.SUBMITTED, Status.ACCEPTED])
        .exclude(issue=issue)
        .select_related("author", "area", "issue")
        .order_by("-submitted_at", "-pk")
    )
    return list(search(queryset, query)[: ISSUE_SEARCH_LIMIT + 1])


def with_report_counts(user, issues) -> list:
    """``issues`` (one page) with ``report_count``: live reports the user may see.

    One grouped query over the reports of these issues alone, by their issue
    index: counting inside the list's own query would visit every issue's reports
    for every page.
    """
    issues = list(issues)
    counts = dict(
        OpinionReport.objects.visible_to(user)
        .live()
        .filter(issue__in=[issue.pk for issue in issues])
        .order_by()
        .values_list("issue")
        .annotate(n=Count("pk"))
        .values_list("issue", "n")
    )
    for issue in issues:
        issue.report_count = counts.get(issue.pk, 0)
    return issues


def linkable_issues(user, report):
    """Open issues a report can join from its page: those of its unit and above.

    A province holds thousands of issues; the ones of other towns are not what a
    report is about (the issue page finds any report by search instead).
    """
    return (
        Issue.objects.visible_to(user)
        .open()
        .filter(unit__in=report.unit.path_ids)
        .order_by("-last_seen", "-pk")
    )


SIMILAR_ISSUES = 3
SIMILAR_ISSUE_THRESHOLD = 0.3


def similar_issues(user, report, limit: int = SIMILAR_ISSUES) -> list[Issue]:
    """The open issues a report may join that its title most resembles.

    Among the issues its page offers (its unit's and those above: a few dozen),
    by trigram similarity of the folded title on PostgreSQL; elsewhere, issues
    sharing at least two of the title's longer words.
    """
    candidates = linkable_issues(user, report)
    title = fold(report.title)
    if connections[candidates.db].vendor == "postgresql":
        from django.contrib.postgres.search import TrigramSimilarity

        return list(
            candidates.annotate(likeness=TrigramSimilarity("search_text", title))
            .filter(likeness__gte=SIMILAR_ISSUE_THRESHOLD)
            .order_by("-likeness", "-last_seen", "-pk")[:limit]
        )
    words = {word for word in title.split() if len(word) >= 4}
    scored = []
    for issue in candidates:
        shared = len(words & set(issue.search_text.split()))
        if shared >= 2:
            scored.append((shared, issue))
    scored.sort(key=lambda pair: -pair[0])
    return [issue for _shared, issue in scored[:limit]]


def overdue_followups(user, limit=10):
    """The oldest unanswered follow-ups past due, for the home panels: only what
    the panel shows is read."""
    return (
        FollowUp.objects.visible_to(user)
        .overdue()
        .select_related("issue")
        .only("issue_id", "agency", "due_date", "issue__title")
        .order_by("due_date", "pk")[:limit]
    )


def open_issues_by_severity(user) -> list[dict]:
    counts = dict(
        Issue.objects.visible_to(user)
        .open()
        .values_list("severity")
        .annotate(n=Count("pk"))
        .values_list("severity", "n")
    )
    return [
        {"value": value, "label": label, "count": counts.get(value, 0)}
        for value, label in reversed(Issue.Severity.choices)
    ]


def recent_directions(user, limit=5):
    """The newest directions, for the leaders' home panel (its fields only)."""
    return (
        Direction.objects.visible_to(user)
        .select_related("issue")
        .only("issue_id", "text", "issue__title")
        .order_by("-created_at", "-pk")[:limit]
    )


def resolved_issues_of(user, limit=5):
    """A collaborator's resolved issues, for their home panel (its fields only)."""
    return (
        Issue.objects.visible_to(user)
        .filter(status__in=[Issue.Status.RESOLVED, Issue.Status.CLOSED])
        .only("title", "outcome")
        .order_by("-resolved_at", "-pk")[:limit]
    )
