"""Sections III and V of the brief: follow-up and briefings, recommendations."""

from django.utils.translation import gettext as _

from reports.models import EarlyWarning, Issue
from summaries.brief.text import (
    BRIEF_ROWS,
    compared,
    day,
    number,
    para,
    paragraphs,
    part,
    percent,
    table,
    value,
)
from summaries.models import Summary
from summaries.renderers.values import label

# --- III. Follow-up and briefings --------------------------------------------------


def _issue_list_table(caption: str, issues: list[dict]) -> dict:
    return table(
        caption,
        [
            _("No."),
            _("Issue"),
            _("First reported"),
            _("Days open"),
            _("Severity"),
            _("Status"),
        ],
        [
            [
                n,
                issue.get("title", ""),
                day(issue.get("first_seen")),
                number(issue.get("days_open")),
                label(Issue.Severity, issue.get("severity")),
                label(Issue.Status, issue.get("status")),
            ]
            for n, issue in enumerate(issues, start=1)
        ],
        numeric=(0, 3),
    )


def _new_and_lingering(snap: dict, counter) -> dict | None:
    issues = snap.get("issues") or {}
    if "new" not in issues and "lingering" not in issues:
        return None
    sentence = _(
        "%(new)s new issues arose in the period%(new_compared)s; %(lingering)s "
        "issues have lingered for more than %(days)s days%(lingering_compared)s."
    ) % {
        "new": number(value(issues.get("new"))),
        "new_compared": compared(issues.get("new")),
        "lingering": number(value(issues.get("lingering"))),
        "days": number(snap.get("lingering_days")),
        "lingering_compared": compared(issues.get("lingering")),
    }
    tables = []
    if issues.get("new_items"):
        tables.append(
            _issue_list_table(_("New issues"), issues["new_items"][:BRIEF_ROWS])
        )
    if issues.get("lingering_items"):
        tables.append(
            _issue_list_table(
                _("Lingering issues"), issues["lingering_items"][:BRIEF_ROWS]
            )
        )
    return part(
        _("%(number)s. New and lingering issues") % {"number": next(counter)},
        [para(sentence)],
        tables,
    )


def _follow_ups(snap: dict, counter) -> dict | None:
    follow_ups = snap.get("follow_ups")
    if not follow_ups:
        return None
    sentence = _(
        "%(resolved)s follow-ups were resolved%(resolved_compared)s; %(overdue)s "
        "are overdue%(overdue_compared)s."
    ) % {
        "resolved": number(value(follow_ups.get("resolved"))),
        "resolved_compared": compared(follow_ups.get("resolved")),
        "overdue": number(value(follow_ups.get("overdue"))),
        "overdue_compared": compared(follow_ups.get("overdue")),
    }
    tables = []
    if follow_ups.get("resolved_items"):
        tables.append(
            table(
                _("Follow-ups resolved"),
                [
                    _("No."),
                    _("Issue"),
                    _("Responsible agency"),
                    _("Request"),
                    _("Due date"),
                    _("Response"),
                ],
                [
                    [
                        n,
                        item.get("issue_title", ""),
                        item.get("agency", ""),
                        item.get("request", ""),
                        day(item.get("due_date")),
                        item.get("response") or "—",
                    ]
                    for n, item in enumerate(
                        follow_ups["resolved_items"][:BRIEF_ROWS], start=1
                    )
                ],
                numeric=(0,),
            )
        )
    if follow_ups.get("overdue_items"):
        tables.append(
            table(
                _("Follow-ups overdue"),
                [
                    _("No."),
                    _("Issue"),
                    _("Responsible agency"),
                    _("Request"),
                    _("Due date"),
                    _("Days overdue"),
                ],
                [
                    [
                        n,
                        item.get("issue_title", ""),
                        item.get("agency", ""),
                        item.get("request", ""),
                        day(item.get("due_date")),
                        number(item.get("days_overdue")),
                    ]
                    for n, item in enumerate(
                        follow_ups["overdue_items"][:BRIEF_ROWS], start=1
                    )
                ],
                numeric=(0, 5),
            )
        )
    return part(
        _("%(number)s. Follow-up") % {"number": next(counter)}, [para(sentence)], tables
    )


def _briefings(snap: dict, counter) -> dict | None:
    meetings = snap.get("meetings")
    if not meetings:
        return None
    sentence = _(
        "%(held)s briefing meetings were held%(held_compared)s; of %(invited)s "
        "collaborators invited, %(present)s were present, %(excused)s absent with "
        "reason and %(absent)s absent: an attendance rate of %(rate)s"
        "%(rate_compared)s."
    ) % {
        "held": number(value(meetings.get("held"))),
        "held_compared": compared(meetings.get("held")),
        "invited": number(meetings.get("invited")),
        "present": number(meetings.get("present")),
        "excused": number(meetings.get("excused")),
        "absent": number(meetings.get("absent")),
        "rate": percent(value(meetings.get("attendance_rate"))),
        "rate_compared": compared(meetings.get("attendance_rate"), rate=True),
    }
    tables = []
    if meetings.get("items"):
        tables.append(
            table(
                _("Briefing meetings"),
                [
                    _("No."),
                    _("Briefing"),
                    _("Date"),
                    _("Present"),
                    _("Absent with reason"),
                    _("Absent"),
                ],
                [
                    [
                        n,
                        item.get("title", ""),
                        day(item.get("starts_at")),
                        number(item.get("present")),
                        number(item.get("excused")),
                        number(item.get("absent")),
                    ]
                    for n, item in enumerate(meetings["items"][:BRIEF_ROWS], start=1)
                ],
                numeric=(0, 3, 4, 5),
            )
        )
    return part(
        _("%(number)s. Briefing meetings") % {"number": next(counter)},
        [para(sentence)],
        tables,
    )


def _warnings(snap: dict, counter) -> dict | None:
    warnings = snap.get("warnings")
    if not warnings:
        return None
    kinds = "; ".join(
        f"{label(EarlyWarning.Kind, kind)}: {number(count)}"
        for kind, count in (warnings.get("by_kind") or {}).items()
        if count
    )
    sentence = _("%(total)s early warnings were raised%(compared)s") % {
        "total": number(value(warnings.get("total"))),
        "compared": compared(warnings.get("total")),
    }
    sentence += f" ({kinds})." if kinds else "."
    tables = []
    if warnings.get("items"):
        tables.append(
            table(
                _("Early warnings"),
                [_("No."), _("Warning"), _("Kind"), _("Unit"), _("Date")],
                [
                    [
                        n,
                        item.get("title", ""),
                        label(EarlyWarning.Kind, item.get("kind")),
                        item.get("unit", ""),
                        day(item.get("raised_at")),
                    ]
                    for n, item in enumerate(warnings["items"][:BRIEF_ROWS], start=1)
                ],
                numeric=(0,),
            )
        )
    return part(
        _("%(number)s. Early warnings") % {"number": next(counter)},
        [para(sentence)],
        tables,
    )


def _sub_summaries(snap: dict, counter) -> dict | None:
    if "sub_summaries" not in snap:
        return None
    items = snap.get("sub_summaries") or []
    if not items:
        return part(
            _("%(number)s. Summaries of sub-units") % {"number": next(counter)},
            [para(_("No sub-unit has an approved summary for the period."))],
        )
    grid = table(
        _("Approved summaries of sub-units"),
        [
            _("No."),
            _("Unit"),
            _("Version"),
            _("Approved on"),
            _("Reports"),
            _("Opposed or worried"),
            _("Reporting rate"),
        ],
        [
            [
                n,
                item.get("unit", ""),
                number(item.get("version")),
                day(item.get("approved_at")),
                number(item.get("reports")),
                percent(item.get("negative_share")),
                percent(item.get("reporting_rate")),
            ]
            for n, item in enumerate(items, start=1)
        ],
        numeric=(0, 2, 4, 5, 6),
    )
    return part(
        _("%(number)s. Summaries of sub-units") % {"number": next(counter)},
        tables=[grid],
    )


def _surveys(snap: dict, counter) -> dict | None:
    """The opinion surveys closed in the period, each with its headline figures."""
    items = snap.get("surveys") or []
    if not items:
        return None
    paragraphs_ = []
    for item in items:
        paragraphs_.append(
            para(
                _(
                    "%(title)s (%(unit)s, %(start)s to %(end)s): %(n)s approved "
                    "responses."
                )
                % {
                    "title": item.get("title", ""),
                    "unit": item.get("unit", ""),
                    "start": day(item.get("starts_on")),
                    "end": day(item.get("ends_on")),
                    "n": number(item.get("approved")),
                }
            )
        )
        for figure in item.get("headline") or []:
            margin = ""
            if figure.get("low") is not None:
                margin = " " + _("(95%% interval %(low)s to %(high)s)") % {
                    "low": percent(figure.get("low")),
                    "high": percent(figure.get("high")),
                }
            paragraphs_.append(
                para(
                    "- "
                    + _("%(question)s: %(answer)s, %(percent)s%(margin)s.")
                    % {
                        "question": figure.get("label", ""),
                        "answer": figure.get("answer", ""),
                        "percent": percent(figure.get("percent")),
                        "margin": margin,
                    }
                )
            )
    return part(
        _("%(number)s. Opinion surveys") % {"number": next(counter)}, paragraphs_
    )


def follow_up_and_briefings(snap: dict) -> dict:
    counter = iter(range(1, 10))
    parts = []
    for build in (
        _new_and_lingering,
        _follow_ups,
        _briefings,
        _warnings,
        _sub_summaries,
        _surveys,
    ):
        part = build(snap, counter)
        if part:
            parts.append(part)
    return {"title": _("Follow-up and briefings"), "parts": parts}


# --- IV and V ------------------------------------------------------------------------


def _proposal_paragraph(proposal: dict, *, include_names: bool) -> dict:
    details = [proposal.get("area") or ""]
    if include_names and proposal.get("author"):
        details.append(_("collaborator %(name)s") % {"name": proposal["author"]})
    if proposal.get("submitted_at"):
        details.append(day(proposal["submitted_at"]))
    text = proposal.get("text", "").strip()
    if proposal.get("title"):
        text = f"{proposal['title']}: {text}"
    details = [detail for detail in details if detail]
    if details:
        text += " ({})".format("; ".join(details))
    return para("- " + text)


def recommendations(summary: Summary, snap: dict, *, draft: bool) -> dict:
    parts = [part("", paragraphs(summary.recommendations, draft=draft))]
    # Proposals staff picked are the notable ones; without a pick, the snapshot's.
    picked = [q for q in summary.quotes or [] if q.get("kind") == "proposal"]
    proposals = picked or snap.get("proposals") or []
    if proposals:
        parts.append(
            part(
                _("Proposals from collaborators"),
                [
                    _proposal_paragraph(p, include_names=summary.include_names)
                    for p in proposals
                ],
            )
        )
    return {"title": _("Recommendations to the Standing Committee"), "parts": parts}
