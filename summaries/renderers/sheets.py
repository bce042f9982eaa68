"""The workbook's sheets of figures, laid out from the frozen snapshot.

Overview, topics by direction, issues, follow-ups and reporting discipline: what
the summary counted when it was compiled, read back through
:mod:`summaries.renderers.values`. The report sheet, read live, is
:class:`summaries.renderers.xlsx.ReportRows`.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from reports.models import Issue, OpinionStream, ReportingRecord
from summaries.renderers import values


def snapshot_sheets(snapshot: dict) -> list[tuple]:
    """``(title, header, rows)`` of each sheet of figures, in the workbook's order."""
    return [
        (_("Overview"), *_overview(snapshot)),
        (pgettext_lazy("sheet", "Topics by direction"), *_topics(snapshot)),
        (_("Issues"), *_issues(snapshot)),
        (_("Follow-ups"), *_follow_ups(snapshot)),
        (pgettext_lazy("sheet", "Reporting discipline"), *_discipline(snapshot)),
    ]


def _figure_row(label, figure) -> list:
    value, previous = values.figure(figure)
    return [label, value, previous, values.change(value, previous)]


def _overview(snapshot: dict) -> tuple[list, list]:
    reports = snapshot.get("reports", {})
    streams = snapshot.get("directions", {})
    issues = snapshot.get("issues", {})
    follow_ups = snapshot.get("follow_ups", {})
    meetings = snapshot.get("meetings", {})
    warnings = snapshot.get("warnings", {})
    discipline = snapshot.get("discipline", {}).get("total") or {}
    directions = values.labels(OpinionStream.Direction)
    header = [_("Figure"), _("This period"), _("Previous period"), _("Change")]
    rows = [
        [_("Unit"), snapshot.get("unit", {}).get("name")],
        [
            _("Reporting period"),
            values.span(snapshot.get("period")),
            values.span(snapshot.get("previous_period")),
        ],
        [_("Compiled at"), values.moment(snapshot.get("compiled_at"))],
        _figure_row(_("Opinion reports"), reports.get("total")),
        _figure_row(_("Periodic reports"), reports.get("periodic")),
        _figure_row(_("Urgent reports"), reports.get("urgent")),
        _figure_row(_("Accepted reports"), reports.get("accepted")),
        _figure_row(_("Reports of rumours"), reports.get("rumour")),
        _figure_row(_("Reports with proposals"), reports.get("with_proposals")),
        _figure_row(_("One-sided reports"), reports.get("one_sided")),
        _figure_row(_("One-sided reports (%)"), reports.get("one_sided_share")),
        _figure_row(_("Opinion streams"), streams.get("total")),
        *(_figure_row(label, streams.get(code)) for code, label in directions.items()),
        _figure_row(_("Share opposed or worried (%)"), streams.get("negative_share")),
        _figure_row(
            _("Reporting rate (%)"), values.rate_figure(discipline, "reporting_rate")
        ),
        _figure_row(
            _("On-time rate (%)"), values.rate_figure(discipline, "on_time_rate")
        ),
        _figure_row(_("Open issues"), issues.get("open")),
        _figure_row(_("New issues"), issues.get("new")),
        _figure_row(_("Lingering issues"), issues.get("lingering")),
        _figure_row(_("Resolved follow-ups"), follow_ups.get("resolved")),
        _figure_row(_("Overdue follow-ups"), follow_ups.get("overdue")),
        _figure_row(_("Briefing meetings held"), meetings.get("held")),
        _figure_row(_("Attendance rate (%)"), meetings.get("attendance_rate")),
        _figure_row(_("Early warnings"), warnings.get("total")),
    ]
    return header, rows


def _topics(snapshot: dict) -> tuple[list, list]:
    directions = values.labels(OpinionStream.Direction)
    header = [
        _("Topic"),
        *directions.values(),
        _("Total"),
        _("Previous period"),
        _("Change"),
    ]
    rows = [
        [
            topic.get("name"),
            *(topic.get(code) for code in directions),
            topic.get("total"),
            topic.get("previous_total"),
            values.change(topic.get("total"), topic.get("previous_total")),
        ]
        for topic in snapshot.get("topics", [])
    ]
    return header, rows


ISSUE_LISTS = (
    ("by_volume", _("Most reported")),
    ("by_negative_share", _("Most opposed or worried")),
    ("by_communes", _("Reported from the most communes")),
    ("new_items", _("New")),
    ("lingering_items", _("Lingering")),
)


def _issues(snapshot: dict) -> tuple[list, list]:
    issues = snapshot.get("issues", {})
    statuses = values.labels(Issue.Status)
    severities = values.labels(Issue.Severity)
    header = [
        _("List"),
        _("Title"),
        _("Unit"),
        _("Status"),
        _("Severity"),
        _("Reports"),
        _("Opinion streams"),
        _("Opposed or worried streams"),
        _("Share opposed or worried (%)"),
        _("Communes"),
        _("First seen"),
        _("Last seen"),
        _("Days open"),
    ]
    rows = [
        [
            label,
            item.get("title"),
            item.get("unit"),
            statuses.get(item.get("status"), item.get("status")),
            severities.get(item.get("severity"), item.get("severity")),
            item.get("reports"),
            item.get("streams"),
            item.get("negative_streams"),
            item.get("negative_share"),
            item.get("communes"),
            values.day(item.get("first_seen")),
            values.day(item.get("last_seen")),
            item.get("days_open"),
        ]
        for key, label in ISSUE_LISTS
        for item in issues.get(key, [])
    ]
    return header, rows


FOLLOW_UP_LISTS = (
    ("resolved_items", _("Resolved")),
    ("overdue_items", _("Overdue")),
)


def _follow_ups(snapshot: dict) -> tuple[list, list]:
    follow_ups = snapshot.get("follow_ups", {})
    header = [
        _("List"),
        _("Issue"),
        _("Responsible agency"),
        _("Requested action"),
        _("Due date"),
        _("Response date"),
        _("Response"),
        _("Days overdue"),
    ]
    rows = [
        [
            label,
            item.get("issue_title"),
            item.get("agency"),
            item.get("request"),
            values.day(item.get("due_date")),
            values.day(item.get("responded_on")),
            item.get("response") or None,
            item.get("days_overdue"),
        ]
        for key, label in FOLLOW_UP_LISTS
        for item in follow_ups.get(key, [])
    ]
    return header, rows


def _discipline(snapshot: dict) -> tuple[list, list]:
    discipline = snapshot.get("discipline", {})
    states = values.labels(ReportingRecord.State)
    header = [
        _("Unit"),
        _("Expected"),
        states["on_time"],
        states["late"],
        states["missing"],
        states["pending"],
        _("Reporting rate (%)"),
        _("On-time rate (%)"),
        _("Reporting rate, previous period (%)"),
        _("On-time rate, previous period (%)"),
    ]
    name = snapshot.get("unit", {}).get("name", "")
    units = [
        (name, discipline.get("total")),
        (
            _("%(unit)s (its own collaborators)") % {"unit": name},
            discipline.get("own"),
        ),
        *((child.get("name"), child) for child in discipline.get("children", [])),
    ]
    rows = [
        [
            label,
            *(
                rates.get(key)
                for key in (
                    "expected",
                    "on_time",
                    "late",
                    "missing",
                    "pending",
                    "reporting_rate",
                    "on_time_rate",
                    "previous_reporting_rate",
                    "previous_on_time_rate",
                )
            ),
        ]
        for label, rates in units
        if rates
    ]
    return header, rows
