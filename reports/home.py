"""Home-page panels for reports, per role."""

from dluan.figures import kept, scope_key
from dluan.registry import Panel
from reports import selectors
from reports.models import OpinionReport, ReportingPeriod


def _collaborator_panels(user) -> list[Panel]:
    # Each list reads only the fields its panel shows: these are the home page of
    # thousands of collaborators, and a report row is wide.
    mine = OpinionReport.objects.visible_to(user).exclude(
        status=OpinionReport.Status.ARCHIVED
    )
    period = ReportingPeriod.objects.current()
    return [
        Panel(
            "reports/panels/collaborator_reports.html",
            {
                "pending": list(
                    mine.filter(
                        status__in=[
                            OpinionReport.Status.DRAFT,
                            OpinionReport.Status.RETURNED,
                        ]
                    )
                    .only("title", "status")
                    .order_by("-created_at", "-pk")[:5]
                ),
            },
            order=10,
        ),
        Panel(
            "reports/panels/collaborator_focus.html",
            {
                "focus_topics": list(
                    selectors.focus_topics_for(user.org_unit, period) if period else []
                )
            },
            order=15,
        ),
        Panel(
            "reports/panels/collaborator_discipline.html",
            selectors.my_discipline(user, period=period),
            order=12,
        ),
        Panel(
            "reports/panels/collaborator_feedback.html",
            {
                "rated": list(
                    mine.exclude(feedback="")
                    .only("title", "feedback")
                    .order_by("-reviewed_at", "-pk")[:5]
                ),
                "outcomes": list(selectors.resolved_issues_of(user)),
            },
            order=20,
        ),
    ]


def panels(request) -> list[Panel]:
    user = request.user
    if user.is_collaborator:
        if not hasattr(user, "collaborator"):
            return []
        return _collaborator_panels(user)
    overdue = list(selectors.overdue_followups(user))
    warnings = Panel(
        "reports/panels/warnings.html",
        {"warnings": list(selectors.open_warnings(user))},
        order=11,
    )
    if user.is_leader:
        return [
            Panel(
                "reports/panels/leader_issues.html",
                {
                    "severities": kept(
                        "severities",
                        scope_key(user),
                        lambda: selectors.open_issues_by_severity(user),
                    ),
                    "directions": list(selectors.recent_directions(user)),
                },
                order=10,
            ),
            warnings,
            Panel("reports/panels/overdue.html", {"overdue": overdue}, order=12),
        ]
    return [
        Panel(
            "reports/panels/staff_queue.html",
            {
                "counts": kept(
                    "queue", scope_key(user), lambda: selectors.staff_queue_counts(user)
                ),
                "urgent": list(selectors.urgent_waiting(user)),
            },
            order=10,
        ),
        warnings,
        Panel("reports/panels/overdue.html", {"overdue": overdue}, order=12),
    ]
