"""Hostile text shows as text: in every page, the admin, the PDFs, the Word file and
every .xlsx export.

One set of records carries the payloads wherever a user types: a report (title,
description, proposals, an opinion stream), a collaborator's name, an issue, a
meeting, a reference document and a summary's narrative.
"""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from collaborators.scoring import scores_compute
from meetings import exports as meeting_exports
from meetings import services as meeting_services
from meetings.models import Attendance, Meeting, ReferenceDocument
from meetings.tests.factories import DocumentFactory, InvitationFactory, MeetingFactory
from reports.models import Issue, OpinionReport
from reports.services import discipline_compute, period_for
from reports.tests.factories import (
    IssueFactory,
    OpinionReportFactory,
    OpinionStreamFactory,
)
from summaries import services as summary_services
from summaries.models import Summary
from summaries.renderers.pdf import render_summary_pdf
from summaries.renderers.word import render_summary_docx
from tests.support.pdf import pdf_text, squeezed

SCRIPT = "<script>alert('x')</script>"
BREAKOUT = '"><img src=x onerror=alert(1)>'
CLOSER = "</script><b>đậm</b>"
PAYLOAD = f"{SCRIPT} {BREAKOUT} {CLOSER}"
# What a browser must never receive as markup, and what it must show instead.
RAW = ("<script>alert", "<img src=x onerror", "<b>đậm</b>")
ESCAPED = "&lt;script&gt;alert("

FORMULAS = ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", '=HYPERLINK("http://x")']
CONTROLS = "".join(chr(c) for c in [*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F])
# PostgreSQL stores no NUL (the forms refuse one): saved text holds the others.
STORED_CONTROLS = CONTROLS.replace("\x00", "")


@pytest.fixture
def period(db):
    """The period before today's: its deadline has passed, so it can be summed up."""
    return period_for(day=timezone.localdate() - datetime.timedelta(days=60))


@pytest.fixture
def hostile(period, town, commune, collaborator, staff):
    """Everything a user can name, named with the payloads."""
    person = collaborator.collaborator
    person.full_name = f"Hoa {BREAKOUT}"
    person.occupation = FORMULAS[0]
    person.save()
    issue = IssueFactory(
        unit=town, created_by=staff, title=f"{FORMULAS[3]} {PAYLOAD}"[:200]
    )
    report = OpinionReportFactory(
        author=person,
        period=period,
        occurred_on=period.start,
        title=f"{FORMULAS[0]} {SCRIPT}",
        description=f"{PAYLOAD}\nfile:///etc/passwd",
        proposals=f"{FORMULAS[4]} {STORED_CONTROLS} đề nghị",
        status=OpinionReport.Status.ACCEPTED,
        reviewed_at=timezone.now(),
        issue=issue,
    )
    OpinionStreamFactory(report=report, summary=f"{FORMULAS[1]} {PAYLOAD}")
    OpinionStreamFactory(report=report, summary=f"{FORMULAS[2]} {CLOSER}", position=2)
    meeting = MeetingFactory(
        unit=town, created_by=staff, title=f"{FORMULAS[5]} {SCRIPT}", chair=BREAKOUT
    )
    InvitationFactory(meeting=meeting, collaborator=person, reason=FORMULAS[3])
    document = DocumentFactory(
        unit=town, uploaded_by=staff, title=f"Tài liệu {PAYLOAD}"
    )
    return {
        "report": report,
        "issue": issue,
        "person": person,
        "meeting": meeting,
        "document": document,
    }


@pytest.fixture
def summary(hostile, town, period, staff, django_capture_on_commit_callbacks):
    """A compiled draft of the town's summary whose narrative holds the payloads."""
    queued = summary_services.summary_request(
        unit=town, period=period, user=staff, enqueue=False
    )
    compiled = summary_services.summary_compile(summary_id=queued.pk)
    # Saving re-renders the brief once the transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        edited = summary_services.summary_edit(
            summary=compiled,
            user=staff,
            data={
                "general_situation": f"Mở đầu {PAYLOAD} hết.",
                "prominent_opinion": f"Nổi bật{STORED_CONTROLS}{SCRIPT}",
                "forecast": "Dự báo ổn định.",
                "recommendations": FORMULAS[0],
                "include_names": True,
            },
        )
    edited.refresh_from_db()
    return edited


def assert_escaped(html: str, *, expect_text: bool = True) -> None:
    for raw in RAW:
        assert raw not in html
    if expect_text:
        assert ESCAPED in html


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


# --- Pages ---------------------------------------------------------------------------


def test_staff_pages_show_the_payloads_as_text(client_of, staff, hostile, summary):
    client = client_of(staff)
    report, issue = hostile["report"], hostile["issue"]
    for url in [
        reverse("reports:report-detail", args=[report.pk]),
        reverse("reports:report-queue"),
        reverse("reports:report-queue") + "?q=script",
        reverse("reports:issue-list"),
        reverse("reports:issue-detail", args=[issue.pk]),
        reverse("meetings:meeting-list"),
        reverse("meetings:meeting-detail", args=[hostile["meeting"].pk]),
        reverse("meetings:document-list"),
        reverse("meetings:document-detail", args=[hostile["document"].pk]),
        reverse("summaries:summary-detail", args=[summary.pk]),
        reverse("summaries:summary-edit", args=[summary.pk]),
    ]:
        assert_escaped(page(client, url))
    # Names are shown on the roster; the breakout attempt stays inside its text.
    for url in [
        reverse("collaborators:collaborator-list"),
        reverse("collaborators:collaborator-detail", args=[hostile["person"].pk]),
        reverse("meetings:meeting-invitees", args=[hostile["meeting"].pk]),
    ]:
        html = page(client, url)
        assert_escaped(html, expect_text=False)
        assert "Hoa &quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in html


def test_collaborator_pages_show_the_payloads_as_text(client_of, collaborator, hostile):
    client = client_of(collaborator)
    report = hostile["report"]
    for url in [
        reverse("reports:report-list"),
        reverse("reports:report-detail", args=[report.pk]),
        reverse("home"),
    ]:
        assert_escaped(page(client, url), expect_text=url != reverse("home"))


@pytest.mark.parametrize(
    ("model", "key"),
    [
        (OpinionReport, "report"),
        (Issue, "issue"),
        (Meeting, "meeting"),
        (ReferenceDocument, "document"),
    ],
)
def test_admin_shows_the_payloads_as_text(client_of, admin_user, hostile, model, key):
    client = client_of(admin_user)
    meta = model._meta
    changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
    change = reverse(
        f"admin:{meta.app_label}_{meta.model_name}_change", args=[hostile[key].pk]
    )
    assert_escaped(page(client, changelist))
    assert_escaped(page(client, change))


def test_admin_shows_the_collaborators_name_and_summary_as_text(
    client_of, admin_user, hostile, summary
):
    client = client_of(admin_user)
    person = hostile["person"]
    for url in [
        reverse("admin:collaborators_collaborator_changelist"),
        reverse("admin:collaborators_collaborator_change", args=[person.pk]),
        reverse("admin:summaries_summary_change", args=[summary.pk]),
    ]:
        html = page(client, url)
        assert_escaped(html, expect_text=False)
        assert "&lt;img src=x onerror=alert(1)&gt;" in html


# --- PDF and Word ------------------------------------------------------------------


def test_brief_pdf_and_docx_hold_the_payloads_as_text(summary):
    text = squeezed(pdf_text(render_summary_pdf(summary)))
    assert squeezed(f"Mở đầu {PAYLOAD} hết.") in text
    # The control characters are dropped, not printed as empty boxes.
    assert squeezed(f"Nổi bật{SCRIPT}") in text
    document = Document(io.BytesIO(render_summary_docx(summary)))
    paragraphs = "\n".join(p.text for p in document.paragraphs)
    assert f"Mở đầu {PAYLOAD} hết." in paragraphs
    assert SCRIPT in paragraphs
    # The control characters were dropped, the text around them kept.
    assert "\x07" not in paragraphs


def test_summary_files_download_and_hold_the_payloads(client_of, staff, summary):
    client = client_of(staff)
    summary.refresh_from_db()
    files = {}
    for kind in ("pdf", "docx", "xlsx"):
        response = client.get(
            reverse("summaries:summary-download", args=[summary.pk, kind])
        )
        assert response.status_code == 200, kind
        files[kind] = b"".join(response.streaming_content)
    assert squeezed(SCRIPT) in squeezed(pdf_text(files["pdf"]))
    document = Document(io.BytesIO(files["docx"]))
    assert any(SCRIPT in p.text for p in document.paragraphs)
    assert_formulas_are_text(load_workbook(io.BytesIO(files["xlsx"])))


def test_minutes_pdf_holds_the_payloads_as_text(hostile, staff):
    meeting = hostile["meeting"]
    meeting_services.minutes_save(
        meeting=meeting,
        user=staff,
        secretary=BREAKOUT,
        reported_summary=f"Dư luận {STORED_CONTROLS} {CLOSER}",
        conclusions=PAYLOAD,
    )
    meeting.refresh_from_db()
    text = squeezed(pdf_text(meeting_exports.minutes_pdf(meeting)))
    assert squeezed(SCRIPT) in text  # the title
    assert squeezed(PAYLOAD) in text
    assert squeezed(f"Dư luận {CLOSER}") in text


# --- Spreadsheets -------------------------------------------------------------------


def assert_formulas_are_text(workbook) -> list:
    """Every cell is a value, never a formula; returns the text cells."""
    texts = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@", "\t")), (
                        cell.value
                    )
                    assert not any(ch in CONTROLS for ch in cell.value), cell.value
                    texts.append(cell.value)
    return texts


def holds(texts: list, payload: str) -> bool:
    """A cell shows ``payload`` as typed, behind the quote that keeps it text."""
    return any(payload in text for text in texts)


def xlsx(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    content = (
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    return load_workbook(io.BytesIO(content))


def test_every_export_keeps_formulas_and_control_characters_as_text(
    client_of, staff, hostile, summary, period, commune, collaborator
):
    client = client_of(staff)
    meeting = hostile["meeting"]
    meeting_services.attendance_record(
        meeting=meeting,
        user=staff,
        entries={
            hostile["person"].pk: (Attendance.Status.EXCUSED, f"{FORMULAS[2]} ốm")
        },
    )
    discipline_compute(period=period)
    scores_compute(year=timezone.localdate().year)

    roster = assert_formulas_are_text(
        xlsx(client, reverse("collaborators:collaborator-export"))
    )
    assert holds(roster, FORMULAS[0])
    assert holds(roster, BREAKOUT)

    attendance = assert_formulas_are_text(
        xlsx(client, reverse("meetings:meeting-attendance-xlsx", args=[meeting.pk]))
    )
    assert holds(attendance, FORMULAS[3])
    assert holds(attendance, f"{FORMULAS[2]} ốm")

    discipline = assert_formulas_are_text(
        xlsx(
            client,
            reverse("reports:discipline-export")
            + f"?period={period.pk}&unit={commune.pk}",
        )
    )
    assert holds(discipline, BREAKOUT)

    scores = assert_formulas_are_text(
        xlsx(client, reverse("collaborators:scores-export"))
    )
    assert holds(scores, BREAKOUT)

    summary.refresh_from_db()
    with summary.xlsx.open("rb") as stored:
        workbook = assert_formulas_are_text(load_workbook(io.BytesIO(stored.read())))
    for payload in (f"{FORMULAS[0]} {SCRIPT}", FORMULAS[1], FORMULAS[2]):
        assert holds(workbook, payload)
    assert holds(workbook, f"{FORMULAS[4]}  đề nghị")  # the controls dropped
    assert holds(workbook, FORMULAS[3])


def test_summary_sheets_keep_a_hostile_snapshot_as_text(summary):
    """The snapshot's sheets too: an issue title, a unit name and a topic."""
    from summaries.renderers.xlsx import write_summary_workbook

    snapshot = dict(summary.snapshot)
    snapshot["unit"] = {**snapshot["unit"], "name": FORMULAS[0] + CONTROLS}
    hostile_summary = Summary(
        unit=summary.unit,
        period=summary.period,
        status=Summary.Status.DRAFT,
        snapshot=snapshot,
    )
    buffer = io.BytesIO()
    write_summary_workbook(hostile_summary, buffer)
    buffer.seek(0)
    texts = assert_formulas_are_text(load_workbook(buffer))
    assert holds(texts, FORMULAS[0])
