"""Sections I and II of the brief: the period's figures, and its prominent opinion."""

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from reports.models import Issue, OpinionStream
from summaries import charts
from summaries.brief.text import (
    BRIEF_ROWS,
    change,
    compared,
    number,
    para,
    paragraphs,
    part,
    percent,
    table,
    value,
)
from summaries.models import Summary
from summaries.renderers.values import label, rate_figure

# --- I. General situation ----------------------------------------------------------


def _reports_paragraphs(snap: dict) -> list[dict]:
    reports = snap.get("reports", {})
    if not reports:
        return []
    found = [
        para(
            _(
                "In the period the collaborator network sent %(total)s reports"
                "%(compared)s: %(periodic)s periodic and %(urgent)s urgent; "
                "%(accepted)s of them have been accepted."
            )
            % {
                "total": number(value(reports.get("total"))),
                "compared": compared(reports.get("total")),
                "periodic": number(value(reports.get("periodic"))),
                "urgent": number(value(reports.get("urgent"))),
                "accepted": number(value(reports.get("accepted"))),
            }
        )
    ]
    details = []
    if "with_proposals" in reports:
        details.append(
            _("%(count)s reports carry proposals%(compared)s")
            % {
                "count": number(value(reports["with_proposals"])),
                "compared": compared(reports["with_proposals"]),
            }
        )
    if "rumour" in reports:
        details.append(
            _("%(count)s were found to be rumours%(compared)s")
            % {
                "count": number(value(reports["rumour"])),
                "compared": compared(reports["rumour"]),
            }
        )
    if "one_sided" in reports:
        details.append(
            _(
                "%(count)s were one-sided (only supportive opinion, no proposal), "
                "%(share)s of all reports%(compared)s"
            )
            % {
                "count": number(value(reports["one_sided"])),
                "share": percent(value(reports.get("one_sided_share"))),
                "compared": compared(reports.get("one_sided_share"), rate=True),
            }
        )
    if details:
        found.append(para("; ".join(details) + "."))
    return found


def _directions_paragraph(snap: dict) -> list[dict]:
    directions = snap.get("directions", {})
    if not directions:
        return []
    breakdown = "; ".join(
        f"{label(OpinionStream.Direction, code)} {number(value(directions.get(code)))}"
        for code in charts.DIRECTIONS
    )
    return [
        para(
            _(
                "The reports recorded %(total)s opinion streams%(compared)s: "
                "%(breakdown)s. Opposed or worried opinion made up %(share)s of them"
                "%(share_compared)s."
            )
            % {
                "total": number(value(directions.get("total"))),
                "compared": compared(directions.get("total")),
                "breakdown": breakdown,
                "share": percent(value(directions.get("negative_share"))),
                "share_compared": compared(directions.get("negative_share"), rate=True),
            }
        )
    ]


def _rate_row(name: str, rates: dict) -> list:
    return [
        name,
        number(rates.get("expected")),
        number(rates.get("on_time")),
        number(rates.get("late")),
        number(rates.get("missing")),
        percent(rates.get("reporting_rate")),
        percent(rates.get("on_time_rate")),
        change(
            rates.get("reporting_rate"), rates.get("previous_reporting_rate"), rate=True
        ),
    ]


def _discipline_part(snap: dict, unit_name: str) -> dict | None:
    discipline = snap.get("discipline")
    if not discipline:
        return None
    total = discipline.get("total") or {}
    sentence = _(
        "Of %(expected)s periodic reports due, %(on_time)s arrived on time, "
        "%(late)s late and %(missing)s are missing: a reporting rate of "
        "%(reporting_rate)s%(reporting_compared)s and an on-time rate of "
        "%(on_time_rate)s%(on_time_compared)s."
    ) % {
        "expected": number(total.get("expected")),
        "on_time": number(total.get("on_time")),
        "late": number(total.get("late")),
        "missing": number(total.get("missing")),
        "reporting_rate": percent(total.get("reporting_rate")),
        "reporting_compared": compared(rate_figure(total, "reporting_rate"), rate=True),
        "on_time_rate": percent(total.get("on_time_rate")),
        "on_time_compared": compared(rate_figure(total, "on_time_rate"), rate=True),
    }
    rows = []
    own = discipline.get("own") or {}
    if own.get("expected"):
        rows.append(
            _rate_row(
                _("%(unit)s (collaborators attached directly)") % {"unit": unit_name},
                own,
            )
        )
    rows += [
        _rate_row(child.get("name", ""), child)
        for child in discipline.get("children", [])
    ]
    rows.append(_rate_row(_("Total"), total))
    grid = table(
        _("Reporting by unit"),
        [
            _("Unit"),
            _("Expected"),
            _("On time"),
            _("Late"),
            _("Missing"),
            _("Reporting rate"),
            _("On-time rate"),
            _("Change in reporting rate"),
        ],
        rows,
        numeric=range(1, 8),
    )
    chart = {
        "caption": _("Reporting rate by unit"),
        "svg": charts.reporting_rates(snap),
    }
    return part(_("2. Reporting by collaborators"), [para(sentence)], [grid], [chart])


def general_situation(summary: Summary, snap: dict, *, draft: bool) -> dict:
    figures = part(
        _("1. Reports in the period"),
        _reports_paragraphs(snap) + _directions_paragraph(snap),
        charts=[
            {
                "caption": _("Opinion streams by direction"),
                "svg": charts.direction_bars(snap),
            }
        ]
        if snap.get("directions")
        else [],
    )
    parts = [part("", paragraphs(summary.general_situation, draft=draft)), figures]
    discipline = _discipline_part(snap, str(summary.unit))
    if discipline:
        parts.append(discipline)
    return {"title": _("General situation"), "parts": parts}


# --- II. Prominent opinion ---------------------------------------------------------


def _topics_part(snap: dict, counter) -> dict | None:
    topics = snap.get("topics") or []
    if not topics:
        return None
    directions = [label(OpinionStream.Direction, code) for code in charts.DIRECTIONS]
    rows = [
        [
            topic.get("name", ""),
            *(number(topic.get(code)) for code in charts.DIRECTIONS),
            number(topic.get("total")),
            number(topic.get("previous_total")),
            change(topic.get("total"), topic.get("previous_total")),
        ]
        for topic in topics
    ]
    grid = table(
        _("Opinion streams by topic and direction"),
        [_("Topic"), *directions, _("Total"), _("Previous period"), _("Change")],
        rows,
        numeric=range(1, 8),
    )
    chart = {
        "caption": _("Opinion streams by topic and direction"),
        "svg": charts.topic_direction_stacked(snap),
    }
    return part(
        _("%(number)s. Opinion by topic") % {"number": next(counter)},
        tables=[grid],
        charts=[chart],
    )


def _issue_rows(issues: list[dict]) -> list[list]:
    return [
        [
            n,
            issue.get("title", ""),
            number_format(issue.get("reports") or 0),
            percent(issue.get("negative_share")),
            number_format(issue.get("communes") or 0),
            label(Issue.Status, issue.get("status")),
        ]
        for n, issue in enumerate(issues, start=1)
    ]


def _issues_part(snap: dict, counter) -> dict | None:
    issues = snap.get("issues") or {}
    header = [
        _("No."),
        _("Issue"),
        _("Reports"),
        _("Opposed or worried"),
        _("Communes"),
        _("Status"),
    ]
    tables = [
        table(
            caption,
            header,
            _issue_rows(issues[key][:BRIEF_ROWS]),
            numeric=(0, 2, 3, 4),
        )
        for key, caption in (
            ("by_volume", _("Issues most reported")),
            (
                "by_negative_share",
                _("Issues with the largest share of opposed or worried opinion"),
            ),
            ("by_communes", _("Issues reported from the most communes")),
        )
        if issues.get(key)
    ]
    if not tables:
        return None
    sentence = _(
        "%(open)s issues are being followed%(compared)s; the most prominent:"
    ) % {
        "open": number(value(issues.get("open"))),
        "compared": compared(issues.get("open")),
    }
    return part(
        _("%(number)s. Prominent issues") % {"number": next(counter)},
        [para(sentence)],
        tables,
    )


def _social_groups(codes) -> str:
    return ", ".join(label(OpinionStream.SocialGroup, code) for code in codes or [])


def _quote_paragraph(quote: dict, *, include_names: bool) -> dict:
    details = []
    if quote.get("direction"):
        details.append(label(OpinionStream.Direction, quote["direction"]))
    if quote.get("area"):
        details.append(quote["area"])
    if quote.get("social_groups"):
        details.append(_social_groups(quote["social_groups"]))
    if include_names and quote.get("author"):
        details.append(_("collaborator %(name)s") % {"name": quote["author"]})
    text = "“{}”".format(quote.get("text", "").strip())
    if details:
        text += " ({})".format("; ".join(details))
    return para("- " + text)


def prominent_opinion(summary: Summary, snap: dict, *, draft: bool) -> dict:
    counter = iter(range(1, 10))
    parts = [part("", paragraphs(summary.prominent_opinion, draft=draft))]
    for found in (_topics_part(snap, counter), _issues_part(snap, counter)):
        if found:
            parts.append(found)
    quotes = [q for q in summary.quotes or [] if q.get("kind", "stream") == "stream"]
    if quotes:
        parts.append(
            part(
                _("%(number)s. Typical opinions") % {"number": next(counter)},
                [
                    _quote_paragraph(quote, include_names=summary.include_names)
                    for quote in quotes
                ],
            )
        )
    return {"title": _("Prominent opinion, by topic"), "parts": parts}
