"""The survey's report (báo cáo kết quả điều tra dư luận xã hội) as a Party document.

Built once (:func:`report_document`, the shape of :mod:`dluan.document`) and
rendered as the page, the PDF and the Word file: purpose and method (sample,
response, weighting, margins stated only where the sample was drawn to a plan),
then each question's figures with a chart, then the staff's words. In Vietnamese
whatever the reader's language (:func:`official_report`).
"""

from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from dluan import pdf
from dluan.document.blocks import para, paragraphs, part, table
from dluan.document.charts import horizontal_bars
from dluan.document.heading import committee
from dluan.document.numbers import number
from surveys.models import Response, Survey, SurveyReport
from surveys.selectors.results import survey_results
from surveys.stats import SMALL_CELL

ROMAN = ("I", "II", "III", "IV")
SMALL = "ít hơn 10"


def _pct(value) -> str:
    return "—" if value is None else number_format(value, 1) + "%"


def _heading(survey: Survey, report: SurveyReport) -> dict:
    issuer = pdf.issuer_lines(survey.unit)
    short, committee_name = committee(issuer)
    number_text = report.number.strip() or "\u00a0" * 8 + f"-BC/BTGDV{short}"
    if not number_text.startswith("Số"):
        number_text = f"Số {number_text}"
    moment = report.approved_at or report.edited_at
    day = timezone.localtime(moment).date() if moment else timezone.localdate()
    recipients = [line.strip() for line in report.recipients.splitlines()]
    return {
        "issuer_lines": issuer,
        "number": number_text,
        "place_date": pdf.place_and_date(survey.unit, day),
        "title": "BÁO CÁO",
        "subject": _("Results of the public opinion survey “%(title)s”")
        % {"title": survey.title},
        "confidentiality": "",
        "recipients": [line for line in recipients if line]
        or [
            _("Standing Office of the %(committee)s (for report)")
            % {"committee": committee_name},
            _("Members of the Standing Committee"),
            _("Filed: office"),
        ],
        "sign_for": report.sign_for,
        "sign_title": report.sign_title or _("Head of the Board"),
        "signer": report.signer,
    }


def _method(survey: Survey, results: dict, counts: dict) -> dict:
    lines = [
        _("Mode: %(mode)s. Carried out from %(start)s to %(end)s.")
        % {
            "mode": survey.get_mode_display(),
            "start": survey.starts_on.strftime("%d/%m/%Y"),
            "end": survey.ends_on.strftime("%d/%m/%Y"),
        }
    ]
    if survey.sample_size:
        lines.append(
            _(
                "Sample: %(n)s respondents planned (margin of error ±%(margin)s at "
                "%(confidence)s%% confidence), allocated to communes and wards %(how)s, "
                "with quotas by sex and age group."
            )
            % {
                "n": number(survey.sample_size),
                "margin": _pct(float(survey.margin_of_error) * 100),
                "confidence": survey.confidence,
                "how": survey.get_allocation_display().lower(),
            }
        )
    lines.append(
        _(
            "Response: %(submitted)s questionnaires received, %(approved)s approved "
            "after review and counted, %(rejected)s rejected."
        )
        % {
            "submitted": number(counts["submitted"]),
            "approved": number(counts["approved"]),
            "rejected": number(counts["rejected"]),
        }
    )
    if results.get("method"):
        lines.append(results["method"])
    if not results.get("moe_stated") and results.get("moe_note"):
        lines.append(results["moe_note"])
    lines.append(
        _("Cells of fewer than %(n)s answers are shown as “ít hơn 10”.")
        % {"n": SMALL_CELL}
    )
    return part(_("2. Method, sample and response"), [para(line) for line in lines])


def _question_part(number_: int, question: dict, *, stated: bool) -> dict:
    header = [_("Answer"), _("Count"), _("Percent"), _("Weighted percent")]
    if stated:
        header.append(_("Confidence interval (95 per cent)"))
    rows, bars = [], []
    for row in question.get("rows", []):
        if not row.get("shown", True):
            cells = [row["label"], SMALL, "—", "—"] + (["—"] if stated else [])
        else:
            cells = [
                row["label"],
                number(row["count"]),
                _pct(row.get("percent")),
                _pct(row.get("weighted_percent")),
            ]
            if stated:
                low, high = row.get("low"), row.get("high")
                cells.append("—" if low is None else f"{_pct(low)} – {_pct(high)}")
            bars.append((row["label"], row.get("weighted_percent")))
        rows.append(cells)
    heading = _("Question %(n)s. %(label)s") % {
        "n": number_,
        "label": question["label"],
    }
    note = _("Answered by %(n)s respondents.") % {"n": number(question.get("n", 0))}
    tables, charts = [], []
    if rows:
        tables.append(table("", header, rows, numeric=range(1, len(header))))
    if bars:
        charts.append(
            {
                "caption": question["label"],
                "svg": horizontal_bars(
                    question["label"], bars, maximum=100, suffix="%"
                ),
            }
        )
    return part(heading, [para(note, italic=True)], tables, charts)


def _counts(survey: Survey) -> dict:
    submitted = Response.objects.filter(survey=survey).submitted()
    return submitted.aggregate(
        submitted=Count("id"),
        approved=Count("id", filter=Q(review=Response.Review.APPROVED)),
        rejected=Count("id", filter=Q(review=Response.Review.REJECTED)),
    )


def report_document(survey: Survey, report: SurveyReport) -> dict:
    """The report's heading and sections, for the page, the PDF and the Word file."""
    draft = report.status != SurveyReport.Status.APPROVED
    results = survey_results(survey)
    stated = bool(results.get("moe_stated"))
    purpose = part(_("1. Purpose"), paragraphs(survey.purpose, draft=draft))
    findings = [part("", paragraphs(report.findings, draft=draft))]
    asked = [q for q in results.get("questions", []) if q.get("rows")]
    for index, question in enumerate(asked, start=1):
        findings.append(_question_part(index, question, stated=stated))
    sections = [
        {
            "title": _("Purpose and method of the survey"),
            "parts": [purpose, _method(survey, results, _counts(survey))],
        },
        {"title": _("Results of the survey"), "parts": findings},
        {
            "title": _("Assessment"),
            "parts": [part("", paragraphs(report.assessment, draft=draft))],
        },
        {
            "title": _("Recommendations"),
            "parts": [part("", paragraphs(report.recommendations, draft=draft))],
        },
    ]
    for number_, section in zip(ROMAN, sections, strict=True):
        section["number"] = number_
        section["parts"] = [
            kept
            for kept in section["parts"]
            if kept["heading"] or kept["paragraphs"] or kept["tables"]
        ]
    return {
        "doc": _heading(survey, report),
        "sections": sections,
        "draft": draft,
        "confidentiality": "",
    }


def official_report(survey: Survey, report: SurveyReport) -> dict:
    """The report as its files hold it: in Vietnamese, a Party document."""
    with translation.override("vi"):
        return report_document(survey, report)
