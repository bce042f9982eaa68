"""The brief (báo cáo tổng hợp): one document both formats render.

:func:`brief_document` turns a summary's snapshot and narrative into a heading
(``doc``, as ``templates/pdf/base.html`` reads it) and numbered sections. A
section holds *parts*, each an optional heading, then paragraphs, tables and
charts in that order::

    {"doc": {...}, "sections": [{"number": "I", "title": ..., "parts": [
        {"heading": "1. ...", "paragraphs": [{"text": ..., "italic": bool}],
         "tables": [{"caption", "header": [...], "rows": [[...]],
                     "numeric": [column indexes]}],
         "charts": [{"caption", "svg"}]}]}],
     "draft": bool, "confidentiality": "MẬT" | "TỐI MẬT" | ""}

Every value is plain text (charts aside, which are escaped SVG): the formats
escape it. Call it under ``translation.override("vi")``: the brief is a Party
document.
"""

import datetime
import re
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from dluan import pdf
from reports.models import EarlyWarning, Issue, OpinionStream
from summaries import charts
from summaries.models import Summary

TIME_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")

# Rows of each list the brief shows; the snapshot and the workbook keep more. A
# leader reads the first few; a province's brief stays a few pages long.
BRIEF_ROWS = 5
MINUS = "\u2212"
ROMAN = ("I", "II", "III", "IV", "V", "VI")
# The issuing committee (first heading line) → its short form in the number and
# the name its standing office goes by: Party usage, the same in every language.
_COMMITTEES = [
    ("THÀNH ỦY", "ThU", "Thành ủy"),
    ("THỊ ỦY", "TU", "Thị ủy"),
    ("TỈNH ỦY", "TU", "Tỉnh ủy"),
    ("HUYỆN ỦY", "HU", "Huyện ủy"),
    ("QUẬN ỦY", "QU", "Quận ủy"),
    ("ĐẢNG ỦY", "ĐU", "Đảng ủy"),
]
_BLANK_LINES = re.compile(r"\n\s*\n")


# --- Formatting --------------------------------------------------------------------


def number(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return number_format(value, 1)
    return number_format(value)


def percent(value) -> str:
    return "—" if value is None else number_format(value, 1) + "%"


def signed(delta, *, rate: bool = False) -> str:
    """``+15`` / ``−3`` / "unchanged"; rates in percentage points."""
    if not delta:
        return _("unchanged")
    sign = "+" if delta > 0 else MINUS
    shown = sign + (number_format(abs(delta), 1) if rate else number(abs(delta)))
    if rate:
        return _("%(change)s pp") % {"change": shown}
    return shown


def _delta(value, previous):
    if value is None or previous is None:
        return None
    delta = value - previous
    return round(delta, 1) if isinstance(delta, float) else delta


def change(value, previous, *, rate: bool = False) -> str:
    """The change for a table cell, or a dash when there is nothing to compare."""
    delta = _delta(value, previous)
    return "—" if delta is None else signed(delta, rate=rate)


def _movement(value, previous, *, rate: bool = False) -> str:
    """ "up 15" / "down 3" / "unchanged", for a sentence."""
    delta = _delta(value, previous)
    if not delta:
        return _("unchanged")
    amount = number_format(abs(delta), 1) if rate else number(abs(delta))
    if rate:
        if delta > 0:
            return _("up %(amount)s percentage points") % {"amount": amount}
        return _("down %(amount)s percentage points") % {"amount": amount}
    if delta > 0:
        return _("up %(amount)s") % {"amount": amount}
    return _("down %(amount)s") % {"amount": amount}


def compared(figure: dict | None, *, rate: bool = False) -> str:
    """ " (previous period 71, up 15)", or nothing without a previous value."""
    figure = figure or {}
    value, previous = figure.get("value"), figure.get("previous")
    if value is None or previous is None:
        return ""
    shown = percent(previous) if rate else number(previous)
    return " " + _("(previous period %(previous)s, %(change)s)") % {
        "previous": shown,
        "change": _movement(value, previous, rate=rate),
    }


def value(figure: dict | None):
    return (figure or {}).get("value")


def day(iso: str | None) -> str:
    """An ISO date or date-time of the snapshot as dd/mm/yyyy (Vietnam time)."""
    if not iso:
        return "—"
    if len(iso) <= 10:
        return datetime.date.fromisoformat(iso).strftime("%d/%m/%Y")
    moment = datetime.datetime.fromisoformat(iso)
    if timezone.is_aware(moment):
        moment = moment.astimezone(TIME_ZONE)
    return moment.strftime("%d/%m/%Y")


def _label(choices, code) -> str:
    try:
        return str(choices(code).label)
    except ValueError:
        return str(code) if code not in (None, "") else "—"


def paragraphs(text: str, *, draft: bool) -> list[dict]:
    """Narrative text split on blank lines; in a draft, a placeholder if empty."""
    chunks = [chunk.strip() for chunk in _BLANK_LINES.split(text or "")]
    found = [{"text": chunk, "italic": False} for chunk in chunks if chunk]
    if not found and draft:
        return [{"text": _("(Not written yet)"), "italic": True}]
    return found


def _p(text: str, *, italic: bool = False) -> dict:
    return {"text": text, "italic": italic}


def _part(heading="", paragraphs=(), tables=(), charts=()) -> dict:
    return {
        "heading": heading,
        "paragraphs": list(paragraphs),
        "tables": list(tables),
        "charts": list(charts),
    }


def _table(caption: str, header: list[str], rows: list[list], numeric=()) -> dict:
    return {
        "caption": caption,
        "header": header,
        "rows": [[str(cell) for cell in row] for row in rows],
        "numeric": list(numeric),
    }


# --- The heading -------------------------------------------------------------------


def _committee(issuer: list[str]) -> tuple[str, str]:
    first = issuer[0] if issuer else ""
    for prefix, short, name in _COMMITTEES:
        if first.startswith(prefix):
            return short, name
    return "ĐU", "Đảng ủy"


def _issue_day(summary: Summary) -> datetime.date:
    moment = summary.approved_at or summary.compiled_at
    if moment is None:
        return timezone.localdate(timezone=TIME_ZONE)
    return timezone.localtime(moment, TIME_ZONE).date()


def heading(summary: Summary) -> dict:
    unit = summary.unit
    issuer = pdf.issuer_lines(unit)
    short, committee = _committee(issuer)
    number_text = summary.number.strip()
    if not number_text:
        # Left blank for the office to fill in by hand; kept open in HTML too.
        number_text = "\u00a0" * 8 + f"-BC/BTGDV{short}"
    if not number_text.startswith("Số"):
        # "Số" (number) belongs to the Party's document format, like the heading.
        number_text = f"Số {number_text}"
    period = summary.period
    recipients = summary.recipient_lines() or [
        _("Standing Office of the %(committee)s (for report)")
        % {"committee": committee},
        _("Members of the Standing Committee"),
        _("Filed: office"),
    ]
    return {
        "issuer_lines": issuer,
        "number": number_text,
        "place_date": pdf.place_and_date(unit, _issue_day(summary)),
        "title": "BÁO CÁO",
        "subject": _("Public opinion in the period from %(start)s to %(end)s")
        % {"start": f"{period.start:%d/%m/%Y}", "end": f"{period.end:%d/%m/%Y}"},
        "confidentiality": summary.confidentiality,
        "recipients": recipients,
        "sign_for": summary.sign_for,
        "sign_title": summary.sign_title or _("Head of the Board"),
        "signer": summary.signer,
    }


# --- I. General situation ----------------------------------------------------------


def _reports_paragraphs(snap: dict) -> list[dict]:
    reports = snap.get("reports", {})
    if not reports:
        return []
    found = [
        _p(
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
        found.append(_p("; ".join(details) + "."))
    return found


def _directions_paragraph(snap: dict) -> list[dict]:
    directions = snap.get("directions", {})
    if not directions:
        return []
    breakdown = "; ".join(
        f"{_label(OpinionStream.Direction, code)} {number(value(directions.get(code)))}"
        for code in charts.DIRECTIONS
    )
    return [
        _p(
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
        "reporting_compared": compared(
            {
                "value": total.get("reporting_rate"),
                "previous": total.get("previous_reporting_rate"),
            },
            rate=True,
        ),
        "on_time_rate": percent(total.get("on_time_rate")),
        "on_time_compared": compared(
            {
                "value": total.get("on_time_rate"),
                "previous": total.get("previous_on_time_rate"),
            },
            rate=True,
        ),
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
    table = _table(
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
    return _part(_("2. Reporting by collaborators"), [_p(sentence)], [table], [chart])


def general_situation(summary: Summary, snap: dict, *, draft: bool) -> dict:
    figures = _part(
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
    parts = [_part("", paragraphs(summary.general_situation, draft=draft)), figures]
    discipline = _discipline_part(snap, str(summary.unit))
    if discipline:
        parts.append(discipline)
    return {"title": _("General situation"), "parts": parts}


# --- II. Prominent opinion ---------------------------------------------------------


def _topics_part(snap: dict, counter) -> dict | None:
    topics = snap.get("topics") or []
    if not topics:
        return None
    directions = [_label(OpinionStream.Direction, code) for code in charts.DIRECTIONS]
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
    table = _table(
        _("Opinion streams by topic and direction"),
        [_("Topic"), *directions, _("Total"), _("Previous period"), _("Change")],
        rows,
        numeric=range(1, 8),
    )
    chart = {
        "caption": _("Opinion streams by topic and direction"),
        "svg": charts.topic_direction_stacked(snap),
    }
    return _part(
        _("%(number)s. Opinion by topic") % {"number": next(counter)},
        tables=[table],
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
            _label(Issue.Status, issue.get("status")),
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
        _table(
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
    return _part(
        _("%(number)s. Prominent issues") % {"number": next(counter)},
        [_p(sentence)],
        tables,
    )


def _social_groups(codes) -> str:
    return ", ".join(_label(OpinionStream.SocialGroup, code) for code in codes or [])


def _quote_paragraph(quote: dict, *, include_names: bool) -> dict:
    details = []
    if quote.get("direction"):
        details.append(_label(OpinionStream.Direction, quote["direction"]))
    if quote.get("area"):
        details.append(quote["area"])
    if quote.get("social_groups"):
        details.append(_social_groups(quote["social_groups"]))
    if include_names and quote.get("author"):
        details.append(_("collaborator %(name)s") % {"name": quote["author"]})
    text = "“{}”".format(quote.get("text", "").strip())
    if details:
        text += " ({})".format("; ".join(details))
    return _p("- " + text)


def prominent_opinion(summary: Summary, snap: dict, *, draft: bool) -> dict:
    counter = iter(range(1, 10))
    parts = [_part("", paragraphs(summary.prominent_opinion, draft=draft))]
    for part in (_topics_part(snap, counter), _issues_part(snap, counter)):
        if part:
            parts.append(part)
    quotes = [q for q in summary.quotes or [] if q.get("kind", "stream") == "stream"]
    if quotes:
        parts.append(
            _part(
                _("%(number)s. Typical opinions") % {"number": next(counter)},
                [
                    _quote_paragraph(quote, include_names=summary.include_names)
                    for quote in quotes
                ],
            )
        )
    return {"title": _("Prominent opinion, by topic"), "parts": parts}


# --- III. Follow-up and briefings --------------------------------------------------


def _issue_list_table(caption: str, issues: list[dict]) -> dict:
    return _table(
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
                _label(Issue.Severity, issue.get("severity")),
                _label(Issue.Status, issue.get("status")),
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
    return _part(
        _("%(number)s. New and lingering issues") % {"number": next(counter)},
        [_p(sentence)],
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
            _table(
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
            _table(
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
    return _part(
        _("%(number)s. Follow-up") % {"number": next(counter)}, [_p(sentence)], tables
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
            _table(
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
    return _part(
        _("%(number)s. Briefing meetings") % {"number": next(counter)},
        [_p(sentence)],
        tables,
    )


def _warnings(snap: dict, counter) -> dict | None:
    warnings = snap.get("warnings")
    if not warnings:
        return None
    kinds = "; ".join(
        f"{_label(EarlyWarning.Kind, kind)}: {number(count)}"
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
            _table(
                _("Early warnings"),
                [_("No."), _("Warning"), _("Kind"), _("Unit"), _("Date")],
                [
                    [
                        n,
                        item.get("title", ""),
                        _label(EarlyWarning.Kind, item.get("kind")),
                        item.get("unit", ""),
                        day(item.get("raised_at")),
                    ]
                    for n, item in enumerate(warnings["items"][:BRIEF_ROWS], start=1)
                ],
                numeric=(0,),
            )
        )
    return _part(
        _("%(number)s. Early warnings") % {"number": next(counter)},
        [_p(sentence)],
        tables,
    )


def _sub_summaries(snap: dict, counter) -> dict | None:
    if "sub_summaries" not in snap:
        return None
    items = snap.get("sub_summaries") or []
    if not items:
        return _part(
            _("%(number)s. Summaries of sub-units") % {"number": next(counter)},
            [_p(_("No sub-unit has an approved summary for the period."))],
        )
    table = _table(
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
    return _part(
        _("%(number)s. Summaries of sub-units") % {"number": next(counter)},
        tables=[table],
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
    return _p("- " + text)


def recommendations(summary: Summary, snap: dict, *, draft: bool) -> dict:
    parts = [_part("", paragraphs(summary.recommendations, draft=draft))]
    # Proposals staff picked are the notable ones; without a pick, the snapshot's.
    picked = [q for q in summary.quotes or [] if q.get("kind") == "proposal"]
    proposals = picked or snap.get("proposals") or []
    if proposals:
        parts.append(
            _part(
                _("Proposals from collaborators"),
                [
                    _proposal_paragraph(p, include_names=summary.include_names)
                    for p in proposals
                ],
            )
        )
    return {"title": _("Recommendations to the Standing Committee"), "parts": parts}


# --- The document --------------------------------------------------------------------


def brief_document(summary: Summary) -> dict:
    """The brief's heading and sections, for every format to render."""
    snap = summary.snapshot or {}
    draft = summary.status != Summary.Status.APPROVED
    sections = [
        general_situation(summary, snap, draft=draft),
        prominent_opinion(summary, snap, draft=draft),
        follow_up_and_briefings(snap),
        {
            "title": _("Forecast"),
            "parts": [_part("", paragraphs(summary.forecast, draft=draft))],
        },
        recommendations(summary, snap, draft=draft),
    ]
    for number_, section in zip(ROMAN, sections, strict=False):
        section["number"] = number_
        section["parts"] = [
            part
            for part in section["parts"]
            if part["heading"] or part["paragraphs"] or part["tables"]
        ]
    return {
        "doc": heading(summary),
        "sections": sections,
        "draft": draft,
        "confidentiality": summary.confidentiality,
    }
